import { stageRank } from '../diagnoses/comparison.js';

/** Eligibility as a trial registry states it, in the codes the platform uses. */
export interface Eligibility {
  /** ICD-O-3 topography prefixes, e.g. C50. */
  sites?: string[];
  /** ICD-O-3 morphology codes or prefixes, e.g. 8500/3 or 850. */
  histologies?: string[];
  /** AJCC stage group range, inclusive, e.g. II to IIIC. */
  stageMin?: string;
  stageMax?: string;
  requiredBiomarkers?: { name: string; value: string }[];
  excludingBiomarkers?: { name: string; value: string }[];
  ageMin?: number;
  ageMax?: number;
  ecogMax?: number;
}

export interface PatientFacts {
  primarySite: string | null;
  histology: string | null;
  stageGroup: string | null;
  biomarkers: readonly { name: string; value: string }[];
  age: number | null;
  ecog: number | null;
}

export type CriterionResult = 'met' | 'failed' | 'unknown';

export interface TrialMatch {
  criteria: { criterion: string; result: CriterionResult; detail: string }[];
  eligible: boolean;
  met: number;
  unknown: number;
  failed: number;
}

const status = (value: string): string => value.trim().toLowerCase().split(/[\s(]/)[0] ?? '';

function groupRank(group: string): number | undefined {
  const r = stageRank('group', group);
  return r === undefined ? undefined : r.main * 100 + r.sub;
}

/** Each criterion met, failed or unknown (the case does not say); eligible when none failed. */
export function matchTrial(e: Eligibility, p: PatientFacts): TrialMatch {
  const criteria: TrialMatch['criteria'] = [];
  const add = (criterion: string, result: CriterionResult, detail: string): void => {
    criteria.push({ criterion, result, detail });
  };
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
    const r = p.stageGroup === null ? undefined : groupRank(p.stageGroup);
    if (r === undefined) add('stage', 'unknown', 'stage group not recorded');
    else {
      const low = e.stageMin === undefined ? undefined : groupRank(e.stageMin);
      const high = e.stageMax === undefined ? undefined : groupRank(e.stageMax);
      // A bare group (II) covers its subgroups (IIA, IIB) at the top of a range.
      const highTop = high === undefined ? undefined : high % 100 === 0 ? high + 99 : high;
      const ok = (low === undefined || r >= low) && (highTop === undefined || r <= highTop);
      add('stage', ok ? 'met' : 'failed', `${p.stageGroup} vs ${e.stageMin ?? '…'}–${e.stageMax ?? '…'}`);
    }
  }
  const find = (name: string) => p.biomarkers.find((b) => b.name.trim().toLowerCase() === name.trim().toLowerCase());
  for (const b of e.requiredBiomarkers ?? []) {
    const mine = find(b.name);
    if (mine === undefined) add(`biomarker ${b.name}`, 'unknown', `${b.name} not recorded`);
    else
      add(
        `biomarker ${b.name}`,
        status(mine.value) === status(b.value) ? 'met' : 'failed',
        `${mine.value} (needs ${b.value})`,
      );
  }
  for (const b of e.excludingBiomarkers ?? []) {
    const mine = find(b.name);
    if (mine === undefined) add(`not ${b.name} ${b.value}`, 'unknown', `${b.name} not recorded`);
    else add(`not ${b.name} ${b.value}`, status(mine.value) === status(b.value) ? 'failed' : 'met', mine.value);
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
  const count = (r: CriterionResult): number => criteria.filter((c) => c.result === r).length;
  return {
    criteria,
    eligible: count('failed') === 0,
    met: count('met'),
    unknown: count('unknown'),
    failed: count('failed'),
  };
}

/** Best first: no criterion failed, then most met, then fewest unknown. */
export function rankMatches<T extends { match: TrialMatch }>(matches: T[]): T[] {
  return [...matches].sort(
    (a, b) =>
      Number(b.match.eligible) - Number(a.match.eligible) ||
      b.match.met - a.match.met ||
      a.match.unknown - b.match.unknown ||
      a.match.failed - b.match.failed,
  );
}
