// npm run test:resilience — attacks on the platform's invariants against the
// real server (a child process of `npm start`'s entry point) on its own
// database. Exits non-zero when an invariant breaks; the last line carries
// the figures.
//
// Implemented so far: (1) the access matrix over every route of the app's
// own OpenAPI document, and (2) schema-derived fuzzing of every write route.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import pg from 'pg';
import { openBenchDatabase } from '../bench/bench-database.js';
import { freePort } from '../utils/free-port.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const MAIN = path.resolve(here, '../../src/main.js');
const ADMIN = { email: 'resilience@example.org', password: 'a-long-resilience-password' };
const PASSWORD = 'a-long-resilience-password';
const FUZZ_CASES = Number(process.env.RESILIENCE_FUZZ ?? 5000);

type Json = Record<string, unknown>;
interface Operation {
  method: string;
  path: string;
  schema: Json | undefined;
}

const failures: string[] = [];
const fail = (what: string): void => {
  failures.push(what);
  if (failures.length <= 20) process.stdout.write(`FAIL ${what}\n`);
};

async function call(base: string, method: string, route: string, token: string | null, body?: unknown) {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

async function json<T>(base: string, method: string, route: string, token: string | null, body?: unknown): Promise<T> {
  const r = await call(base, method, route, token, body);
  if (r.status >= 300) throw new Error(`${method} ${route}: ${r.status} ${r.text}`);
  return (r.text === '' ? undefined : JSON.parse(r.text)) as T;
}

/** Two clinics, each with a coordinator, a clinician and a case on a session's agenda. */
async function world(base: string, sql: pg.Client) {
  const admin = (await json<{ accessToken: string }>(base, 'POST', '/api/auth/login', null, ADMIN)).accessToken;
  const clinic = async (name: string, family: string) => {
    const c = await json<{ id: string }>(base, 'POST', '/api/clinics', admin, {
      name,
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
    const member = async (role: string): Promise<{ id: string; token: string }> => {
      const email = `${role}-${family.toLowerCase()}@resilience.example.org`;
      const u = await json<{ id: string }>(base, 'POST', '/api/users', admin, {
        email,
        displayName: role,
        role,
        password: PASSWORD,
      });
      await json(base, 'PUT', `/api/clinics/${c.id}/members/${u.id}`, admin);
      const t = await json<{ accessToken: string }>(base, 'POST', '/api/auth/login', null, {
        email,
        password: PASSWORD,
      });
      return { id: u.id, token: t.accessToken };
    };
    const coord = await member('coordinator');
    const clinician = await member('clinician');
    const kase = await json<{ id: string; patient: { id: string } }>(base, 'POST', '/api/cases', coord.token, {
      patient: {
        mrn: `RES-${family}`,
        familyName: family,
        givenName: 'Victoria',
        birthDate: '1960-02-03',
        sex: 'female',
      },
      clinicId: c.id,
      referringClinician: 'Dr. R',
      referringInstitution: 'Hospital',
      reason: 'patient_request',
      initiator: 'patient',
      urgency: 'routine',
      referringDiagnosis: { primarySite: 'C50.4', histology: '8500/3', malignant: true },
      referringRecommendation: { items: [{ modality: 'surgery', intent: 'curative', sequence: 1 }] },
    });
    await sql.query(`UPDATE second_opinion_case SET status = 'ready' WHERE id = $1`, [kase.id]);
    const session = await json<{ id: string }>(base, 'POST', '/api/board-sessions', coord.token, {
      clinicId: c.id,
      title: 'Board',
      startsAt: '2026-12-03T19:00:00Z',
      endsAt: '2026-12-03T20:00:00Z',
    });
    await json(base, 'POST', `/api/board-sessions/${session.id}/agenda`, coord.token, { caseId: kase.id });
    return {
      clinicId: c.id,
      coord,
      clinician,
      caseId: kase.id,
      patientId: kase.patient.id,
      sessionId: session.id,
      family,
    };
  };
  return {
    admin,
    victim: await clinic('Victim clinic', 'Victimfamily'),
    attacker: await clinic('Other clinic', 'Otherfamily'),
  };
}

function operations(doc: Json): Operation[] {
  const out: Operation[] = [];
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
  for (const [route, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) {
      const ref = (
        ((op.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as Json | undefined
      )?.schema as Json | undefined;
      const name = typeof ref?.$ref === 'string' ? ref.$ref.split('/').at(-1)! : undefined;
      out.push({ method: method.toUpperCase(), path: route, schema: name === undefined ? undefined : schemas[name] });
    }
  }
  return out;
}

/** (1) Every route × no token / another clinic's roles → never 2xx on the victim's ids, never the victim's data. */
async function accessMatrix(base: string, ops: Operation[], w: Awaited<ReturnType<typeof world>>): Promise<number> {
  const v = w.victim;
  const fill = (route: string): string =>
    route
      .replace(
        '{id}',
        route.startsWith('/api/board-sessions')
          ? v.sessionId
          : route.startsWith('/api/clinics')
            ? v.clinicId
            : v.caseId,
      )
      .replace(/\{(caseId)\}/, v.caseId)
      .replace(
        /\{(recordId|planId|changeId|annotationId|userId|specialistId)\}/g,
        '00000000-0000-4000-8000-000000000009',
      )
      .replace('{date}', '2026-12-03')
      .replace('{nctId}', 'NCT00000001');
  const attackers: [string, string | null][] = [
    ['anonymous', null],
    ['other coordinator', w.attacker.coord.token],
    ['other clinician', w.attacker.clinician.token],
  ];
  const open = new Set(['/api/health', '/api/auth/login', '/api/auth/refresh', '/api/auth/logout', '/api/docs-json']);
  let checks = 0;
  const statuses = new Map<string, number>();
  for (const op of ops) {
    const route = fill(op.path);
    const targetsVictim = route.includes(v.caseId) || route.includes(v.sessionId) || route.includes(v.clinicId);
    for (const [who, token] of attackers) {
      if (open.has(op.path)) continue;
      const query = op.path.startsWith('/api/reports')
        ? `?clinicId=${v.clinicId}&from=2000-01-01&to=2100-01-01&year=2026`
        : op.path === '/api/schedule/days/{date}'
          ? `?clinicId=${v.clinicId}`
          : '';
      const r = await call(
        base,
        op.method,
        `${route}${query}`,
        token,
        op.method === 'GET' || op.method === 'DELETE' ? undefined : {},
      );
      checks++;
      statuses.set(`${who} ${r.status}`, (statuses.get(`${who} ${r.status}`) ?? 0) + 1);
      if (r.status >= 500) fail(`${who} ${op.method} ${op.path} → ${r.status}`);
      if (token === null && r.status !== 401) fail(`${who} ${op.method} ${op.path} → ${r.status}, not 401`);
      if ((targetsVictim || query !== '') && r.status >= 200 && r.status < 300)
        fail(`${who} ${op.method} ${op.path} → ${r.status} on another clinic's ids`);
      if (r.text.includes(v.family) || r.text.includes(`RES-${v.family}`))
        fail(`${who} ${op.method} ${op.path} leaked the victim's name or MRN`);
    }
  }
  process.stdout.write(
    `access matrix answers: ${[...statuses]
      .sort()
      .map(([k, n]) => `${k}×${n}`)
      .join(', ')}\n`,
  );
  return checks;
}

/** A deliberately wrong value for a schema property. */
function wrongValue(prop: Json | undefined): fc.Arbitrary<unknown> {
  const type = prop?.type;
  const others: fc.Arbitrary<unknown>[] = [
    fc.constant(null),
    fc.string({ maxLength: 300 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.anything({ maxDepth: 1 }), { maxKeys: 3 }),
    fc.constant('x'.repeat(5000)),
    fc.constant('\u0000\ud800'),
    fc.constant("'; DROP TABLE patient; --"),
  ];
  if (type === 'string') return fc.oneof(...others.filter((_, i) => i !== 1));
  return fc.oneof(...others);
}

/** (2) Malformed bodies for every write route: never a 5xx, and a refused request changes nothing. */
async function fuzz(
  base: string,
  ops: Operation[],
  w: Awaited<ReturnType<typeof world>>,
  sql: pg.Client,
): Promise<{ cases: number; fiveXx: number }> {
  const writes = ops.filter(
    (o) => ['POST', 'PUT', 'PATCH'].includes(o.method) && o.schema !== undefined && !o.path.startsWith('/api/auth'),
  );
  const fill = (route: string): string =>
    route
      .replace(
        '{id}',
        route.startsWith('/api/board-sessions')
          ? w.victim.sessionId
          : route.startsWith('/api/clinics')
            ? w.victim.clinicId
            : w.victim.caseId,
      )
      .replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000009');
  const tables = [
    'patient',
    'second_opinion_case',
    'case_record',
    'diagnosis_assessment',
    'diagnosis_change',
    'annotation',
    'plan_version',
    'plan_vote',
    'board_session',
    'agenda_item',
    'attendance',
    'itinerary',
    'appointment',
    'clinic',
    'room',
    'specialist',
    'trial',
    'app_user',
  ];
  const counts = async (): Promise<string> =>
    JSON.stringify(
      (await sql.query(`SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(', ')}`)).rows[0],
    );
  const body = (schema: Json): fc.Arbitrary<unknown> => {
    const props = (schema.properties ?? {}) as Record<string, Json>;
    const names = Object.keys(props);
    return fc.oneof(
      fc.anything({ maxDepth: 3 }), // not even an object
      fc.record(Object.fromEntries(names.map((n) => [n, wrongValue(props[n])])), { requiredKeys: [] }),
      fc.dictionary(fc.string({ maxLength: 12 }), fc.anything({ maxDepth: 2 }), { maxKeys: 6 }),
    );
  };
  let cases = 0;
  let fiveXx = 0;
  const perRoute = Math.ceil(FUZZ_CASES / writes.length);
  const token = w.victim.coord.token;
  for (const op of writes) {
    const samples = fc.sample(body(op.schema!), { numRuns: perRoute, seed: cases + 1 });
    for (const sample of samples) {
      const before = await counts();
      const r = await call(base, op.method, fill(op.path), token, sample);
      cases++;
      if (r.status >= 500) {
        fiveXx++;
        fail(`fuzz ${op.method} ${op.path} → ${r.status} for ${JSON.stringify(sample).slice(0, 200)}`);
      }
      if (r.status >= 400 && (await counts()) !== before)
        fail(`fuzz ${op.method} ${op.path} → ${r.status} but rows changed`);
    }
  }
  return { cases, fiveXx };
}

async function main(): Promise<void> {
  const db = await openBenchDatabase('resilience');
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  const port = await freePort();
  const app: ChildProcess = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      DATA_DIR: db.scratch,
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_ACCESS_SECRET: 'resilience-secret-that-is-long-enough-for-hs256',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOGIN_IP_LIMIT: '100000',
      LOGIN_ACCOUNT_LIMIT: '100000',
      LOG_LEVEL: 'fatal',
      SHUTDOWN_GRACE_MS: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/api/health`)).status === 200) break;
      } catch {
        // not up yet
      }
      if (i > 600 || app.exitCode !== null) throw new Error('the server did not come up');
      await new Promise((r) => setTimeout(r, 100));
    }
    const w = await world(base, sql);
    const doc = await json<Json>(base, 'GET', '/api/docs-json', null);
    const ops = operations(doc);
    const checks = await accessMatrix(base, ops, w);
    process.stdout.write(`access matrix: ${ops.length} routes, ${checks} checks\n`);
    const f = await fuzz(base, ops, w, sql);
    process.stdout.write(`fuzz: ${f.cases} malformed requests over the write routes, ${f.fiveXx} × 5xx\n`);
    process.stdout.write(
      `resilience: routes=${ops.length} idor_checks=${checks} fuzz_cases=${f.cases} fuzz_5xx=${f.fiveXx} failures=${failures.length}\n`,
    );
  } finally {
    app.kill('SIGTERM');
    await new Promise((r) => app.once('exit', r));
    await sql.end();
    await db.close();
  }
  if (failures.length > 0) process.exit(1);
}

await main();
