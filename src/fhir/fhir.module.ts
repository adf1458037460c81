import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { DiagnosesModule } from '../diagnoses/diagnoses.module.js';
import { FhirController } from './fhir.controller.js';
import { FhirService } from './fhir.service.js';

/** FHIR R4 (mCODE) export of a case. */
@Module({
  imports: [DatabaseModule, CasesModule, DiagnosesModule],
  controllers: [FhirController],
  providers: [FhirService],
})
export class FhirModule {}
