import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { solveItinerary, without, type Appointment, type SolverInput, type Window } from './solver.js';

export interface DayPatient {
  id: string;
  urgent: boolean;
  /** The patient's own arrival window, if narrower than the day. */
  arrival?: Window;
}

export interface PlacedPatient {
  id: string;
  appointments: Appointment[];
  timeInClinic: number;
}

export interface DayPlan {
  placed: PlacedPatient[];
  unplaced: { id: string; discipline: string; reason: string }[];
  totalTimeInClinic: number;
  /** Σ over specialists of how late their last appointment ends (minutes after the day's start). */
  specialistFinish: number;
  /**
   * Σ of each placed patient's time in clinic had they been alone on these
   * calendars: a lower bound on `totalTimeInClinic` for the same patients.
   */
  lowerBound: number;
  /** Every patient placed and the total equals the lower bound: nothing can do better. */
  provenOptimal: boolean;
  iterations: number;
}

export interface DayPlanOptions {
  /** Wall-clock budget for improving the first plan (ms). 0 = construction only. */
  timeBudgetMs?: number;
  /** Cap on improvement steps, so results are reproducible for a seed. */
  maxIterations?: number;
  seed?: number;
  now?: () => number;
}

/** The day's calendars with `taken` appointments removed from their specialists and rooms. */
export function withBusy(input: SolverInput, taken: readonly Appointment[]): SolverInput {
  const bySpecialist = new Map<string, Appointment[]>();
  const byRoom = new Map<string, Appointment[]>();
  for (const a of taken) {
    bySpecialist.set(a.specialistId, [...(bySpecialist.get(a.specialistId) ?? []), a]);
    if (a.roomId !== null) byRoom.set(a.roomId, [...(byRoom.get(a.roomId) ?? []), a]);
  }
  return {
    ...input,
    specialists: input.specialists.map((s) => ({ ...s, free: without(s.free, bySpecialist.get(s.id) ?? []) })),
    rooms: input.rooms.map((r) => ({ ...r, free: without(r.free, byRoom.get(r.id) ?? []) })),
  };
}

/** Small seeded generator (mulberry32) so a plan is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** How much longer in total (share of the best) a walked-from plan may be at the start of the search. */
const DEVIATION = 0.03;

type Score = [urgentPlaced: number, placed: number, total: number, finish: number];

/** Lexicographic: more urgent placed, more placed, less total time in clinic, specialists done earlier. */
function better(a: Score, b: Score): number {
  if (a[0] !== b[0]) return b[0] - a[0];
  if (a[1] !== b[1]) return b[1] - a[1];
  if (a[2] !== b[2]) return a[2] - b[2];
  return a[3] - b[3];
}

interface State {
  placed: Map<string, PlacedPatient>;
  unplaced: Map<string, { discipline: string; reason: string }>;
}

/**
 * Plans a clinic day for several patients jointly. Pure (no Nest, no
 * database). Objective, in order: urgent patients placed, most patients
 * placed, least total time in clinic, specialists finishing earliest.
 *
 * First a construction (urgent first, then the order given; each patient the
 * exact shortest day around those before), then large-neighbourhood search:
 * take out a few patients — the ones who wait most, or ones sharing
 * specialists and hours — and put them back, with every unplaced patient, in
 * a fresh order, with fresh tie-breaks and sometimes a random arrival hour,
 * each again exactly. The search walks on from a result that is no worse, or
 * early in the budget from one within a few per cent of the best total
 * (record-to-record travel), and keeps the best plan seen. It stops at the
 * budget, the step cap, or as soon as every patient is placed at their solo
 * optimum (then it is optimal).
 */
export class DayPlanner {
  private readonly next: () => number;
  private readonly solo = new Map<string, number>();
  /** The plan the search walks from, and the best plan seen. */
  private current: { state: State; score: Score };
  private best: { state: State; score: Score };
  iterations = 0;

  constructor(
    private readonly input: SolverInput,
    private readonly patients: readonly DayPatient[],
    seed = 1,
  ) {
    this.next = seededRandom(seed);
    for (const p of patients) {
      const alone = solveItinerary(this.inputFor(p, input));
      if (alone.ok) this.solo.set(p.id, alone.timeInClinic);
    }
    const order = [...patients].sort((a, b) => Number(b.urgent) - Number(a.urgent));
    const first = this.insert({ placed: new Map(), unplaced: new Map() }, order, false);
    this.current = this.best = { state: first, score: this.scoreOf(first) };
  }

  /**
   * One improvement step; false when nothing can get better. `progress`
   * (0 → 1, the share of the budget spent) narrows how much longer in total a
   * plan may be and still be walked from (record-to-record travel), so the
   * search can leave a local optimum early on and settles at the end.
   */
  step(progress = 1): boolean {
    if (this.optimal() || this.current.state.placed.size === 0) return false;
    this.iterations++;
    const { state } = this.current;
    const removed = this.pickToRemove();
    const kept: State = {
      placed: new Map([...state.placed].filter(([id]) => !removed.has(id))),
      unplaced: new Map(),
    };
    const again = this.patients.filter((p) => removed.has(p.id) || state.unplaced.has(p.id));
    const order = shuffled(again, this.next).sort((a, b) => Number(b.urgent) - Number(a.urgent));
    const candidate = this.insert(kept, order, true);
    const score = this.scoreOf(candidate);
    const b = this.best.score;
    const slack = Math.max(0, 1 - progress) * DEVIATION * b[2];
    if (better(score, this.current.score) <= 0 || (score[0] === b[0] && score[1] === b[1] && score[2] <= b[2] + slack))
      this.current = { state: candidate, score };
    if (better(score, this.best.score) < 0) this.best = { state: candidate, score };
    return true;
  }

  optimal(): boolean {
    return this.best.state.unplaced.size === 0 && this.best.score[2] === this.lowerBound();
  }

  plan(): DayPlan {
    const { state, score } = this.best;
    const placed = this.patients.flatMap((p) => {
      const found = state.placed.get(p.id);
      return found === undefined ? [] : [found];
    });
    return {
      placed,
      unplaced: this.patients.flatMap((p) => {
        const why = state.unplaced.get(p.id);
        return why === undefined ? [] : [{ id: p.id, ...why }];
      }),
      totalTimeInClinic: score[2],
      specialistFinish: score[3],
      lowerBound: this.lowerBound(),
      provenOptimal: this.optimal(),
      iterations: this.iterations,
    };
  }

  private lowerBound(): number {
    let bound = 0;
    for (const id of this.best.state.placed.keys()) bound += this.solo.get(id) ?? 0;
    return bound;
  }

  private inputFor(p: DayPatient, input: SolverInput): SolverInput {
    return p.arrival === undefined ? input : { ...input, arrival: p.arrival };
  }

  private insert(base: State, order: readonly DayPatient[], shuffle: boolean): State {
    const state: State = { placed: new Map(base.placed), unplaced: new Map(base.unplaced) };
    const taken = [...state.placed.values()].flatMap((p) => p.appointments);
    // Patients differ only by arrival window; one that did not fit means every
    // later one with the same window cannot fit either (calendars only fill up).
    const failed = new Map<string, { discipline: string; reason: string }>();
    for (const p of order) {
      const signature = `${p.arrival?.start ?? ''}-${p.arrival?.end ?? ''}`;
      const known = failed.get(signature);
      if (known !== undefined) {
        state.unplaced.set(p.id, known);
        continue;
      }
      let day = withBusy(this.inputFor(p, this.input), taken);
      // Other specialist and room orders break the solver's ties differently.
      if (shuffle)
        day = { ...day, specialists: shuffled(day.specialists, this.next), rooms: shuffled(day.rooms, this.next) };
      let result = solveItinerary(day);
      if (result.ok && shuffle && this.next() < 0.5) {
        // Sometimes try a random arrival hour instead of the patient's own best.
        const window = p.arrival ?? this.input.day;
        const from = window.start + Math.floor((this.next() * (window.end - window.start)) / 15) * 15;
        const narrowed = solveItinerary({ ...day, arrival: { start: from, end: Math.min(window.end, from + 30) } });
        if (narrowed.ok) result = narrowed;
      }
      if (!result.ok) {
        const why = { discipline: result.discipline, reason: result.reason };
        state.unplaced.set(p.id, why);
        failed.set(signature, why);
        continue;
      }
      taken.push(...result.appointments);
      state.placed.set(p.id, { id: p.id, appointments: result.appointments, timeInClinic: result.timeInClinic });
    }
    return state;
  }

  private scoreOf(state: State): Score {
    const urgent = new Set(this.patients.filter((p) => p.urgent).map((p) => p.id));
    let urgentPlaced = 0;
    let total = 0;
    const finish = new Map<string, number>();
    for (const p of state.placed.values()) {
      if (urgent.has(p.id)) urgentPlaced++;
      total += p.timeInClinic;
      for (const a of p.appointments) finish.set(a.specialistId, Math.max(finish.get(a.specialistId) ?? 0, a.end));
    }
    let late = 0;
    for (const end of finish.values()) late += end - this.input.day.start;
    return [urgentPlaced, state.placed.size, total, late];
  }

  /** 1–3 patients: the ones who wait most (weighted), or one and those sharing its specialists at nearby hours. */
  private pickToRemove(): Set<string> {
    const placed = [...this.current.state.placed.values()];
    const count = Math.min(placed.length, 1 + Math.floor(this.next() * 5));
    const out = new Set<string>();
    if (this.next() < 0.5) {
      const excess = placed.map((p) => p.timeInClinic - (this.solo.get(p.id) ?? p.timeInClinic) + 1);
      while (out.size < count) {
        let r = this.next() * excess.reduce((n, x, i) => n + (out.has(placed[i].id) ? 0 : x), 0);
        for (let i = 0; i < placed.length; i++) {
          if (out.has(placed[i].id)) continue;
          r -= excess[i];
          if (r <= 0) {
            out.add(placed[i].id);
            break;
          }
        }
        if (r > 0) out.add(placed.find((p) => !out.has(p.id))!.id);
      }
      return out;
    }
    const seed = placed[Math.floor(this.next() * placed.length)];
    out.add(seed.id);
    const near = placed
      .filter((p) => p.id !== seed.id)
      .map((p) => ({ id: p.id, distance: relatedness(seed.appointments, p.appointments) }))
      .sort((a, b) => a.distance - b.distance);
    for (const n of near.slice(0, count - 1)) out.add(n.id);
    return out;
  }
}

/** How far apart two itineraries are: the closest start gap among appointments with the same specialist (else by time). */
function relatedness(a: readonly Appointment[], b: readonly Appointment[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (const x of a)
    for (const y of b) {
      const gap = Math.abs(x.start - y.start) + (x.specialistId === y.specialistId ? 0 : 120);
      if (gap < best) best = gap;
    }
  return best;
}

/** Plans a day synchronously within the options' budget (the service runs the steps itself, yielding between them). */
export function planClinicDay(
  input: SolverInput,
  patients: readonly DayPatient[],
  options: DayPlanOptions = {},
): DayPlan {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const planner = new DayPlanner(input, patients, options.seed);
  const budget = options.timeBudgetMs ?? 0;
  const cap = options.maxIterations ?? Number.POSITIVE_INFINITY;
  while (planner.iterations < cap && now() - started < budget && planner.step((now() - started) / budget));
  return planner.plan();
}

/**
 * Improves a plan for up to `budgetMs`, in slices of about `sliceMs`, giving
 * the event loop back between slices so a server stays responsive.
 */
export async function improveWithin(planner: DayPlanner, budgetMs: number, sliceMs = 20): Promise<void> {
  const started = performance.now();
  for (;;) {
    const slice = performance.now();
    while (performance.now() - slice < sliceMs) {
      const spent = performance.now() - started;
      if (spent >= budgetMs || !planner.step(spent / budgetMs)) return;
    }
    await yieldToEventLoop();
  }
}
