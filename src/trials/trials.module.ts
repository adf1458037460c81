import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { ClinicsModule } from '../clinics/clinics.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { DiagnosesModule } from '../diagnoses/diagnoses.module.js';
import { TrialsController } from './trials.controller.js';
import { TrialsService } from './trials.service.js';

/** Clinical trials and their matching to cases. */
@Module({
  imports: [DatabaseModule, CasesModule, ClinicsModule, DiagnosesModule],
  controllers: [TrialsController],
  providers: [TrialsService],
  exports: [TrialsService],
})
export class TrialsModule {}
