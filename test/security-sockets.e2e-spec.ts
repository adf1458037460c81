import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import { AppModule } from '../src/app.module.js';
import { configureApp, createFastifyAdapter } from '../src/app.setup.js';
import { validateEnv } from '../src/config/load-env.js';
import {
  baseUrlOf,
  boardWorld,
  collect,
  connectBoard,
  until,
  type BoardEventMessage,
  type BoardWorld,
} from './utils/board-fixtures.js';
import { addMember, referralBody } from './utils/factories.js';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';

// Issue 15, items 3, 4 (socket side) and 12, reproduced as the attacker did
// them, on two instances of the app sharing one database (as deployed).

const LIMITS = {
  BOARD_USER_SOCKET_LIMIT: '5',
  BOARD_USER_MESSAGE_LIMIT: '60',
  BOARD_USER_MESSAGE_WINDOW_SECONDS: '10',
  BOARD_FLOOD_LIMIT: '50',
};

interface Instance {
  baseUrl: string;
  close(): Promise<void>;
}

/** Another instance of the real app on the test app's database (the same secret, as behind a load balancer). */
async function secondInstance(t: TestApp): Promise<Instance> {
  const env = validateEnv({
    NODE_ENV: 'test',
    DATABASE_URL: t.databaseUrl,
    JWT_ACCESS_SECRET: 'test-secret-that-is-long-enough-for-hs256',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DB_POOL_SIZE: '5',
    SHUTDOWN_GRACE_MS: '0',
    DATA_DIR: t.dataDir,
    LOGIN_IP_LIMIT: '100000',
    LOGIN_ACCOUNT_LIMIT: '100000',
    ...LIMITS,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(env)] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(env), { bufferLogs: true });
  configureApp(app);
  await app.init();
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { baseUrl: baseUrlOf(app.getHttpServer()), close: () => app.close() };
}

interface Member {
  id: string;
  tokens: Tokens;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('The board sockets under attack (issue 15: items 3, 4, 12)', () => {
  let t: TestApp;
  let b: Instance;
  let admin: Tokens;
  let a: string;
  let w: BoardWorld;
  const sockets: Socket[] = [];
  const sql = <T = unknown>(query: string, params: unknown[] = []): Promise<T[]> => t.dataSource.query(query, params);
  const open = async (baseUrl: string, token: string): Promise<Socket> => {
    const s = await connectBoard(baseUrl, token);
    sockets.push(s);
    return s;
  };
  const joined = async (baseUrl: string, token: string, sessionId = w.sessionId): Promise<Socket> => {
    const s = await open(baseUrl, token);
    const ack = (await s.timeout(5000).emitWithAck('session:join', { sessionId })) as { error?: unknown };
    expect(ack.error).toBeUndefined();
    return s;
  };
  /** A new clinician of the world's clinic, signed in. */
  const member = async (world = w): Promise<Member> => {
    const user = await createUser(t, 'clinician');
    await addMember(t, admin, world.clinicId, user.id);
    return { id: user.id, tokens: await login(t, user) };
  };
  const disconnectedAt = (s: Socket): Promise<number> =>
    new Promise((resolve) => s.once('disconnect', () => resolve(Date.now())));
  const errorCodes = (s: Socket): string[] => {
    const codes: string[] = [];
    s.on('error', (e: { code?: string }) => {
      if (e.code !== undefined) codes.push(e.code);
    });
    return codes;
  };
  const auditRows = (actorId: string, where = 'true', params: unknown[] = []) =>
    sql<{
      action: string;
      outcome: string;
      status_code: number;
      reason: string | null;
      entity_id: string | null;
      case_id: string | null;
      patient_id: string | null;
    }>(
      `SELECT action, outcome, status_code, reason, entity_id, case_id, patient_id FROM audit_event
        WHERE actor_id = $1 AND (${where}) ORDER BY id`,
      [actorId, ...params],
    );
  const storedMessages = async (actorId: string): Promise<number> =>
    (
      await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM board_event WHERE type = 'message.posted' AND actor_id = $1`,
        [actorId],
      )
    )[0].n;
  const lastEventId = async (sessionId: string): Promise<bigint> =>
    BigInt(
      (
        await sql<{ id: string }>(`SELECT coalesce(max(id), 0)::text AS id FROM board_event WHERE session_id = $1`, [
          sessionId,
        ])
      )[0].id,
    );

  beforeAll(async () => {
    t = await createTestApp(LIMITS);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    a = baseUrlOf(t.http);
    b = await secondInstance(t);
    admin = await login(t, await createUser(t, 'admin'));
    w = await boardWorld(t.http, admin, sql, { cases: 1 });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await b?.close();
    await t?.close();
  });

  it("should cut a removed member's joined sockets on every instance within 1 s, and send them nothing committed after", async () => {
    const viewer = await member();
    const onA = await joined(a, viewer.tokens.accessToken);
    const onB = await joined(b.baseUrl, viewer.tokens.accessToken);
    const seen = [collect(onA), collect(onB)];
    const codes = [errorCodes(onA), errorCodes(onB)];
    const gone = [disconnectedAt(onA), disconnectedAt(onB)];
    // A member who stays, to show the next event is delivered at once.
    const stays = await joined(a, w.doctors[0].tokens.accessToken);
    const staysSaw = collect(stays);
    const before = await lastEventId(w.sessionId);

    const removedAt = Date.now();
    const removed = await request(t.http).delete(`/api/clinics/${w.clinicId}/members/${viewer.id}`).set(bearer(admin));
    expect(removed.status).toBe(204);
    // Committed right after the removal: the removed member must not get it, on either instance.
    const posted = (await stays.timeout(5000).emitWithAck('message:post', {
      sessionId: w.sessionId,
      body: 'After the removal',
      clientMsgId: 'after-removal',
    })) as {
      id: string;
    };
    const cutAt = await Promise.all(gone);
    const cutMs = Math.max(...cutAt) - removedAt;
    expect(cutMs).toBeLessThan(1000);
    await until(() => staysSaw.some((e) => e.id === posted.id), 5000, 'the post reaching a remaining member');
    await sleep(300);
    for (const s of seen) expect(s.filter((e: BoardEventMessage) => BigInt(e.id) > before)).toEqual([]);
    for (const c of codes) expect(c).toEqual(['membership_revoked']);
    expect(await auditRows(viewer.id, `action = 'board.socket.cut_off'`)).toEqual([
      expect.objectContaining({
        outcome: 'denied',
        status_code: 403,
        reason: 'membership_revoked',
        entity_id: w.sessionId,
      }),
      expect.objectContaining({
        outcome: 'denied',
        status_code: 403,
        reason: 'membership_revoked',
        entity_id: w.sessionId,
      }),
    ]);
    // And the removed member cannot come back into the room.
    const again = await open(a, viewer.tokens.accessToken);
    const refused = (await again.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId })) as {
      error?: { status: number };
    };
    expect(refused.error?.status).toBe(404);
  });

  it('should cut a socket whose membership was removed behind the API (no notification) by the next sweep', async () => {
    const viewer = await member();
    const s = await joined(b.baseUrl, viewer.tokens.accessToken);
    const codes = errorCodes(s);
    const gone = disconnectedAt(s);
    const removedAt = Date.now();
    await sql('DELETE FROM clinic_member WHERE clinic_id = $1 AND user_id = $2', [w.clinicId, viewer.id]);
    expect((await gone) - removedAt).toBeLessThan(2000);
    expect(codes).toEqual(['membership_revoked']);
  });

  it("should refuse a disabled user's very next post, and cut the socket", async () => {
    // Disabled behind the API's back: no notification, and the sweep has likely not run yet.
    const quiet = await member();
    const s1 = await joined(a, quiet.tokens.accessToken);
    const gone1 = disconnectedAt(s1);
    await sql('UPDATE app_user SET active = false WHERE id = $1', [quiet.id]);
    const post = { sessionId: w.sessionId, body: 'Posted after being disabled', clientMsgId: 'disabled-1' };
    const ack1 = s1.connected
      ? ((await s1
          .timeout(3000)
          .emitWithAck('message:post', post)
          .catch(() => ({ cut: true }))) as Record<string, unknown>)
      : { cut: true };
    expect(ack1.id).toBeUndefined();
    if (ack1.cut === undefined) expect(ack1.error).toMatchObject({ status: 401 });
    await gone1;
    expect(await storedMessages(quiet.id)).toBe(0);
    // The cut-off row is written as the socket is dropped: wait for it (under load it lands after the disconnect).
    let cutOff = await auditRows(quiet.id, `action = 'board.socket.cut_off'`);
    for (const deadline = Date.now() + 5000; cutOff.length === 0 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 50));
      cutOff = await auditRows(quiet.id, `action = 'board.socket.cut_off'`);
    }
    expect(cutOff).toEqual([
      expect.objectContaining({ outcome: 'denied', status_code: 401, reason: 'session_revoked' }),
    ]);

    // Disabled by an admin through the API on instance A: the socket on B goes within 1 s, and a post sent right after is refused.
    const loud = await member();
    const s2 = await joined(b.baseUrl, loud.tokens.accessToken);
    const gone2 = disconnectedAt(s2);
    const etag = (await request(t.http).get(`/api/users/${loud.id}`).set(bearer(admin))).headers.etag;
    const disabledAt = Date.now();
    const res = await request(t.http)
      .patch(`/api/users/${loud.id}`)
      .set(bearer(admin))
      .set('If-Match', etag)
      .send({ active: false });
    expect(res.status).toBe(200);
    const ack2 = s2.connected
      ? ((await s2
          .timeout(3000)
          .emitWithAck('message:post', { ...post, clientMsgId: 'disabled-2' })
          .catch(() => ({ cut: true }))) as Record<string, unknown>)
      : { cut: true };
    expect(ack2.id).toBeUndefined();
    expect((await gone2) - disabledAt).toBeLessThan(1000);
    expect(await storedMessages(loud.id)).toBe(0);
  });

  it("should refuse a user's 6th socket, counted across instances, and audit it; a closed socket frees its slot", async () => {
    const u = await member();
    const token = u.tokens.accessToken;
    const five = [await open(a, token), await open(a, token), await open(a, token), await open(b.baseUrl, token)];
    five.push(await open(b.baseUrl, token));
    for (const base of [a, b.baseUrl]) {
      const refused = await connectBoard(base, token).then(
        (s) => {
          sockets.push(s);
          return undefined;
        },
        (error: Error & { data?: { status?: number } }) => error,
      );
      expect(refused?.message).toBe('too_many_connections');
      expect(refused?.data?.status).toBe(429);
    }
    expect(await auditRows(u.id, `action = 'board.connect'`)).toEqual([
      expect.objectContaining({ outcome: 'denied', status_code: 429, reason: 'too_many_connections' }),
      expect.objectContaining({ outcome: 'denied', status_code: 429, reason: 'too_many_connections' }),
    ]);
    // A slot given back (on B) can be taken (on A).
    five[3].close();
    let sixth: Socket | undefined;
    for (let i = 0; i < 40 && sixth === undefined; i++) {
      sixth = await connectBoard(a, token).catch(() => undefined);
      if (sixth === undefined) await sleep(50);
    }
    expect(sixth?.connected).toBe(true);
    if (sixth !== undefined) sockets.push(sixth);
  });

  it("should cut 200 messages in 1.3 s from one user's 5 sockets at the per-user limit of 60, with one audit row per instance", async () => {
    const u = await member();
    const token = u.tokens.accessToken;
    const five = [await open(a, token), await open(a, token), await open(a, token), await open(b.baseUrl, token)];
    five.push(await open(b.baseUrl, token));
    const startedAt = Date.now();
    const acks = await Promise.all(
      five.map(async (s, i) => {
        const pending: Promise<{ id?: string; error?: { status: number } }>[] = [];
        for (let j = 0; j < 40; j++) {
          pending.push(
            s.timeout(20_000).emitWithAck('message:post', {
              sessionId: w.sessionId,
              body: `flood ${i}-${j}`,
              clientMsgId: `flood-${i}-${j}`,
            }),
          );
          await sleep(32);
        }
        return Promise.all(pending);
      }),
    );
    expect(Date.now() - startedAt).toBeLessThan(10_000); // all inside one window
    const all = acks.flat();
    expect(all).toHaveLength(200);
    expect(all.filter((x) => x.id !== undefined)).toHaveLength(60);
    expect(all.filter((x) => x.error?.status === 429)).toHaveLength(140);
    expect(await storedMessages(u.id)).toBe(60);
    for (const s of five) expect(s.connected).toBe(true); // refused messages, not cut sockets
    expect(await auditRows(u.id, `reason = 'rate_limited_user'`)).toEqual([
      expect.objectContaining({ action: 'board.message.post', outcome: 'denied', status_code: 429 }),
      expect.objectContaining({ action: 'board.message.post', outcome: 'denied', status_code: 429 }),
    ]);
  });

  it('should audit, for a viewer who joined before, the first event about a case added to the agenda later (once per socket and case)', async () => {
    const viewer = await member();
    const s = await joined(a, viewer.tokens.accessToken);
    const seen = collect(s);
    const firstCase = w.cases[0];
    const patientOf = async (caseId: string): Promise<string> =>
      (await sql<{ patient_id: string }>('SELECT patient_id FROM second_opinion_case WHERE id = $1', [caseId]))[0]
        .patient_id;
    const joinRow = await auditRows(viewer.id, `action = 'board.session.join'`);
    expect(joinRow).toHaveLength(1);

    // The coordinator takes in a new referral and puts it on the agenda.
    const created = await request(t.http).post('/api/cases').set(bearer(w.coord.tokens)).send(referralBody(w.clinicId));
    expect(created.status).toBe(201);
    const newCase = created.body.id as string;
    await sql(`UPDATE second_opinion_case SET status = 'ready' WHERE id = $1`, [newCase]);
    const added = await request(t.http)
      .post(`/api/board-sessions/${w.sessionId}/agenda`)
      .set(bearer(w.coord.tokens))
      .send({ caseId: newCase });
    expect(added.status).toBe(201);
    let rowsWhenSeen: unknown[] | undefined;
    s.on('event', (e: BoardEventMessage) => {
      if (e.payload.added === newCase && rowsWhenSeen === undefined)
        void auditRows(viewer.id, `action = 'board.event.disclose'`).then((r) => (rowsWhenSeen = r));
    });
    await until(() => seen.some((e) => e.payload.added === newCase), 5000, 'the agenda change');
    await until(() => rowsWhenSeen !== undefined, 5000, 'the audit rows read on arrival');
    const expected = {
      action: 'board.event.disclose',
      outcome: 'success',
      status_code: 200,
      entity_id: w.sessionId,
      case_id: newCase,
      patient_id: await patientOf(newCase),
    };
    // Stored before the event was sent.
    expect(rowsWhenSeen).toEqual([expect.objectContaining(expected)]);

    // More events about both cases: no further rows for this socket (the join's row named the first case's patient).
    const poster = await joined(a, w.doctors[0].tokens.accessToken);
    for (const [i, caseId] of [newCase, firstCase, newCase].entries())
      await poster
        .timeout(5000)
        .emitWithAck('message:post', { sessionId: w.sessionId, caseId, body: `about ${i}`, clientMsgId: `about-${i}` });
    await until(
      () => seen.filter((e) => e.type === 'message.posted' && String(e.payload.body).startsWith('about')).length === 3,
    );
    expect(await auditRows(viewer.id, `action = 'board.event.disclose'`)).toEqual([expect.objectContaining(expected)]);

    // Another socket of the same viewer joining now: its join row names both patients, and nothing else is needed.
    const second = await joined(b.baseUrl, viewer.tokens.accessToken);
    expect(second.connected).toBe(true);
    const disclosed = await sql<{ ids: string[] }>(
      `SELECT disclosed_patient_ids::text[] AS ids FROM audit_event
        WHERE actor_id = $1 AND action = 'board.session.join' ORDER BY id DESC LIMIT 1`,
      [viewer.id],
    );
    expect([...disclosed[0].ids].sort()).toEqual([await patientOf(firstCase), await patientOf(newCase)].sort());
  });

  it('should audit a refused payload, an unknown event and a flood cut-off', async () => {
    const u = await member();
    const s = await open(a, u.tokens.accessToken);
    const noBody = (await s
      .timeout(5000)
      .emitWithAck('message:post', { sessionId: w.sessionId, clientMsgId: 'x' })) as {
      error: { status: number; errors: { field: string }[] };
    };
    expect(noBody.error.status).toBe(400);
    expect(noBody.error.errors.map((e) => e.field)).toContain('body');
    const unknown = (await s.timeout(5000).emitWithAck('user:promote', { role: 'admin' })) as {
      error: { status: number; errors: { field: string }[] };
    };
    expect(unknown.error).toMatchObject({ status: 400, errors: [{ field: 'event' }] });
    expect(s.connected).toBe(true);
    expect(await auditRows(u.id, `action LIKE 'board.%'`)).toEqual([
      expect.objectContaining({
        action: 'board.message.post',
        outcome: 'failure',
        status_code: 400,
        reason: 'invalid_payload',
      }),
      expect.objectContaining({
        action: 'board.event.unknown',
        outcome: 'failure',
        status_code: 400,
        reason: 'unknown_event',
      }),
    ]);

    const flooder = await joined(a, u.tokens.accessToken);
    const codes = errorCodes(flooder);
    const gone = disconnectedAt(flooder);
    for (let i = 0; i < 80; i++) flooder.emit('session:leave', { sessionId: w.sessionId });
    await gone;
    expect(codes).toEqual(['rate_limited']);
    await sleep(200);
    expect(await auditRows(u.id, `action = 'board.socket.cut_off'`)).toEqual([
      expect.objectContaining({
        outcome: 'denied',
        status_code: 429,
        reason: 'rate_limited_socket',
        entity_id: w.sessionId,
      }),
    ]);
  });
});
