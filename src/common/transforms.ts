/** Shared class-transformer helpers and formats for DTOs. */

/** Trims strings; leaves other values for the validators to refuse. */
export const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/** A calendar date, YYYY-MM-DD. */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** PostgreSQL `time` comes back as HH:mm:ss; the API speaks HH:mm. */
export const hhmm = (time: string): string => time.slice(0, 5);
