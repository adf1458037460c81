import { registerDecorator, type ValidationOptions } from 'class-validator';

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
