/**
 * Histologic grade by the system valid for the site. Pure.
 *
 * - Breast: Nottingham combined histologic grade G1–G3 (Elston & Ellis,
 *   Histopathology 1991;19:403; AJCC 8 ch. 48). There is no G4.
 * - Prostate: ISUP grade group 1–5 from the Gleason pattern (Epstein et al.,
 *   Am J Surg Pathol 2016;40:244): 3+3 → 1, 3+4 → 2, 4+3 → 3, 4+4/3+5/5+3 → 4,
 *   4+5/5+4/5+5 → 5.
 * - CNS: WHO CNS grade 1–4 (WHO CNS5, Louis et al., Neuro Oncol 2021;23:1231).
 * - Two-tier low/high: ovarian serous carcinoma (Malpica et al., Am J Surg
 *   Pathol 2004;28:496) and urothelial carcinoma (WHO 2016/2022).
 * - Soft-tissue sarcoma: FNCLCC grade G1–G3 (Trojani et al., Int J Cancer
 *   1984;33:37; AJCC 8 ch. 40–45); GIST is graded by mitotic rate, low or
 *   high (AJCC 8 ch. 43).
 * - Elsewhere: G1–G4 (G4 undifferentiated), GX.
 */

export const GRADES = [
  'G1',
  'G2',
  'G3',
  'G4',
  'GX',
  'low',
  'high',
  'GG1',
  'GG2',
  'GG3',
  'GG4',
  'GG5',
  'WHO1',
  'WHO2',
  'WHO3',
  'WHO4',
] as const;
export type Grade = (typeof GRADES)[number];

export interface Gleason {
  primary: number;
  secondary: number;
  tertiary?: number | null;
}

export type GradeSystem = 'nottingham' | 'isup' | 'who_cns' | 'two_tier' | 'fnclcc' | 'general';

const siteOf = (topography: string | null): string => (topography ?? '').slice(0, 3);

/** The grading system for a site (and histology where it decides it). */
export function gradeSystem(topography: string | null, histology: string | null): GradeSystem {
  const site = siteOf(topography);
  if (site === 'C50') return 'nottingham';
  if (site === 'C61') return 'isup';
  if (site === 'C70' || site === 'C71' || site === 'C72') return 'who_cns';
  const h = (histology ?? '').slice(0, 4);
  if ((site === 'C56' || site === 'C57' || site === 'C48') && (h === '8460' || h === '8461' || h === '8441'))
    return 'two_tier';
  if ((site === 'C67' || site === 'C65' || site === 'C66' || site === 'C68') && h.startsWith('812')) return 'two_tier';
  if (h === '8936') return 'two_tier'; // GIST: low or high mitotic rate
  const n = h === '' ? Number.NaN : Number(h);
  // Sarcomas (soft tissue 8800–8991, synovial 9040–9044, vascular and bone 9120–9373).
  if ((n >= 8800 && n <= 8991) || (n >= 9040 && n <= 9044) || (n >= 9120 && n <= 9373)) return 'fnclcc';
  return 'general';
}

export const GRADES_BY_SYSTEM: Record<GradeSystem, readonly Grade[]> = {
  nottingham: ['G1', 'G2', 'G3', 'GX'],
  isup: ['GG1', 'GG2', 'GG3', 'GG4', 'GG5', 'GX'],
  who_cns: ['WHO1', 'WHO2', 'WHO3', 'WHO4'],
  two_tier: ['low', 'high', 'GX'],
  fnclcc: ['G1', 'G2', 'G3', 'GX'],
  general: ['G1', 'G2', 'G3', 'G4', 'GX'],
};

export const GRADE_SYSTEM_WORDS: Record<GradeSystem, string> = {
  nottingham: 'the Nottingham grade G1, G2 or G3 (or GX)',
  isup: 'an ISUP grade group GG1–GG5 (with the Gleason pattern)',
  who_cns: 'a WHO CNS grade WHO1–WHO4',
  two_tier: 'a two-tier grade, low or high',
  fnclcc: 'an FNCLCC grade G1, G2 or G3 (or GX)',
  general: 'a grade G1, G2, G3, G4 or GX',
};

/** The ISUP grade group of a Gleason pattern (Epstein 2016). */
export function isupGradeGroup(g: Gleason): Grade | undefined {
  const { primary: p, secondary: s } = g;
  if (![3, 4, 5].includes(p) || ![3, 4, 5].includes(s)) return undefined;
  const sum = p + s;
  if (sum === 6) return 'GG1';
  if (sum === 7) return p === 3 ? 'GG2' : 'GG3';
  if (sum === 8) return 'GG4';
  return 'GG5';
}

export const GRADE_WORDS: Record<Grade, string> = {
  G1: 'grade 1 (well differentiated)',
  G2: 'grade 2 (moderately differentiated)',
  G3: 'grade 3 (poorly differentiated)',
  G4: 'grade 4 (undifferentiated)',
  GX: 'grade cannot be assessed',
  low: 'low grade',
  high: 'high grade',
  GG1: 'ISUP grade group 1',
  GG2: 'ISUP grade group 2',
  GG3: 'ISUP grade group 3',
  GG4: 'ISUP grade group 4',
  GG5: 'ISUP grade group 5',
  WHO1: 'CNS WHO grade 1',
  WHO2: 'CNS WHO grade 2',
  WHO3: 'CNS WHO grade 3',
  WHO4: 'CNS WHO grade 4',
};
