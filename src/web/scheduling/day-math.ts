/**
 * The arithmetic of a clinic day, without the DOM: instants in milliseconds,
 * the clinic's opening in its own zone, free time, the slots a visit could
 * move to, and the figures a day is judged by (time in clinic, waiting, gaps).
 */
import type { Schemas } from '../api/client.js';
import { DISCIPLINE_WORDS } from '../ui/labels.js';

export interface Span {
  start: number;
  end: number;
}

export type Visit = Schemas['ProposedAppointmentDto'];
export type DayView = Schemas['DayViewDto'];
export type Slot = Schemas['DaySlotDto'];

export const MINUTE = 60_000;
export const GRID = 5 * MINUTE;

export const spanOf = (x: { start: string; end: string }): Span => ({
  start: Date.parse(x.start),
  end: Date.parse(x.end),
});
const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;
const within = (a: Span, windows: readonly Span[]): boolean =>
  windows.some((w) => w.start <= a.start && a.end <= w.end);

/** The windows with the busy spans taken out. */
export function subtract(windows: readonly Span[], busy: readonly Span[]): Span[] {
  let out = windows.map((w) => ({ ...w }));
  for (const b of busy) {
    out = out.flatMap((w) => {
      if (!overlaps(w, b)) return [w];
      const parts: Span[] = [];
      if (w.start < b.start) parts.push({ start: w.start, end: b.start });
      if (b.end < w.end) parts.push({ start: b.end, end: w.end });
      return parts;
    });
  }
  return out;
}

/** The instant of a clinic-local date and time ("2026-12-03", "08:00") in an IANA zone. */
export function zonedInstant(date: string, time: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wall = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, hh ?? 0, mm ?? 0);
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  });
  const offsetAt = (t: number): number => {
    const p = Object.fromEntries(fmt.formatToParts(t).map((x) => [x.type, x.value]));
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute) - t;
  };
  // Twice: the offset at the guess may differ from the offset at the answer across a change of clocks.
  const first = wall - offsetAt(wall);
  return wall - offsetAt(first);
}

/** Minutes a patient spends in clinic: from the first to the end of the last visit they attend. */
export function timeInClinic(visits: readonly { start: string; end: string; patientAttends: boolean }[]): number {
  const attended = visits.filter((v) => v.patientAttends).map(spanOf);
  if (attended.length === 0) return 0;
  return (Math.max(...attended.map((s) => s.end)) - Math.min(...attended.map((s) => s.start))) / MINUTE;
}

/** Minutes of that time spent waiting between visits. */
export function waiting(visits: readonly { start: string; end: string; patientAttends: boolean }[]): number {
  const attended = visits.filter((v) => v.patientAttends).map(spanOf);
  const seen = attended.reduce((n, s) => n + (s.end - s.start) / MINUTE, 0);
  return Math.max(0, timeInClinic(visits) - seen);
}

/** Idle minutes of a specialist between their first and last appointment of the day. */
export function idleBetween(spans: readonly Span[]): number {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let idle = 0;
  let end = sorted[0]?.end ?? 0;
  for (const s of sorted.slice(1)) {
    if (s.start > end) idle += (s.start - end) / MINUTE;
    end = Math.max(end, s.end);
  }
  return idle;
}

export interface DayFigures {
  patients: number;
  timeInClinic: number;
  waiting: number;
  specialistIdle: number;
}

/** The figures of a day: its booked appointments, plus any proposed ones per case. */
export function dayFigures(
  day: DayView,
  proposed: readonly { caseId: string; appointments: Visit[] }[] = [],
): DayFigures {
  const byCase = new Map<string, { start: string; end: string; patientAttends: boolean }[]>();
  const bySpecialist = new Map<string, Span[]>();
  for (const s of day.bySpecialist) {
    for (const a of s.appointments) {
      byCase.set(a.caseId, [...(byCase.get(a.caseId) ?? []), a]);
      bySpecialist.set(s.specialistId, [...(bySpecialist.get(s.specialistId) ?? []), spanOf(a)]);
    }
  }
  for (const p of proposed) {
    byCase.set(p.caseId, [...(byCase.get(p.caseId) ?? []), ...p.appointments]);
    for (const a of p.appointments)
      bySpecialist.set(a.specialistId, [...(bySpecialist.get(a.specialistId) ?? []), spanOf(a)]);
  }
  const cases = [...byCase.values()];
  return {
    patients: cases.length,
    timeInClinic: cases.reduce((n, v) => n + timeInClinic(v), 0),
    waiting: cases.reduce((n, v) => n + waiting(v), 0),
    specialistIdle: [...bySpecialist.values()].reduce((n, s) => n + idleBetween(s), 0),
  };
}

export interface Candidate {
  visit: Visit;
  /** Another specialist than the visit has now. */
  otherSpecialist: boolean;
}

/**
 * The times visit `index` of a proposed itinerary could move to on the day:
 * a specialist of its discipline free for its whole length (their bookings and
 * the itinerary's other visits taken out), a room free then when the patient
 * attends, the patient not at another visit, and the clinic's order of
 * disciplines kept. Steps of 15 minutes on the clinic's 5-minute grid. The
 * server checks again when it books.
 */
export function candidates(
  visits: readonly Visit[],
  index: number,
  day: DayView,
  specialistDisciplines: ReadonlyMap<string, readonly string[]>,
  precedence: readonly { before: string; after: string }[],
  clinicDay: Span,
): Candidate[] {
  const visit = visits[index];
  if (visit === undefined) return [];
  const length = Date.parse(visit.end) - Date.parse(visit.start);
  const others = visits.filter((_, i) => i !== index);
  const out: Candidate[] = [];
  for (const s of day.bySpecialist) {
    const disciplines = specialistDisciplines.get(s.specialistId) ?? s.disciplines;
    if (!disciplines.includes(visit.discipline)) continue;
    const busy = [
      ...s.appointments.map(spanOf),
      ...others.filter((o) => o.specialistId === s.specialistId).map(spanOf),
    ];
    const free = subtract(
      s.free
        .map(spanOf)
        .map((w) => ({ start: Math.max(w.start, clinicDay.start), end: Math.min(w.end, clinicDay.end) })),
      busy,
    );
    for (const w of free) {
      const first = clinicDay.start + Math.ceil((w.start - clinicDay.start) / GRID) * GRID;
      for (let t = first; t + length <= w.end; t += 3 * GRID) {
        const span = { start: t, end: t + length };
        if (visit.patientAttends && others.some((o) => o.patientAttends && overlaps(spanOf(o), span))) continue;
        const order = precedence.every((r) => {
          if (r.before === visit.discipline) {
            const after = others.find((o) => o.discipline === r.after);
            return after === undefined || span.end <= Date.parse(after.start);
          }
          if (r.after === visit.discipline) {
            const before = others.find((o) => o.discipline === r.before);
            return before === undefined || Date.parse(before.end) <= span.start;
          }
          return true;
        });
        if (!order) continue;
        let roomId: string | null = null;
        if (visit.patientAttends) {
          const freeRoom = (id: string | null): boolean => {
            const room = day.byRoom.find((r) => r.roomId === id);
            if (room === undefined) return false;
            const taken = [...room.appointments.map(spanOf), ...others.filter((o) => o.roomId === id).map(spanOf)];
            return within(span, subtract([clinicDay], taken));
          };
          roomId = freeRoom(visit.roomId) ? visit.roomId : (day.byRoom.find((r) => freeRoom(r.roomId))?.roomId ?? null);
          if (roomId === null) continue;
        }
        if (s.specialistId === visit.specialistId && t === Date.parse(visit.start)) continue;
        out.push({
          visit: {
            ...visit,
            specialistId: s.specialistId,
            roomId,
            start: new Date(t).toISOString(),
            end: new Date(t + length).toISOString(),
          },
          otherSpecialist: s.specialistId !== visit.specialistId,
        });
      }
    }
  }
  return out.sort(
    (a, b) =>
      Date.parse(a.visit.start) - Date.parse(b.visit.start) || Number(a.otherSpecialist) - Number(b.otherSpecialist),
  );
}

/**
 * The server's words with its codes named: "medical_oncology: the specialist
 * is not free then" → "Medical oncology: the specialist is not free then".
 */
export function inWords(message: string): string {
  const named = message.replace(/\b[a-z]+(?:_[a-z]+)+\b|\b(?:pathology|radiology)\b/g, (code, at: number) => {
    const known = DISCIPLINE_WORDS[code];
    if (known === undefined) return code.replace(/_/g, ' ');
    return at === 0 ? known : known.toLowerCase();
  });
  return named.charAt(0).toUpperCase() + named.slice(1);
}

/** "45 min", "1 h", "2 h 15 min". */
export function duration(minutes: number): string {
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}
