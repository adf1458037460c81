/**
 * Referring diagnosis vs the board's, classified as DOMAIN.md states it.
 * Pure: no Nest, no database.
 *
 * - Only what both sides state can differ: a fact the board does not restate
 *   stands as the referral (or a review) stated it (see merge.ts). A result
 *   the board adds is new information and counts.
 * - Stages are compared basis with basis (clinical with clinical,
 *   pathological with pathological, post-therapy separately), AJCC anatomic
 *   never with prognostic, and other systems with themselves (AJCC 8 ch. 1).
 * - Biomarkers by category (ASCO/CAP), not by wording.
 * - Management by the whole plan (management.ts); the chair's explicit call
 *   always stands.
 */
import { morphologyName, topographyName } from './codes.js';
import {
  describeBiomarker,
  isGermlineFinding,
  normaliseBiomarker,
  resultKey,
  sameCategory,
  type BiomarkerInput,
  type BiomarkerResult,
} from './biomarkers.js';
import { isupGradeGroup, type Gleason } from './grading.js';
import { compareManagement, type PlanItem, type TreatmentChange } from './management.js';
import {
  BASIS_WORDS,
  STAGE_BASES,
  STAGING_SYSTEMS,
  groupRank,
  lessDetail,
  parseTnm,
  type ParsedSystemStage,
  type StageBasis,
  type StageGroupType,
  type SystemStage,
  type TnmStage,
} from './staging.js';

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

export interface AdditionalCancer {
  primarySite: string;
  histology?: string | null;
  laterality?: string | null;
  description?: string | null;
  /** The board's word on a lesion the referral listed: `ruled_out` removes it. */
  status?: 'confirmed' | 'ruled_out' | null;
}

/** The parts of an assessment the comparison reads. */
export interface Diagnosis {
  primarySite: string | null;
  histology: string | null;
  laterality: string | null;
  grade: string | null;
  gleason?: Gleason | null;
  clinicalStage: TnmStage | null;
  pathologicalStage: TnmStage | null;
  postTherapyClinicalStage?: TnmStage | null;
  postTherapyPathologicalStage?: TnmStage | null;
  recurrenceStage?: TnmStage | null;
  otherStages?: readonly SystemStage[] | null;
  resectability?: string | null;
  biomarkers: readonly BiomarkerInput[];
  additionalCancers: readonly AdditionalCancer[];
  malignant: boolean;
}

export interface StageChange {
  basis: StageBasis | 'other';
  element: 't' | 'n' | 'm' | 'group' | 'system';
  /** For `group`: anatomic or prognostic; for `system`: the system id (lugano, figo, resectability…). */
  system?: string;
  from: string;
  to: string;
  direction: 'up' | 'down';
}

export interface BiomarkerChange {
  name: string;
  from: string | null;
  to: string;
  fromCategory: string | null;
  toCategory: string | null;
}

export interface Comparison {
  changeTypes: ChangeType[];
  stageChanges: StageChange[];
  biomarkerChanges: BiomarkerChange[];
  /** Cancers the board found that the referral did not name. */
  additionalCancers: AdditionalCancer[];
  /** Cancers the referral named that the board ruled out. */
  removedCancers: AdditionalCancer[];
  /** The pathology was read differently: malignancy, histology, grade or a tissue biomarker. */
  pathologyReinterpretation: boolean;
  /** What the signed plan changes against the referral's recommendation (empty before a plan is signed). */
  treatmentChanges: TreatmentChange[];
  managementImpact: ManagementImpact;
  concordance: Concordance;
  /** One clinician's sentence per difference, for the letter and the record. */
  details: string[];
}

export interface Management {
  /** Set by the chair; always stands. */
  chairImpact?: ManagementImpact | null;
  /** The referral's recommendation and, once signed, the board's plan. */
  recommendation?: readonly PlanItem[] | null;
  signedPlan?: readonly PlanItem[] | null;
}

const codeWords = (code: string, name: (c: string) => string | undefined): string => {
  const n = name(code);
  return n === undefined ? code : `${code} ${n}`;
};

const stageOf = (d: Diagnosis, basis: StageBasis): TnmStage | null | undefined => {
  switch (basis) {
    case 'clinical':
      return d.clinicalStage;
    case 'pathological':
      return d.pathologicalStage;
    case 'post_therapy_clinical':
      return d.postTherapyClinicalStage;
    case 'post_therapy_pathological':
      return d.postTherapyPathologicalStage;
    case 'recurrence':
      return d.recurrenceStage;
  }
};

const groupTypeOf = (s: TnmStage): StageGroupType => s.groupType ?? 'anatomic';

function compareTnm(basis: StageBasis, from: TnmStage, to: TnmStage, out: StageChange[]): void {
  for (const element of ['t', 'n', 'm'] as const) {
    const a = from[element];
    const b = to[element];
    if (a == null || b == null) continue;
    const pa = parseTnm(element, a);
    const pb = parseTnm(element, b);
    if (pa?.rank === undefined || pb?.rank === undefined) continue; // X or unreadable: unknown on one side
    const ra = pa.rank;
    const rb = pb.rank;
    if (ra.main === rb.main && ra.sub === rb.sub) continue; // suffixes such as (i+), (sn) are not stage
    if (ra.main === rb.main && (ra.sub === 0 || rb.sub === 0)) continue; // T1 vs T1c: less detail
    const up = rb.main > ra.main || (rb.main === ra.main && rb.sub > ra.sub);
    out.push({ basis, element, from: a, to: b, direction: up ? 'up' : 'down' });
  }
  const ga = from.stageGroup;
  const gb = to.stageGroup;
  if (ga != null && gb != null && groupTypeOf(from) === groupTypeOf(to)) {
    const ra = groupRank(ga);
    const rb = groupRank(gb);
    if (ra !== undefined && rb !== undefined && !(ra.main === rb.main && ra.sub === rb.sub) && !lessDetail(ra, rb)) {
      const up = rb.main > ra.main || (rb.main === ra.main && rb.sub > ra.sub);
      out.push({ basis, element: 'group', system: groupTypeOf(to), from: ga, to: gb, direction: up ? 'up' : 'down' });
    }
  }
}

/** Other systems' stages of a diagnosis, resectability included, by system. */
function systemStages(d: Diagnosis): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of d.otherStages ?? []) out.set(s.system, s.stage);
  if (d.resectability != null) out.set('resectability', d.resectability);
  return out;
}

function compareSystems(from: Diagnosis, to: Diagnosis, out: StageChange[]): void {
  const a = systemStages(from);
  const b = systemStages(to);
  for (const [system, va] of a) {
    const vb = b.get(system);
    const sys = STAGING_SYSTEMS[system];
    if (vb === undefined || sys === undefined) continue;
    const pa = sys.parse(va);
    const pb = sys.parse(vb);
    if (pa === undefined || pb === undefined) continue;
    const extent = pb.rank - pa.rank;
    // FIGO IIIC vs IIIC1, IB vs IB1: the same stage, one stated with more detail.
    if (extent !== 0 && system === 'figo') {
      const ra = groupRank(pa.value);
      const rb = groupRank(pb.value);
      if (ra !== undefined && rb !== undefined && lessDetail(ra, rb)) continue;
    }
    // Bulky is written when present, so its absence is a statement; A/B (symptoms, Hodgkin lymphoma only,
    // Cheson 2014) differs only when both sides state it.
    const bulky = (p: ParsedSystemStage): number => (p.modifiers.includes('bulky') ? 1 : 0);
    const symptoms = (p: ParsedSystemStage): string | undefined => p.modifiers.find((m) => m === 'A' || m === 'B');
    const sa = symptoms(pa);
    const sb = symptoms(pb);
    const order =
      extent !== 0
        ? extent
        : bulky(pb) !== bulky(pa)
          ? bulky(pb) - bulky(pa)
          : sa !== undefined && sb !== undefined && sa !== sb
            ? sb === 'B'
              ? 1
              : -1
            : 0;
    if (order === 0) continue;
    const up = order > 0;
    out.push({
      basis: 'other',
      element: 'system',
      system,
      from: pa.value,
      to: pb.value,
      direction: up ? 'up' : 'down',
    });
  }
}

/** The grade to compare: the ISUP grade group from the Gleason pattern when stated. */
const gradeOf = (d: Diagnosis): string | null =>
  d.grade === 'GX' ? null : d.gleason != null ? (isupGradeGroup(d.gleason) ?? d.grade) : d.grade;

/** The same lesion: same site (the subsite may be stated with more detail) and, when both say, the same side. */
const sameLesion = (a: AdditionalCancer, b: AdditionalCancer): boolean => {
  const siteA = a.primarySite;
  const siteB = b.primarySite;
  const site =
    siteA === siteB || (siteA.slice(0, 3) === siteB.slice(0, 3) && (siteA.endsWith('.9') || siteB.endsWith('.9')));
  const side = a.laterality == null || b.laterality == null || a.laterality === b.laterality;
  return site && side;
};

const SERUM_MARKERS = new Set(['PSA', 'CA 19-9', 'CEA']);

const known = (v: string | null | undefined): v is string => v != null && v !== 'unknown';

/** Classifies the change from the referring diagnosis to the board's. */
export function compareDiagnoses(referring: Diagnosis, board: Diagnosis, management: Management = {}): Comparison {
  const types = new Set<ChangeType>();
  const details: string[] = [];
  if (referring.malignant !== board.malignant) {
    types.add('malignancy');
    details.push(
      board.malignant
        ? 'Malignancy: not malignant → malignant'
        : 'Malignancy: malignant → not malignant (benign on review)',
    );
  }
  if (known(referring.primarySite) && known(board.primarySite) && referring.primarySite !== board.primarySite) {
    // C50.9 (breast, NOS) vs C50.4: the subsite stated with more detail is not a different site.
    const nos =
      referring.primarySite.slice(0, 3) === board.primarySite.slice(0, 3) &&
      (referring.primarySite.endsWith('.9') || board.primarySite.endsWith('.9'));
    if (!nos) {
      types.add('primary_site');
      details.push(
        `Primary site: ${codeWords(referring.primarySite, topographyName)} → ${codeWords(board.primarySite, topographyName)}`,
      );
    }
  }
  if (known(referring.histology) && known(board.histology) && referring.histology !== board.histology) {
    types.add('histology');
    details.push(
      `Histology: ${codeWords(referring.histology, morphologyName)} → ${codeWords(board.histology, morphologyName)}`,
    );
  }
  const ga = gradeOf(referring);
  const gb = gradeOf(board);
  if (ga !== null && gb !== null && ga !== gb) {
    types.add('grade');
    details.push(`Grade: ${ga} → ${gb}`);
  }
  const lateralityChanged =
    known(referring.laterality) &&
    known(board.laterality) &&
    referring.laterality !== board.laterality &&
    referring.laterality !== 'not_applicable' &&
    board.laterality !== 'not_applicable'
      ? { from: referring.laterality, to: board.laterality }
      : null;
  if (lateralityChanged !== null) {
    types.add('laterality');
    details.push(`Laterality: ${lateralityChanged.from} → ${lateralityChanged.to}`);
  }

  const stageChanges: StageChange[] = [];
  for (const basis of STAGE_BASES) {
    const a = stageOf(referring, basis);
    const b = stageOf(board, basis);
    if (a != null && b != null) compareTnm(basis, a, b, stageChanges);
  }
  compareSystems(referring, board, stageChanges);
  if (stageChanges.length > 0) types.add('stage');
  for (const s of stageChanges) {
    const what =
      s.element === 'system'
        ? (STAGING_SYSTEMS[s.system ?? '']?.name ?? s.system ?? 'stage')
        : `${BASIS_WORDS[s.basis as StageBasis]} ${s.element === 'group' ? `${s.system ?? 'anatomic'} stage group` : s.element.toUpperCase()}`;
    details.push(`${what.charAt(0).toUpperCase()}${what.slice(1)}: ${s.from} → ${s.to} (stage ${s.direction})`);
  }

  const before = new Map<string, BiomarkerResult>();
  for (const b of referring.biomarkers.map(normaliseBiomarker)) before.set(resultKey(b), b);
  const biomarkerChanges: BiomarkerChange[] = [];
  let germline = false;
  let tissueChange = false;
  for (const b of board.biomarkers.map(normaliseBiomarker)) {
    const prior = before.get(resultKey(b));
    if (b.origin === 'germline') {
      if (isGermlineFinding(b) && (prior === undefined || !isGermlineFinding(prior))) {
        germline = true;
        details.push(`Germline finding: ${describeBiomarker(b)}`);
      } else if (prior !== undefined && isGermlineFinding(prior) && b.category?.code === 'negative') {
        // A reported pathogenic variant not confirmed on review (e.g. reclassified, or a lab error) is a change too.
        germline = true;
        details.push(`Germline finding withdrawn: ${describeBiomarker(prior)} → ${describeBiomarker(b)}`);
      }
      continue;
    }
    if (b.category === null) continue; // a result without a readable category cannot be compared
    if (prior !== undefined && prior.category !== null && sameCategory(b.marker, prior.category, b.category)) continue;
    if (prior !== undefined && prior.category === null) continue;
    biomarkerChanges.push({
      name: b.marker,
      from: prior === undefined ? null : (prior.value ?? prior.category?.label ?? null),
      to: b.value ?? b.category.label,
      fromCategory: prior?.category?.code ?? null,
      toCategory: b.category.code,
    });
    if (!SERUM_MARKERS.has(b.marker)) tissueChange = true;
    details.push(
      `${b.marker}: ${prior === undefined ? 'not reported' : (prior.category?.label ?? '')} → ${b.category.label}`,
    );
  }
  if (biomarkerChanges.length > 0) types.add('biomarker');
  if (germline) types.add('germline_finding');

  const listed = referring.additionalCancers.filter((c) => c.status !== 'ruled_out');
  const additionalCancers: AdditionalCancer[] = [];
  for (const c of board.additionalCancers) {
    if (c.status === 'ruled_out') continue;
    const same = listed.find((r) => sameLesion(r, c));
    if (same === undefined) {
      additionalCancers.push(c);
      details.push(`Additional cancer: ${c.description ?? codeWords(c.primarySite, topographyName)}`);
    } else if (known(same.histology) && known(c.histology) && same.histology !== c.histology) {
      types.add('histology');
      details.push(
        `Histology of ${c.primarySite}: ${codeWords(same.histology, morphologyName)} → ${codeWords(c.histology, morphologyName)}`,
      );
    }
  }
  const removedCancers = listed.filter((r) =>
    board.additionalCancers.some((c) => c.status === 'ruled_out' && sameLesion(r, c)),
  );
  if (additionalCancers.length > 0) types.add('additional_cancer');
  if (removedCancers.length > 0) {
    types.add('malignancy');
    for (const r of removedCancers)
      details.push(`Ruled out: ${r.description ?? codeWords(r.primarySite, topographyName)} (not cancer on review)`);
  }

  const changeTypes = CHANGE_TYPES.filter((t) => types.has(t));
  const pathologyReinterpretation =
    types.has('malignancy') || types.has('histology') || types.has('grade') || tissueChange;

  // With no recommendation from the referring doctor there is nothing the plan could change: every item
  // would read as "added". The diagnosis change then stands as potential impact (or the chair's call).
  const recommendation = management.recommendation ?? [];
  const comparable = management.signedPlan != null && recommendation.length > 0;
  const treatmentChanges = comparable
    ? compareManagement(recommendation, management.signedPlan ?? [], { lateralityChanged })
    : [];
  const managementImpact: ManagementImpact =
    management.chairImpact ??
    (comparable ? (treatmentChanges.length > 0 ? 'changed' : 'none') : changeTypes.length > 0 ? 'potential' : 'none');
  const concordance: Concordance =
    managementImpact === 'changed' ? 'major' : changeTypes.length === 0 ? 'concordant' : 'minor';
  return {
    changeTypes,
    stageChanges,
    biomarkerChanges,
    additionalCancers,
    removedCancers,
    pathologyReinterpretation,
    treatmentChanges,
    managementImpact,
    concordance,
    details: [...details, ...treatmentChanges.map((t) => t.text)],
  };
}
