import { toAssessmentResponse } from '../diagnoses/diagnoses.service.js';
import type { DiagnosisAssessmentEntity } from '../diagnoses/entities/diagnosis-assessment.entity.js';
import { manualTransitions, type CaseStatus } from './case-workflow.js';
import type { CaseDetailDto, CaseSummaryDto } from './dto/case.dto.js';
import type { CaseEntity, Urgency } from './entities/case.entity.js';
import type { PatientEntity, Sex } from './entities/patient.entity.js';
import type { RecordType } from '../common/clinical-codes.js';

export interface CaseListRow {
  id: string;
  status: CaseStatus;
  clinic_id: string;
  urgency: Urgency;
  reason: string;
  synthetic: boolean;
  created_at: Date;
  created_key: string;
  patient_id: string;
  mrn: string;
  family_name: string;
  given_name: string;
  birth_date: string;
  sex: Sex;
  dx_source: string | null;
  dx_site: string | null;
  dx_histology: string | null;
  next_visit_at: Date | null;
  next_board_at: Date | null;
}

export function toCaseSummary(row: CaseListRow, gaps: RecordType[] = []): CaseSummaryDto {
  return {
    id: row.id,
    status: row.status,
    clinicId: row.clinic_id,
    urgency: row.urgency,
    reason: row.reason,
    synthetic: row.synthetic,
    createdAt: row.created_at.toISOString(),
    patient: {
      id: row.patient_id,
      mrn: row.mrn,
      familyName: row.family_name,
      givenName: row.given_name,
      birthDate: row.birth_date,
      sex: row.sex,
    },
    diagnosis:
      row.dx_source === null ? null : { source: row.dx_source, primarySite: row.dx_site, histology: row.dx_histology },
    readinessGaps: gaps,
    nextVisitAt: row.next_visit_at?.toISOString() ?? null,
    nextBoardAt: row.next_board_at?.toISOString() ?? null,
  };
}

export function toCaseDetail(
  c: CaseEntity,
  p: PatientEntity,
  referring: DiagnosisAssessmentEntity | null,
): CaseDetailDto {
  return {
    id: c.id,
    status: c.status,
    clinicId: c.clinicId,
    urgency: c.urgency,
    reason: c.reason,
    synthetic: c.synthetic,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    version: c.version,
    initiator: c.initiator,
    referringClinician: c.referringClinician,
    referringInstitution: c.referringInstitution,
    referringEmail: c.referringEmail,
    firstTreatmentDate: c.firstTreatmentDate,
    siteOverride: c.siteOverrideReason === null ? null : { reason: c.siteOverrideReason },
    referringRecommendation: c.referringRecommendation,
    referringDiagnosis: referring === null ? null : toAssessmentResponse(referring),
    allowedTransitions: manualTransitions(c.status),
    patient: {
      id: p.id,
      mrn: p.mrn,
      familyName: p.familyName,
      givenName: p.givenName,
      birthDate: p.birthDate,
      sex: p.sex,
    },
    patientDetail: { sex: p.sex, phone: p.phone, email: p.email, consentToRecord: p.consentToRecord },
  };
}
