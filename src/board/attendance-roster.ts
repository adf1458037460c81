/**
 * Attendance arithmetic for continuing medical education (pure: no Nest, no
 * database). A person may join and leave a session several times; each stay
 * counts from when it was checked in to when it was checked out.
 *
 * Rules, chosen so that a roster never states time nobody recorded:
 * - time before the session's scheduled start is not session time: a stay
 *   counts from the later of check-in and the start;
 * - a recorded check-out counts as recorded (a meeting may overrun), but
 *   never past the moment the session was closed (a check-out recorded
 *   after that tidies the list; it is no evidence of presence);
 * - a stay never checked out counts until the earliest thing that shows the
 *   session was over: its scheduled end, the moment it was closed, or now
 *   (a session still going); never before its check-in;
 * - overlapping stays are counted once (their union);
 * - minutes are whole minutes, rounded down.
 *
 * CME credit: sixty minutes of participation are one hour of credit, claimed
 * in quarter hours (AMA PRA Booklet, "Live activities": 15 minute or 0.25
 * credit increments). The booklet lets providers round to the nearest quarter
 * hour; the certificate rounds down, so it never states more than attended.
 */

export interface RecordedStay {
  joinedAt: Date;
  leftAt: Date | null;
}

export interface SessionTimes {
  startsAt: Date;
  endsAt: Date;
  /** When the session was closed (its status set to closed), if it was. */
  closedAt: Date | null;
}

/** Where an open stay's counted end comes from. */
export type CountedUntil = 'checked_out' | 'session_end' | 'session_closed' | 'now';

export interface CountedStay {
  joinedAt: Date;
  leftAt: Date | null;
  /** The interval counted: [from, until); until ≥ from. */
  from: Date;
  until: Date;
  countedUntil: CountedUntil;
  minutes: number;
}

const MINUTE = 60_000;
const later = (a: Date, b: Date): Date => (a > b ? a : b);

/** The interval of one stay that counts, and why it ends where it does. */
export function countStay(stay: RecordedStay, session: SessionTimes, now: Date): CountedStay {
  const from = later(stay.joinedAt, session.startsAt);
  let end: Date;
  let countedUntil: CountedUntil;
  if (stay.leftAt !== null) {
    const closedFirst = session.closedAt !== null && session.closedAt < stay.leftAt;
    end = closedFirst && session.closedAt !== null ? session.closedAt : stay.leftAt;
    countedUntil = closedFirst ? 'session_closed' : 'checked_out';
  } else {
    const candidates: [Date, CountedUntil][] = [[session.endsAt, 'session_end']];
    if (session.closedAt !== null) candidates.push([session.closedAt, 'session_closed']);
    candidates.push([now, 'now']);
    // The earliest evidence of the end wins; on a tie the session's own times name it.
    [end, countedUntil] = candidates.reduce((a, b) => (b[0] < a[0] ? b : a));
  }
  const until = later(end, from);
  return {
    joinedAt: stay.joinedAt,
    leftAt: stay.leftAt,
    from,
    until,
    countedUntil,
    minutes: Math.floor((until.getTime() - from.getTime()) / MINUTE),
  };
}

/** Whole minutes covered by the union of the intervals (overlaps counted once). */
export function unionMinutes(intervals: readonly { from: Date; until: Date }[]): number {
  const sorted = intervals
    .map((i) => [i.from.getTime(), i.until.getTime()] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let start = Number.NaN;
  let end = Number.NaN;
  for (const [a, b] of sorted) {
    if (Number.isNaN(start) || a > end) {
      if (!Number.isNaN(start)) total += end - start;
      start = a;
      end = b;
    } else if (b > end) end = b;
  }
  if (!Number.isNaN(start)) total += end - start;
  return Math.floor(total / MINUTE);
}

/** Hours of credit for minutes attended: minutes / 60, rounded down to the quarter hour. */
export function creditHours(minutes: number): number {
  if (!Number.isFinite(minutes) || minutes <= 0) return 0;
  return Math.floor(minutes / 15) / 4;
}

/** One person's stays at one session, counted: each stay, the total minutes and the credit hours. */
export function personAttendance(
  stays: readonly RecordedStay[],
  session: SessionTimes,
  now: Date,
): { stays: CountedStay[]; minutes: number; creditHours: number } {
  const counted = [...stays]
    .sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime())
    .map((s) => countStay(s, session, now));
  const minutes = unionMinutes(counted);
  return { stays: counted, minutes, creditHours: creditHours(minutes) };
}

/** Hours as a certificate writes them: "1.25", "2", "0.5". */
export const hoursText = (hours: number): string => String(Math.round(hours * 100) / 100);
