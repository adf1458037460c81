/**
 * Biomarkers as results with a category (DOMAIN.md "Coding"). Pure.
 *
 * - ER: negative < 1 %, low positive 1–10 %, positive > 10 %; PR: negative
 *   < 1 %, positive ≥ 1 % (Allison et al., ASCO/CAP ER/PgR guideline update,
 *   J Clin Oncol 2020;38:1346).
 * - HER2: 0, low (IHC 1+, or 2+ with ISH not amplified), positive (IHC 3+,
 *   or 2+ with ISH amplified), equivocal (2+ without ISH); ISH alone
 *   positive when ratio ≥ 2.0 and ≥ 4 copies (Wolff et al., ASCO/CAP HER2
 *   2018, J Clin Oncol 2018;36:2105; HER2-low per the 2023 update, Wolff et
 *   al., J Clin Oncol 2023;41:3867).
 * - Ki-67: ≤ 5 % low, ≥ 30 % high, between intermediate (International Ki67
 *   in Breast Cancer Working Group, Nielsen et al., J Natl Cancer Inst
 *   2021;113:808).
 * - PD-L1 TPS < 1 %, 1–49 %, ≥ 50 % (KEYNOTE-024/042); CPS < 1, 1–9, ≥ 10.
 * - MSI-H / MSS (MSI-L is MSS), dMMR / pMMR.
 * - Gene variants in HGVS; germline results pathogenic / likely pathogenic
 *   are findings, VUS and negative are not (Richards et al., ACMG/AMP 2015).
 */

export interface BiomarkerInput {
  name: string;
  /** The result as reported, e.g. "positive (90%)", "3+", "p.V600E". */
  value?: string | null;
  method?: string | null;
  percent?: number | null;
  ihcScore?: '0' | '1+' | '2+' | '3+' | null;
  ishRatio?: number | null;
  copyNumber?: number | null;
  ishResult?: 'amplified' | 'not_amplified' | null;
  variant?: string | null;
  tps?: number | null;
  cps?: number | null;
  origin?: 'somatic' | 'germline' | null;
  result?: string | null;
}

export interface Category {
  code: string;
  label: string;
}

export interface BiomarkerResult extends BiomarkerInput {
  /** Canonical marker name (HER2 for HER2/neu, ERBB2). */
  marker: string;
  origin: 'somatic' | 'germline';
  category: Category | null;
}

/** Canonical marker → synonyms (compared case-insensitively, ignoring spaces, dashes and slashes). */
export const MARKERS: Readonly<Record<string, readonly string[]>> = {
  ER: ['ER', 'estrogen receptor', 'oestrogen receptor', 'ER alpha', 'ESR'],
  PR: ['PR', 'PgR', 'progesterone receptor'],
  HER2: ['HER2', 'HER2/neu', 'HER-2', 'ERBB2', 'c-erbB-2', 'neu', 'HER2 neu'],
  'Ki-67': ['Ki-67', 'Ki67', 'MIB-1', 'MIB1'],
  AR: ['AR', 'androgen receptor'],
  'PD-L1': ['PD-L1', 'PDL1', 'CD274'],
  MSI: ['MSI', 'microsatellite instability', 'MSI status'],
  MMR: ['MMR', 'mismatch repair', 'MMR status', 'MMR proteins'],
  TMB: ['TMB', 'tumor mutational burden', 'tumour mutational burden'],
  HRD: ['HRD', 'homologous recombination deficiency'],
  'Oncotype DX': ['Oncotype DX', 'Oncotype', '21-gene recurrence score', 'recurrence score', 'RS'],
  EGFR: ['EGFR'],
  ALK: ['ALK'],
  ROS1: ['ROS1'],
  BRAF: ['BRAF'],
  KRAS: ['KRAS'],
  NRAS: ['NRAS'],
  PIK3CA: ['PIK3CA'],
  ESR1: ['ESR1 mutation', 'ESR1'],
  BRCA1: ['BRCA1'],
  BRCA2: ['BRCA2'],
  PALB2: ['PALB2'],
  ATM: ['ATM'],
  CHEK2: ['CHEK2'],
  TP53: ['TP53', 'p53'],
  NTRK: ['NTRK', 'NTRK1', 'NTRK2', 'NTRK3'],
  RET: ['RET'],
  MET: ['MET'],
  KIT: ['KIT', 'CD117', 'c-KIT'],
  PDGFRA: ['PDGFRA'],
  DOG1: ['DOG1', 'ANO1'],
  IDH1: ['IDH1'],
  IDH2: ['IDH2'],
  MGMT: ['MGMT', 'MGMT promoter methylation'],
  CD20: ['CD20'],
  CD30: ['CD30'],
  CD15: ['CD15'],
  CD10: ['CD10'],
  BCL2: ['BCL2', 'BCL-2'],
  BCL6: ['BCL6', 'BCL-6'],
  MYC: ['MYC', 'c-MYC'],
  EBER: ['EBER', 'EBV'],
  PSA: ['PSA', 'prostate-specific antigen'],
  'CA 19-9': ['CA 19-9', 'CA19-9', 'CA199'],
  CEA: ['CEA'],
  Desmin: ['desmin'],
  SMA: ['SMA', 'smooth muscle actin'],
};

const squash = (s: string): string => s.toLowerCase().replace(/[\s\-/_.]/g, '');
const SYNONYM = new Map<string, string>();
for (const [canonical, names] of Object.entries(MARKERS)) for (const n of names) SYNONYM.set(squash(n), canonical);

/** The canonical name of a marker; a marker not in the vocabulary keeps its own name. */
export function canonicalMarker(name: string): string {
  const stripped = name.replace(/^\s*germline\s+/i, '');
  return SYNONYM.get(squash(stripped)) ?? SYNONYM.get(squash(name)) ?? stripped.trim();
}

export function isKnownMarker(name: string): boolean {
  return SYNONYM.has(squash(name.replace(/^\s*germline\s+/i, '')));
}

const GENES = new Set([
  'EGFR',
  'ALK',
  'ROS1',
  'BRAF',
  'KRAS',
  'NRAS',
  'PIK3CA',
  'ESR1',
  'BRCA1',
  'BRCA2',
  'PALB2',
  'ATM',
  'CHEK2',
  'TP53',
  'NTRK',
  'RET',
  'MET',
  'KIT',
  'PDGFRA',
  'IDH1',
  'IDH2',
]);

/** HGVS sequence variant, loosely: c./p./g./n./m./r. followed by a description. */
export const HGVS = /^(?:[A-Z]{1,3}_\d+(?:\.\d+)?:)?[cpgnmr]\.[A-Za-z0-9_*>?()+\-=;[\]]+$/;
export const HGVS_EXPECTED = 'an HGVS variant such as p.V600E, p.(Leu858Arg) or c.5266dupC';

const num = (re: RegExp, text: string): number | undefined => {
  const m = re.exec(text);
  return m === null ? undefined : Number(m[1]);
};

const positiveWord = (t: string): boolean =>
  /\b(positive|pos|detected|present|amplified|mutated|mutant)\b|^\+$/.test(t);
const negativeWord = (t: string): boolean =>
  /\b(negative|neg|not detected|absent|not amplified|non-amplified|wild[- ]type|wt|no mutation)\b/.test(t);

/** Fills the structured fields a free-text result states (percent, IHC score, ISH) when they were not given. */
function readText(b: BiomarkerInput, marker: string): BiomarkerInput {
  const t = (b.value ?? '').toLowerCase();
  const out: BiomarkerInput = { ...b };
  if (out.percent == null) {
    const p = num(/(\d+(?:\.\d+)?)\s*%/, t);
    if (p !== undefined) out.percent = p;
  }
  if (marker === 'HER2' && out.ihcScore == null) {
    const s = /\b([0-3])\s*\+/.exec(t) ?? /(?:ihc|score)\s*([0-3])\b/.exec(t) ?? /^\s*([0-3])\s*$/.exec(t);
    if (s !== null) out.ihcScore = s[1] === '0' ? '0' : (`${s[1]}+` as BiomarkerInput['ihcScore']);
  }
  if (marker === 'HER2' && out.ishResult == null) {
    if (/(ish|fish|cish|sish)[^,;]*\b(not amplified|non-amplified|negative)\b|not amplified/.test(t))
      out.ishResult = 'not_amplified';
    else if (/(ish|fish|cish|sish)[^,;]*\b(amplified|positive)\b|\bamplified\b/.test(t)) out.ishResult = 'amplified';
  }
  if (marker === 'PD-L1') {
    if (out.tps == null) {
      const v = num(/tps\D{0,6}(\d+(?:\.\d+)?)/, t);
      if (v !== undefined) out.tps = v;
    }
    if (out.cps == null) {
      const v = num(/cps\D{0,6}(\d+(?:\.\d+)?)/, t);
      if (v !== undefined) out.cps = v;
    }
  }
  if (out.variant == null) {
    const v = /\b([cpg]\.[A-Za-z0-9_*>()+-]+)/.exec(b.value ?? '');
    if (v !== null) out.variant = v[1]!;
  }
  return out;
}

const cat = (code: string, label: string): Category => ({ code, label });

const AMINO_ACIDS: Readonly<Record<string, string>> = {
  Ala: 'A',
  Arg: 'R',
  Asn: 'N',
  Asp: 'D',
  Cys: 'C',
  Gln: 'Q',
  Glu: 'E',
  Gly: 'G',
  His: 'H',
  Ile: 'I',
  Leu: 'L',
  Lys: 'K',
  Met: 'M',
  Phe: 'F',
  Pro: 'P',
  Ser: 'S',
  Thr: 'T',
  Trp: 'W',
  Tyr: 'Y',
  Val: 'V',
  Ter: '*',
  Sec: 'U',
};

/**
 * One spelling of a protein variant: p.(Leu858Arg), p.Leu858Arg and p.L858R are the same (HGVS: the
 * parentheses mark a predicted consequence; one- and three-letter amino-acid codes are both allowed).
 */
export function normaliseVariant(v: string): string {
  const t = v.trim().replace(/^[A-Z]{1,3}_\d+(?:\.\d+)?:/, '');
  if (!t.startsWith('p.')) return t;
  return `p.${t
    .slice(2)
    .replace(/^\((.*)\)$/, '$1')
    .replace(/[A-Z][a-z]{2}/g, (aa) => AMINO_ACIDS[aa] ?? aa)}`;
}

function categorise(marker: string, b: BiomarkerInput, origin: 'somatic' | 'germline'): Category | null {
  const t = `${b.result ?? ''} ${b.value ?? ''}`.toLowerCase().trim();
  if (origin === 'germline') {
    // "negative (no pathogenic variant)" names the word pathogenic: the negative reading comes first.
    if (
      /\bno (?:likely )?pathogenic\b|\bnegative\b|not detected|\bno (?:reportable )?(?:variants?|mutations?)\b/.test(t)
    )
      return cat('negative', 'no pathogenic variant');
    if (/likely[ _-]?pathogenic/.test(t)) return cat('pathogenic', 'likely pathogenic variant');
    if (/\bvus\b|uncertain significance/.test(t)) return cat('vus', 'variant of uncertain significance');
    if (/pathogenic|deleterious|mutation detected|positive/.test(t) && !/non-?pathogenic|likely benign|benign/.test(t))
      return cat('pathogenic', 'pathogenic variant');
    if (negativeWord(t) || /benign|no pathogenic/.test(t)) return cat('negative', 'no pathogenic variant');
    if (b.variant != null) return cat('pathogenic', 'variant reported');
    return null;
  }
  switch (marker) {
    case 'ER':
      if (b.percent != null)
        return b.percent < 1
          ? cat('negative', 'negative (< 1%)')
          : b.percent <= 10
            ? cat('low_positive', 'low positive (1–10%)')
            : cat('positive', 'positive (> 10%)');
      if (/\blow\b/.test(t) && positiveWord(t)) return cat('low_positive', 'low positive (1–10%)');
      if (negativeWord(t)) return cat('negative', 'negative');
      if (positiveWord(t)) return cat('positive_any', 'positive');
      return null;
    case 'PR':
      if (b.percent != null)
        return b.percent < 1 ? cat('negative', 'negative (< 1%)') : cat('positive', 'positive (≥ 1%)');
      if (negativeWord(t)) return cat('negative', 'negative');
      if (positiveWord(t)) return cat('positive', 'positive');
      return null;
    case 'HER2': {
      if (b.ihcScore === '3+') return cat('positive', 'positive (IHC 3+)');
      if (b.ihcScore === '2+') {
        // IHC 2+ with a dual-probe ISH count (ASCO/CAP 2018 groups): group 1 (ratio ≥ 2.0, ≥ 4 copies) and,
        // after the concurrent IHC work-up, group 3 (ratio < 2.0, ≥ 6 copies) are positive; groups 2, 4 and 5 not.
        const ish =
          b.ishResult ??
          (b.ishRatio != null && b.copyNumber != null
            ? (b.ishRatio >= 2 && b.copyNumber >= 4) || (b.ishRatio < 2 && b.copyNumber >= 6)
              ? 'amplified'
              : 'not_amplified'
            : null);
        return ish === 'amplified'
          ? cat('positive', 'positive (IHC 2+, ISH amplified)')
          : ish === 'not_amplified'
            ? cat('low', 'low (IHC 2+, ISH not amplified)')
            : cat('equivocal', 'equivocal (IHC 2+, ISH pending)');
      }
      if (b.ihcScore === '1+') return cat('low', 'low (IHC 1+)');
      if (b.ihcScore === '0')
        return /ultra-?low/.test(t)
          ? cat('ultralow', 'ultralow (IHC 0 with membrane staining)')
          : cat('zero', '0 (IHC 0)');
      if (b.ishRatio != null && b.copyNumber != null) {
        if (b.ishRatio >= 2 && b.copyNumber >= 4) return cat('positive', 'positive (ISH amplified)');
        if (b.ishRatio < 2 && b.copyNumber < 4) return cat('negative', 'negative (ISH not amplified)');
        return cat('equivocal', 'ISH group 2–4: needs IHC work-up');
      }
      if (b.ishResult === 'amplified') return cat('positive', 'positive (ISH amplified)');
      if (b.ishResult === 'not_amplified') return cat('negative', 'negative (ISH not amplified)');
      if (/ultra-?low/.test(t)) return cat('ultralow', 'ultralow');
      if (/\blow\b/.test(t)) return cat('low', 'low');
      if (/equivocal/.test(t)) return cat('equivocal', 'equivocal');
      if (negativeWord(t)) return cat('negative', 'negative');
      if (positiveWord(t)) return cat('positive', 'positive');
      return null;
    }
    case 'Ki-67':
      if (b.percent == null) return null;
      return b.percent <= 5
        ? cat('low', 'low (≤ 5%)')
        : b.percent >= 30
          ? cat('high', 'high (≥ 30%)')
          : cat('intermediate', 'intermediate (6–29%)');
    case 'PD-L1':
      if (b.tps != null)
        return b.tps < 1
          ? cat('tps_negative', 'TPS < 1%')
          : b.tps < 50
            ? cat('tps_1_49', 'TPS 1–49%')
            : cat('tps_50', 'TPS ≥ 50%');
      if (b.cps != null)
        return b.cps < 1
          ? cat('cps_negative', 'CPS < 1')
          : b.cps < 10
            ? cat('cps_1_9', 'CPS 1–9')
            : cat('cps_10', 'CPS ≥ 10');
      if (negativeWord(t)) return cat('negative', 'negative');
      if (positiveWord(t)) return cat('positive', 'positive');
      return null;
    case 'MSI':
      if (/msi-?h|high/.test(t)) return cat('msi_high', 'MSI-high');
      if (/mss|stable|msi-?l|\blow\b/.test(t)) return cat('mss', 'microsatellite stable');
      return null;
    case 'MMR':
      if (/dmmr|deficien|loss/.test(t)) return cat('dmmr', 'mismatch repair deficient (dMMR)');
      if (/pmmr|proficien|intact|retained/.test(t)) return cat('pmmr', 'mismatch repair proficient (pMMR)');
      return null;
    default:
      if (GENES.has(marker)) {
        if (negativeWord(t)) return cat('not_detected', 'no variant detected');
        if (b.variant != null) return cat(`variant:${normaliseVariant(b.variant)}`, `variant ${b.variant}`);
        // Detected without an HGVS variant: one category however it is worded (IHC "positive", FISH "rearranged").
        if (positiveWord(t) || /fusion|rearrang|exon|deletion|insertion|mutation/.test(t)) return cat('detected', t);
        return null;
      }
      if (/\bhigh\b/.test(t)) return cat('high', 'high');
      if (/\blow\b/.test(t)) return cat('low', 'low');
      if (/equivocal/.test(t)) return cat('equivocal', 'equivocal');
      if (negativeWord(t)) return cat('negative', 'negative');
      if (positiveWord(t)) return cat('positive', 'positive');
      return null;
  }
}

const isGermlineInput = (b: BiomarkerInput): boolean =>
  b.origin === 'germline' || /germline/i.test(b.method ?? '') || /^\s*germline\b/i.test(b.name);

/** A result with its canonical marker, origin and category. */
export function normaliseBiomarker(b: BiomarkerInput): BiomarkerResult {
  const marker = canonicalMarker(b.name);
  const origin = isGermlineInput(b) ? 'germline' : 'somatic';
  const read = readText(b, marker);
  return { ...read, marker, origin, category: categorise(marker, read, origin) };
}

/**
 * Less-detailed categories that cover more specific ones: HER2 "negative"
 * covers 0, ultralow and low; ER "positive" without a percentage covers
 * low positive and positive. The same result written with more detail is
 * not a change.
 */
const COVERS: Record<string, Record<string, readonly string[]>> = {
  HER2: { negative: ['zero', 'ultralow', 'low'] },
  ER: { positive_any: ['low_positive', 'positive'] },
};

/** Whether two categories of one marker state the same result. */
export function sameCategory(marker: string, a: Category, b: Category): boolean {
  if (a.code === b.code) return true;
  // A gene result "detected" without the variant and one naming it: the same result with less detail.
  if (
    GENES.has(marker) &&
    [a.code, b.code].includes('detected') &&
    [a.code, b.code].some((c) => c.startsWith('variant:'))
  )
    return true;
  const covers = COVERS[marker] ?? {};
  return (covers[a.code] ?? []).includes(b.code) || (covers[b.code] ?? []).includes(a.code);
}

/** Key identifying a result for comparison: the marker, its origin, and for PD-L1 the score used. */
export function resultKey(b: BiomarkerResult): string {
  const scoring = b.marker === 'PD-L1' ? (b.tps != null ? '|TPS' : b.cps != null ? '|CPS' : '') : '';
  return `${b.marker}|${b.origin}${scoring}`;
}

/** Germline findings are pathogenic or likely pathogenic results; a negative test or a VUS is not one. */
export function isGermlineFinding(b: BiomarkerResult): boolean {
  return b.origin === 'germline' && b.category?.code === 'pathogenic';
}

/** "HER2 positive (IHC 3+)" */
export function describeBiomarker(b: BiomarkerResult): string {
  const what = b.category?.label ?? (b.value ?? '').trim();
  return `${b.origin === 'germline' ? 'germline ' : ''}${b.marker}${b.variant != null && !what.includes(b.variant) ? ` ${b.variant}` : ''} ${what}`.trim();
}
