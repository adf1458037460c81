import { Module } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { EventLogModule } from '../events/event-log.module.js';
import { ClinicsModule } from '../clinics/clinics.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { TransactionContext } from '../database/transaction-context.js';
import { DiagnosesModule } from '../diagnoses/diagnoses.module.js';
import { CaseAccessService } from './case-access.service.js';
import { CasesController } from './cases.controller.js';
import { CasesService } from './cases.service.js';
import { HistoryController } from './history/history.controller.js';
import { HistoryService } from './history/history.service.js';
import { ReadinessService } from './readiness.service.js';
import { PostgresRecordStorage } from './postgres-record-storage.js';
import { RecordStorage } from './record-storage.js';
import { RecordsController } from './records.controller.js';
import { RecordsService } from './records.service.js';
import { RecordTilesService } from './record-tiles.service.js';

@Module({
  imports: [DatabaseModule, ClinicsModule, DiagnosesModule, EventLogModule],
  controllers: [CasesController, RecordsController, HistoryController],
  providers: [
    CasesService,
    CaseAccessService,
    HistoryService,
    ReadinessService,
    RecordsService,
    RecordTilesService,
    {
      // Downloads read on the pool: they stream after the request's handler (and any transaction) ended.
      provide: RecordStorage,
      inject: [TransactionContext, DataSource],
      useFactory: (tx: TransactionContext, dataSource: DataSource) =>
        new PostgresRecordStorage(tx, (dataSource.driver as PostgresDriver).master as Pool),
    },
  ],
  exports: [CasesService, CaseAccessService, HistoryService, RecordsService],
})
export class CasesModule {}
