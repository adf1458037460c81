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
import { io } from 'socket.io-client';
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

/** A concrete path for an OpenAPI route, aimed at the victim clinic's session, clinic or case. */
function fillRoute(route: string, v: { sessionId: string; clinicId: string; caseId: string }): string {
  const id = route.startsWith('/api/board-sessions')
    ? v.sessionId
    : route.startsWith('/api/clinics')
      ? v.clinicId
      : v.caseId;
  return route
    .replace('{id}', id)
    .replace('{caseId}', v.caseId)
    .replace('{date}', '2026-12-03')
    .replace('{nctId}', 'NCT00000001')
    .replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000009');
}

/** (1) Every route × no token / another clinic's roles → never 2xx on the victim's ids, never the victim's data. */
async function accessMatrix(
  base: string,
  ops: Operation[],
  w: Awaited<ReturnType<typeof world>>,
  sql: pg.Client,
): Promise<{ checks: number; audited: number }> {
  const lastAudit = async (): Promise<string> =>
    (await sql.query<{ id: string }>('SELECT coalesce(max(id), 0)::text AS id FROM audit_event')).rows[0].id;
  let audited = 0;
  const v = w.victim;
  const attackers: [string, string | null][] = [
    ['anonymous', null],
    ['other coordinator', w.attacker.coord.token],
    ['other clinician', w.attacker.clinician.token],
  ];
  const open = new Set(['/api/health', '/api/auth/login', '/api/auth/refresh', '/api/auth/logout', '/api/docs-json']);
  let checks = 0;
  const statuses = new Map<string, number>();
  for (const op of ops) {
    const route = fillRoute(op.path, v);
    const targetsVictim = route.includes(v.caseId) || route.includes(v.sessionId) || route.includes(v.clinicId);
    for (const [who, token] of attackers) {
      if (open.has(op.path)) continue;
      const query = op.path.startsWith('/api/reports')
        ? `?clinicId=${v.clinicId}&from=2000-01-01&to=2100-01-01&year=2026`
        : op.path === '/api/schedule/days/{date}'
          ? `?clinicId=${v.clinicId}`
          : '';
      const before = await lastAudit();
      const r = await call(
        base,
        op.method,
        `${route}${query}`,
        token,
        op.method === 'GET' || op.method === 'DELETE' ? undefined : {},
      );
      checks++;
      // (6) Every refused request leaves exactly one audit row, with its status.
      if (r.status >= 400) {
        const rows = (
          await sql.query<{ status_code: number | null; outcome: string }>(
            'SELECT status_code, outcome FROM audit_event WHERE id > $1 ORDER BY id',
            [before],
          )
        ).rows;
        if (rows.length !== 1 || rows[0].status_code !== r.status || rows[0].outcome === 'success')
          fail(`${who} ${op.method} ${op.path} → ${r.status} left ${rows.length} audit rows ${JSON.stringify(rows)}`);
        else audited++;
      }
      statuses.set(`${who} ${r.status}`, (statuses.get(`${who} ${r.status}`) ?? 0) + 1);
      if (r.status >= 500) fail(`${who} ${op.method} ${op.path} → ${r.status}`);
      if (token === null && r.status !== 401) fail(`${who} ${op.method} ${op.path} → ${r.status}, not 401`);
      if ((targetsVictim || query !== '') && r.status >= 200 && r.status < 300)
        fail(`${who} ${op.method} ${op.path} → ${r.status} on another clinic's ids`);
      if (r.text.includes(v.family) || r.text.includes(`RES-${v.family}`))
        fail(`${who} ${op.method} ${op.path} leaked the victim's name or MRN`);
    }
  }
  // The socket: another clinic's members can neither join the victim's session nor post to it.
  for (const [who, token] of attackers.slice(1)) {
    const socket = io(`${base}/board`, { auth: { token }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((r) => socket.once('connect', () => r()));
    for (const [event, payload] of [
      ['session:join', { sessionId: v.sessionId, afterId: '0' }],
      [
        'message:post',
        { sessionId: v.sessionId, caseId: v.caseId, body: 'probe', clientMsgId: `probe-${who.replace(/\W/g, '-')}` },
      ],
    ] as const) {
      const ack = (await socket.timeout(5000).emitWithAck(event, payload)) as {
        error?: { status: number };
        events?: unknown[];
      };
      checks++;
      if (ack.error?.status !== 404)
        fail(`${who} socket ${event} on another clinic's session → ${JSON.stringify(ack).slice(0, 120)}`);
      if (JSON.stringify(ack).includes(v.family)) fail(`${who} socket ${event} leaked the victim's name`);
    }
    socket.close();
  }
  process.stdout.write(
    `access matrix answers: ${[...statuses]
      .sort()
      .map(([k, n]) => `${k}×${n}`)
      .join(', ')}\n`,
  );
  return { checks, audited };
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

/** Write routes whose body is no DTO (a FHIR resource), fuzzed all the same. */
const DTO_LESS_WRITES = new Set(['/api/fhir/referrals']);

/** (2) Malformed bodies for every write route: never a 5xx, and a refused request changes nothing. */
async function fuzz(
  base: string,
  ops: Operation[],
  w: Awaited<ReturnType<typeof world>>,
  sql: pg.Client,
): Promise<{ cases: number; fiveXx: number }> {
  const writes = ops.filter(
    (o) =>
      ['POST', 'PUT', 'PATCH'].includes(o.method) &&
      (o.schema !== undefined || DTO_LESS_WRITES.has(o.path)) &&
      !o.path.startsWith('/api/auth'),
  );
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
    'fhir_referral',
  ];
  const counts = async (): Promise<string> =>
    JSON.stringify(
      (await sql.query(`SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t})::int AS ${t}`).join(', ')}`)).rows[0],
    );
  const body = (schema: Json | undefined): fc.Arbitrary<unknown> => {
    if (schema === undefined) {
      // A FHIR Bundle: anything, and Bundles of anything.
      return fc.oneof(
        fc.anything({ maxDepth: 3 }),
        fc.record({
          resourceType: fc.constantFrom('Bundle', 'Patient', ''),
          type: fc.constantFrom('collection', 'transaction', 'x'),
          entry: fc.array(
            fc.record({ resource: fc.oneof(fc.anything({ maxDepth: 2 }), fc.record({ resourceType: fc.string() })) }),
            { maxLength: 4 },
          ),
        }),
      );
    }
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
    const samples = fc.sample(body(op.schema), { numRuns: perRoute, seed: cases + 1 });
    for (const sample of samples) {
      const before = await counts();
      const r = await call(base, op.method, fillRoute(op.path, w.victim), token, sample);
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

/** The server as a child process; restartable on the same port and database. */
function server(
  port: number,
  db: { url: string; scratch: string },
  graceMs: number,
): { child: ChildProcess; up: Promise<void> } {
  const child = spawn(process.execPath, [MAIN], {
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
      SHUTDOWN_GRACE_MS: String(graceMs),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const up = (async () => {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/api/health`)).status === 200) return;
      } catch {
        // not up yet
      }
      if (i > 600 || child.exitCode !== null) throw new Error('the server did not come up');
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { child, up };
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));

/**
 * (4) kill -9 under REST writes and socket traffic, then restart: every
 * acknowledged write is in the database, and a socket client that resumes
 * from its last id gets every event, in order, none twice.
 */
async function crash(
  base: string,
  restart: () => Promise<ChildProcess>,
  kill: () => Promise<void>,
  w: Awaited<ReturnType<typeof world>>,
  sql: pg.Client,
): Promise<{ lostWrites: number; lostEvents: number; acked: number }> {
  const v = w.victim;
  const listener = io(`${base}/board`, {
    auth: { token: v.clinician.token },
    transports: ['websocket'],
    reconnectionDelay: 200,
    reconnectionDelayMax: 500,
  });
  const received: string[] = [];
  let last = '0';
  let joinedAfter: string | undefined;
  listener.on('event', (e: { id: string }) => {
    received.push(e.id);
    last = e.id;
  });
  listener.on('connect', () => {
    listener.emit('session:join', { sessionId: v.sessionId, afterId: last }, (ack: { events?: { id: string }[] }) => {
      joinedAfter ??= last;
      for (const e of ack.events ?? []) {
        received.push(e.id);
        last = e.id;
      }
    });
  });
  const poster = io(`${base}/board`, {
    auth: { token: v.coord.token },
    transports: ['websocket'],
    reconnectionDelay: 200,
    reconnectionDelayMax: 500,
  });
  await new Promise<void>((r) => poster.once('connect', () => r()));
  await new Promise((r) => setTimeout(r, 300));
  const ackedMessages: string[] = [];
  const ackedCases: string[] = [];
  let running = true;
  let seq = 0;
  const messages = (async () => {
    while (running) {
      const clientMsgId = `crash-${seq++}`;
      try {
        const ack = (await poster
          .timeout(2000)
          .emitWithAck('message:post', { sessionId: v.sessionId, body: clientMsgId, clientMsgId })) as { id?: string };
        if (ack.id !== undefined) ackedMessages.push(clientMsgId);
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  })();
  const writes = (async () => {
    let n = 0;
    while (running) {
      const mrn = `CRASH-${n++}`;
      try {
        const r = await call(base, 'POST', '/api/cases', v.coord.token, {
          patient: { mrn, familyName: 'Crash', givenName: 'Test', birthDate: '1970-01-01', sex: 'female' },
          clinicId: v.clinicId,
          referringClinician: 'Dr. R',
          referringInstitution: 'Hospital',
          reason: 'patient_request',
          initiator: 'patient',
          urgency: 'routine',
          referringDiagnosis: { primarySite: 'C50.4', malignant: true },
          referringRecommendation: { items: [{ modality: 'surgery', intent: 'curative', sequence: 1 }] },
        });
        if (r.status === 201) ackedCases.push(mrn);
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  })();
  await new Promise((r) => setTimeout(r, 1500));
  await kill();
  await new Promise((r) => setTimeout(r, 300));
  await restart();
  await new Promise((r) => setTimeout(r, 1500));
  running = false;
  await Promise.all([messages, writes]);
  await new Promise((r) => setTimeout(r, 1000));
  poster.close();
  listener.close();
  const storedMessages = new Set(
    (
      await sql.query<{ m: string }>(
        `SELECT payload->>'clientMsgId' AS m FROM board_event WHERE session_id = $1 AND type = 'message.posted'`,
        [v.sessionId],
      )
    ).rows.map((r) => r.m),
  );
  const storedCases = new Set(
    (await sql.query<{ mrn: string }>(`SELECT mrn FROM patient WHERE mrn LIKE 'CRASH-%'`)).rows.map((r) => r.mrn),
  );
  const lostWrites =
    ackedMessages.filter((m) => !storedMessages.has(m)).length + ackedCases.filter((m) => !storedCases.has(m)).length;
  const events = (
    await sql.query<{ id: string }>(
      'SELECT id::text AS id FROM board_event WHERE session_id = $1 AND id > $2 ORDER BY board_event.id',
      [v.sessionId, joinedAfter ?? '0'],
    )
  ).rows.map((r) => r.id);
  const got = new Set(received);
  const lostEvents = events.filter((id) => !got.has(id)).length;
  if (new Set(received).size !== received.length) fail('crash: a socket client got an event twice');
  for (let i = 1; i < received.length; i++)
    if (BigInt(received[i]) <= BigInt(received[i - 1])) fail('crash: events out of order');
  if (lostWrites > 0) fail(`crash: ${lostWrites} acknowledged writes missing`);
  if (lostEvents > 0) fail(`crash: ${lostEvents} events never reached the resumed client`);
  return { lostWrites, lostEvents, acked: ackedMessages.length + ackedCases.length };
}

/**
 * (3) Stop PostgreSQL under steady reads and writes: the API answers 503
 * problem+json and health goes red; start it again: full service; every
 * write that was answered 2xx is in the database.
 */
async function outage(
  base: string,
  db: Awaited<ReturnType<typeof openBenchDatabase>>,
  w: Awaited<ReturnType<typeof world>>,
): Promise<{ outageMs: number; recoveryMs: number; lostWrites: number } | undefined> {
  if (db.outage === undefined) {
    process.stdout.write('outage: skipped (the database is not the embedded cluster this run controls)\n');
    return undefined;
  }
  const v = w.victim;
  const ledger: string[] = [];
  const answers: { at: number; status: number; problem: boolean }[] = [];
  let running = true;
  let n = 0;
  const worker = async (): Promise<void> => {
    while (running) {
      const at = Date.now();
      const write = n % 2 === 0;
      const mrn = `OUTAGE-${n++}`;
      try {
        const res = await fetch(`${base}${write ? '/api/cases' : '/api/users/me'}`, {
          method: write ? 'POST' : 'GET',
          headers: {
            authorization: `Bearer ${v.coord.token}`,
            ...(write ? { 'content-type': 'application/json' } : {}),
          },
          body: write
            ? JSON.stringify({
                patient: { mrn, familyName: 'Outage', givenName: 'Test', birthDate: '1970-01-01', sex: 'female' },
                clinicId: v.clinicId,
                referringClinician: 'Dr. R',
                referringInstitution: 'Hospital',
                reason: 'patient_request',
                initiator: 'patient',
                urgency: 'routine',
                referringDiagnosis: { primarySite: 'C50.4', malignant: true },
                referringRecommendation: { items: [{ modality: 'surgery', intent: 'curative', sequence: 1 }] },
              })
            : undefined,
        });
        await res.text();
        answers.push({
          at,
          status: res.status,
          problem: (res.headers.get('content-type') ?? '').includes('problem+json'),
        });
        if (write && res.status === 201) ledger.push(mrn);
      } catch {
        answers.push({ at, status: 0, problem: false });
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const workers = Array.from({ length: 4 }, () => worker());
  await new Promise((r) => setTimeout(r, 1000));
  const stopAt = Date.now();
  await db.outage.stop();
  for (let i = 0; i < 100 && !answers.some((a) => a.at >= stopAt && a.status === 503 && a.problem); i++)
    await new Promise((r) => setTimeout(r, 20));
  const first503 = answers.find((a) => a.at >= stopAt && a.status === 503 && a.problem);
  const outageMs = first503 === undefined ? Number.POSITIVE_INFINITY : Math.max(0, first503.at - stopAt);
  const health = await fetch(`${base}/api/health`);
  if (health.status !== 503) fail(`outage: health answered ${health.status}, not 503`);
  const during = answers.filter((a) => a.at >= stopAt + 200);
  if (during.some((a) => a.status >= 500 && a.status !== 503))
    fail('outage: a 5xx other than 503 while the database was down');
  await new Promise((r) => setTimeout(r, 1000));
  const startAt = Date.now();
  await db.outage.start();
  let recoveryMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 200; i++) {
    const r = await call(base, 'GET', '/api/users/me', v.coord.token).catch(() => ({ status: 0 }));
    if (r.status === 200) {
      recoveryMs = Date.now() - startAt;
      break;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  await new Promise((r) => setTimeout(r, 500));
  running = false;
  await Promise.all(workers);
  const check = new pg.Client({ connectionString: db.url });
  await check.connect();
  const stored = new Set(
    (await check.query<{ mrn: string }>(`SELECT mrn FROM patient WHERE mrn LIKE 'OUTAGE-%'`)).rows.map((r) => r.mrn),
  );
  await check.end();
  const lostWrites = ledger.filter((m) => !stored.has(m)).length;
  if (outageMs > 1000) fail(`outage: first 503 after ${outageMs} ms`);
  if (recoveryMs > 5000) fail(`outage: full service after ${recoveryMs} ms`);
  if (lostWrites > 0) fail(`outage: ${lostWrites} acknowledged writes missing`);
  process.stdout.write(
    `outage: first 503 problem+json ${outageMs} ms after stopping PostgreSQL, health 503; service back ${recoveryMs} ms after starting it; ${ledger.length} writes acknowledged, ${lostWrites} lost\n`,
  );
  return { outageMs, recoveryMs, lostWrites };
}

/** (5) SIGTERM during a burst: every request already sent is answered 2xx, and the process exits 0. */
async function shutdown(base: string, child: ChildProcess, token: string): Promise<number> {
  const burst = Array.from({ length: 40 }, () =>
    call(base, 'GET', '/api/users/me', token).then(
      (r) => r.status,
      () => 0,
    ),
  );
  await new Promise((r) => setTimeout(r, 30));
  child.kill('SIGTERM');
  const statuses = await Promise.all(burst);
  const code = await exited(child);
  const failures = statuses.filter((s) => s !== 200).length + (code === 0 ? 0 : 1);
  if (failures > 0) fail(`shutdown: ${failures} failed (statuses ${statuses.join(',')}, exit ${String(code)})`);
  return failures;
}

async function main(): Promise<void> {
  const db = await openBenchDatabase('resilience');
  let sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let current = server(port, db, 0);
  try {
    await current.up;
    const w = await world(base, sql);
    const doc = await json<Json>(base, 'GET', '/api/docs-json', null);
    const ops = operations(doc);
    const { checks, audited } = await accessMatrix(base, ops, w, sql);
    process.stdout.write(
      `access matrix: ${ops.length} routes, ${checks} checks, ${audited} refusals each audited once\n`,
    );
    const f = await fuzz(base, ops, w, sql);
    process.stdout.write(`fuzz: ${f.cases} malformed requests over the write routes, ${f.fiveXx} × 5xx\n`);
    const c = await crash(
      base,
      async () => {
        current = server(port, db, 0);
        await current.up;
        return current.child;
      },
      async () => {
        current.child.kill('SIGKILL');
        await exited(current.child);
      },
      w,
      sql,
    );
    process.stdout.write(
      `crash: ${c.acked} acknowledged writes across kill -9 and restart, ${c.lostWrites} lost, ${c.lostEvents} events lost\n`,
    );
    await sql.end();
    const o = await outage(base, db, w);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    current.child.kill('SIGTERM');
    await exited(current.child);
    current = server(port, db, 1000);
    await current.up;
    const login = await json<{ accessToken: string }>(base, 'POST', '/api/auth/login', null, ADMIN);
    const shutdownFailures = await shutdown(base, current.child, login.accessToken);
    process.stdout.write(
      `audit: ${audited} refused requests, each with exactly one audit row carrying its status; failures: ${failures.length}\n`,
    );
    process.stdout.write(
      `resilience: routes=${ops.length} idor_checks=${checks} fuzz_cases=${f.cases} fuzz_5xx=${f.fiveXx} outage_503_ms=${o?.outageMs ?? 'n/a'} recovery_ms=${o?.recoveryMs ?? 'n/a'} lost_writes=${c.lostWrites + (o?.lostWrites ?? 0)} lost_events=${c.lostEvents} shutdown_failures=${shutdownFailures}\n`,
    );
  } finally {
    if (current.child.exitCode === null) {
      current.child.kill('SIGTERM');
      await exited(current.child);
    }
    await sql.end();
    await db.close();
  }
  if (failures.length > 0) process.exit(1);
}

await main();
