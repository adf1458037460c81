// npm run bench:reports — the concordance and conference reports over
// BENCH_ROWS (default 1,000,000) synthetic reviewed cases with classified
// changes, spread over ten years of one clinic (about 100,000 a year) and
// 2,600 board sessions, through the real app (HTTP, auth, audit). p95 of 40
// requests each for one year. Baseline in the same run: the bare count of
// that year's current changes, straight from PostgreSQL — the least any
// report over those rows must read.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../utils/free-port.js';
import { signInAdmin } from '../utils/second-factor.js';
import { openBenchDatabase } from './bench-database.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.resolve(here, '../../src/main.js');
const ADMIN = { email: 'bench@example.org', password: 'a-long-harbour-passphrase' };
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SAMPLES = 40;
const YEAR = 2024;

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
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

/** Synthetic data in bulk, by SQL (the point is the reports, not the write path). */
async function fill(client: pg.Client): Promise<string> {
  const step = async (what: string, sql: string, params: unknown[] = []): Promise<void> => {
    const start = performance.now();
    await client.query(sql, params);
    process.stdout.write(`  ${what} (${((performance.now() - start) / 1000).toFixed(1)} s)\n`);
  };
  const {
    rows: [clinic],
  } = await client.query<{ id: string }>(
    `INSERT INTO clinic (name, time_zone, day_start, day_end, cancer_types, required_disciplines, precedence,
                         required_record_types, readiness_rules, quorum_disciplines, consensus_rule, version)
     VALUES ('Bench clinic', 'America/Denver', '08:00', '17:00', ARRAY['C50'], '[]', '[]', '{}', '[]',
             ARRAY['surgical_oncology','medical_oncology','radiation_oncology','pathology','radiology'],
             'majority_without_required_dissent', 1) RETURNING id`,
  );
  const clinicId = clinic.id;
  await step(
    'users',
    `INSERT INTO app_user (email, display_name, role, password_hash, version)
     SELECT 'doctor' || g || '@bench.example.org', 'Bench doctor ' || g, 'clinician', 'x', 1 FROM generate_series(1, 8) g`,
  );
  await step(
    `${ROWS} patients`,
    `INSERT INTO patient (clinic_id, mrn, family_name, given_name, birth_date, sex, synthetic, version)
     SELECT $2, 'BENCH-' || g, 'Bench', 'Synthetic', DATE '1950-01-01' + (g % 15000), 'female', true, 1
       FROM generate_series(1, $1::int) g`,
    [ROWS, clinicId],
  );
  await step(
    `${ROWS} cases`,
    `INSERT INTO second_opinion_case (patient_id, clinic_id, status, reason, initiator, urgency, referring_clinician,
                                      referring_institution, referring_recommendation, synthetic, created_at, version)
     SELECT p.id, $1, 'closed', 'patient_request', CASE WHEN p.n % 3 = 0 THEN 'physician' ELSE 'patient' END, 'routine',
            'Dr. Bench', 'Bench Hospital', '[]', true,
            TIMESTAMPTZ '2017-01-01 12:00Z' + (p.n % 3650) * INTERVAL '1 day', 1
       FROM (SELECT id, row_number() OVER () AS n FROM patient) p`,
    [clinicId],
  );
  await step(
    `${2 * ROWS} assessments`,
    `INSERT INTO diagnosis_assessment (case_id, source, primary_site, histology, grade, clinical_stage, biomarkers,
                                       additional_cancers, malignant, recorded_at)
     SELECT c.id, s.source, 'C50.4', '8500/3', 'G2', '{"t":"T2","n":"N0","m":"M0"}', '[]', '[]', true, c.created_at
       FROM second_opinion_case c CROSS JOIN (VALUES ('referring'), ('board')) s(source)`,
  );
  await step(
    `${ROWS} diagnosis changes`,
    `INSERT INTO diagnosis_change (case_id, clinic_id, referring_assessment_id, board_assessment_id, change_types,
                                   stage_changes, biomarker_changes, additional_cancers, pathology_reinterpretation,
                                   stage_up, stage_down, concordance, management_impact, evidence_sources,
                                   driving_discipline, initiator, created_at)
     SELECT c.id, c.clinic_id, r.id, b.id,
            CASE WHEN k < 23 THEN ARRAY['additional_cancer'] WHEN k < 43 THEN ARRAY['grade','biomarker']
                 WHEN k < 50 THEN ARRAY['stage'] ELSE ARRAY[]::text[] END,
            '[]', '[]', '[]', k >= 23 AND k < 43, k >= 43 AND k < 47, k >= 47 AND k < 50,
            CASE WHEN k < 10 THEN 'major' WHEN k < 50 THEN 'minor' ELSE 'concordant' END,
            CASE WHEN k < 10 THEN 'changed' WHEN k < 50 THEN 'potential' ELSE 'none' END,
            ARRAY['slide_review'],
            CASE WHEN k < 23 THEN 'radiology' WHEN k < 50 THEN 'pathology' END,
            c.initiator, c.created_at
       FROM (SELECT id, clinic_id, initiator, created_at, abs(hashtext(id::text)) % 100 AS k FROM second_opinion_case) c
       JOIN diagnosis_assessment r ON r.case_id = c.id AND r.source = 'referring'
       JOIN diagnosis_assessment b ON b.case_id = c.id AND b.source = 'board'`,
  );
  await step(
    '2600 board sessions',
    `INSERT INTO board_session (clinic_id, title, starts_at, ends_at, status, version)
     SELECT $1, 'Board ' || g, TIMESTAMPTZ '2017-01-02 19:00Z' + (g * 7 / 5) * INTERVAL '1 day',
            TIMESTAMPTZ '2017-01-02 20:30Z' + (g * 7 / 5) * INTERVAL '1 day', 'closed', 1
       FROM generate_series(0, 2599) g`,
    [clinicId],
  );
  await step(
    'attendance',
    `INSERT INTO attendance (session_id, user_id, discipline, joined_at, left_at)
     SELECT s.id, u.id, d.discipline, s.starts_at, s.ends_at
       FROM board_session s
       CROSS JOIN LATERAL (SELECT id, row_number() OVER (ORDER BY email) AS n FROM app_user WHERE email LIKE 'doctor%') u
       JOIN (VALUES (1, 'surgical_oncology'), (2, 'medical_oncology'), (3, 'radiation_oncology'), (4, 'pathology'),
                    (5, 'radiology'), (6, 'genetic_counseling')) d(n, discipline) ON d.n = u.n
      WHERE NOT (u.n = 3 AND abs(hashtext(s.id::text)) % 10 = 0)`,
  );
  await step(
    `${ROWS} agenda items`,
    `INSERT INTO agenda_item (session_id, case_id, position, mode, presented_at)
     SELECT s.id, c.id, c.n / 2600, 'discuss', s.starts_at
       FROM (SELECT id, (row_number() OVER (ORDER BY created_at, id)) - 1 AS n FROM second_opinion_case) c
       JOIN (SELECT id, starts_at, (row_number() OVER (ORDER BY starts_at)) - 1 AS n FROM board_session) s
         ON s.n = c.n * 2600 / $1::int`,
    [ROWS],
  );
  await step('analyze', 'ANALYZE');
  return clinicId;
}

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.95) - 1] ?? Number.NaN;
}

async function time(label: string, run: () => Promise<void>): Promise<number> {
  await run(); // warm
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  const p = p95(samples);
  process.stdout.write(`${label}: p95 ${p.toFixed(1)} ms over ${SAMPLES}\n`);
  return p;
}

async function main(): Promise<void> {
  const bench = await openBenchDatabase('reports');
  const client = new pg.Client({ connectionString: bench.url });
  await client.connect();
  let app: ChildProcess | undefined;
  try {
    process.stdout.write(`filling ${ROWS} reviewed cases:\n`);
    const clinicId = await fill(client);
    const port = await freePort();
    app = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: bench.url,
        DATA_DIR: bench.scratch,
        PORT: String(port),
        HOST: '127.0.0.1',
        JWT_ACCESS_SECRET: 'bench-secret-that-is-long-enough-for-hs256',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'warn',
        SHUTDOWN_GRACE_MS: '0',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/api/health`, app);
    // Admins must have a second factor: the first sign-in enrols one.
    const { accessToken } = await signInAdmin(base, ADMIN);
    const get = async (route: string): Promise<Record<string, unknown>> => {
      const res = await fetch(`${base}${route}`, { headers: { authorization: `Bearer ${accessToken}` } });
      if (res.status !== 200) throw new Error(`${route}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    };
    const concordanceRoute = `/api/reports/concordance?clinicId=${clinicId}&from=${YEAR}-01-01&to=${YEAR + 1}-01-01`;
    const conferenceRoute = `/api/reports/conference?clinicId=${clinicId}&year=${YEAR}`;
    const sample = await get(concordanceRoute);
    const conference = await get(conferenceRoute);
    process.stdout.write(
      `year ${YEAR}: ${String(sample.casesReviewed)} cases reviewed, changed ${JSON.stringify(sample.changed)}; ` +
        `${String(conference.sessions)} sessions, ${String(conference.casesPresented)} cases presented\n`,
    );
    const baseline = await time('baseline: count of the year', async () => {
      await client.query(
        `SELECT count(*) FROM diagnosis_change WHERE is_current AND clinic_id = $1 AND created_at >= $2 AND created_at < $3`,
        [clinicId, `${YEAR}-01-01`, `${YEAR + 1}-01-01`],
      );
    });
    const concordance = await time('concordance report (HTTP)', async () => void (await get(concordanceRoute)));
    const conferenceP95 = await time('conference report (HTTP)', async () => void (await get(conferenceRoute)));
    process.stdout.write(
      `bench:reports rows=${ROWS} concordance_p95_ms=${concordance.toFixed(1)} conference_p95_ms=${conferenceP95.toFixed(1)} (baseline count p95 ${baseline.toFixed(1)} ms)\n`,
    );
    process.stdout.write(
      `bench:reports rows=${ROWS} concordance_p95_ms=${concordance.toFixed(1)} conference_p95_ms=${conferenceP95.toFixed(1)}\n`,
    );
  } finally {
    if (app !== undefined && app.exitCode === null) {
      const exited = new Promise((r) => app!.once('exit', r));
      app.kill('SIGTERM');
      await exited;
    }
    await client.end();
    await bench.close();
  }
}

await main();
