/**
 * One patient's one-day itinerary. Pure: no Nest, no database, no clock.
 *
 * Times are integer minutes on one axis (e.g. minutes since the clinic day's
 * midnight, or since the epoch); the service converts real instants. Every
 * start lies on the grid (a multiple of `grid` from `day.start`).
 *
 * Objective, in order: every required discipline placed; least time in
 * clinic for the patient (first to last patient-attended appointment); fewest
 * separate waits between attended appointments; earliest finish of all.
 * The first criterion and the second are exact (dynamic programming over the
 * set of attended visits done, for every grid time the patient can start,
 * which is sound because a visit may always start later than the patient's
 * previous one ends: an earlier end dominates). The last two break ties.
 */

export interface Window {
  start: number;
  end: number;
}

export interface SolverTask {
  discipline: string;
  minutes: number;
  /** Patient-attended visits need a room and form the patient's chain; reviews need neither. */
  patientAttends: boolean;
}

export interface SolverSpecialist {
  id: string;
  disciplines: readonly string[];
  /** Free windows on the day, sorted or not. */
  free: readonly Window[];
}

export interface SolverRoom {
  id: string;
  free: readonly Window[];
}

export interface SolverInput {
  tasks: readonly SolverTask[];
  precedence: readonly { before: string; after: string }[];
  day: Window;
  grid?: number;
  specialists: readonly SolverSpecialist[];
  rooms: readonly SolverRoom[];
  /** The patient's first attended visit starts in [start, end]. Defaults to the day. */
  arrival?: Window;
}

export interface Appointment {
  discipline: string;
  specialistId: string;
  roomId: string | null;
  start: number;
  end: number;
  patientAttends: boolean;
}

export type SolverResult =
  | { ok: true; appointments: Appointment[]; timeInClinic: number; waits: number; finish: number }
  | { ok: false; discipline: string; reason: string };

interface Placement {
  task: number;
  start: number;
  specialist: number;
  room: number;
}

const byStart = (a: Window, b: Window): number => a.start - b.start;

/** Earliest grid start ≥ `from` at which `minutes` fit a specialist window (and a room, if needed). */
function earliestFit(
  from: number,
  minutes: number,
  free: readonly Window[],
  rooms: readonly (readonly Window[])[] | null,
  day: Window,
  grid: number,
  exactly: boolean,
): { start: number; room: number } | undefined {
  const onGrid = (t: number): number => day.start + Math.ceil((t - day.start) / grid) * grid;
  const candidates = new Set<number>([onGrid(Math.max(from, day.start))]);
  if (!exactly) {
    for (const w of free) if (w.start >= from) candidates.add(onGrid(w.start));
    if (rooms !== null) for (const r of rooms) for (const w of r) if (w.start >= from) candidates.add(onGrid(w.start));
  }
  for (const t of [...candidates].sort((a, b) => a - b)) {
    if (t < from || t + minutes > day.end) continue;
    if (exactly && t !== from) continue;
    if (!free.some((w) => w.start <= t && t + minutes <= w.end)) continue;
    if (rooms === null) return { start: t, room: -1 };
    const room = rooms.findIndex((r) => r.some((w) => w.start <= t && t + minutes <= w.end));
    if (room >= 0) return { start: t, room };
  }
  return undefined;
}

/** Removes busy spans from free windows; sorted result. */
export function without(windows: readonly Window[], busy: readonly Window[]): Window[] {
  let out = [...windows];
  for (const b of busy) {
    const next: Window[] = [];
    for (const w of out) {
      if (b.end <= w.start || b.start >= w.end) next.push(w);
      else {
        if (b.start > w.start) next.push({ start: w.start, end: b.start });
        if (b.end < w.end) next.push({ start: b.end, end: w.end });
      }
    }
    out = next;
  }
  return out.sort(byStart);
}

export function solveItinerary(input: SolverInput): SolverResult {
  const grid = input.grid ?? 5;
  const day = input.day;
  const arrival = input.arrival ?? day;
  const tasks = input.tasks;
  const index = new Map(tasks.map((t, i) => [t.discipline, i]));
  const preds: number[][] = tasks.map(() => []);
  for (const rule of input.precedence) {
    const b = index.get(rule.before);
    const a = index.get(rule.after);
    if (b !== undefined && a !== undefined) preds[a].push(b);
  }
  const candidates = tasks.map((t) =>
    input.specialists.map((s, i) => (s.disciplines.includes(t.discipline) ? i : -1)).filter((i) => i >= 0),
  );
  for (let i = 0; i < tasks.length; i++) {
    if (candidates[i].length === 0)
      return {
        ok: false,
        discipline: tasks[i].discipline,
        reason: `no specialist of ${tasks[i].discipline} is available in this clinic`,
      };
  }
  for (let i = 0; i < tasks.length; i++) {
    if (!tasks[i].patientAttends && preds[i].some((p) => tasks[p].patientAttends)) {
      return {
        ok: false,
        discipline: tasks[i].discipline,
        reason: `${tasks[i].discipline} is a review without the patient and cannot wait for a visit`,
      };
    }
  }
  const roomFree = input.rooms.map((r) => [...r.free].sort(byStart));

  // Reviews (no patient) first, each as early as it can finish, in dependency order.
  const reviewAt = new Map<number, Appointment>();
  const reviewOrder = topological(
    tasks.map((t, i) => (t.patientAttends ? -1 : i)).filter((i) => i >= 0),
    preds,
  );
  if (reviewOrder === undefined)
    return { ok: false, discipline: tasks[0]?.discipline ?? '', reason: 'precedence rules form a cycle' };
  const busy = new Map<number, Window[]>();
  for (const i of reviewOrder) {
    const task = tasks[i];
    const release = Math.max(day.start, ...preds[i].map((p) => reviewAt.get(p)?.end ?? day.start));
    let best: { start: number; specialist: number } | undefined;
    for (const s of candidates[i]) {
      const free = without(input.specialists[s].free, busy.get(s) ?? []);
      const fit = earliestFit(release, task.minutes, free, null, day, grid, false);
      if (fit !== undefined && (best === undefined || fit.start < best.start))
        best = { start: fit.start, specialist: s };
    }
    if (best === undefined)
      return {
        ok: false,
        discipline: task.discipline,
        reason: `no ${task.discipline} specialist has ${task.minutes} free minutes for the review within the day`,
      };
    const appt: Appointment = {
      discipline: task.discipline,
      specialistId: input.specialists[best.specialist].id,
      roomId: null,
      start: best.start,
      end: best.start + task.minutes,
      patientAttends: false,
    };
    reviewAt.set(i, appt);
    busy.set(best.specialist, [...(busy.get(best.specialist) ?? []), { start: appt.start, end: appt.end }]);
  }

  // The patient's visits: exact DP over subsets for every grid start in the arrival window.
  const visits = tasks.map((t, i) => (t.patientAttends ? i : -1)).filter((i) => i >= 0);
  if (visits.length === 0) {
    const reviews = [...reviewAt.values()].sort((a, b) => a.start - b.start);
    return {
      ok: true,
      appointments: reviews,
      timeInClinic: 0,
      waits: 0,
      finish: Math.max(day.start, ...reviews.map((r) => r.end)),
    };
  }
  const bit = new Map(visits.map((v, k) => [v, 1 << k]));
  const release = visits.map((v) =>
    Math.max(day.start, ...preds[v].filter((p) => !tasks[p].patientAttends).map((p) => reviewAt.get(p)!.end)),
  );
  const needs = visits.map((v) => preds[v].filter((p) => tasks[p].patientAttends).reduce((m, p) => m | bit.get(p)!, 0));
  const free = input.specialists.map((s, i) => without(s.free, busy.get(i) ?? []));
  const full = (1 << visits.length) - 1;
  // Look-up tables over grid slots (slot u starts at day.start + u·grid), so
  // the search below asks "earliest fit from here" in O(1): for each visit
  // and candidate, the earliest slot ≥ u at which that specialist and some
  // room are free for the whole visit (-1 if none), and the first such room.
  const slots = Math.floor((day.end - day.start) / grid);
  const slotOf = (t: number): number => Math.max(0, Math.ceil((t - day.start) / grid));
  // Slots u at which [t, t + minutes) lies inside one of the windows (t = day.start + u·grid).
  const startsWithin = (windows: readonly Window[], minutes: number): Uint8Array => {
    const mark = new Uint8Array(slots + 1);
    for (const w of windows) {
      const last = Math.min(slots, Math.floor((w.end - minutes - day.start) / grid));
      for (let u = slotOf(w.start); u <= last; u++) mark[u] = 1;
    }
    return mark;
  };
  const roomAt = visits.map((v) => {
    const at = new Int32Array(slots + 1).fill(-1);
    roomFree.forEach((r, i) => {
      const mark = startsWithin(r, tasks[v].minutes);
      for (let u = 0; u <= slots; u++) if (at[u] < 0 && mark[u] === 1) at[u] = i;
    });
    return at;
  });
  // Per visit: the earliest slot ≥ u at which some candidate and a room are
  // free for the whole visit, and the first such candidate (the solver's tie-break).
  const nextFit = visits.map((v, k) => {
    const slot = new Int32Array(slots + 2).fill(-1);
    const who = new Int32Array(slots + 2).fill(-1);
    const marks = candidates[v].map((sp) => startsWithin(free[sp], tasks[v].minutes));
    for (let u = slots; u >= 0; u--) {
      const c = roomAt[k][u] >= 0 ? marks.findIndex((m) => m[u] === 1) : -1;
      [slot[u], who[u]] = c >= 0 ? [u, candidates[v][c]] : [slot[u + 1], who[u + 1]];
    }
    return { slot, who };
  });

  let best: { span: number; waits: number; finish: number; plan: Placement[] } | undefined;
  let deepest = 0;
  const minimum = visits.reduce((n, v) => n + tasks[v].minutes, 0);
  const end = new Float64Array(full + 1);
  const waits = new Float64Array(full + 1);
  // How each set of visits was last extended: which visit, at which slot (its specialist and room follow).
  const lastVisit = new Int32Array(full + 1);
  const lastSlot = new Int32Array(full + 1);
  const firstStart = day.start + Math.ceil((Math.max(arrival.start, day.start) - day.start) / grid) * grid;
  for (let s = firstStart; s <= Math.min(arrival.end, day.end); s += grid) {
    if (best !== undefined && best.span === minimum) break; // cannot do better
    end.fill(Number.POSITIVE_INFINITY);
    waits.fill(Number.POSITIVE_INFINITY);
    end[0] = s;
    waits[0] = 0;
    for (let mask = 0; mask <= full; mask++) {
      const at = end[mask];
      if (at === Number.POSITIVE_INFINITY) continue;
      if (best !== undefined && at - s > best.span) continue;
      if (popcount(mask) > popcount(deepest)) deepest = mask;
      for (let k = 0; k < visits.length; k++) {
        const b = 1 << k;
        if ((mask & b) !== 0 || (needs[k] & mask) !== needs[k]) continue;
        // The first visit starts exactly at s (other starts are other values of s).
        if (mask === 0 && release[k] > s) continue;
        const from = slotOf(mask === 0 ? s : Math.max(at, release[k]));
        const slot = from > slots ? -1 : nextFit[k].slot[from];
        if (slot < 0 || (mask === 0 && slot !== from)) continue;
        const start = day.start + slot * grid;
        const e = start + tasks[visits[k]].minutes;
        const w = waits[mask] + (mask !== 0 && start > at ? 1 : 0);
        const next = mask | b;
        if (e < end[next] || (e === end[next] && w < waits[next])) {
          end[next] = e;
          waits[next] = w;
          lastVisit[next] = k;
          lastSlot[next] = slot;
        }
      }
    }
    if (end[full] === Number.POSITIVE_INFINITY) continue;
    const span = end[full] - s;
    const finish = Math.max(end[full], ...[...reviewAt.values()].map((r) => r.end));
    if (
      best === undefined ||
      span < best.span ||
      (span === best.span && (waits[full] < best.waits || (waits[full] === best.waits && finish < best.finish)))
    ) {
      // Subsets are numerically smaller, so each was final before it was extended: walk back.
      const chosen: Placement[] = [];
      for (let mask = full; mask !== 0; mask ^= 1 << lastVisit[mask]) {
        const k = lastVisit[mask];
        const slot = lastSlot[mask];
        chosen.unshift({
          task: visits[k],
          start: day.start + slot * grid,
          specialist: nextFit[k].who[slot],
          room: roomAt[k][slot],
        });
      }
      best = { span, waits: waits[full], finish, plan: chosen };
    }
  }
  if (best === undefined) {
    const missing = visits.findIndex((_, k) => (deepest & (1 << k)) === 0);
    const task = tasks[visits[Math.max(0, missing)]];
    return {
      ok: false,
      discipline: task.discipline,
      reason: `no ${task.discipline} specialist and room are free for ${task.minutes} minutes in an order that fits the day, the arrival window and the precedence rules`,
    };
  }
  const appointments: Appointment[] = [
    ...reviewAt.values(),
    ...best.plan.map((p) => ({
      discipline: tasks[p.task].discipline,
      specialistId: input.specialists[p.specialist].id,
      roomId: input.rooms[p.room].id,
      start: p.start,
      end: p.start + tasks[p.task].minutes,
      patientAttends: true,
    })),
  ].sort((x, y) => x.start - y.start || x.discipline.localeCompare(y.discipline));
  return { ok: true, appointments, timeInClinic: best.span, waits: best.waits, finish: best.finish };
}

function popcount(n: number): number {
  let c = 0;
  for (let m = n; m !== 0; m &= m - 1) c++;
  return c;
}

function topological(nodes: number[], preds: number[][]): number[] | undefined {
  const set = new Set(nodes);
  const out: number[] = [];
  const state = new Map<number, number>();
  const visit = (n: number): boolean => {
    if (state.get(n) === 2) return true;
    if (state.get(n) === 1) return false;
    state.set(n, 1);
    for (const p of preds[n]) if (set.has(p) && !visit(p)) return false;
    state.set(n, 2);
    out.push(n);
    return true;
  };
  for (const n of nodes) if (!visit(n)) return undefined;
  return out;
}

const fits = (t: number, minutes: number, windows: readonly Window[]): boolean =>
  windows.some((w) => w.start <= t && t + minutes <= w.end);

/**
 * Every hard rule an itinerary must keep, for one checked by hand (a
 * coordinator's edit) or by a test: each discipline once, right duration,
 * on the grid, within the day and the arrival window, a specialist of that
 * discipline who is free, a free room for visits (none for reviews), the
 * patient and each specialist never double-booked, precedence kept.
 */
export function itineraryViolations(input: SolverInput, appointments: readonly Appointment[]): string[] {
  const grid = input.grid ?? 5;
  const arrival = input.arrival ?? input.day;
  const out: string[] = [];
  for (const t of input.tasks) {
    const n = appointments.filter((a) => a.discipline === t.discipline).length;
    if (n !== 1) out.push(`${t.discipline} must appear once (found ${n})`);
  }
  for (const a of appointments) {
    const task = input.tasks.find((t) => t.discipline === a.discipline);
    if (task === undefined) {
      out.push(`${a.discipline} is not a discipline of this clinic`);
      continue;
    }
    if (a.end - a.start !== task.minutes) out.push(`${a.discipline} must last ${task.minutes} minutes`);
    if ((a.start - input.day.start) % grid !== 0) out.push(`${a.discipline} must start on the ${grid}-minute grid`);
    if (a.start < input.day.start || a.end > input.day.end) out.push(`${a.discipline} is outside the clinic day`);
    if (a.patientAttends !== task.patientAttends)
      out.push(`${a.discipline} ${task.patientAttends ? 'needs' : 'does not need'} the patient`);
    const sp = input.specialists.find((s) => s.id === a.specialistId);
    if (sp === undefined || !sp.disciplines.includes(a.discipline))
      out.push(`${a.discipline} needs a specialist of that discipline in this clinic`);
    else if (!fits(a.start, task.minutes, sp.free)) out.push(`${a.discipline}: the specialist is not free then`);
    if (task.patientAttends) {
      const room = input.rooms.find((r) => r.id === a.roomId);
      if (room === undefined || !fits(a.start, task.minutes, room.free))
        out.push(`${a.discipline} needs a room of this clinic that is free then`);
    } else if (a.roomId !== null) out.push(`${a.discipline} is a review and takes no room`);
  }
  const visits = appointments.filter((a) => a.patientAttends).sort((x, y) => x.start - y.start);
  for (let i = 1; i < visits.length; i++) {
    if (visits[i].start < visits[i - 1].end)
      out.push(`the patient cannot be at ${visits[i - 1].discipline} and ${visits[i].discipline} at once`);
  }
  if (visits.length > 0 && (visits[0].start < arrival.start || visits[0].start > arrival.end))
    out.push('the first visit is outside the arrival window');
  for (let i = 0; i < appointments.length; i++) {
    for (let j = i + 1; j < appointments.length; j++) {
      const [a, b] = [appointments[i], appointments[j]];
      if (a.specialistId === b.specialistId && a.start < b.end && b.start < a.end)
        out.push(`a specialist is double-booked (${a.discipline}, ${b.discipline})`);
    }
  }
  for (const r of input.precedence) {
    const before = appointments.find((a) => a.discipline === r.before);
    const after = appointments.find((a) => a.discipline === r.after);
    if (before !== undefined && after !== undefined && before.end > after.start)
      out.push(`${r.before} must end before ${r.after} starts`);
  }
  return out;
}
