import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { DiagnosesModule } from '../diagnoses/diagnoses.module.js';
import { PlansModule } from '../plans/plans.module.js';
import { TrialsModule } from '../trials/trials.module.js';
import { CaseReportController, LetterLinkController } from './case-report.controller.js';
import { CaseReportService } from './case-report.service.js';

/** The second-opinion report (letter and patient summary) as HTML and PDF. */
@Module({
  imports: [DatabaseModule, CasesModule, DiagnosesModule, TrialsModule, PlansModule],
  controllers: [CaseReportController, LetterLinkController],
  providers: [CaseReportService],
  exports: [CaseReportService],
})
export class CaseReportModule {}
