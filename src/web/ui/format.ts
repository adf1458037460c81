/**
 * Dates, times and words as clinicians read them. Clinic times are always shown
 * in the clinic's own time zone and labelled with it; nothing is shown in UTC
 * or as a raw ISO string.
 */

/** The short name of a time zone at an instant: "MST", "GMT+1". */
export function zoneLabel(timeZone: string, at: Date = new Date()): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

const toDate = (v: string | Date): Date => (typeof v === 'string' ? new Date(v) : v);

/** "3 Dec 2026, 08:00 MST" — an instant in a clinic's zone. */
export function dateTime(v: string | Date, timeZone: string): string {
  const d = toDate(v);
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d);
  return `${text} ${zoneLabel(timeZone, d)}`;
}

/** "08:00" in a clinic's zone (label the column or heading with zoneLabel). */
export function clockTime(v: string | Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    toDate(v),
  );
}

/** Minutes since midnight of an instant in a zone (for placing it on a timeline). */
export function minutesOfDay(v: string | Date, timeZone: string): number {
  const [h, m] = clockTime(v, timeZone).split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** "4 May 1961" — a calendar date (birth date, document date): no time zone applies. */
export function calendarDate(isoDate: string): string {
  const [y, m, d] = isoDate.slice(0, 10).split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) return isoDate;
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

/** The calendar date of an instant in a zone, as YYYY-MM-DD. */
export function isoDateIn(v: string | Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    toDate(v),
  );
}

/** Age in whole years on a date (today by default), from a birth date YYYY-MM-DD. */
export function ageOn(birthDate: string, on: Date = new Date()): number {
  const [y, m, d] = birthDate.split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) return NaN;
  let age = on.getFullYear() - y;
  if (on.getMonth() + 1 < m || (on.getMonth() + 1 === m && on.getDate() < d)) age -= 1;
  return age;
}

/** A machine word in plain words: "imaging_mri" → "Imaging MRI", "in_progress" → "In progress". */
const ACRONYMS = new Set([
  'mri',
  'ct',
  'pet',
  'ecog',
  'her2',
  'er',
  'pr',
  'fhir',
  'id',
  'mrn',
  'ihc',
  'ish',
  'icd',
  'tnm',
]);
export function words(code: string): string {
  const parts = code.split(/[_\s]+/).filter((p) => p !== '');
  return parts
    .map((p, i) => (ACRONYMS.has(p.toLowerCase()) ? p.toUpperCase() : i === 0 ? p[0].toUpperCase() + p.slice(1) : p))
    .join(' ');
}

/** "1 case", "3 cases". */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
