import { Module } from '@nestjs/common';
import { CaseReportModule } from '../case-report/case-report.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { DiagnosesModule } from '../diagnoses/diagnoses.module.js';
import { FhirImportController } from './fhir-import.controller.js';
import { FhirController } from './fhir.controller.js';
import { FhirService } from './fhir.service.js';
import { FhirReferralImportService } from './referral-import.service.js';

/** FHIR R4 (mCODE): a case's Bundle out, a referral's Bundle in. */
@Module({
  imports: [DatabaseModule, CasesModule, DiagnosesModule, CaseReportModule],
  controllers: [FhirController, FhirImportController],
  providers: [FhirService, FhirReferralImportService],
})
export class FhirModule {}
