/**
 * The clinical history a patient brings to a second opinion, as one
 * versioned document per case (DESIGN.md "What patients bring"; issue 13
 * item 3). Pure types and vocabularies: no Nest, no database.
 */
import type { Modality } from '../entities/case.entity.js';

/** When a past treatment was given relative to the cancer's course. */
export const HISTORY_SETTINGS = ['neoadjuvant', 'adjuvant', 'metastatic', 'definitive', 'palliative'] as const;
export type HistorySetting = (typeof HISTORY_SETTINGS)[number];

/** Best response, RECIST-like (Eisenhauer et al., Eur J Cancer 2009, RECIST 1.1). */
export const BEST_RESPONSES = [
  'complete_response',
  'partial_response',
  'stable_disease',
  'progressive_disease',
  'not_evaluable',
  'unknown',
] as const;
export type BestResponse = (typeof BEST_RESPONSES)[number];

export const MEDICATION_ROUTES = [
  'oral',
  'intravenous',
  'subcutaneous',
  'intramuscular',
  'topical',
  'transdermal',
  'inhaled',
  'intranasal',
  'rectal',
  'vaginal',
  'ophthalmic',
  'intrathecal',
  'other',
] as const;
export type MedicationRoute = (typeof MEDICATION_ROUTES)[number];

export const ALLERGY_SEVERITIES = ['mild', 'moderate', 'severe', 'life_threatening', 'unknown'] as const;
export type AllergySeverity = (typeof ALLERGY_SEVERITIES)[number];

/** First-, second- and third-degree relatives, as a genetic counselor draws a pedigree. */
export const RELATIVES = [
  'mother',
  'father',
  'sister',
  'brother',
  'daughter',
  'son',
  'half_sister',
  'half_brother',
  'maternal_grandmother',
  'maternal_grandfather',
  'paternal_grandmother',
  'paternal_grandfather',
  'maternal_aunt',
  'maternal_uncle',
  'paternal_aunt',
  'paternal_uncle',
  'niece',
  'nephew',
  'granddaughter',
  'grandson',
  'maternal_cousin',
  'paternal_cousin',
  'other',
] as const;
export type Relative = (typeof RELATIVES)[number];

export const MENOPAUSAL_STATUSES = [
  'premenopausal',
  'perimenopausal',
  'postmenopausal',
  'not_applicable',
  'unknown',
] as const;
export type MenopausalStatus = (typeof MENOPAUSAL_STATUSES)[number];

export const PREGNANCY_STATUSES = ['pregnant', 'not_pregnant', 'unknown', 'not_applicable'] as const;
export type PregnancyStatus = (typeof PREGNANCY_STATUSES)[number];

export const TEST_ORIGINS = ['germline', 'somatic'] as const;
export type TestOrigin = (typeof TEST_ORIGINS)[number];

/** ACMG/AMP five-tier classification (Richards et al., Genet Med 2015), plus no variant found. */
export const TEST_RESULTS = [
  'pathogenic',
  'likely_pathogenic',
  'vus',
  'likely_benign',
  'benign',
  'negative',
  'not_detected',
] as const;
export type TestResult = (typeof TEST_RESULTS)[number];
/** Results that report no variant: they name no variant, and may name no gene (a negative panel). */
export const NO_VARIANT_RESULTS: readonly TestResult[] = ['negative', 'not_detected'];

export interface PriorTreatment {
  modality: Modality;
  /** Generic names, as written. */
  drugs: string[];
  /** A regimen by its name, e.g. "TCHP" or "FOLFOX". */
  regimen: string | null;
  startDate: string | null;
  endDate: string | null;
  /** Line of therapy, 1–10. */
  line: number | null;
  setting: HistorySetting | null;
  bestResponse: BestResponse | null;
  institution: string | null;
  notes: string | null;
}

export interface Medication {
  name: string;
  dose: string | null;
  route: MedicationRoute | null;
  frequency: string | null;
  startDate: string | null;
}

export interface Comorbidity {
  description: string;
  /** ICD-10-CM, e.g. E11.9. */
  icd10cm: string | null;
}

export interface Allergy {
  substance: string;
  reaction: string | null;
  severity: AllergySeverity | null;
}

export interface FamilyHistoryEntry {
  relative: Relative;
  /** The condition or cancer site, e.g. "breast cancer". */
  condition: string;
  ageAtDiagnosis: number | null;
}

export interface GeneticTestResult {
  testName: string;
  origin: TestOrigin;
  /** HGNC symbol; may be absent only for a negative result (a whole panel). */
  gene: string | null;
  /** HGVS, e.g. c.5266dupC or p.V600E. */
  variant: string | null;
  result: TestResult;
  date: string | null;
  lab: string | null;
}

/** One version of a case's patient history. */
export interface PatientHistory {
  treatments: PriorTreatment[];
  medications: Medication[];
  comorbidities: Comorbidity[];
  allergies: Allergy[];
  familyHistory: FamilyHistoryEntry[];
  menopausalStatus: MenopausalStatus | null;
  pregnancyStatus: PregnancyStatus | null;
  /** Weeks of gestation, only when pregnant. */
  pregnancyWeeks: number | null;
  geneticTests: GeneticTestResult[];
  /** The first cancer-directed treatment (done or planned), for the prospective-presentation metric. */
  firstTreatmentDate: string | null;
  /** What the referring doctor asks the board. */
  referringQuestion: string | null;
  /** What matters to the patient: goals, preferences, what they would not accept. */
  patientGoals: string | null;
}

/** The top-level sections, in document order (the event names the ones a version changed). */
export const HISTORY_SECTIONS = [
  'treatments',
  'medications',
  'comorbidities',
  'allergies',
  'familyHistory',
  'menopausalStatus',
  'pregnancyStatus',
  'pregnancyWeeks',
  'geneticTests',
  'firstTreatmentDate',
  'referringQuestion',
  'patientGoals',
] as const satisfies readonly (keyof PatientHistory)[];

export function emptyHistory(): PatientHistory {
  return {
    treatments: [],
    medications: [],
    comorbidities: [],
    allergies: [],
    familyHistory: [],
    menopausalStatus: null,
    pregnancyStatus: null,
    pregnancyWeeks: null,
    geneticTests: [],
    firstTreatmentDate: null,
    referringQuestion: null,
    patientGoals: null,
  };
}

/** JSON with object keys sorted: PostgreSQL's jsonb does not keep the order they were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The sections whose content differs between two versions. */
export function changedSections(before: PatientHistory, after: PatientHistory): (keyof PatientHistory)[] {
  return HISTORY_SECTIONS.filter((s) => canonical(before[s]) !== canonical(after[s]));
}
