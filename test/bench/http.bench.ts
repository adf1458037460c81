// npm run bench:http — authenticated GET /api/users/me on the real app
// (JWT check, one read, one audit insert) against a raw node:http + pg server
// doing the same SQL, each loaded by autocannon in the same run.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort } from '../utils/free-port.js';
import { openBenchDatabase } from './bench-database.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.resolve(here, '../../src/main.js');
const BASELINE = path.resolve(here, 'baseline-server.js');
const SECRET = 'bench-secret-that-is-long-enough-for-hs256';
// (GET /api/users/me answers the admin's first session, restricted to second-factor enrolment, too.)
const ADMIN = { email: 'bench@example.org', password: 'a-long-harbour-passphrase' };
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = 5;

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
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function load(url: string, token: string, duration: number): Promise<autocannon.Result> {
  return autocannon({ url, connections: CONNECTIONS, duration, headers: { authorization: `Bearer ${token}` } });
}

async function main(): Promise<void> {
  const bench = await openBenchDatabase('http');
  const databaseUrl = bench.url;
  const children: ChildProcess[] = [];
  try {
    const appPort = await freePort();
    const app = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: databaseUrl,
        PORT: String(appPort),
        HOST: '127.0.0.1',
        JWT_ACCESS_SECRET: SECRET,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'warn',
        SHUTDOWN_GRACE_MS: '0',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(app);
    const appUrl = `http://127.0.0.1:${appPort}`;
    await waitFor(`${appUrl}/api/health`, app);
    const login = await fetch(`${appUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };

    const basePort = await freePort();
    const baseline = spawn(process.execPath, [BASELINE, databaseUrl, String(basePort), SECRET], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(baseline);
    const baseUrl = `http://127.0.0.1:${basePort}/api/users/me`;
    await waitFor(baseUrl, baseline);

    const check = await fetch(`${appUrl}/api/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    const checkBase = await fetch(baseUrl, { headers: { authorization: `Bearer ${accessToken}` } });
    if (check.status !== 200 || checkBase.status !== 200)
      throw new Error(`warm-up failed: ${check.status} ${checkBase.status}`);

    // Warm both (JIT, pools). Then measure in interleaved segments (baseline,
    // app, baseline, app, ...) so that drifts in the machine's load (it is
    // a shared VM) fall on both alike; each server gets DURATION seconds.
    await load(baseUrl, accessToken, 2);
    await load(`${appUrl}/api/users/me`, accessToken, 2);
    const segments = { baseline: [] as autocannon.Result[], app: [] as autocannon.Result[] };
    for (let i = 0; i < ROUNDS; i++) {
      segments.baseline.push(await load(baseUrl, accessToken, DURATION / ROUNDS));
      segments.app.push(await load(`${appUrl}/api/users/me`, accessToken, DURATION / ROUNDS));
    }
    const summary = (name: 'baseline' | 'app') => {
      const runs = segments[name];
      for (const r of runs) {
        if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      }
      const total = runs.reduce((n, r) => n + r.requests.total, 0);
      const seconds = runs.reduce((n, r) => n + r.duration, 0);
      const p99s = runs.map((r) => r.latency.p99).sort((x, y) => x - y);
      const p99 = p99s[Math.floor(p99s.length / 2)] ?? Number.NaN;
      process.stdout.write(
        `${name}: ${(total / seconds).toFixed(0)} req/s over ${seconds.toFixed(1)} s, p99 per segment ${p99s.join('/')} ms (median ${p99})\n`,
      );
      return { rps: total / seconds, p99 };
    };
    const base = summary('baseline');
    const real = summary('app');
    process.stdout.write(
      `bench:http ratio=${(real.rps / base.rps).toFixed(2)} p99_ms=${real.p99} rps=${real.rps.toFixed(0)} baseline_rps=${base.rps.toFixed(0)}\n`,
    );
  } finally {
    await Promise.all(children.map(stop));
    await bench.close();
  }
}

await main();
