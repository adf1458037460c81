/**
 * Staging as clinicians write it (AJCC 8th edition notation, DOMAIN.md
 * "Coding"), and the other systems that are the standard for some cancers.
 * Pure: no Nest, no database.
 *
 * AJCC Cancer Staging Manual, 8th ed. (Amin et al., Springer 2017), ch. 1:
 * the basis prefix (c, p, yc, yp, r, a), category and subcategory, and the
 * suffixes (m) / count, (sn), (f), (i+)/(i−), (mol+)/(mol−); clinical,
 * pathological and post-therapy classifications are separate and never
 * compared with each other. N0(i+) is still N0 for staging (ch. 48, breast).
 */

export const STAGE_BASES = [
  'clinical',
  'pathological',
  'post_therapy_clinical',
  'post_therapy_pathological',
  'recurrence',
] as const;
export type StageBasis = (typeof STAGE_BASES)[number];

/** The assessment field that holds each basis's TNM stage. */
export const STAGE_FIELDS: Record<StageBasis, string> = {
  clinical: 'clinicalStage',
  pathological: 'pathologicalStage',
  post_therapy_clinical: 'postTherapyClinicalStage',
  post_therapy_pathological: 'postTherapyPathologicalStage',
  recurrence: 'recurrenceStage',
};

export const BASIS_WORDS: Record<StageBasis, string> = {
  clinical: 'clinical',
  pathological: 'pathological',
  post_therapy_clinical: 'post-therapy clinical',
  post_therapy_pathological: 'post-therapy pathological',
  recurrence: 'recurrence',
};

export const STAGE_GROUP_TYPES = ['anatomic', 'prognostic'] as const;
export type StageGroupType = (typeof STAGE_GROUP_TYPES)[number];

export type TnmElement = 't' | 'n' | 'm';

export interface TnmStage {
  t?: string | null;
  n?: string | null;
  m?: string | null;
  stageGroup?: string | null;
  /** Breast (AJCC 8) has an anatomic and a prognostic stage group; which one stageGroup is. */
  groupType?: StageGroupType | null;
}

/**
 * The prefixes each basis allows on each element. Pathological staging may
 * use cN (e.g. pTis cN0) and cM0 / pM1 (there is no pM0); post-therapy M
 * stays the pre-treatment M (AJCC 8 ch. 1).
 */
const PREFIXES: Record<StageBasis, Record<TnmElement, readonly string[]>> = {
  clinical: { t: ['', 'c'], n: ['', 'c'], m: ['', 'c', 'p'] },
  pathological: { t: ['', 'p'], n: ['', 'p', 'c'], m: ['', 'c', 'p'] },
  post_therapy_clinical: { t: ['', 'yc'], n: ['', 'yc'], m: ['', 'c', 'p', 'yc'] },
  post_therapy_pathological: { t: ['', 'yp'], n: ['', 'yp'], m: ['', 'c', 'p', 'yp'] },
  recurrence: { t: ['', 'r', 'rc', 'rp'], n: ['', 'r', 'rc', 'rp'], m: ['', 'r', 'rc', 'rp', 'c', 'p'] },
};

export interface ParsedTnm {
  element: TnmElement;
  prefix: string;
  /** Category with subcategory, no prefix or suffix: T1c, N1mi, M1a, Tis. */
  category: string;
  suffixes: string[];
  /** Orderable rank; undefined for X (cannot be assessed). */
  rank: { main: number; sub: number } | undefined;
}

const T_RE =
  /^(yc|yp|rc|rp|c|p|r|a)?T(X|0|is(?:\((?:DCIS|Paget|LCIS)\))?|1mi|[1-4](?:[a-e][1-3]?)?)((?:\((?:m|\d{1,2})\))?)$/;
const N_RE = /^(yc|yp|rc|rp|c|p|r|a)?N(X|0|1mi|[1-3][a-c]?)((?:\((?:i\+|i-|mol\+|mol-|sn|f)\))*)$/;
const M_RE = /^(yc|yp|rc|rp|c|p|r|a)?M(X|0|1(?:[a-d])?)((?:\((?:i\+|0|1)\))?)$/;

const suffixList = (s: string): string[] =>
  s === '' ? [] : (s.match(/\(([^)]*)\)/g) ?? []).map((x) => x.slice(1, -1));

function categoryRank(element: TnmElement, category: string): ParsedTnm['rank'] {
  const body = category.slice(1);
  if (body === 'X') return undefined;
  if (element === 't' && body.startsWith('is')) return { main: 0.5, sub: 0 }; // in situ: above T0, below T1
  const m = /^(\d)(mi)?([a-e])?(\d)?$/.exec(body);
  if (m === null) return undefined;
  let sub = 0;
  if (m[2] !== undefined) sub = 1;
  if (m[3] !== undefined) sub = 2 + (m[3].charCodeAt(0) - 97) * 10 + Number(m[4] ?? 0);
  return { main: Number(m[1]), sub };
}

/** Parses one TNM element in AJCC notation (cT2, pN1mi, pN0(i+)(sn), ypT0, M1a(0)); undefined when not AJCC. */
export function parseTnm(element: TnmElement, text: string): ParsedTnm | undefined {
  const re = element === 't' ? T_RE : element === 'n' ? N_RE : M_RE;
  const m = re.exec(text.trim());
  if (m === null) return undefined;
  const category = `${element.toUpperCase()}${m[2]}`;
  return {
    element,
    prefix: m[1] ?? '',
    category,
    suffixes: suffixList(m[3] ?? ''),
    rank: categoryRank(element, category),
  };
}

export const TNM_EXPECTED: Record<TnmElement, string> = {
  t: 'an AJCC T category such as T2, cT1c, pT1mi, ypT0, pTis(DCIS) or pT2(m)',
  n: 'an AJCC N category such as N0, cN1, pN1mi, pN0(i+), pN1a(sn) or ypN0',
  m: 'an AJCC M category such as M0, cM0, pM1, M1b or M1a(0)',
};

/** Prefixes a basis allows for an element, in words for an error message. */
export function allowedPrefixes(basis: StageBasis, element: TnmElement): readonly string[] {
  return PREFIXES[basis][element];
}

/** AJCC stage groups (0, 0is, 0a, I–IV with A–C and 1–3, IS for testis). */
const GROUP_RE = /^(0|I{1,3}|IV|IS)(is|a)?([ABCD])?([1-3])?$/;
const ROMAN: Record<string, number> = { '0': 0, I: 1, II: 2, III: 3, IV: 4 };

/**
 * An orderable rank of a stage group. Stage IS (testis: serum markers
 * persist after orchiectomy, AJCC 8 ch. 59) lies between IB and IIA, not at 0.
 */
export function groupRank(group: string): { main: number; sub: number } | undefined {
  const g = GROUP_RE.exec(group.trim());
  if (g === null) return undefined;
  if (g[1] === 'IS') return g[3] === undefined && g[4] === undefined ? { main: 1, sub: 90 } : undefined;
  const main = ROMAN[g[1]];
  if (main === undefined) return undefined;
  if (g[2] !== undefined) return main === 0 && g[3] === undefined ? { main: 0, sub: 0.5 } : undefined;
  const sub = g[3] === undefined ? 0 : (g[3].charCodeAt(0) - 64) * 10 + Number(g[4] ?? 0);
  return { main, sub };
}

export const GROUP_EXPECTED = 'an AJCC stage group such as 0, IA, IB, IIA, IIIC or IV';

/** Whether the stage group is stated as a bare group (II) of which the other (IIB) is a detail. */
export function lessDetail(a: { main: number; sub: number }, b: { main: number; sub: number }): boolean {
  if (a.main !== b.main || a.sub === b.sub) return false;
  if (a.sub === 0 || b.sub === 0) return true;
  // IA vs IA2: same letter, one without the number.
  const letter = (s: number): number => Math.floor(s / 10);
  return letter(a.sub) === letter(b.sub) && (a.sub % 10 === 0 || b.sub % 10 === 0);
}

/**
 * The AJCC 8 breast ANATOMIC stage group for T, N and M (AJCC 8 ch. 48,
 * "Anatomic Stage Groups"); undefined when a category is unknown (X).
 * T1 includes T1mi; N1mi is its own row (IB); N1 includes N1a–c.
 */
export function breastAnatomicGroup(t: ParsedTnm, n: ParsedTnm, m: ParsedTnm): string | undefined {
  if (m.rank === undefined) return undefined;
  if (m.rank.main >= 1) return 'IV';
  if (t.rank === undefined || n.rank === undefined) return undefined;
  const T = t.rank.main === 0.5 ? 'is' : String(t.rank.main);
  const N = n.rank.main === 1 && n.rank.sub === 1 ? '1mi' : String(n.rank.main);
  if (N === '3') return 'IIIC';
  if (T === '4') return 'IIIB';
  if (T === 'is') return N === '0' ? '0' : undefined;
  const table: Record<string, Record<string, string>> = {
    '0': { '1mi': 'IB', '1': 'IIA', '2': 'IIIA' },
    '1': { '0': 'IA', '1mi': 'IB', '1': 'IIA', '2': 'IIIA' },
    '2': { '0': 'IIA', '1mi': 'IIB', '1': 'IIB', '2': 'IIIA' },
    '3': { '0': 'IIB', '1mi': 'IIIA', '1': 'IIIA', '2': 'IIIA' },
  };
  return table[T]?.[N];
}

/* ------------------------------------------------------------------------ */
/* Other staging systems, where they are the standard (DOMAIN.md): a registry */
/* so that another system is one entry more.                                 */
/* ------------------------------------------------------------------------ */

export interface ParsedSystemStage {
  /** Normalised text, e.g. "IIB", "IIIE bulky", "borderline_resectable". */
  value: string;
  /** Orderable extent; a higher rank is more advanced. */
  rank: number;
  /** Modifiers that are not extent (A/B symptoms, bulky): a difference is a change, ranked by presence. */
  modifiers: string[];
}

export interface StagingSystem {
  id: string;
  name: string;
  expected: string;
  parse(text: string): ParsedSystemStage | undefined;
}

const romanGroup = (text: string): { main: number; rest: string } | undefined => {
  const m = /^(IV|I{1,3})(.*)$/.exec(text);
  if (m === null) return undefined;
  return { main: ROMAN[m[1]], rest: m[2] };
};

export const STAGING_SYSTEMS: Readonly<Record<string, StagingSystem>> = {
  /** Cheson et al., J Clin Oncol 2014;32:3059 (Lugano classification): I–IV, E, A/B (Hodgkin), bulky. */
  lugano: {
    id: 'lugano',
    name: 'Lugano',
    expected: 'a Lugano stage such as I, IE, II, II bulky, IIE, III, IV, optionally with A or B (e.g. IIB, IVA)',
    parse(text) {
      const norm = text.trim().replace(/\s+/g, ' ');
      const m = /^(IV|I{1,3})(E)?(A|B)?(?: ?(bulky|X))?$/i.exec(norm);
      if (m === null) return undefined;
      const g = romanGroup(m[1].toUpperCase());
      if (g === undefined) return undefined;
      if (m[2] !== undefined && g.main > 2) return undefined; // E applies to I and II only
      const modifiers: string[] = [];
      if (m[3] !== undefined) modifiers.push(m[3].toUpperCase());
      if (m[4] !== undefined) modifiers.push('bulky');
      const value = `${m[1].toUpperCase()}${m[2] === undefined ? '' : 'E'}${m[3]?.toUpperCase() ?? ''}${m[4] === undefined ? '' : ' bulky'}`;
      return { value, rank: g.main * 10 + (m[2] === undefined ? 0 : 1), modifiers };
    },
  },
  /** FIGO staging (cervix 2018, Bhatla et al. Int J Gynecol Obstet 2019; endometrium 2009/2023; ovary 2014). */
  figo: {
    id: 'figo',
    name: 'FIGO',
    expected: 'a FIGO stage such as IA1, IB2, IIA, IIIC1 or IVB',
    parse(text) {
      const m = /^(IV|I{1,3})([A-C])?([1-3])?$/.exec(text.trim());
      if (m === null) return undefined;
      const main = ROMAN[m[1]];
      return {
        value: text.trim(),
        rank: main * 100 + (m[2] === undefined ? 0 : (m[2].charCodeAt(0) - 64) * 10 + Number(m[3] ?? 0)),
        modifiers: [],
      };
    },
  },
  /**
   * Pancreatic adenocarcinoma resectability (NCCN Pancreatic Adenocarcinoma
   * v2.2025; Isaji et al., Pancreatology 2018): resectable < borderline <
   * locally advanced < metastatic.
   */
  resectability: {
    id: 'resectability',
    name: 'Resectability',
    expected: 'one of resectable, borderline_resectable, locally_advanced, metastatic',
    parse(text) {
      const order = ['resectable', 'borderline_resectable', 'locally_advanced', 'metastatic'];
      const v = text
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_');
      const rank = order.indexOf(v);
      return rank < 0 ? undefined : { value: v, rank, modifiers: [] };
    },
  },
  /** Revised International Staging System for myeloma (Palumbo et al., J Clin Oncol 2015;33:2863). */
  r_iss: {
    id: 'r_iss',
    name: 'R-ISS',
    expected: 'an R-ISS stage I, II or III',
    parse(text) {
      const g = /^(I{1,3})$/.exec(text.trim());
      return g === null ? undefined : { value: g[1], rank: ROMAN[g[1]], modifiers: [] };
    },
  },
  /** Barcelona Clinic Liver Cancer staging (Reig et al., J Hepatol 2022;76:681): 0, A, B, C, D. */
  bclc: {
    id: 'bclc',
    name: 'BCLC',
    expected: 'a BCLC stage 0, A, B, C or D',
    parse(text) {
      const v = text.trim().toUpperCase();
      const rank = ['0', 'A', 'B', 'C', 'D'].indexOf(v);
      return rank < 0 ? undefined : { value: v, rank, modifiers: [] };
    },
  },
};

export const OTHER_STAGING_SYSTEMS = Object.keys(STAGING_SYSTEMS);

export interface SystemStage {
  system: string;
  stage: string;
}
