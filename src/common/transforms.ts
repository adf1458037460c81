import { registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';

/** Shared class-transformer helpers and formats for DTOs. */

/** Trims strings; leaves other values for the validators to refuse. */
export const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/**
 * Trims and puts text in Unicode NFC, so a name typed decomposed (u + U+0308)
 * and precomposed (ü) is one name. For names and name searches.
 */
export const trimNfc = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.normalize('NFC').trim() : value;

/** A calendar date, YYYY-MM-DD. */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** PostgreSQL `time` comes back as HH:mm:ss; the API speaks HH:mm. */
export const hhmm = (time: string): string => time.slice(0, 5);

/** Today as YYYY-MM-DD, a day ahead of UTC so a date that is today anywhere on Earth passes. */
const latestToday = (): string => new Date(Date.now() + 14 * 3600_000).toISOString().slice(0, 10);

/**
 * A date that has happened: not in the future and, when `notBefore` is
 * given, not before it (a birth date after 1900).
 */
export function IsPastDate(
  opts: { notBefore?: string; what?: string } = {},
  options?: ValidationOptions,
): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isPastDate',
      target: target.constructor,
      propertyName: propertyName as string,
      // Read by the OpenAPI document (src/openapi/validation-schema.ts).
      constraints: [opts.notBefore],
      options: {
        message: (args) =>
          `${args.property} must be ${opts.what ?? 'a date'} that is not in the future${opts.notBefore === undefined ? '' : ` and not before ${opts.notBefore}`}`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' ||
          !ISO_DATE.test(value) ||
          (value <= latestToday() && (opts.notBefore === undefined || value >= opts.notBefore)),
      },
    });
  };
}

/** A date, or a date and time with an optional offset, in ISO 8601 (`2026-02-28`, `2026-02-28T09:30:00Z`). */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2})(?::?(\d{2}))?)?)?$/;
/** The same, as PostgreSQL writes a timestamptz as text (`2026-02-28 09:30:00.123456+00`), for cursors. */
const PG_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-](\d{2})(?::?(\d{2}))?)$/;

/** Year 1 to 9999 (PostgreSQL has no year 0), a month that has that day (no 30 February). */
function realCalendarDay(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

function realMatch(m: RegExpExecArray | null): boolean {
  if (m === null) return false;
  const [, y, mo, d, h, mi, s, , zh, zm] = m;
  if (!realCalendarDay(Number(y), Number(mo), Number(d))) return false;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || (s !== undefined && Number(s) > 59))) return false;
  // Offsets in use run from -12:00 to +14:00; PostgreSQL refuses beyond ±15:59.
  if (zh !== undefined && (Number(zh) > 14 || (zm !== undefined && Number(zm) > 59))) return false;
  return true;
}

/** A calendar date YYYY-MM-DD that exists (not 2026-02-30, not year 0). */
export function isRealDate(value: unknown): value is string {
  return typeof value === 'string' && ISO_DATE.test(value) && realMatch(ISO_DATE_TIME.exec(value));
}

/** A date, or date and time, in ISO 8601 that exists and that both JavaScript and PostgreSQL read. */
export function isRealDateTime(value: unknown): value is string {
  return typeof value === 'string' && realMatch(ISO_DATE_TIME.exec(value));
}

/** A timestamp as a cursor carries it: ISO 8601 or PostgreSQL's text form, with its offset. */
export function isRealTimestamp(value: unknown): value is string {
  return typeof value === 'string' && realMatch(PG_TIMESTAMP.exec(value));
}

function dateDecorator(
  name: string,
  test: (value: unknown) => boolean,
  what: string,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: (args) => `${args.property} must be ${what}`, ...options },
      validator: { validate: test },
    });
  };
}

/** A real calendar date, YYYY-MM-DD: impossible dates (2026-02-30) are a 400 naming the field, never a 500. */
export const IsRealDate = (options?: ValidationOptions): PropertyDecorator =>
  dateDecorator('isRealDate', isRealDate, 'a real date, YYYY-MM-DD (e.g. 2026-02-28)', options);

/** A real date or date and time in ISO 8601, for list filters such as `from` and `to`. */
export const IsRealDateTime = (options?: ValidationOptions): PropertyDecorator =>
  dateDecorator(
    'isRealDateTime',
    isRealDateTime,
    'a real date or date and time in ISO 8601 (e.g. 2026-02-28 or 2026-02-28T09:30:00Z)',
    options,
  );

/**
 * Characters a single line of text never holds: every control character
 * (line feed, carriage return and tab included) and the Unicode line and
 * paragraph separators. A name with a line break in it can start a new
 * line in a calendar file, a letter or a log.
 */
// eslint-disable-next-line no-control-regex
export const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * A single line of text: names, titles, institutions, clinic and room
 * names. Refuses line breaks, tabs and every other control character with a
 * 400 naming the field. (Multi-line fields, such as notes, may hold line
 * breaks and tabs; the global pipe refuses the other control characters
 * everywhere.) Applies to each item of an array with `{ each: true }`.
 */
export function SingleLine(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'singleLine',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: (args) =>
          `${args.property} must be a single line of text, without line breaks, tabs or other control characters`,
        ...options,
      },
      validator: { validate: (value: unknown) => typeof value !== 'string' || !LINE_BREAKING.test(value) },
    });
  };
}

/**
 * The field may be left out, but not sent as null: unlike IsOptional, which
 * skips every validator for null too, the field's validators then refuse it
 * with a 400 naming it. For fields whose service reads null as a value.
 */
export const IsOmittable = (options?: ValidationOptions): PropertyDecorator =>
  ValidateIf((_object: unknown, value: unknown) => value !== undefined, options);
