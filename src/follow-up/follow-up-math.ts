/**
 * The follow-up figures' arithmetic, with no Nest and no database: calendar
 * days in the clinic's time zone (so a DST change never shifts a count) and
 * medians over what was recorded (nothing is guessed for what was not).
 */

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The calendar date (YYYY-MM-DD) of an instant in an IANA time zone. */
export function localDate(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

function dayNumber(date: string): number {
  const m = ISO_DAY.exec(date);
  if (m === null) throw new RangeError(`not a date YYYY-MM-DD: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** Days between two instants counted as calendar dates in the zone; null when either is not known. */
export function calendarDaysBetween(from: Date | null, to: Date | string | null, timeZone: string): number | null {
  if (from === null || to === null) return null;
  const end = typeof to === 'string' ? to : localDate(to, timeZone);
  return daysBetween(localDate(from, timeZone), end);
}

/** The median (the mean of the middle two for an even count); null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid];
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

/** `{ count, median }` of the values that are known. */
export function summarise(values: readonly (number | null)[]): { count: number; median: number | null } {
  const known = values.filter((v): v is number => v !== null);
  return { count: known.length, median: median(known) };
}

/** An open item is overdue once its due date has passed in the clinic's zone (due today is not overdue). */
export function isOverdue(status: string, dueDate: string, today: string): boolean {
  return status === 'open' && dueDate < today;
}
