/**
 * RFC 5545 §3.4 puts a calendar's own properties (PRODID, VERSION, CALSCALE,
 * METHOD, NAME, X-WR-*, REFRESH-INTERVAL, …) before its components. ical-
 * generator writes the custom ones (`calendar.x(...)`, here X-WR-TIMEZONE)
 * after the events, which some clients ignore or reject; this moves every
 * property of the VCALENDAR itself ahead of its first component, keeping
 * the order of each group and the folded lines whole.
 */
export function calendarPropertiesFirst(ics: string): string {
  const ending = ics.endsWith('\r\n') ? '\r\n' : '';
  // Content lines: a folded line's continuations (CRLF + space or tab) stay with it.
  const lines = ics.slice(0, ics.length - ending.length).split(/\r\n(?![ \t])/);
  const head: string[] = [];
  const components: string[] = [];
  const tail: string[] = [];
  let depth = 0;
  for (const line of lines) {
    const begin = /^BEGIN:/i.test(line);
    const end = /^END:/i.test(line);
    if (begin) depth++;
    if (depth === 1 && !begin && !end) (components.length === 0 ? head : tail).push(line);
    else if (depth === 1 && (begin || end)) (begin ? head : tail).push(line);
    else components.push(line);
    if (end) depth--;
  }
  // tail holds the calendar's late properties, then its END:VCALENDAR.
  const close = tail.filter((l) => /^END:VCALENDAR$/i.test(l));
  const late = tail.filter((l) => !/^END:VCALENDAR$/i.test(l));
  return [...head, ...late, ...components, ...close].join('\r\n') + ending;
}

const DAY = 86_400_000;
/** A calendar subscription's window without from/to: 30 days back, 180 ahead. */
export const DEFAULT_WINDOW = { backDays: 30, aheadDays: 180 } as const;

/**
 * The range of a calendar feed. Calendar apps subscribe to a bare URL, so
 * both bounds may be left out: the window then is the last 30 days and the
 * next 180. With one bound given, the window keeps its length from it.
 */
export function calendarWindow(
  from: string | undefined,
  to: string | undefined,
  now: Date,
): { from: string; to: string } {
  const length = (DEFAULT_WINDOW.backDays + DEFAULT_WINDOW.aheadDays) * DAY;
  if (from !== undefined && to !== undefined) return { from, to };
  if (from !== undefined) return { from, to: new Date(Date.parse(from) + length).toISOString() };
  if (to !== undefined) return { from: new Date(Date.parse(to) - length).toISOString(), to };
  return {
    from: new Date(now.getTime() - DEFAULT_WINDOW.backDays * DAY).toISOString(),
    to: new Date(now.getTime() + DEFAULT_WINDOW.aheadDays * DAY).toISOString(),
  };
}
