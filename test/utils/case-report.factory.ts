import type { CaseReport, ReportDiagnosis } from '../../src/case-report/case-report.js';

/** The referral's reading of a breast case: HER2-low, node negative. */
export function aReferringDiagnosis(overrides: Partial<ReportDiagnosis> = {}): ReportDiagnosis {
  return {
    primarySite: 'C50.4',
    histology: '8500/3',
    laterality: 'left',
    grade: 'G2',
    stages: ['Clinical: cT2 cN0 cM0, group IIA (anatomic)'],
    biomarkers: [
      { name: 'ER', value: 'positive (90%)' },
      { name: 'HER2', value: '1+' },
    ],
    additionalCancers: [],
    malignant: true,
    ...overrides,
  };
}

/** The board's reading: HER2-positive, node positive. */
export function aBoardDiagnosis(overrides: Partial<ReportDiagnosis> = {}): ReportDiagnosis {
  return aReferringDiagnosis({
    stages: ['Clinical: cT2 cN1 cM0, group IIB (anatomic)'],
    biomarkers: [
      { name: 'ER', value: 'positive (90%)' },
      { name: 'HER2', value: '3+' },
    ],
    ...overrides,
  });
}

/** A signed, major-discordance breast case (the HER2 re-read of issue 13). */
export function aCaseReport(overrides: Partial<CaseReport> = {}): CaseReport {
  return {
    patient: { name: 'Łukasz Żółć', mrn: 'MRN-0042', birthDate: '1968-03-14' },
    referringClinician: 'Dr. R. Referrer',
    referringInstitution: 'Community Hospital',
    clinic: { name: 'Breast MDC', timeZone: 'Europe/Warsaw' },
    generatedAt: '2026-12-02T09:30:00.000Z',
    referring: aReferringDiagnosis(),
    board: aBoardDiagnosis(),
    change: {
      concordance: 'major',
      changeTypes: ['biomarker', 'stage'],
      managementImpact: 'changed',
      details: ['HER2: low (IHC 1+) → positive (IHC 3+)', 'Clinical N: cN0 → cN1'],
      treatmentChanges: ['Surgery: lumpectomy → mastectomy', 'Systemic therapy: endocrine therapy → neoadjuvant TCHP'],
    },
    plan: {
      status: 'signed',
      number: 2,
      items: [
        { sequence: 1, modality: 'systemic_therapy', intent: 'curative', description: 'neoadjuvant TCHP' },
        { sequence: 1, modality: 'genetic_counseling', intent: 'diagnostic', description: 'germline BRCA testing' },
        {
          sequence: 2,
          modality: 'surgery',
          intent: 'curative',
          description: 'mastectomy with axillary lymph node dissection',
        },
        { sequence: 3, modality: 'radiation', intent: 'curative', description: 'post-mastectomy radiation therapy' },
      ],
      summary: 'HER2-positive, node-positive disease: neoadjuvant anti-HER2 therapy first.',
      signedAt: '2026-12-01T13:05:00.000Z',
      signer: { name: 'Dr. Anna Nowak', role: 'Chair of the tumor board', disciplines: ['medical_oncology'] },
    },
    referringRecommendation: [
      { sequence: 1, modality: 'surgery', intent: 'curative', description: 'lumpectomy with sentinel node biopsy' },
      { sequence: 2, modality: 'systemic_therapy', intent: 'curative', description: 'adjuvant endocrine therapy' },
    ],
    dissent: [{ discipline: 'surgical_oncology', vote: 'agree_with_reservations', comment: 'margins noted' }],
    trials: [
      {
        nctId: 'NCT04000001',
        title: 'Neoadjuvant anti-HER2 therapy in stage II–III breast cancer',
        phase: '3',
        eligibility: 'eligible',
      },
      {
        nctId: 'NCT04000003',
        title: 'Dual blockade with ECOG not recorded',
        phase: '2',
        eligibility: 'possibly_eligible',
      },
      {
        nctId: 'NCT04000002',
        title: 'Endocrine therapy for HR+/HER2− disease',
        phase: '3',
        eligibility: 'not_eligible',
      },
    ],
    ...overrides,
  };
}
