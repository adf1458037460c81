/**
 * Clinical vocabularies and code formats (DOMAIN.md). Pure: used by DTO
 * validators, services and tests alike.
 */

export const DISCIPLINES = [
  'medical_oncology',
  'surgical_oncology',
  'radiation_oncology',
  'pathology',
  'radiology',
  'genetic_counseling',
  'nurse_navigation',
  'palliative_care',
  'other',
] as const;
export type Discipline = (typeof DISCIPLINES)[number];

export const RECORD_TYPES = [
  'pathology_report',
  'operative_report',
  'discharge_summary',
  'imaging_ct',
  'imaging_mri',
  'imaging_xray',
  'imaging_pet',
  'imaging_other',
  'medication_list',
  'prior_treatments',
  'lab_result',
  'genetic_test',
  'other',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const CONSENSUS_RULES = ['unanimous_required_disciplines', 'majority_without_required_dissent'] as const;
export type ConsensusRule = (typeof CONSENSUS_RULES)[number];

/** ICD-O-3 topography, C00.0–C80.9. */
export const TOPOGRAPHY = /^C(?:[0-7]\d|80)\.\d$/;
export const TOPOGRAPHY_FORM = 'an ICD-O-3 topography code C00.0–C80.9, e.g. C50.4';

/** A clinic's cancer types: a site (C50), a code (C50.4) or a range of either (C18-C21, C18.0-C18.9). */
export const TOPOGRAPHY_PATTERN = /^C(?:[0-7]\d|80)(?:\.\d)?(?:-C(?:[0-7]\d|80)(?:\.\d)?)?$/;
export const TOPOGRAPHY_PATTERN_FORM = 'an ICD-O-3 site, code or range, e.g. C50, C50.4, C18-C21';

/** ICD-O-3 morphology with behaviour: NNNN/B, B in 0 1 2 3 6. */
export const MORPHOLOGY = /^\d{4}\/[01236]$/;
export const MORPHOLOGY_FORM = 'an ICD-O-3 morphology with behaviour NNNN/B (B = 0, 1, 2, 3 or 6), e.g. 8500/3';

export const T_CATEGORY = /^T(?:X|0|is|is\((?:DCIS|Paget)\)|1mi|[1-4][a-e]?\d?)$/;
export const N_CATEGORY = /^N(?:X|0|0\(i[+-]\)|0\(mol[+-]\)|1mi|[1-3][a-c]?)$/;
export const M_CATEGORY = /^M(?:X|0|0\(i\+\)|1[a-d]?\d?)$/;
export const STAGE_GROUP = /^(?:0|0is|I|II|III|IV|IS)(?:[ABC][1-3]?)?$/;
export const TNM_FORMS = {
  t: 'a TNM T category, e.g. TX, T0, Tis, T1mi, T1c, T4b',
  n: 'a TNM N category, e.g. NX, N0, N0(i+), N1mi, N2a',
  m: 'a TNM M category, e.g. M0, M1, M1b',
  stage: 'an AJCC stage group, e.g. 0, IA, IIB, IIIC, IV',
} as const;

export const NCT_ID = /^NCT\d{8}$/;
export const NCT_FORM = 'a ClinicalTrials.gov id NCT followed by 8 digits, e.g. NCT01234567';

const siteNumber = (code: string): number => {
  const m = /^C(\d\d)(?:\.(\d))?$/.exec(code);
  if (m === null) return Number.NaN;
  return Number(m[1]) * 10 + (m[2] === undefined ? 0 : Number(m[2]));
};

/** Whether a topography code (C50.4) falls under a clinic pattern (C50, C50.4, C18-C21, C18.0-C18.9). */
export function topographyMatches(pattern: string, code: string): boolean {
  if (!TOPOGRAPHY.test(code) || !TOPOGRAPHY_PATTERN.test(pattern)) return false;
  const [from, to = from] = pattern.split('-') as [string, string?];
  const value = siteNumber(code);
  const low = siteNumber(from);
  // A bare site (C50) covers all its subsites (C50.0–C50.9).
  const high = to.includes('.') ? siteNumber(to) : siteNumber(to) + 9;
  return value >= low && value <= high;
}

/** HH:mm, 00:00–24:00. */
export const CLOCK_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export function minutesOfDay(clock: string): number {
  const [h, m] = clock.split(':').map(Number) as [number, number];
  return h * 60 + m;
}
