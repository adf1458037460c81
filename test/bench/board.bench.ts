// npm run bench:board — the live board room under load: 100 socket.io clients
// in one session, 10 of them posting 200 messages/s in total for 20 s, run by
// a load generator in its own process (board-load.ts). Measured at every
// client: post-to-receive latency; and stored = sent = received per client.
// Baseline in the same run: a bare socket.io server doing the same INSERT and
// broadcast (baseline-board-server.ts), loaded the same way. BENCH_ROUNDS
// (default 2) alternating runs of each; latencies are pooled over them.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../utils/free-port.js';
import { signInAdmin } from '../utils/second-factor.js';
import { openBenchDatabase } from './bench-database.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.resolve(here, '../../src/main.js');
const BASELINE = path.resolve(here, 'baseline-board-server.js');
const LOAD = path.resolve(here, 'board-load.js');
const ADMIN = { email: 'bench@example.org', password: 'a-long-harbour-passphrase' };
const PASSWORD = 'a-long-bench-password';
const CLIENTS = 100;
const POSTERS = 10;
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);

interface LoadResult {
  sent: number;
  acked: number;
  failed: number;
  minReceived: number;
  missing: number;
  p50: number;
  p99: number;
  samples: number;
  histogram: Record<string, number>;
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

/** p50 and p99 over every delivery of every round. */
function pooled(results: LoadResult[]): { p50: number; p99: number; samples: number } {
  const counts = new Map<number, number>();
  for (const r of results)
    for (const [bucket, n] of Object.entries(r.histogram))
      counts.set(Number(bucket), (counts.get(Number(bucket)) ?? 0) + n);
  const buckets = [...counts.entries()].sort((a, b) => a[0] - b[0]);
  const samples = buckets.reduce((n, [, c]) => n + c, 0);
  const at = (q: number): number => {
    let seen = 0;
    for (const [bucket, c] of buckets) {
      seen += c;
      if (seen > q * samples) return bucket / 10;
    }
    return Number.NaN;
  };
  return { p50: at(0.5), p99: at(0.99), samples };
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: server exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not come up`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function api<T>(base: string, method: string, route: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** A clinic, a coordinator, 15 clinician members and a session per run, through the API. */
async function world(base: string): Promise<{ tokens: string[]; sessions: string[] }> {
  const admin = (await signInAdmin(base, ADMIN)).accessToken;
  const clinic = await api<{ id: string }>(base, 'POST', '/api/clinics', admin, {
    name: 'Bench breast MDC',
    timeZone: 'America/Denver',
    dayStart: '08:00',
    dayEnd: '17:00',
    cancerTypes: ['C50'],
    requiredDisciplines: [{ discipline: 'medical_oncology', minutes: 30, patientAttends: true }],
    precedence: [],
    requiredRecordTypes: [],
    readinessRules: [],
    quorumDisciplines: [],
    consensusRule: 'majority_without_required_dissent',
  });
  const member = async (role: string, i: number): Promise<string> => {
    const email = `${role}-${i}@bench.example.org`;
    const user = await api<{ id: string; setPasswordLink: { token: string } }>(base, 'POST', '/api/users', admin, {
      email,
      displayName: `Bench ${role} ${i}`,
      role,
    });
    await api(base, 'POST', '/api/auth/set-password', null, { token: user.setPasswordLink.token, password: PASSWORD });
    await api(base, 'PUT', `/api/clinics/${clinic.id}/members/${user.id}`, admin);
    return (await api<{ accessToken: string }>(base, 'POST', '/api/auth/login', null, { email, password: PASSWORD }))
      .accessToken;
  };
  const coord = await member('coordinator', 0);
  const people: string[] = [];
  for (let i = 0; i < POSTERS + 5; i++) people.push(await member('clinician', i));
  const session = async (title: string): Promise<string> =>
    (
      await api<{ id: string }>(base, 'POST', '/api/board-sessions', coord, {
        clinicId: clinic.id,
        title,
        startsAt: '2026-12-03T19:00:00Z',
        endsAt: '2026-12-03T20:30:00Z',
      })
    ).id;
  const sessions: string[] = [];
  for (let i = 0; i < 2 * ROUNDS + 2; i++) sessions.push(await session(`Bench board ${i}`));
  // Posters first, then listeners sharing the other five accounts.
  const tokens = Array.from({ length: CLIENTS }, (_, i) => (i < POSTERS ? people[i] : people[POSTERS + (i % 5)]));
  return { tokens, sessions };
}

function load(url: string, sessionId: string, tokens: string[], seconds = SECONDS): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [LOAD, JSON.stringify({ url, sessionId, tokens, posters: POSTERS, rate: RATE, seconds })],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as LoadResult)
        : reject(new Error(`load generator exited ${code}`)),
    );
  });
}

async function stored(databaseUrl: string, sessionId: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM board_event WHERE session_id = $1 AND type = 'message.posted'`,
      [sessionId],
    );
    return rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const bench = await openBenchDatabase('board');
  const children: ChildProcess[] = [];
  try {
    const appPort = await freePort();
    // BENCH_PROFILE=<dir> writes the app's CPU profile there.
    const profile = process.env.BENCH_PROFILE;
    const app = spawn(process.execPath, [...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []), MAIN], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: bench.url,
        DATA_DIR: bench.scratch,
        PORT: String(appPort),
        HOST: '127.0.0.1',
        JWT_ACCESS_SECRET: 'bench-secret-that-is-long-enough-for-hs256',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOGIN_IP_LIMIT: '100000',
        LOGIN_ACCOUNT_LIMIT: '100000',
        // 90 listeners share five accounts, and each poster sends 20 messages/s: far past the per-user limits.
        BOARD_USER_SOCKET_LIMIT: '100',
        BOARD_USER_MESSAGE_LIMIT: '100000',
        LOG_LEVEL: 'warn',
        SHUTDOWN_GRACE_MS: '0',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(app);
    const appUrl = `http://127.0.0.1:${appPort}`;
    await waitFor(`${appUrl}/api/health`, app);
    const { tokens, sessions } = await world(appUrl);

    const basePort = await freePort();
    const baseline = spawn(process.execPath, [BASELINE, bench.url, String(basePort)], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(baseline);
    const baseUrl = `http://127.0.0.1:${basePort}`;
    await waitFor(baseUrl, baseline);

    // Warm both up (JIT, pools, caches), untimed.
    await load(baseUrl, sessions[2 * ROUNDS], tokens, 3);
    await load(appUrl, sessions[2 * ROUNDS + 1], tokens, 3);
    // Rounds alternate (baseline, app, baseline, app, ...) so that drifts in
    // the machine's load (a shared VM) fall on both alike.
    const runs = { baseline: [] as LoadResult[], app: [] as LoadResult[] };
    const lost = { baseline: 0, app: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, url, sessionId] of [
        ['baseline', baseUrl, sessions[2 * round]],
        ['app', appUrl, sessions[2 * round + 1]],
      ] as const) {
        const r = await load(url, sessionId, tokens);
        const n = await stored(bench.url, sessionId);
        // Not stored, not acknowledged, or not received by some client.
        const missed = Math.abs(r.sent - n) + (r.sent - r.acked) + r.missing;
        lost[name] += missed;
        runs[name].push(r);
        process.stdout.write(
          `${name} round ${round + 1}: sent ${r.sent}, acknowledged ${r.acked}, stored ${n}, fewest received by one client ${r.minReceived}, ` +
            `p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms over ${r.samples} deliveries, lost ${missed}\n`,
        );
      }
    }
    const base = pooled(runs.baseline);
    const real = pooled(runs.app);
    process.stdout.write(
      `pooled over ${ROUNDS} rounds: app p50 ${real.p50} ms, p99 ${real.p99} ms (${real.samples} deliveries); baseline p50 ${base.p50} ms, p99 ${base.p99} ms; lost: app ${lost.app}, baseline ${lost.baseline}\n`,
    );
    process.stdout.write(
      `bench:board clients=${CLIENTS} rate=${RATE} p50_ms=${real.p50.toFixed(1)} p99_ms=${real.p99.toFixed(1)} baseline_p99_ms=${base.p99.toFixed(1)} lost=${lost.app}\n`,
    );
  } finally {
    await Promise.all(children.map(stop));
    await bench.close();
  }
}

await main();
