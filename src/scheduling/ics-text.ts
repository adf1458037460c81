/**
 * Text for iCalendar files. A property ends at a line break, so a stored
 * name holding CR or LF (a legacy row, or text that reached the database by
 * another path) could otherwise start a property or a component of its own
 * (`BEGIN:VALARM`). Every text written into a calendar goes through here.
 */

// eslint-disable-next-line no-control-regex
const BREAKS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** One line of text: every run of control characters and line separators becomes one space. */
export function icsLine(text: string): string {
  return text.replace(BREAKS, ' ').trim();
}

/**
 * A TEXT value escaped as RFC 5545 §3.3.11 says, on one line. For the
 * properties ical-generator writes as given (the calendar's NAME and
 * X-WR-CALNAME); event properties (SUMMARY, LOCATION) it escapes itself, so
 * those take `icsLine` only.
 */
export function icsText(text: string): string {
  return icsLine(text).replace(/[\\;,]/g, (c) => `\\${c}`);
}
