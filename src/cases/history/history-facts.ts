/**
 * What the trial matcher and the letter read from a patient's history:
 * prior therapies with their lines, menopausal status, and the genetic
 * findings. Pure.
 */
import type { Modality } from '../entities/case.entity.js';
import { REGIMENS } from '../clinical/management.js';
import type { MenopausalStatus, PatientHistory, TestResult } from './history.types.js';

export interface PriorTherapyFact {
  /** Generic names, lower-case, without repeats; a known regimen's drugs are included. */
  drugs: string[];
  /** The regimen as the platform names it (e.g. "TCHP") when known, else as written. */
  regimen?: string;
  line?: number;
  modality: Modality;
}

export interface VariantFact {
  /** HGNC symbol, upper-case. */
  gene: string;
  variant?: string;
}

export interface SomaticVariantFact extends VariantFact {
  /** So a consumer can tell a VUS from an actionable finding. */
  result: Extract<TestResult, 'pathogenic' | 'likely_pathogenic' | 'vus'>;
}

export interface HistoryFacts {
  priorTherapies: PriorTherapyFact[];
  /** The highest line of therapy recorded, or null when no treatment states one. */
  maxLine: number | null;
  menopausalStatus: MenopausalStatus | null;
  /**
   * Germline pathogenic and likely pathogenic variants only: a VUS, a benign
   * variant and a negative test are not germline findings (ACMG/AMP 2015).
   */
  germlinePathogenic: VariantFact[];
  /** Somatic variants detected (pathogenic, likely pathogenic or VUS); benign and negative results are left out. */
  somaticVariants: SomaticVariantFact[];
}

const REGIMEN_BY_NAME = new Map(
  Object.entries(REGIMENS).map(([code, r]) => [code.toLowerCase(), { code, drugs: r.drugs }]),
);

const SOMATIC_STRENGTH: Record<SomaticVariantFact['result'], number> = { vus: 0, likely_pathogenic: 1, pathogenic: 2 };
const GERMLINE_FINDING = new Set<TestResult>(['pathogenic', 'likely_pathogenic']);

const unique = <T>(values: readonly T[], key: (v: T) => string): T[] => {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = key(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

/** The facts other modules use from one version of a patient's history. */
export function historyFacts(history: PatientHistory): HistoryFacts {
  const priorTherapies = history.treatments.map((t): PriorTherapyFact => {
    const written = t.regimen?.trim();
    const known = written === undefined || written === '' ? undefined : REGIMEN_BY_NAME.get(written.toLowerCase());
    const drugs = unique(
      [...t.drugs, ...(known?.drugs ?? [])].map((d) => d.trim().toLowerCase()).filter((d) => d !== ''),
      (d) => d,
    );
    return {
      drugs,
      ...(written === undefined || written === '' ? {} : { regimen: known?.code ?? written }),
      ...(t.line === null ? {} : { line: t.line }),
      modality: t.modality,
    };
  });
  const lines = history.treatments.flatMap((t) => (t.line === null ? [] : [t.line]));
  const variantKey = (v: VariantFact): string => `${v.gene}|${v.variant ?? ''}`;
  const germlinePathogenic = unique(
    history.geneticTests.flatMap((g): VariantFact[] =>
      g.origin === 'germline' && GERMLINE_FINDING.has(g.result) && g.gene !== null
        ? [{ gene: g.gene.toUpperCase(), ...(g.variant === null ? {} : { variant: g.variant }) }]
        : [],
    ),
    variantKey,
  );
  // The same variant reported twice keeps its strongest classification.
  const somatic = new Map<string, SomaticVariantFact>();
  for (const g of history.geneticTests) {
    if (g.origin !== 'somatic' || g.gene === null) continue;
    const result = g.result;
    if (result !== 'pathogenic' && result !== 'likely_pathogenic' && result !== 'vus') continue;
    const fact: SomaticVariantFact = {
      gene: g.gene.toUpperCase(),
      ...(g.variant === null ? {} : { variant: g.variant }),
      result,
    };
    const seen = somatic.get(variantKey(fact));
    if (seen === undefined || SOMATIC_STRENGTH[result] > SOMATIC_STRENGTH[seen.result])
      somatic.set(variantKey(fact), fact);
  }
  const somaticVariants = [...somatic.values()];
  return {
    priorTherapies,
    maxLine: lines.length === 0 ? null : Math.max(...lines),
    menopausalStatus: history.menopausalStatus,
    germlinePathogenic,
    somaticVariants,
  };
}
