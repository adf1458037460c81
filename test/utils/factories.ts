import request from 'supertest';
import { bearer, type TestApp, type Tokens } from './test-app.js';

/** A breast MDC as a coordinator would configure it. */
export function breastClinicBody(
  name = `Breast MDC ${Math.random().toString(36).slice(2, 8)}`,
): Record<string, unknown> {
  return {
    name,
    timeZone: 'America/Denver',
    dayStart: '08:00',
    dayEnd: '17:00',
    cancerTypes: ['C50'],
    requiredDisciplines: [
      { discipline: 'radiology', minutes: 30, patientAttends: false },
      { discipline: 'pathology', minutes: 30, patientAttends: false },
      { discipline: 'surgical_oncology', minutes: 45, patientAttends: true },
      { discipline: 'medical_oncology', minutes: 45, patientAttends: true },
      { discipline: 'radiation_oncology', minutes: 30, patientAttends: true },
      { discipline: 'genetic_counseling', minutes: 30, patientAttends: true },
    ],
    precedence: [
      { before: 'radiology', after: 'surgical_oncology' },
      { before: 'pathology', after: 'surgical_oncology' },
    ],
    requiredRecordTypes: ['pathology_report', 'imaging_mri', 'medication_list'],
    readinessRules: [
      { recordType: 'lab_result', maxAgeDays: 14 },
      { recordType: 'imaging_mri', maxAgeDays: 42 },
    ],
    quorumDisciplines: ['surgical_oncology', 'medical_oncology', 'radiation_oncology', 'pathology', 'radiology'],
    consensusRule: 'majority_without_required_dissent',
  };
}

export async function createClinic(
  t: TestApp,
  admin: Tokens,
  body = breastClinicBody(),
): Promise<{ id: string; version: number }> {
  const res = await request(t.http).post('/api/clinics').set(bearer(admin)).send(body);
  if (res.status !== 201) throw new Error(`clinic: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; version: number };
}

export async function addMember(t: TestApp, admin: Tokens, clinicId: string, userId: string): Promise<void> {
  const res = await request(t.http).put(`/api/clinics/${clinicId}/members/${userId}`).set(bearer(admin));
  if (res.status !== 204) throw new Error(`member: ${res.status} ${JSON.stringify(res.body)}`);
}

let mrnCounter = 0;

/** A referral as a coordinator would send it. */
export function referralBody(clinicId?: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  mrnCounter += 1;
  return {
    patient: {
      mrn: `T${Date.now().toString(36)}${mrnCounter}`.toUpperCase(),
      familyName: 'Testpatient',
      givenName: 'Synthetic',
      birthDate: '1968-04-12',
      sex: 'female',
      consentToRecord: true,
    },
    ...(clinicId !== undefined ? { clinicId } : {}),
    referringClinician: 'Dr. R. Referrer',
    referringInstitution: 'Community Hospital',
    reason: 'patient_request',
    initiator: 'patient',
    urgency: 'routine',
    referringDiagnosis: {
      primarySite: 'C50.4',
      histology: '8500/3',
      laterality: 'left',
      grade: 'G2',
      clinicalStage: { t: 'T2', n: 'N0', m: 'M0', stageGroup: 'IIA' },
      ajccEdition: 8,
      biomarkers: [
        { name: 'ER', value: 'positive (90%)', method: 'IHC' },
        { name: 'HER2', value: '1+', method: 'IHC' },
      ],
      malignant: true,
      ecog: 0,
    },
    referringRecommendation: {
      items: [
        { modality: 'surgery', intent: 'curative', sequence: 1, description: 'lumpectomy with sentinel node biopsy' },
        { modality: 'radiation', intent: 'curative', sequence: 2 },
        { modality: 'systemic_therapy', intent: 'curative', sequence: 3, description: 'endocrine therapy' },
      ],
    },
    ...overrides,
  };
}
