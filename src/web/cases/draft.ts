/**
 * A form's draft as a nested object of strings, edited by dotted paths
 * ("referringDiagnosis.clinicalStage.t", "history.medications.0.name"), and
 * turned into a request body with nothing the user left empty: no field is
 * sent that nobody typed or chose.
 */
export type Draft = { [key: string]: DraftValue };
export type DraftValue = string | boolean | Draft | Draft[];

export function getAt(draft: Draft, path: string): DraftValue | undefined {
  let at: DraftValue | undefined = draft;
  for (const key of path.split('.')) {
    if (at === undefined || typeof at !== 'object') return undefined;
    at = Array.isArray(at) ? at[Number(key)] : at[key];
  }
  return at;
}

export function setAt(draft: Draft, path: string, value: DraftValue): Draft {
  const [key, ...rest] = path.split('.');
  if (key === undefined) return draft;
  if (rest.length === 0) return { ...draft, [key]: value };
  const child = draft[key];
  if (Array.isArray(child)) {
    const [index, ...deeper] = rest;
    const i = Number(index);
    const copy = [...child];
    copy[i] = deeper.length === 0 ? (value as Draft) : setAt(copy[i] ?? {}, deeper.join('.'), value);
    return { ...draft, [key]: copy };
  }
  return { ...draft, [key]: setAt(typeof child === 'object' ? child : {}, rest.join('.'), value) };
}

/** Keys whose typed text is a number, and yes/no choices that are booleans. */
const NUMBERS = new Set([
  'ajccEdition',
  'ecog',
  'tumourSizeMm',
  'depthMm',
  'percent',
  'ishRatio',
  'copyNumber',
  'tps',
  'cps',
  'sequence',
  'line',
  'ageAtDiagnosis',
  'pregnancyWeeks',
  'primary',
  'secondary',
]);
const BOOLEANS = new Set(['malignant', 'consentToRecord']);
/** Keys typed as one line of comma-separated words, sent as a list. */
const LISTS = new Set(['drugs']);

/** The body to send: empty strings, empty rows and empty objects left out; numbers and yes/no converted. */
export function toBody(value: DraftValue, key = ''): unknown {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim();
    if (v === '') return undefined;
    if (NUMBERS.has(key)) return Number(v);
    if (BOOLEANS.has(key)) return v === 'yes';
    if (LISTS.has(key))
      return v
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');
    return v;
  }
  if (Array.isArray(value)) {
    const rows = value.map((row) => toBody(row)).filter((row) => row !== undefined);
    return rows;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const b = toBody(v, k);
    // An empty list is left out, but for the recommendation's items: none is a statement ("no recommendation").
    if (b !== undefined && !(Array.isArray(b) && b.length === 0 && k !== 'items')) out[k] = b;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}
