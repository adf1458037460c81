import {
  canonicalMarker,
  normaliseBiomarker,
  normaliseVariant,
  sameCategory,
  type BiomarkerInput,
  type BiomarkerResult,
} from '../cases/clinical/biomarkers.js';
import { groupRank, STAGING_SYSTEMS } from '../cases/clinical/staging.js';

/**
 * Eligibility as a trial registry states it, in the codes the platform uses.
 * Biomarker criteria are matched by category (ASCO/CAP), so "HER2 negative"
 * is met by HER2 0 and HER2-low and failed by IHC 3+.
 */
export interface BiomarkerCriterion {
  name: string;
  /** The result as a registry writes it: "positive", "negative", "3+", "low", "TPS ≥ 50%". */
  value?: string;
  /** A gene variant (HGVS), e.g. p.V600E, p.G12C. */
  variant?: string;
}

export interface Eligibility {
  /** ICD-O-3 topography prefixes, e.g. C50. */
  sites?: string[];
  /** ICD-O-3 morphology codes or prefixes, e.g. 8500/3 or 850. */
  histologies?: string[];
  /** AJCC stage group range, inclusive, e.g. II to IIIC. */
  stageMin?: string;
  stageMax?: string;
  /** A stage range in another system (Lugano, FIGO, resectability…). */
  systemStage?: { system: string; min?: string; max?: string };
  requiredBiomarkers?: BiomarkerCriterion[];
  excludingBiomarkers?: BiomarkerCriterion[];
  sex?: 'female' | 'male';
  ageMin?: number;
  ageMax?: number;
  ecogMax?: number;
  menopausalStatus?: string[];
  /** Prior lines of systemic therapy for this cancer, inclusive. */
  priorLinesMin?: number;
  priorLinesMax?: number;
  /** Drugs a patient must not have had (e.g. a prior CDK4/6 inhibitor), lower case. */
  excludedPriorDrugs?: string[];
  /** Drugs a patient must have had. */
  requiredPriorDrugs?: string[];
  /** Whether active CNS metastases exclude. */
  cnsMetastases?: 'excluded' | 'allowed' | 'required';
}

export interface PatientFacts {
  /** False when the board found no cancer: no trial is offered. */
  malignant?: boolean;
  primarySite: string | null;
  histology: string | null;
  stageGroup: string | null;
  otherStages?: readonly { system: string; stage: string }[];
  biomarkers: readonly BiomarkerInput[];
  sex?: string | null;
  age: number | null;
  ecog: number | null;
  menopausalStatus?: string | null;
  /** null when the treatment history was not recorded. */
  priorLines?: number | null;
  priorDrugs?: readonly string[] | null;
  /** null when unknown. */
  cnsMetastases?: boolean | null;
}

export type CriterionResult = 'met' | 'failed' | 'unknown';
export type MatchStatus = 'eligible' | 'possibly_eligible' | 'not_eligible';

export interface TrialMatch {
  criteria: { criterion: string; result: CriterionResult; detail: string }[];
  /** eligible: every criterion met; possibly_eligible: none failed, some unknown; not_eligible: one failed. */
  status: MatchStatus;
  /** Every criterion met (a possibly-eligible trial is not eligible). */
  eligible: boolean;
  met: number;
  unknown: number;
  failed: number;
}

const rank = (g: string): number | undefined => {
  const r = groupRank(g);
  return r === undefined ? undefined : r.main * 100 + r.sub;
};

/** The category a registry's wording names ("negative", "3+", "positive"), read as a result would be. */
function criterionResult(c: BiomarkerCriterion): BiomarkerResult {
  return normaliseBiomarker({
    name: c.name,
    value: c.value ?? (c.variant === undefined ? null : c.variant),
    variant: c.variant ?? null,
  });
}

function matches(c: BiomarkerCriterion, mine: BiomarkerResult): boolean | undefined {
  if (c.variant !== undefined) {
    if (mine.variant == null) return mine.category?.code === 'not_detected' ? false : undefined;
    return normaliseVariant(mine.variant) === normaliseVariant(c.variant);
  }
  const wanted = criterionResult(c);
  if (wanted.category === null || mine.category === null) return undefined;
  return sameCategory(mine.marker, mine.category, wanted.category);
}

/** Each criterion met, failed or unknown (the case does not say). */
export function matchTrial(e: Eligibility, p: PatientFacts): TrialMatch {
  const criteria: TrialMatch['criteria'] = [];
  const add = (criterion: string, result: CriterionResult, detail: string): void => {
    criteria.push({ criterion, result, detail });
  };
  if (p.malignant === false) add('cancer', 'failed', 'the board found no cancer');
  if (e.sites !== undefined && e.sites.length > 0) {
    if (p.primarySite === null) add('site', 'unknown', 'primary site not recorded');
    else
      add(
        'site',
        e.sites.some((s) => p.primarySite!.startsWith(s)) ? 'met' : 'failed',
        `${p.primarySite} vs ${e.sites.join(', ')}`,
      );
  }
  if (e.histologies !== undefined && e.histologies.length > 0) {
    if (p.histology === null) add('histology', 'unknown', 'histology not recorded');
    else
      add(
        'histology',
        e.histologies.some((h) => p.histology!.startsWith(h)) ? 'met' : 'failed',
        `${p.histology} vs ${e.histologies.join(', ')}`,
      );
  }
  if (e.stageMin !== undefined || e.stageMax !== undefined) {
    const r = p.stageGroup === null ? undefined : rank(p.stageGroup);
    if (r === undefined) add('stage', 'unknown', 'AJCC stage group not recorded');
    else {
      const low = e.stageMin === undefined ? undefined : rank(e.stageMin);
      const high = e.stageMax === undefined ? undefined : rank(e.stageMax);
      // A bare group (II) covers its subgroups (IIA, IIB) at the top of a range.
      const highTop = high === undefined ? undefined : high % 100 === 0 ? high + 99 : high;
      const ok = (low === undefined || r >= low) && (highTop === undefined || r <= highTop);
      add('stage', ok ? 'met' : 'failed', `${p.stageGroup} vs ${e.stageMin ?? '…'}–${e.stageMax ?? '…'}`);
    }
  }
  if (e.systemStage !== undefined) {
    const sys = STAGING_SYSTEMS[e.systemStage.system];
    const mine = (p.otherStages ?? []).find((s) => s.system === e.systemStage!.system);
    const parsed = mine === undefined || sys === undefined ? undefined : sys.parse(mine.stage);
    const label = sys?.name ?? e.systemStage.system;
    if (parsed === undefined) add(`${label} stage`, 'unknown', `${label} stage not recorded`);
    else {
      const lo = e.systemStage.min === undefined ? undefined : sys.parse(e.systemStage.min)?.rank;
      const hi = e.systemStage.max === undefined ? undefined : sys.parse(e.systemStage.max)?.rank;
      const ok = (lo === undefined || parsed.rank >= lo) && (hi === undefined || parsed.rank <= hi);
      add(
        `${label} stage`,
        ok ? 'met' : 'failed',
        `${parsed.value} vs ${e.systemStage.min ?? '…'}–${e.systemStage.max ?? '…'}`,
      );
    }
  }
  const mine = p.biomarkers.map(normaliseBiomarker);
  const find = (c: BiomarkerCriterion): BiomarkerResult | undefined => {
    const marker = canonicalMarker(c.name);
    const germline = /^\s*germline\b/i.test(c.name);
    return (
      mine.find((b) => b.marker === marker && (b.origin === 'germline') === germline) ??
      mine.find((b) => b.marker === marker)
    );
  };
  const what = (c: BiomarkerCriterion): string => `${canonicalMarker(c.name)} ${c.variant ?? c.value ?? ''}`.trim();
  for (const c of e.requiredBiomarkers ?? []) {
    const b = find(c);
    const ok = b === undefined ? undefined : matches(c, b);
    add(
      `biomarker ${what(c)}`,
      ok === undefined ? 'unknown' : ok ? 'met' : 'failed',
      b === undefined
        ? `${canonicalMarker(c.name)} not recorded`
        : `${b.category?.label ?? b.value ?? ''} (needs ${c.variant ?? c.value ?? ''})`,
    );
  }
  for (const c of e.excludingBiomarkers ?? []) {
    const b = find(c);
    const hit = b === undefined ? undefined : matches(c, b);
    add(
      `not ${what(c)}`,
      hit === undefined ? 'unknown' : hit ? 'failed' : 'met',
      b === undefined ? `${canonicalMarker(c.name)} not recorded` : (b.category?.label ?? b.value ?? ''),
    );
  }
  if (e.sex !== undefined) {
    if (p.sex == null || p.sex === 'unknown' || p.sex === 'other')
      add('sex', 'unknown', 'sex not recorded as female or male');
    else add('sex', p.sex === e.sex ? 'met' : 'failed', `${p.sex} vs ${e.sex}`);
  }
  if (e.ageMin !== undefined || e.ageMax !== undefined) {
    if (p.age === null) add('age', 'unknown', 'age not known');
    else
      add(
        'age',
        (e.ageMin === undefined || p.age >= e.ageMin) && (e.ageMax === undefined || p.age <= e.ageMax)
          ? 'met'
          : 'failed',
        `${p.age} vs ${e.ageMin ?? '…'}–${e.ageMax ?? '…'}`,
      );
  }
  if (e.ecogMax !== undefined) {
    if (p.ecog === null) add('ECOG', 'unknown', 'performance status not recorded');
    else add('ECOG', p.ecog <= e.ecogMax ? 'met' : 'failed', `${p.ecog} vs ≤ ${e.ecogMax}`);
  }
  if (e.menopausalStatus !== undefined && e.menopausalStatus.length > 0) {
    const s = p.menopausalStatus;
    if (s == null || s === 'unknown') add('menopausal status', 'unknown', 'menopausal status not recorded');
    else
      add(
        'menopausal status',
        e.menopausalStatus.includes(s) ? 'met' : 'failed',
        `${s} vs ${e.menopausalStatus.join(', ')}`,
      );
  }
  if (e.priorLinesMin !== undefined || e.priorLinesMax !== undefined) {
    if (p.priorLines == null) add('prior lines', 'unknown', 'treatment history not recorded');
    else
      add(
        'prior lines',
        (e.priorLinesMin === undefined || p.priorLines >= e.priorLinesMin) &&
          (e.priorLinesMax === undefined || p.priorLines <= e.priorLinesMax)
          ? 'met'
          : 'failed',
        `${p.priorLines} vs ${e.priorLinesMin ?? 0}–${e.priorLinesMax ?? '…'}`,
      );
  }
  const had = (p.priorDrugs ?? null)?.map((d) => d.toLowerCase());
  for (const d of e.excludedPriorDrugs ?? []) {
    if (had == null) add(`no prior ${d}`, 'unknown', 'treatment history not recorded');
    else
      add(
        `no prior ${d}`,
        had.includes(d.toLowerCase()) ? 'failed' : 'met',
        had.includes(d.toLowerCase()) ? `had ${d}` : 'not given',
      );
  }
  for (const d of e.requiredPriorDrugs ?? []) {
    if (had == null) add(`prior ${d}`, 'unknown', 'treatment history not recorded');
    else
      add(
        `prior ${d}`,
        had.includes(d.toLowerCase()) ? 'met' : 'failed',
        had.includes(d.toLowerCase()) ? `had ${d}` : 'not given',
      );
  }
  if (e.cnsMetastases !== undefined && e.cnsMetastases !== 'allowed') {
    if (p.cnsMetastases == null) add('CNS metastases', 'unknown', 'CNS metastases not assessed');
    else
      add(
        'CNS metastases',
        (e.cnsMetastases === 'excluded') !== p.cnsMetastases ? 'met' : 'failed',
        p.cnsMetastases ? 'present' : 'none',
      );
  }
  const count = (r: CriterionResult): number => criteria.filter((c) => c.result === r).length;
  const failed = count('failed');
  const unknown = count('unknown');
  const status: MatchStatus = failed > 0 ? 'not_eligible' : unknown > 0 ? 'possibly_eligible' : 'eligible';
  return { criteria, status, eligible: status === 'eligible', met: count('met'), unknown, failed };
}

const ORDER: Record<MatchStatus, number> = { eligible: 0, possibly_eligible: 1, not_eligible: 2 };

/** Best first: eligible, then possibly eligible, then not; then most met, fewest unknown. */
export function rankMatches<T extends { match: TrialMatch }>(list: T[]): T[] {
  return [...list].sort(
    (a, b) =>
      ORDER[a.match.status] - ORDER[b.match.status] ||
      b.match.met - a.match.met ||
      a.match.unknown - b.match.unknown ||
      a.match.failed - b.match.failed,
  );
}
