/**
 * ICD-O-3 topography and morphology, ICD-10-CM mapping, paired organs.
 * Pure: the ICD-O-3 lists are data files in ./data (facts, not patterns).
 *
 * Sources:
 * - WHO, ICD-O-3 (2000), ICD-O-3.1 (2011) and the ICD-O-3.2 update (2019):
 *   the topography list, the morphology list and its behaviour codes.
 * - SEER Program Coding and Staging Manual, "Laterality": the paired sites
 *   (the same list as the SEER/IMS multiple-primary software, MphConstants
 *   ALL_PAIRED_SITES).
 * - ICD-10-CM 2025 tabular list, chapter 2 (C00–C80, C7A, D05).
 */
import { ICDO3_MORPHOLOGY, ICDO3_MORPHOLOGY_BEHAVIOURS, ICDO3_MORPHOLOGY_TERMS } from './data/icdo3-morphology.js';
import { ICDO3_SITES, ICDO3_TOPOGRAPHY } from './data/icdo3-topography.js';

/** ICD-O-3 behaviour codes accepted for a diagnosis (/9 is a registry-only code). */
export const BEHAVIOURS = [0, 1, 2, 3, 6] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export type Laterality = 'left' | 'right' | 'bilateral';

export interface ParsedMorphology {
  histology: string;
  behaviour: Behaviour;
}

export interface Icd10CmSite {
  topography: string;
  laterality?: Laterality;
}

/** The shape of a topography code; membership is checked against the list. */
export const TOPOGRAPHY_FORM = /^C\d\d\.\d$/;
/** The shape of a morphology code, NNNN/B. */
export const MORPHOLOGY_FORM = /^(\d{4})\/(\d)$/;
/**
 * The shape of an ICD-10-CM code: a letter, a digit, a digit or letter (C4A,
 * C7A), then optionally a dot and up to four characters. Shape only.
 */
export const ICD10CM_FORM = /^[A-Z]\d[0-9A-Z](?:\.?[0-9A-Z]{1,4})?$/;

export const TOPOGRAPHY_EXPECTED = 'an ICD-O-3 topography code such as C50.4 (C00.0–C80.9; not every number is a code)';
export const MORPHOLOGY_EXPECTED =
  'an ICD-O-3 morphology code such as 8500/3 (a histology from the ICD-O-3 list and a behaviour valid for it: /0 benign, /1 uncertain, /2 in situ, /3 malignant, /6 metastatic)';
export const ICD10CM_EXPECTED =
  'an ICD-10-CM neoplasm code such as C50.912 (a primary site in C00–C80 or D05; not C77–C79, secondary, nor C81–C96, haematologic)';

const BEHAVIOUR_WORDS: Record<Behaviour, string> = {
  0: 'benign',
  1: 'uncertain whether benign or malignant',
  2: 'in situ',
  3: 'malignant',
  6: 'metastatic',
};

const has = (o: object, k: string): boolean => Object.hasOwn(o, k);

/** The name of an ICD-O-3 topography code (C50.4 → "Upper-outer quadrant of breast"), undefined when not a code. */
export function topographyName(code: string): string | undefined {
  return TOPOGRAPHY_FORM.test(code) && has(ICDO3_TOPOGRAPHY, code) ? ICDO3_TOPOGRAPHY[code] : undefined;
}

/** The title of the three-character site a topography code belongs to (C50.4 → "Breast"). */
export function siteName(code: string): string | undefined {
  const site = code.slice(0, 3);
  return (code.length === 3 || topographyName(code) !== undefined) && has(ICDO3_SITES, site)
    ? ICDO3_SITES[site]
    : undefined;
}

/** Whether the code is on the ICD-O-3 topography list (C50.4 yes, C50.7 no). */
export function isTopography(code: string): boolean {
  return topographyName(code) !== undefined;
}

/**
 * The behaviours a histology may be coded with: those the classification lists
 * for it (/3 only when nothing else is listed), plus /6 for any histology that
 * has a malignant (/3) form. Empty for a code not on the list.
 */
export function validBehaviours(histology: string): readonly Behaviour[] {
  if (!/^\d{4}$/.test(histology) || !has(ICDO3_MORPHOLOGY, histology)) return [];
  const listed = has(ICDO3_MORPHOLOGY_BEHAVIOURS, histology) ? ICDO3_MORPHOLOGY_BEHAVIOURS[histology] : [3];
  return BEHAVIOURS.filter((b) => listed.includes(b) || (b === 6 && listed.includes(3)));
}

/** The behaviour the histology's entry is named for: /3 where it has one, else its highest listed. */
function defaultBehaviour(histology: string): Behaviour {
  const valid = validBehaviours(histology);
  return valid.includes(3) ? 3 : valid.filter((b) => b !== 6).reduce<Behaviour>((a, b) => (b > a ? b : a), 0);
}

/** NNNN/B split and checked against the list; undefined unless the code and its behaviour are valid. */
export function parseMorphology(code: string): ParsedMorphology | undefined {
  const m = MORPHOLOGY_FORM.exec(code);
  if (m === null) return undefined;
  const histology = m[1];
  const behaviour = Number(m[2]) as Behaviour;
  return validBehaviours(histology).includes(behaviour) ? { histology, behaviour } : undefined;
}

/** Whether the code is NNNN/B with a histology on the ICD-O-3 list and a behaviour valid for it. */
export function isMorphology(code: string): boolean {
  return parseMorphology(code) !== undefined;
}

/**
 * The name of an ICD-O-3 morphology code with behaviour (8500/3 → "Infiltrating
 * duct carcinoma, NOS"). Another behaviour gives the classification's own term
 * when it has one (8500/2 → "Intraductal carcinoma, noninfiltrating, NOS"),
 * otherwise the entry's name with the behaviour (8500/6 → "Infiltrating duct
 * carcinoma, NOS, metastatic"). Undefined when the code or the behaviour is
 * not valid for it.
 */
export function morphologyName(code: string): string | undefined {
  const parsed = parseMorphology(code);
  if (parsed === undefined) return undefined;
  const { histology, behaviour } = parsed;
  const def = defaultBehaviour(histology);
  const term = (b: Behaviour): string => {
    const key = `${histology}/${b}`;
    return b !== def && has(ICDO3_MORPHOLOGY_TERMS, key) ? ICDO3_MORPHOLOGY_TERMS[key] : ICDO3_MORPHOLOGY[histology];
  };
  const name = term(behaviour);
  if (behaviour === def) return name;
  // The same words for two behaviours (8151/0 in ICD-O-3 and 8151/3 in ICD-O-3.2 are both "Insulinoma, NOS"): say which.
  const shared = validBehaviours(histology).some((b) => b !== behaviour && term(b) === name);
  return shared ? `${name}, ${BEHAVIOUR_WORDS[behaviour]}` : name;
}

/** The histology of NNNN/B (valid) or of a bare NNNN on the list. */
function histologyOf(code: string): number | undefined {
  if (/^\d{4}$/.test(code)) return has(ICDO3_MORPHOLOGY, code) ? Number(code) : undefined;
  const parsed = parseMorphology(code);
  return parsed === undefined ? undefined : Number(parsed.histology);
}

/** Hodgkin and non-Hodgkin lymphomas, ICD-O-3 9590–9729 ("959–972"); takes NNNN/B or NNNN. */
export function isLymphomaMorphology(code: string): boolean {
  const h = histologyOf(code);
  return h !== undefined && h >= 9590 && h <= 9729;
}

/** Lymphomas, plasma cell, mast cell and histiocytic neoplasms, leukaemias, MPN and MDS: 9590–9999. */
export function isHematologicMorphology(code: string): boolean {
  const h = histologyOf(code);
  return h !== undefined && h >= 9590 && h <= 9999;
}

/**
 * Paired organs, for which laterality is coded (SEER Program Coding and Staging
 * Manual, laterality): C07.9, C08.0–C08.1, C09.0–C09.9, C30.0–C30.1, C31.0,
 * C31.2, C34.0–C34.9, C38.4, C40.0–C40.3, C41.3–C41.4, C44.1–C44.3,
 * C44.5–C44.7, C47.1–C47.2, C49.1–C49.2, C50.0–C50.9, C56.9, C57.0,
 * C62.0–C62.9, C63.0–C63.1, C64.9, C65.9, C66.9, C69.0–C69.9, C70.0,
 * C71.0–C71.4, C72.2–C72.5, C74.0–C74.9, C75.4.
 */
export const PAIRED_ORGANS: ReadonlySet<string> = new Set(
  [
    ['C07.9', 'C07.9'],
    ['C08.0', 'C08.1'],
    ['C09.0', 'C09.9'],
    ['C30.0', 'C30.1'],
    ['C31.0', 'C31.0'],
    ['C31.2', 'C31.2'],
    ['C34.0', 'C34.9'],
    ['C38.4', 'C38.4'],
    ['C40.0', 'C40.3'],
    ['C41.3', 'C41.4'],
    ['C44.1', 'C44.3'],
    ['C44.5', 'C44.7'],
    ['C47.1', 'C47.2'],
    ['C49.1', 'C49.2'],
    ['C50.0', 'C50.9'],
    ['C56.9', 'C56.9'],
    ['C57.0', 'C57.0'],
    ['C62.0', 'C62.9'],
    ['C63.0', 'C63.1'],
    ['C64.9', 'C64.9'],
    ['C65.9', 'C65.9'],
    ['C66.9', 'C66.9'],
    ['C69.0', 'C69.9'],
    ['C70.0', 'C70.0'],
    ['C71.0', 'C71.4'],
    ['C72.2', 'C72.5'],
    ['C74.0', 'C74.9'],
    ['C75.4', 'C75.4'],
  ].flatMap(([from, to]) => Object.keys(ICDO3_TOPOGRAPHY).filter((c) => c >= from && c <= to)),
);

/** Whether laterality applies to the topography (a paired organ). */
export function isPairedSite(topography: string): boolean {
  return PAIRED_ORGANS.has(topography);
}

// ---------------------------------------------------------------------------
// ICD-10-CM → ICD-O-3 topography. Every billable neoplasm code of C00–C80,
// C4A, C7A and D05 (ICD-10-CM 2025) is listed, keyed without its dot.

const ICD10CM_SITES = new Map<string, Icd10CmSite>();

function put(code: string, topography: string, laterality?: Laterality): void {
  if (!has(ICDO3_TOPOGRAPHY, topography))
    throw new Error(`ICD-10-CM ${code}: ${topography} is not an ICD-O-3 topography`);
  const side = laterality !== undefined && PAIRED_ORGANS.has(topography) ? laterality : undefined;
  ICD10CM_SITES.set(code.replace('.', ''), side === undefined ? { topography } : { topography, laterality: side });
}

const SIDE: Record<string, Laterality | undefined> = { '0': undefined, '1': 'right', '2': 'left' };

// Same fourth character as ICD-O-3 (C18.7 → C18.7); the digits are the
// fourth characters ICD-10-CM has for the category.
const SAME: Record<string, string> = {
  C00: '012345689',
  C02: '0123489',
  C03: '019',
  C04: '0189',
  C05: '01289',
  C06: '0129',
  C08: '019',
  C09: '0189',
  C10: '0123489',
  C11: '012389',
  C13: '01289',
  C14: '028',
  C15: '34589',
  C16: '012345689',
  C17: '012389',
  C18: '0123456789',
  C21: '0128',
  C24: '0189',
  C25: '01234789',
  C26: '09',
  C30: '01',
  C31: '012389',
  C32: '012389',
  C38: '012348',
  C39: '09',
  C41: '012349',
  C47: '0345689',
  C48: '0128',
  C49: '0345689',
  C51: '01289',
  C53: '0189',
  C54: '012389',
  C57: '34789',
  C60: '01289',
  C63: '2789',
  C67: '0123456789',
  C68: '0189',
  C70: '019',
  C71: '0123456789',
  C72: '019',
  C75: '01234589',
  C76: '0123',
};
for (const [category, digits] of Object.entries(SAME))
  for (const d of digits) put(`${category}.${d}`, `${category}.${d}`);

// Categories without subdivisions (C61 → C61.9).
for (const c of ['C01', 'C07', 'C12', 'C19', 'C20', 'C23', 'C33', 'C37', 'C52', 'C55', 'C58', 'C61', 'C73'])
  put(c, `${c}.9`);

// Side in the fourth character (C64.2 → C64.9 left; C56.3 both ovaries).
for (const c of ['C56', 'C64', 'C65', 'C66']) {
  put(`${c}.1`, `${c}.9`, 'right');
  put(`${c}.2`, `${c}.9`, 'left');
  put(`${c}.9`, `${c}.9`);
}
put('C56.3', 'C56.9', 'bilateral');

// Side in the fifth character: 0 unspecified, 1 right, 2 left (C34.11 → C34.1 right).
const SIDE_FIFTH = [
  'C34.0 C34.1 C34.3 C34.8 C34.9',
  'C40.0 C40.1 C40.2 C40.3 C40.8 C40.9',
  'C47.1 C47.2 C49.1 C49.2',
  'C57.0 C57.1 C57.2 C62.0 C62.1 C62.9 C63.0 C63.1',
  'C69.0 C69.1 C69.2 C69.3 C69.4 C69.5 C69.6 C69.8 C69.9',
  'C72.2 C72.3 C72.4 C74.0 C74.1 C74.9 C76.4 C76.5',
].flatMap((s) => s.split(' '));
for (const sub of SIDE_FIFTH) for (const [d, side] of Object.entries(SIDE)) put(`${sub}${d}`, sub, side);
put('C34.2', 'C34.2', 'right'); // only the right lung has a middle lobe

// Breast: fourth character the quadrant, fifth the sex (1 female, 2 male),
// sixth the side (1 right, 2 left, 9 unspecified): C50.912 → C50.9 left.
for (const q of '012345689')
  for (const sex of '12')
    for (const [d, side] of [
      ['1', 'right'],
      ['2', 'left'],
      ['9', undefined],
    ] as const)
      put(`C50.${q}${sex}${d}`, `C50.${q}`, side);

// Carcinoma in situ of breast: D05.0 lobular, .1 intraductal, .8 other, .9 unspecified; fifth the side.
for (const t of '0189') for (const [d, side] of Object.entries(SIDE)) put(`D05.${t}${d}`, 'C50.9', side);

// Melanoma (C43) and Merkel cell carcinoma (C4A) of skin → ICD-O-3 skin C44.
for (const c of ['C43', 'C4A']) {
  put(`${c}.0`, 'C44.0');
  put(`${c}.10`, 'C44.1');
  for (const d of '12') put(`${c}.11${d}`, 'C44.1', 'right');
  for (const d of '12') put(`${c}.12${d}`, 'C44.1', 'left');
  for (const [d, side] of Object.entries(SIDE)) {
    put(`${c}.2${d}`, 'C44.2', side);
    put(`${c}.6${d}`, 'C44.6', side);
    put(`${c}.7${d}`, 'C44.7', side);
  }
  for (const d of '019') put(`${c}.3${d}`, 'C44.3');
  put(`${c}.4`, 'C44.4');
  for (const d of '129') put(`${c}.5${d}`, 'C44.5');
  put(`${c}.8`, 'C44.8');
  put(`${c}.9`, 'C44.9');
}

// Other skin (C44): fifth character the type (0 unspecified, 1 basal cell,
// 2 squamous cell, 3 sebaceous (eyelid only), 9 other).
for (const t of '0129') {
  put(`C44.0${t}`, 'C44.0');
  put(`C44.4${t}`, 'C44.4');
  put(`C44.8${t}`, 'C44.8');
  put(`C44.9${t}`, 'C44.9');
  for (const d of '019') put(`C44.3${t}${d}`, 'C44.3'); // unspecified part of face, nose, other
  for (const d of '019') put(`C44.5${t}${d}`, 'C44.5'); // anal skin, skin of breast, other trunk
  for (const sub of ['C44.2', 'C44.6', 'C44.7']) {
    put(`${sub}${t}1`, sub);
    put(`${sub}${t}2`, sub, 'right');
    put(`${sub}${t}9`, sub, 'left');
  }
}
for (const t of '01239') {
  // eyelid: sixth character 1 unspecified, 2 right, 9 left; seventh 1 upper, 2 lower
  put(`C44.1${t}1`, 'C44.1');
  for (const d of '12') put(`C44.1${t}2${d}`, 'C44.1', 'right');
  for (const d of '12') put(`C44.1${t}9${d}`, 'C44.1', 'left');
}

// Codes that name a site another way.
const OTHER: [string, string, Laterality?][] = [
  ['C06.80', 'C06.8'],
  ['C06.89', 'C06.8'],
  ['C22.0', 'C22.0'], // liver cell carcinoma
  ['C22.1', 'C22.1'], // intrahepatic bile duct carcinoma
  ['C22.2', 'C22.0'], // hepatoblastoma
  ['C22.3', 'C22.0'], // angiosarcoma of liver
  ['C22.4', 'C22.0'], // other sarcomas of liver
  ['C22.7', 'C22.0'], // other specified carcinomas of liver
  ['C22.8', 'C22.0'], // liver, primary, unspecified as to type
  ['C22.9', 'C22.0'], // liver, not specified as primary or secondary
  ['C26.1', 'C42.2'], // spleen
  ['C45.0', 'C38.4'], // mesothelioma of pleura
  ['C45.1', 'C48.2'], // of peritoneum
  ['C45.2', 'C38.0'], // of pericardium
  ['C45.9', 'C80.9'], // mesothelioma, unspecified
  ['C46.0', 'C44.9'], // Kaposi sarcoma of skin
  ['C46.1', 'C49.9'], // of soft tissue
  ['C46.2', 'C05.9'], // of palate
  ['C46.3', 'C77.9'], // of lymph nodes
  ['C46.4', 'C26.9'], // of gastrointestinal sites
  ['C46.50', 'C34.9'],
  ['C46.51', 'C34.9', 'right'],
  ['C46.52', 'C34.9', 'left'],
  ['C46.9', 'C80.9'], // Kaposi sarcoma, unspecified
  ['C49.A0', 'C80.9'], // GIST, unspecified site
  ['C49.A1', 'C15.9'],
  ['C49.A2', 'C16.9'],
  ['C49.A3', 'C17.9'],
  ['C49.A4', 'C18.9'],
  ['C49.A5', 'C20.9'],
  ['C72.50', 'C72.5'],
  ['C72.59', 'C72.5'],
  ['C76.8', 'C76.7'], // other specified ill-defined sites
  ['C7A.00', 'C80.9'], // malignant carcinoid tumour, unspecified site
  ['C7A.010', 'C17.0'],
  ['C7A.011', 'C17.1'],
  ['C7A.012', 'C17.2'],
  ['C7A.019', 'C17.9'],
  ['C7A.020', 'C18.1'],
  ['C7A.021', 'C18.0'],
  ['C7A.022', 'C18.2'],
  ['C7A.023', 'C18.4'],
  ['C7A.024', 'C18.6'],
  ['C7A.025', 'C18.7'],
  ['C7A.026', 'C20.9'],
  ['C7A.029', 'C18.9'],
  ['C7A.090', 'C34.9'],
  ['C7A.091', 'C37.9'],
  ['C7A.092', 'C16.9'],
  ['C7A.093', 'C64.9'],
  ['C80.1', 'C80.9'], // malignant (primary) neoplasm, unspecified
];
for (const [code, topography, side] of OTHER) put(code, topography, side);
// Not listed, so not mapped: C45.7, C46.7, C49.A9, C7A.094–C7A.098, C7A.1,
// C7A.8 (no single site), C77–C79 and C7B (secondary), C80.0 (disseminated),
// C80.2 (in a transplanted organ), C81–C96 (haematologic).

/** Whether the code has the shape of an ICD-10-CM code (not whether it exists). */
export function isIcd10Cm(code: string): boolean {
  return ICD10CM_FORM.test(code);
}

/**
 * The ICD-O-3 topography (and side, for a paired organ) of an ICD-10-CM
 * primary-site neoplasm code: C50.912 → C50.9 left, C34.11 → C34.1 right,
 * C43.62 → C44.6 left, C61 → C61.9. A non-billable header maps when every code
 * under it has the same site (C50.9 → C50.9). Undefined for a code that is not
 * a primary site: C77–C79 (secondary), C81–C96 (haematologic, no single site).
 */
export function icd10cmToIcdo3(code: string): Icd10CmSite | undefined {
  if (!isIcd10Cm(code)) return undefined;
  const key = code.replace('.', '');
  const exact = ICD10CM_SITES.get(key);
  if (exact !== undefined) return exact;
  const under = [...ICD10CM_SITES].filter(([k]) => k.startsWith(key)).map(([, v]) => v);
  const first = under[0];
  if (first === undefined || under.some((s) => s.topography !== first.topography)) return undefined;
  const side = first.laterality;
  return side !== undefined && under.every((s) => s.laterality === side)
    ? { topography: first.topography, laterality: side }
    : { topography: first.topography };
}

/**
 * The ICD-10-CM code for an ICD-O-3 topography, side and histology, for
 * systems that code conditions in ICD-10-CM (mCODE's primary-cancer value
 * set): C50.4 left in a woman → C50.412, C61.9 → C61, C34.1 right → C34.11.
 * The histology picks the chapter: melanoma (872–879) → C43, Merkel cell
 * (8247) → C4A, other neuroendocrine tumours (824x) → C7A, in situ (/2) →
 * D05 for the breast; anything else the C-code of the site. The most specific
 * code that maps back to the same site and side; for the breast the
 * female/male character follows the patient's sex. Undefined when no code
 * maps to the site.
 */
export function icdo3ToIcd10cm(
  topography: string,
  laterality: string | null,
  histology: string | null,
  sex: string | null,
): string | undefined {
  const morph = histology === null ? undefined : parseMorphology(histology);
  const type = morph === undefined ? Number.NaN : Number(morph.histology.slice(0, 4));
  const chapter = (key: string): boolean => {
    if (morph?.behaviour === 2) return key.startsWith('D');
    if (key.startsWith('D')) return false;
    if (type >= 8720 && type <= 8799) return key.startsWith('C43');
    if (type === 8247) return key.startsWith('C4A');
    if (type >= 8240 && type <= 8249) return key.startsWith('C7A');
    return !key.startsWith('C43') && !key.startsWith('C4A') && !key.startsWith('C7A');
  };
  const side = laterality === 'bilateral' ? null : laterality;
  const sited = [...ICD10CM_SITES].filter(([, s]) => s.topography === topography && (s.laterality ?? null) === side);
  const inChapter = sited.filter(([k]) => chapter(k));
  const candidates = inChapter.length > 0 ? inChapter : sited;
  const bySex =
    topography.startsWith('C50') && (sex === 'female' || sex === 'male')
      ? candidates.filter(([k]) => k.length < 6 || k[4] === (sex === 'female' ? '1' : '2'))
      : candidates;
  const pool = (bySex.length > 0 ? bySex : candidates).map(([k]) => k);
  // The most specific code first; equal length, the lowest.
  const key = pool.sort((a, b) => b.length - a.length || a.localeCompare(b))[0];
  if (key === undefined) return undefined;
  return key.length > 3 ? `${key.slice(0, 3)}.${key.slice(3)}` : key;
}
