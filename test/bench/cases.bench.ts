// npm run bench:cases — 1,000,000 synthetic cases loaded with set-based SQL,
// then, through the real HTTP API as a coordinator: the first page of the
// case list, 10 keyset pages deep, and a filtered family-name prefix search,
// each timed over many requests. Baseline in the same run: the first page of
// a clinic with no cases (the fixed cost of the request path).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../utils/free-port.js';
import { signInAdmin } from '../utils/second-factor.js';
import { openBenchDatabase } from './bench-database.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.resolve(here, '../../src/main.js');
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const ADMIN = { email: 'bench-admin@example.org', password: 'a-long-bench-password' };
const COORD = { email: 'bench-coordinator@example.org', password: 'a-long-bench-password' };

const p99 = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.99) - 1)] ?? Number.NaN;
};
const p50 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const bench = await openBenchDatabase('cases');
  const databaseUrl = bench.url;
  let app: ChildProcess | undefined;
  const db = new pg.Client({ connectionString: databaseUrl });
  try {
    await db.connect();
    const port = await freePort();
    app = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        JWT_ACCESS_SECRET: 'bench-secret-that-is-long-enough-for-hs256',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'warn',
        SHUTDOWN_GRACE_MS: '0',
        DATA_DIR: bench.scratch,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}/api`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch {
        // starting
      }
      if (i > 300) throw new Error('app did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const call = async (
      method: string,
      route: string,
      token?: string,
      body?: unknown,
    ): Promise<Record<string, unknown>> => {
      const res = await fetch(`${base}${route}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
      return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    };
    const adminToken = (await signInAdmin(`http://127.0.0.1:${port}`, ADMIN)).accessToken;
    const clinic = (name: string, sites: string[]) =>
      call('POST', '/clinics', adminToken, {
        name,
        timeZone: 'America/Denver',
        dayStart: '08:00',
        dayEnd: '17:00',
        cancerTypes: sites,
        requiredDisciplines: [{ discipline: 'medical_oncology', minutes: 45, patientAttends: true }],
        precedence: [],
        requiredRecordTypes: ['pathology_report'],
        readinessRules: [],
        quorumDisciplines: ['medical_oncology'],
        consensusRule: 'majority_without_required_dissent',
      });
    const big = (await clinic('Bench Breast MDC', ['C50'])).id as string;
    const empty = (await clinic('Bench Empty MDC', ['C18-C21'])).id as string;
    const created = await call('POST', '/users', adminToken, {
      email: COORD.email,
      displayName: 'Bench Coordinator',
      role: 'coordinator',
    });
    const coordinator = created.id as string;
    await call('POST', '/auth/set-password', undefined, {
      token: (created.setPasswordLink as { token: string }).token,
      password: COORD.password,
    });
    await call('PUT', `/clinics/${big}/members/${coordinator}`, adminToken);
    await call('PUT', `/clinics/${empty}/members/${coordinator}`, adminToken);

    // Set-based load: names from 60 x 60 syllables (3,600 surnames), MRNs unique, referral times over two years.
    const t0 = performance.now();
    await db.query(`
      INSERT INTO patient (clinic_id, mrn, family_name, given_name, birth_date, sex, synthetic, version)
      SELECT '${big}'::uuid, 'SYN' || lpad(g::text, 8, '0'),
             (ARRAY['Ab','Bel','Cor','Dan','Eck','Far','Gal','Hol','Ing','Jar','Kel','Lam','Mor','Nor','Ost','Pal','Quin','Ros','Sal','Tor','Ul','Val','Wes','Yor','Zan','Bre','Cla','Dre','Fle','Gro','Har','Kin','Lin','Mar','Nel','Pre','Ran','Sto','Tal','Vin','Wal','Bar','Car','Del','Eve','Fen','Gar','Hen','Ives','Jen','Kor','Lor','Mil','Nash','Ol','Pim','Rey','Sut','Tem','Wil'])[1 + (g % 60)]
             || (ARRAY['son','man','ley','ton','ford','berg','stein','wood','field','ridge','worth','by','well','ham','ing','ard','ell','ick','ore','ant','ino','ez','ova','sen','ski','ani','ott','ier','eau','ini','ley2','ers','ins','ock','ash','ett','ace','ond','ume','ite','ane','ose','ade','ike','ule','yne','oll','ast','urn','ilt','erd','oss','ull','amp','end','ilk','oft','ept','usk','arn'])[1 + ((g / 60) % 60)],
             'Synthetic', date '1940-01-01' + (g % 20000), (ARRAY['female','male'])[1 + (g % 2)], true, 1
        FROM generate_series(1, ${ROWS}) g`);
    await db.query(
      `INSERT INTO second_opinion_case (patient_id, clinic_id, status, reason, initiator, urgency, referring_clinician,
                                        referring_institution, referring_recommendation, synthetic, created_at, updated_at, version)
       SELECT p.id, $1, (ARRAY['referred','records_pending','ready','scheduled','evaluated','in_review','consensus','closed'])[1 + (n % 8)],
              'patient_request', 'patient', (ARRAY['routine','routine','routine','urgent'])[1 + (n % 4)],
              'Dr. Synthetic', 'Synthetic Hospital', '[]'::jsonb, true,
              now() - make_interval(secs => (n * 63.0)), now(), 1
         FROM (SELECT id, row_number() OVER () AS n FROM patient WHERE synthetic) p`,
      [big],
    );
    // Settle the new rows (visibility map, statistics) so autovacuum does not run during the timings.
    await db.query('VACUUM (ANALYZE)');
    const loadSeconds = (performance.now() - t0) / 1000;
    process.stdout.write(`loaded ${ROWS} patients and cases in ${loadSeconds.toFixed(1)} s\n`);

    const token = (await call('POST', '/auth/login', undefined, COORD)).accessToken as string;
    const time = async (route: string): Promise<{ ms: number; body: Record<string, unknown> }> => {
      const start = performance.now();
      const body = await call('GET', route, token);
      return { ms: performance.now() - start, body };
    };
    const measure = async (name: string, route: () => string): Promise<number[]> => {
      for (let i = 0; i < 20; i++) await time(route()); // warm
      const xs: number[] = [];
      for (let i = 0; i < SAMPLES; i++) xs.push((await time(route())).ms);
      process.stdout.write(`${name}: p50 ${p50(xs).toFixed(1)} ms, p99 ${p99(xs).toFixed(1)} ms over ${xs.length}\n`);
      return xs;
    };

    const baseline = await measure('baseline (empty clinic, first page)', () => `/cases?clinicId=${empty}&limit=50`);
    const first = await measure('first page', () => `/cases?clinicId=${big}&limit=50`);
    // Cursors 10 pages deep, then time each deep page.
    const cursors: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 11; i++) {
      const { body } = await time(`/cases?clinicId=${big}&limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      cursor = body.nextCursor as string;
      cursors.push(cursor);
    }
    let k = 0;
    const deep = await measure(
      'pages 2-11 (keyset)',
      () => `/cases?clinicId=${big}&limit=50&cursor=${cursors[k++ % 10]}`,
    );
    const prefixes = ['Morwood', 'Salberg', 'Kinsen', 'Valford', 'Holston', 'Dreley'];
    let j = 0;
    const search = await measure(
      'name prefix search + urgency filter',
      () => `/cases?clinicId=${big}&limit=50&urgency=routine&q=${prefixes[j++ % prefixes.length]}`,
    );

    const listP99 = Math.max(p99(first), p99(deep));
    process.stdout.write(
      `bench:cases rows=${ROWS} list_p99_ms=${listP99.toFixed(1)} search_p99_ms=${p99(search).toFixed(1)} baseline_p99_ms=${p99(baseline).toFixed(1)}\n`,
    );
  } finally {
    if (app !== undefined) {
      const exited = new Promise((r) => app?.once('exit', r));
      app.kill('SIGTERM');
      await exited;
    }
    await db.end().catch(() => undefined);
    await bench.close();
  }
}

await main();
