import { DateTime } from 'luxon';

/** A recurring window, in the clinic's wall-clock time. ISO weekday: 1 = Monday … 7 = Sunday. */
export interface WeeklyWindow {
  weekday: number;
  start: string;
  end: string;
}

/** A dated change: away (the whole day when no times) or extra hours. */
export interface DatedException {
  date: string;
  kind: 'away' | 'extra';
  start?: string | null;
  end?: string | null;
}

export interface Interval {
  start: Date;
  end: Date;
}

function at(date: string, clock: string, zone: string): DateTime {
  if (clock === '24:00') return DateTime.fromISO(date, { zone }).plus({ days: 1 }).startOf('day');
  // Luxon resolves wall-clock times that a DST change skips by moving
  // forward, and ambiguous ones (the repeated hour) to the earlier offset.
  return DateTime.fromISO(`${date}T${clock}`, { zone });
}

/**
 * The specialist's free time on `date` (YYYY-MM-DD in the clinic's zone), as
 * real instants: weekly windows of that weekday, plus extra hours, minus time
 * away, merged and sorted. Wall-clock windows keep their meaning across
 * daylight-saving changes, so a window may be an hour shorter or longer.
 */
export function availabilityOn(
  date: string,
  zone: string,
  weekly: WeeklyWindow[],
  exceptions: DatedException[],
): Interval[] {
  const day = DateTime.fromISO(date, { zone });
  if (!day.isValid) throw new RangeError(`invalid date or zone: ${date} ${zone}`);
  const windows: [number, number][] = [];
  const add = (start: string, end: string): void => {
    const s = at(date, start, zone).toMillis();
    const e = at(date, end, zone).toMillis();
    if (e > s) windows.push([s, e]);
  };
  for (const w of weekly) if (w.weekday === day.weekday) add(w.start, w.end);
  const todays = exceptions.filter((x) => x.date === date);
  for (const x of todays) if (x.kind === 'extra' && x.start && x.end) add(x.start, x.end);
  let free = merge(windows);
  for (const x of todays) {
    if (x.kind !== 'away') continue;
    const s = x.start ? at(date, x.start, zone).toMillis() : day.startOf('day').toMillis();
    const e = x.end ? at(date, x.end, zone).toMillis() : day.plus({ days: 1 }).startOf('day').toMillis();
    if (e > s) free = subtract(free, [s, e]);
  }
  return free.map(([s, e]) => ({ start: new Date(s), end: new Date(e) }));
}

function merge(windows: [number, number][]): [number, number][] {
  const sorted = [...windows].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out.at(-1);
    if (last !== undefined && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function subtract(windows: [number, number][], [cs, ce]: [number, number]): [number, number][] {
  const out: [number, number][] = [];
  for (const [s, e] of windows) {
    if (ce <= s || cs >= e) {
      out.push([s, e]);
      continue;
    }
    if (cs > s) out.push([s, cs]);
    if (ce < e) out.push([ce, e]);
  }
  return out;
}
