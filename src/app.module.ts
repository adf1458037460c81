import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BoardModule } from './board/board.module.js';
import { CasesModule } from './cases/cases.module.js';
import { ClinicsModule } from './clinics/clinics.module.js';
import { SchedulingModule } from './scheduling/scheduling.module.js';
import { SpecialistsModule } from './specialists/specialists.module.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { createValidationPipe } from './common/validation.js';
import { AppConfig } from './config/app-config.js';
import { AppConfigModule } from './config/config.module.js';
import type { Env } from './config/env.schema.js';
import { DatabaseModule } from './database/database.module.js';
import { ReviewModule } from './diagnoses/review.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { PlansModule } from './plans/plans.module.js';
import { FollowUpModule } from './follow-up/follow-up.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { TrialsModule } from './trials/trials.module.js';
import { FhirModule } from './fhir/fhir.module.js';
import { CaseReportModule } from './case-report/case-report.module.js';
import { HealthModule } from './health/health.module.js';
import { pinoHttpParams } from './logging.js';

@Module({})
export class AppModule {
  /** The whole application for a validated environment (server, tests, CLI). */
  static forRoot(env: Env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(env),
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({ pinoHttp: pinoHttpParams(config.logLevel, config.logFormat) }),
        }),
        DatabaseModule,
        AuditModule,
        AuthModule,
        NotificationsModule,
        HealthModule.forRoot(),
        ClinicsModule,
        SpecialistsModule,
        CasesModule,
        SchedulingModule,
        BoardModule,
        ReviewModule,
        ReportsModule,
        PlansModule,
        FollowUpModule,
        TrialsModule,
        FhirModule,
        CaseReportModule,
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
