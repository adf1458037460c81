import type { Server } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import request from 'supertest';
import { breastClinicBody, referralBody } from './factories.js';
import { bearer, TEST_PASSWORD, type Tokens } from './test-app.js';

export type Target = string | Server;

export interface Member {
  id: string;
  tokens: Tokens;
}

export interface BoardWorld {
  clinicId: string;
  sessionId: string;
  coord: Member;
  /** Clinicians who are specialists: [0] pathology, [1] medical oncology. */
  doctors: Member[];
  /** A clinician of another clinic. */
  outsider: Member;
  /** Ready cases on the session's agenda, in order. */
  cases: string[];
}

let counter = 0;

async function user(target: Target, admin: Tokens, role: string): Promise<Member> {
  counter += 1;
  const email = `${role}-${counter}-${Date.now()}@board.example.org`;
  const created = await request(target)
    .post('/api/users')
    .set(bearer(admin))
    .send({ email, displayName: `Dr ${role} ${counter}`, role });
  if (created.status !== 201) throw new Error(`user: ${created.status} ${JSON.stringify(created.body)}`);
  // The admin never chooses the password: the user sets it from the one-time link.
  const set = await request(target)
    .post('/api/auth/set-password')
    .send({ token: created.body.setPasswordLink.token, password: TEST_PASSWORD });
  if (set.status !== 200) throw new Error(`set-password: ${set.status} ${JSON.stringify(set.body)}`);
  const login = await request(target).post('/api/auth/login').send({ email, password: TEST_PASSWORD });
  if (login.status !== 200) throw new Error(`login: ${login.status}`);
  return { id: created.body.id as string, tokens: login.body as Tokens };
}

async function ok(
  res: request.Response | Promise<request.Response>,
  status: number,
  what: string,
): Promise<request.Response> {
  const r = await res;
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

/** A clinician added to the world's clinic as a specialist of `discipline` (say, a radiologist). */
export async function addSpecialist(target: Target, admin: Tokens, w: BoardWorld, discipline: string): Promise<Member> {
  const m = await user(target, admin, 'clinician');
  await ok(request(target).put(`/api/clinics/${w.clinicId}/members/${m.id}`).set(bearer(admin)), 204, 'member');
  await ok(
    request(target)
      .post('/api/specialists')
      .set(bearer(admin))
      .send({ userId: m.id, disciplines: [discipline], clinicIds: [w.clinicId] }),
    201,
    'specialist',
  );
  return m;
}

/** A file record uploaded to a case by `tokens` (a coordinator); its id. */
export async function uploadRecord(
  target: Target,
  tokens: Tokens,
  caseId: string,
  record: { type: string; documentDate: string; file: Buffer; filename: string },
): Promise<string> {
  const up = await ok(
    request(target)
      .post(`/api/cases/${caseId}/records`)
      .set(bearer(tokens))
      .field('type', record.type)
      .field('documentDate', record.documentDate)
      .attach('file', record.file, record.filename),
    201,
    'upload',
  );
  return up.body.id as string;
}

/**
 * A clinic with a coordinator and two specialist clinicians, an outsider,
 * `cases` ready cases (set ready directly: readiness is tested elsewhere)
 * and a scheduled board session with them on the agenda.
 */
export async function boardWorld(
  target: Target,
  admin: Tokens,
  sql: (query: string, params: unknown[]) => Promise<unknown>,
  options: { cases?: number; consent?: boolean[] } = {},
): Promise<BoardWorld> {
  const clinic = await ok(
    request(target)
      .post('/api/clinics')
      .set(bearer(admin))
      .send({ ...breastClinicBody(), quorumDisciplines: ['pathology', 'medical_oncology'] }),
    201,
    'clinic',
  );
  const clinicId = clinic.body.id as string;
  const coord = await user(target, admin, 'coordinator');
  const doctors = [await user(target, admin, 'clinician'), await user(target, admin, 'clinician')];
  const outsider = await user(target, admin, 'clinician');
  for (const m of [coord, ...doctors])
    await ok(request(target).put(`/api/clinics/${clinicId}/members/${m.id}`).set(bearer(admin)), 204, 'member');
  for (const [i, discipline] of ['pathology', 'medical_oncology'].entries()) {
    await ok(
      request(target)
        .post('/api/specialists')
        .set(bearer(admin))
        .send({ userId: doctors[i].id, disciplines: [discipline], clinicIds: [clinicId] }),
      201,
      'specialist',
    );
  }
  const cases: string[] = [];
  for (let i = 0; i < (options.cases ?? 2); i++) {
    const body = referralBody(clinicId);
    (body.patient as Record<string, unknown>).consentToRecord = options.consent?.[i] ?? true;
    const res = await ok(request(target).post('/api/cases').set(bearer(coord.tokens)).send(body), 201, 'case');
    cases.push(res.body.id as string);
  }
  await sql(`UPDATE second_opinion_case SET status = 'ready' WHERE id = ANY($1::uuid[])`, [cases]);
  const session = await ok(
    request(target).post('/api/board-sessions').set(bearer(coord.tokens)).send({
      clinicId,
      title: 'Breast tumor board',
      startsAt: '2026-12-03T19:00:00Z',
      endsAt: '2026-12-03T20:30:00Z',
      chairId: doctors[1].id,
      videoUrl: 'https://video.example.org/board',
    }),
    201,
    'session',
  );
  const sessionId = session.body.id as string;
  for (const caseId of cases)
    await ok(
      request(target).post(`/api/board-sessions/${sessionId}/agenda`).set(bearer(coord.tokens)).send({ caseId }),
      201,
      'agenda',
    );
  return { clinicId, sessionId, coord, doctors, outsider, cases };
}

export interface BoardEventMessage {
  id: string;
  sessionId: string;
  caseId: string | null;
  type: string;
  payload: Record<string, unknown>;
  actor: string | null;
  at: string;
}

/** A `/board` client: websocket only, no automatic reconnection (the tests reconnect on purpose). */
export function connectBoard(
  baseUrl: string,
  token: string | undefined,
  options: { origin?: string } = {},
): Promise<Socket> {
  const socket = io(`${baseUrl}/board`, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: options.origin === undefined ? {} : { origin: options.origin },
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Every `event` the socket receives, in arrival order. */
export function collect(socket: Socket): BoardEventMessage[] {
  const events: BoardEventMessage[] = [];
  socket.on('event', (e: BoardEventMessage) => events.push(e));
  return events;
}

export async function until(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function baseUrlOf(server: Server): string {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server is not listening on a port');
  return `http://127.0.0.1:${address.port}`;
}
