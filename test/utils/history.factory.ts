import type { GeneticTestResult, PatientHistory, PriorTreatment } from '../../src/cases/history/history.types.js';
import { emptyHistory } from '../../src/cases/history/history.types.js';

/** A prior treatment as stored (every field present). */
export function aTreatment(overrides: Partial<PriorTreatment> = {}): PriorTreatment {
  return {
    modality: 'systemic_therapy',
    drugs: [],
    regimen: null,
    startDate: null,
    endDate: null,
    line: null,
    setting: null,
    bestResponse: null,
    institution: null,
    notes: null,
    ...overrides,
  };
}

export function aGeneticTest(overrides: Partial<GeneticTestResult> = {}): GeneticTestResult {
  return {
    testName: 'Hereditary cancer panel',
    origin: 'germline',
    gene: 'BRCA2',
    variant: 'c.5946delT',
    result: 'pathogenic',
    date: null,
    lab: null,
    ...overrides,
  };
}

/** A stored history document. */
export function aHistory(overrides: Partial<PatientHistory> = {}): PatientHistory {
  return { ...emptyHistory(), ...overrides };
}

/**
 * A metastatic HER2-positive breast cancer history as a referral brings it,
 * in the shape of the API's request body.
 */
export function historyBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    treatments: [
      {
        modality: 'systemic_therapy',
        regimen: 'TCHP',
        startDate: '2023-01-10',
        endDate: '2023-05-02',
        line: 1,
        setting: 'neoadjuvant',
        bestResponse: 'partial_response',
        institution: 'Community Hospital',
      },
      {
        modality: 'surgery',
        startDate: '2023-06-01',
        endDate: '2023-06-01',
        setting: 'definitive',
        notes: 'mastectomy + SLNB',
      },
      {
        modality: 'systemic_therapy',
        drugs: ['trastuzumab deruxtecan'],
        startDate: '2024-09-15',
        line: 2,
        setting: 'metastatic',
        bestResponse: 'stable_disease',
      },
    ],
    medications: [
      { name: 'metformin', dose: '500 mg', route: 'oral', frequency: 'twice daily', startDate: '2019-03-01' },
    ],
    comorbidities: [{ description: 'type 2 diabetes mellitus', icd10cm: 'E11.9' }],
    allergies: [{ substance: 'penicillin', reaction: 'hives', severity: 'moderate' }],
    familyHistory: [{ relative: 'mother', condition: 'ovarian cancer', ageAtDiagnosis: 52 }],
    menopausalStatus: 'postmenopausal',
    pregnancyStatus: 'not_pregnant',
    geneticTests: [
      {
        testName: 'Hereditary breast and ovarian cancer panel',
        origin: 'germline',
        gene: 'BRCA2',
        variant: 'c.5946delT',
        result: 'pathogenic',
        date: '2023-02-01',
        lab: 'Genetics Lab',
      },
      { testName: 'Tumour NGS', origin: 'somatic', gene: 'PIK3CA', variant: 'p.H1047R', result: 'pathogenic' },
    ],
    referringQuestion: 'When she progresses on T-DXd, is tucatinib-based therapy reasonable, or is there a trial?',
    patientGoals: 'Wants to keep working; would rather avoid hair loss again.',
    ...overrides,
  };
}
