import { professionLabel } from '../specialists/professions.js';
import type { SessionRosterDto, YearRosterDto } from './dto/roster.dto.js';
import { disciplineLabel, ZonedText } from './roster-text.js';

/**
 * CSV for attendance rosters: RFC 4180 (CRLF line ends; a field with a comma,
 * quote or line break is quoted, quotes doubled), and guarded against formula
 * injection (OWASP "CSV Injection"): a text cell that a spreadsheet would
 * read as a formula, one starting with = + - @ or a tab or carriage return,
 * is prefixed with a single quote. Numbers are written as numbers.
 */

export type CsvCell = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One field, quoted as RFC 4180 needs and defused when it could run as a formula. */
export function csvField(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A whole file: a header and rows, CRLF after every record, with a UTF-8 byte
 * order mark so that spreadsheets read accented names correctly.
 */
export function csvDocument(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const lines = [header, ...rows].map((r) => r.map(csvField).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The roster of one session: a row per stay, with the person's total on each of their rows. */
export function sessionRosterCsv(r: SessionRosterDto): string {
  const z = new ZonedText(r.timeZone);
  const tz = `(${r.timeZone})`;
  const s = r.session;
  return csvDocument(
    [
      'session',
      `session_start ${tz}`,
      'name',
      'credentials',
      'profession',
      'discipline',
      `time_in ${tz}`,
      `time_out ${tz}`,
      `counted_to ${tz}`,
      'counted_until',
      'stay_minutes',
      'total_minutes',
      'credit_hours',
    ],
    r.attendees.flatMap((a) =>
      a.stays.map((st) => [
        s.title,
        z.stamp(s.startsAt),
        a.displayName,
        a.credentials,
        professionLabel(a.profession),
        disciplineLabel(st.discipline),
        z.stamp(st.joinedAt),
        st.leftAt === null ? null : z.stamp(st.leftAt),
        z.stamp(st.countedTo),
        st.countedUntil,
        st.minutes,
        a.minutes,
        a.creditHours,
      ]),
    ),
  );
}

/** A clinic's year: a row per person, the sessions attended (dates in the clinic's zone) and the totals. */
export function yearRosterCsv(r: YearRosterDto): string {
  const z = new ZonedText(r.timeZone);
  const starts = new Map(r.sessions.map((s) => [s.id, s.startsAt]));
  return csvDocument(
    [
      'year',
      'name',
      'credentials',
      'profession',
      'disciplines',
      'sessions_attended',
      `session_dates (${r.timeZone})`,
      'total_minutes',
      'credit_hours',
    ],
    r.people.map((p) => [
      r.year,
      p.displayName,
      p.credentials,
      professionLabel(p.profession),
      p.disciplines.map(disciplineLabel).join('; '),
      p.sessionsAttended,
      p.sessions.map((e) => z.date(starts.get(e.sessionId) ?? '')).join('; '),
      p.minutes,
      p.creditHours,
    ]),
  );
}
