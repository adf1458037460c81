import { Module } from '@nestjs/common';
import { ClinicsModule } from '../clinics/clinics.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

/** Concordance and conference (accreditation) reports, computed from the records. */
@Module({
  imports: [DatabaseModule, ClinicsModule],
  controllers: [ReportsController],
  providers: [ReportsService],
})
export class ReportsModule {}
