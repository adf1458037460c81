import path from 'node:path';
import { Module } from '@nestjs/common';
import { EventLogModule } from '../events/event-log.module.js';
import { ClinicsModule } from '../clinics/clinics.module.js';
import { AppConfig } from '../config/app-config.js';
import { DatabaseModule } from '../database/database.module.js';
import { DiagnosesModule } from '../diagnoses/diagnoses.module.js';
import { CaseAccessService } from './case-access.service.js';
import { CasesController } from './cases.controller.js';
import { CasesService } from './cases.service.js';
import { HistoryController } from './history/history.controller.js';
import { HistoryService } from './history/history.service.js';
import { ReadinessService } from './readiness.service.js';
import { FileSystemRecordStorage, RecordStorage } from './record-storage.js';
import { RecordsController } from './records.controller.js';
import { RecordsService } from './records.service.js';

@Module({
  imports: [DatabaseModule, ClinicsModule, DiagnosesModule, EventLogModule],
  controllers: [CasesController, RecordsController, HistoryController],
  providers: [
    CasesService,
    CaseAccessService,
    HistoryService,
    ReadinessService,
    RecordsService,
    {
      provide: RecordStorage,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new FileSystemRecordStorage(path.join(config.dataDir, 'records')),
    },
  ],
  exports: [CasesService, CaseAccessService, HistoryService, RecordsService],
})
export class CasesModule {}
