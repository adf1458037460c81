/**
 * Referring diagnosis vs board diagnosis, classified as DOMAIN.md states it.
 * Pure: no Nest, no database.
 *
 * Only what both sides state can differ: a value one side leaves unknown is
 * missing information, not a change (an added finding is, as an additional
 * cancer or a new biomarker result on the board side).
 */

export const CHANGE_TYPES = [
  'malignancy',
  'primary_site',
  'histology',
  'grade',
  'stage',
  'biomarker',
  'laterality',
  'additional_cancer',
  'germline_finding',
] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];
export const CONCORDANCE = ['concordant', 'minor', 'major'] as const;
export type Concordance = (typeof CONCORDANCE)[number];
export const MANAGEMENT_IMPACTS = ['none', 'potential', 'changed'] as const;
export type ManagementImpact = (typeof MANAGEMENT_IMPACTS)[number];
export const EVIDENCE_SOURCES = [
  'slide_review',
  'image_review',
  'new_imaging',
  'new_biopsy',
  'genetic_test',
  'molecular_test',
  'clinical_review',
] as const;
export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number];

export interface Stage {
  t?: string | null;
  n?: string | null;
  m?: string | null;
  stageGroup?: string | null;
}

/** The parts of an assessment the comparison reads. */
export interface Diagnosis {
  primarySite: string | null;
  histology: string | null;
  laterality: string | null;
  grade: string | null;
  clinicalStage: Stage | null;
  pathologicalStage: Stage | null;
  biomarkers: readonly { name: string; value: string; method?: string }[];
  additionalCancers: readonly { primarySite: string; histology?: string; description?: string }[];
  malignant: boolean;
}

export interface StageChange {
  basis: 'clinical' | 'pathological';
  element: 't' | 'n' | 'm' | 'group';
  from: string;
  to: string;
  direction: 'up' | 'down';
}

export interface Comparison {
  changeTypes: ChangeType[];
  stageChanges: StageChange[];
  biomarkerChanges: { name: string; from: string | null; to: string }[];
  /** Cancers the board found that the referral did not name. */
  additionalCancers: { primarySite: string; histology?: string; description?: string }[];
  /** The pathology was read differently: malignancy, histology, grade or a tissue biomarker. */
  pathologyReinterpretation: boolean;
  managementImpact: ManagementImpact;
  concordance: Concordance;
}

export interface Management {
  /** Set by the chair; wins over what the plan shows. */
  chairImpact?: ManagementImpact | null;
  /** Once a plan is signed: whether it differs from the referring recommendation in modality or intent. */
  signedPlanDiffers?: boolean | null;
}

const ROMAN: Record<string, number> = { '0': 0, I: 1, II: 2, III: 3, IV: 4 };

/**
 * An orderable rank for a TNM category or stage group, or undefined when
 * unknown (X) or unreadable. Subcategories rank within their category
 * (T1mi < T1a < T1b < T1c; N0 < N0(i+) < N1mi < N1 < N1a ...). A bare
 * category and one of its subcategories (T1 vs T1c) are the same stage
 * stated with less detail: `sameFamily` tells them apart.
 */
export function stageRank(element: StageChange['element'], value: string): { main: number; sub: number } | undefined {
  if (element === 'group') {
    const g = /^(0|I{1,3}|IV|IS)(is)?([ABC])?([1-3])?$/.exec(value);
    if (g === null) return undefined;
    const main = g[1] === 'IS' ? 0 : ROMAN[g[1]];
    if (main === undefined) return undefined;
    const sub = g[2] !== undefined ? 0.5 : g[3] === undefined ? 0 : (g[3].charCodeAt(0) - 64) * 10 + Number(g[4] ?? 0);
    return { main, sub };
  }
  const body = value.slice(1);
  if (body.startsWith('X')) return undefined;
  if (element === 't' && body.startsWith('is')) return { main: 0.5, sub: 0 }; // in situ: above T0, below T1
  const m = /^(\d)(mi)?([a-e])?(\d)?(?:\((i\+|i-|mol\+|mol-|DCIS|Paget)\))?$/.exec(body);
  if (m === null) return undefined;
  const main = Number(m[1]);
  let sub = 0;
  if (m[2] !== undefined) sub = 1;
  if (m[3] !== undefined) sub = 2 + (m[3].charCodeAt(0) - 97) * 10 + Number(m[4] ?? 0);
  if (m[5] === 'i+' || m[5] === 'mol+') sub = 0.5; // isolated tumour cells: above N0, below N1mi
  return { main, sub };
}

function compareStage(basis: StageChange['basis'], from: Stage, to: Stage, out: StageChange[]): void {
  const pairs: [StageChange['element'], string | null | undefined, string | null | undefined][] = [
    ['t', from.t, to.t],
    ['n', from.n, to.n],
    ['m', from.m, to.m],
    ['group', from.stageGroup, to.stageGroup],
  ];
  for (const [element, a, b] of pairs) {
    if (a == null || b == null || a === b) continue;
    const ra = stageRank(element, a);
    const rb = stageRank(element, b);
    if (ra === undefined || rb === undefined) continue; // unknown on one side
    // Same category, one side without the subcategory: less detail, not a change.
    if (
      ra.main === rb.main &&
      (ra.sub === 0 || rb.sub === 0) &&
      ra.sub !== rb.sub &&
      !(element === 'n' && ra.main === 0)
    )
      continue;
    if (ra.main === rb.main && ra.sub === rb.sub) continue;
    const up = rb.main > ra.main || (rb.main === ra.main && rb.sub > ra.sub);
    out.push({ basis, element, from: a, to: b, direction: up ? 'up' : 'down' });
  }
}

/** The reported status of a biomarker result: its first word, lower case ("positive (90%)" → "positive"). */
function status(value: string): string {
  return value.trim().toLowerCase().split(/[\s(]/)[0] ?? '';
}

const isGermline = (b: { name: string; method?: string }): boolean =>
  /germline/i.test(b.method ?? '') || /^germline\b/i.test(b.name);

const cancerKey = (c: { primarySite: string; histology?: string }): string => `${c.primarySite}|${c.histology ?? ''}`;

/** Classifies the change from the referring diagnosis to the board's. */
export function compareDiagnoses(referring: Diagnosis, board: Diagnosis, management: Management = {}): Comparison {
  const types = new Set<ChangeType>();
  if (referring.malignant !== board.malignant) types.add('malignancy');
  const known = (a: string | null, b: string | null): boolean =>
    a !== null && b !== null && a !== 'unknown' && b !== 'unknown';
  if (known(referring.primarySite, board.primarySite) && referring.primarySite !== board.primarySite)
    types.add('primary_site');
  if (known(referring.histology, board.histology) && referring.histology !== board.histology) types.add('histology');
  if (
    known(referring.grade, board.grade) &&
    referring.grade !== board.grade &&
    referring.grade !== 'GX' &&
    board.grade !== 'GX'
  )
    types.add('grade');
  if (known(referring.laterality, board.laterality) && referring.laterality !== board.laterality)
    types.add('laterality');

  const stageChanges: StageChange[] = [];
  if (referring.clinicalStage !== null && board.clinicalStage !== null)
    compareStage('clinical', referring.clinicalStage, board.clinicalStage, stageChanges);
  if (board.pathologicalStage !== null) {
    // Pathological against pathological, else against the referral's clinical stage.
    const from = referring.pathologicalStage ?? referring.clinicalStage;
    if (from !== null) compareStage('pathological', from, board.pathologicalStage, stageChanges);
  }
  if (stageChanges.length > 0) types.add('stage');

  const biomarkerChanges: Comparison['biomarkerChanges'] = [];
  let germline = false;
  for (const b of board.biomarkers) {
    const before = referring.biomarkers.find((r) => r.name.trim().toLowerCase() === b.name.trim().toLowerCase());
    if (isGermline(b)) {
      if (before === undefined || status(before.value) !== status(b.value)) germline = true;
      continue;
    }
    if (before !== undefined && status(before.value) !== status(b.value))
      biomarkerChanges.push({ name: b.name, from: before.value, to: b.value });
  }
  if (biomarkerChanges.length > 0) types.add('biomarker');
  if (germline) types.add('germline_finding');

  const named = new Set(referring.additionalCancers.map(cancerKey));
  const additionalCancers = board.additionalCancers.filter((c) => !named.has(cancerKey(c)));
  if (additionalCancers.length > 0) types.add('additional_cancer');

  const changeTypes = CHANGE_TYPES.filter((t) => types.has(t));
  const pathologyReinterpretation = ['malignancy', 'histology', 'grade', 'biomarker'].some((t) =>
    types.has(t as ChangeType),
  );
  // The impact of the change: with no change there is none to have.
  const managementImpact: ManagementImpact =
    changeTypes.length === 0
      ? 'none'
      : (management.chairImpact ??
        (management.signedPlanDiffers === true
          ? 'changed'
          : management.signedPlanDiffers === false
            ? 'none'
            : 'potential'));
  const concordance: Concordance =
    changeTypes.length === 0 ? 'concordant' : managementImpact === 'changed' ? 'major' : 'minor';
  return {
    changeTypes,
    stageChanges,
    biomarkerChanges,
    additionalCancers,
    pathologyReinterpretation,
    managementImpact,
    concordance,
  };
}

/** A signed plan differs from the referral's recommendation when their sets of (modality, intent) differ. */
export function planDiffers(
  plan: readonly { modality: string; intent: string }[],
  recommendation: readonly { modality: string; intent: string }[],
): boolean {
  const key = (i: { modality: string; intent: string }): string => `${i.modality}|${i.intent}`;
  const a = new Set(plan.map(key));
  const b = new Set(recommendation.map(key));
  return a.size !== b.size || [...a].some((k) => !b.has(k));
}
