// A lower bound on the total time in clinic of any plan that places k
// identical patients on a clinic day, for bench:scheduler. Column generation
// over whole-day patterns, LPs solved by HiGHS:
//
//   min Σ_q span_q · n_q   s.t.  Σ_q n_q ≥ k,
//        for each discipline d and 5-minute slot u: Σ_q uses(q,d,u) · n_q ≤ specialists of d free in u,
//        for each slot u: Σ_q visits(q,u) · n_q ≤ rooms free in u,          n_q ≥ 0.
//
// A pattern q is one patient's whole day (a start for every task; each start
// one at which some specialist of that discipline is free for the whole task;
// visits never overlap; precedence kept). Every real plan is an integer point
// of this program (specialists pooled per discipline only loosens it), so the
// LP optimum over ALL patterns bounds every plan from below. Pricing is exact
// (dynamic programming over the set of visits done, for every first start),
// so when it finds no pattern of negative reduced cost the LP value is that
// optimum. Only then is a bound returned (rounded up to the grid, as every
// span is a multiple of it).
import highsModule, { type Highs } from 'highs';
import type { Appointment, SolverInput } from '../../src/scheduling/solver.js';

// The package's types are read as CommonJS; at run time its ESM build's default export is the loader.
const loadHighs = highsModule as unknown as () => Promise<Highs>;
let highs: Promise<Highs> | undefined;

interface Pattern {
  /** Start slot per task. */
  starts: number[];
  cost: number;
}

export async function patternBound(
  input: SolverInput,
  k: number,
  initial: readonly (readonly Appointment[])[],
): Promise<number | undefined> {
  highs ??= loadHighs();
  const solver = await highs;
  const grid = input.grid ?? 5;
  const T = (input.day.end - input.day.start) / grid;
  const at = (u: number): number => input.day.start + u * grid;
  const tasks = input.tasks;
  const len = tasks.map((t) => t.minutes / grid);
  const pool = tasks.map((t) => input.specialists.filter((s) => s.disciplines.includes(t.discipline)));
  const covers = (free: readonly { start: number; end: number }[], a: number, b: number): boolean =>
    free.some((w) => w.start <= a && b <= w.end);
  const startable = tasks.map((_, d) =>
    Array.from({ length: T }, (_, u) => u + len[d] <= T && pool[d].some((s) => covers(s.free, at(u), at(u + len[d])))),
  );
  const capacity = tasks.map((_, d) =>
    Array.from({ length: T }, (_, u) => pool[d].filter((s) => covers(s.free, at(u), at(u + 1))).length),
  );
  const rooms = Array.from({ length: T }, (_, u) => input.rooms.filter((r) => covers(r.free, at(u), at(u + 1))).length);
  const visits = tasks.flatMap((t, i) => (t.patientAttends ? [i] : []));
  const reviews = tasks.flatMap((t, i) => (t.patientAttends ? [] : [i]));
  const index = new Map(tasks.map((t, i) => [t.discipline, i]));
  const preds: number[][] = tasks.map(() => []);
  for (const r of input.precedence) preds[index.get(r.after)!].push(index.get(r.before)!);
  if (reviews.some((r) => preds[r].length > 0))
    throw new Error('pattern bound: reviews must not depend on other tasks');
  if (reviews.some((r) => visits.filter((v) => preds[v].includes(r)).length > 1))
    throw new Error('pattern bound: a review may precede one visit only');
  if (input.arrival !== undefined) throw new Error('pattern bound: arrival windows are not modelled');

  const columns: Pattern[] = [];
  const seen = new Set<string>();
  const add = (p: Pattern): boolean => {
    const key = p.starts.join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    columns.push(p);
    return true;
  };
  const spanOf = (starts: number[]): number =>
    (Math.max(...visits.map((d) => starts[d] + len[d])) - Math.min(...visits.map((d) => starts[d]))) * grid;
  for (const itinerary of initial) {
    const starts = tasks.map(
      (t) => (itinerary.find((a) => a.discipline === t.discipline)!.start - input.day.start) / grid,
    );
    add({ starts, cost: spanOf(starts) });
  }

  for (let round = 0; round < 1000; round++) {
    // Restricted master LP over the patterns so far.
    const usage = new Map<string, Map<number, number>>();
    const use = (row: string, j: number): void => {
      const m = usage.get(row) ?? new Map<number, number>();
      m.set(j, (m.get(j) ?? 0) + 1);
      usage.set(row, m);
    };
    columns.forEach((c, j) =>
      tasks.forEach((t, d) => {
        for (let u = c.starts[d]; u < c.starts[d] + len[d]; u++) {
          use(`c_${d}_${u}`, j);
          if (t.patientAttends) use(`r_${u}`, j);
        }
      }),
    );
    const rows = [`count: ${columns.map((_, j) => `+ n${j}`).join(' ')} >= ${k}`];
    const names = ['count'];
    for (const [row, js] of usage) {
      names.push(row);
      const [kind, a, b] = row.split('_');
      const cap = kind === 'c' ? capacity[Number(a)][Number(b)] : rooms[Number(a)];
      rows.push(`${row}: ${[...js].map(([j, n]) => `+ ${n} n${j}`).join(' ')} <= ${cap}`);
    }
    const lp = `Minimize\n obj: ${columns.map((c, j) => `+ ${c.cost} n${j}`).join(' ')}\nSubject To\n${rows.join('\n')}\nEnd\n`;
    const result = solver.solve(lp, {});
    if (result.Status !== 'Optimal') return undefined;
    const duals = new Map(result.Rows.map((r) => [names[r.Index], 'Dual' in r ? r.Dual : 0]));
    const mu = duals.get('count') ?? 0;
    const price = (row: string): number => -(duals.get(row) ?? 0);
    const taskCost = tasks.map((t, d) =>
      Array.from({ length: T }, (_, u) => {
        if (!startable[d][u]) return Number.POSITIVE_INFINITY;
        let w = 0;
        for (let v = u; v < u + len[d]; v++) w += price(`c_${d}_${v}`) + (t.patientAttends ? price(`r_${v}`) : 0);
        return w;
      }),
    );
    // Cheapest start of each review that ends by slot e.
    const reviewBy = new Map<number, { cost: number; start: number }[]>();
    for (const r of reviews) {
      const best = [{ cost: Number.POSITIVE_INFINITY, start: -1 }];
      for (let e = 1; e <= T; e++) {
        const u = e - len[r];
        const prev = best[e - 1];
        best.push(u >= 0 && taskCost[r][u] < prev.cost ? { cost: taskCost[r][u], start: u } : prev);
      }
      reviewBy.set(r, best);
    }
    const reviewCost = visits.map((d) =>
      Array.from({ length: T }, (_, u) => preds[d].reduce((n, p) => n + reviewBy.get(p)![u].cost, 0)),
    );
    const free = reviews.filter((r) => !visits.some((v) => preds[v].includes(r)));
    const looseCost = free.reduce((n, r) => n + reviewBy.get(r)![T].cost, 0);
    const V = visits.length;
    const FULL = (1 << V) - 1;
    const needs = visits.map((d) =>
      preds[d].filter((p) => tasks[p].patientAttends).reduce((m, p) => m | (1 << visits.indexOf(p)), 0),
    );
    const found: { reducedCost: number; pattern: Pattern }[] = [];
    for (let s = 0; s < T; s++) {
      const dp = Array.from({ length: FULL + 1 }, () => new Float64Array(T + 1).fill(Number.POSITIVE_INFINITY));
      type Step = { prev: number; prevEnd: number; k: number; u: number } | undefined;
      const back = Array.from({ length: FULL + 1 }, () => new Array<Step>(T + 1).fill(undefined));
      for (let k = 0; k < V; k++) {
        const d = visits[k];
        if (needs[k] !== 0 || !startable[d][s]) continue;
        dp[1 << k][s + len[d]] = taskCost[d][s] + reviewCost[k][s];
        back[1 << k][s + len[d]] = { prev: 0, prevEnd: -1, k, u: s };
      }
      for (let mask = 1; mask <= FULL; mask++) {
        const bestBy = new Float64Array(T + 1);
        const bestEnd = new Int32Array(T + 1);
        let best = Number.POSITIVE_INFINITY;
        let end = -1;
        for (let e = 0; e <= T; e++) {
          if (dp[mask][e] < best) [best, end] = [dp[mask][e], e];
          bestBy[e] = best;
          bestEnd[e] = end;
        }
        if (best === Number.POSITIVE_INFINITY) continue;
        for (let k = 0; k < V; k++) {
          const d = visits[k];
          if ((mask & (1 << k)) !== 0 || (mask & needs[k]) !== needs[k]) continue;
          for (let u = s; u + len[d] <= T; u++) {
            if (bestBy[u] === Number.POSITIVE_INFINITY || !startable[d][u]) continue;
            const c = bestBy[u] + taskCost[d][u] + reviewCost[k][u];
            const next = mask | (1 << k);
            if (c < dp[next][u + len[d]]) {
              dp[next][u + len[d]] = c;
              back[next][u + len[d]] = { prev: mask, prevEnd: bestEnd[u], k, u };
            }
          }
        }
      }
      let best = Number.POSITIVE_INFINITY;
      let end = -1;
      for (let e = 0; e <= T; e++) {
        const reduced = dp[FULL][e] + (e - s) * grid + looseCost - mu;
        if (reduced < best) [best, end] = [reduced, e];
      }
      if (best >= -1e-6) continue;
      const starts = new Array<number>(tasks.length).fill(-1);
      for (let mask = FULL, e = end; mask !== 0;) {
        const step = back[mask][e]!;
        const d = visits[step.k];
        starts[d] = step.u;
        for (const p of preds[d]) if (!tasks[p].patientAttends) starts[p] = reviewBy.get(p)![step.u].start;
        [mask, e] = [step.prev, step.prevEnd];
      }
      for (const r of free) starts[r] = reviewBy.get(r)![T].start;
      found.push({ reducedCost: best, pattern: { starts, cost: (end - s) * grid } });
    }
    found.sort((a, b) => a.reducedCost - b.reducedCost);
    let added = 0;
    for (const f of found.slice(0, 20)) if (add(f.pattern)) added++;
    // No pattern prices out: the LP value is optimal over every pattern.
    if (found.length === 0) return Math.ceil((result.ObjectiveValue - 1e-6) / grid) * grid;
    if (added === 0) return undefined; // would loop: numerical trouble, claim nothing
  }
  return undefined;
}
