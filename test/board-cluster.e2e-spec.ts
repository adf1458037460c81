import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import {
  boardWorld,
  collect,
  connectBoard,
  until,
  type BoardEventMessage,
  type BoardWorld,
} from './utils/board-fixtures.js';
import { signInAdmin } from './utils/second-factor.js';
import { startServer, stopServer, type ServerProcess } from './utils/server-process.js';
import { bearer, type Tokens } from './utils/test-app.js';
import { createTestDatabase } from './utils/test-database.js';

// Real server processes (`npm start`'s entry point) on one database: what a
// deployment with several instances, or a restart, looks like to a client.

const ADMIN = { email: 'admin@cluster.example.org', password: 'a-long-cluster-passphrase' };

describe('The board room across instances and restarts', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;
  let a: ServerProcess;
  let b: ServerProcess;
  let admin: Tokens;
  let w: BoardWorld;
  const sockets: Socket[] = [];
  const env = (): Record<string, string> => ({
    DATABASE_URL: db.url,
    JWT_ACCESS_SECRET: 'cluster-test-secret-long-enough-for-hs256',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOGIN_IP_LIMIT: '100000',
    LOGIN_ACCOUNT_LIMIT: '100000',
    BOARD_FLOOD_LIMIT: '1000',
    BOARD_USER_MESSAGE_LIMIT: '100000',
    SHUTDOWN_GRACE_MS: '0',
    LOG_LEVEL: 'warn',
  });
  const open = async (server: ServerProcess, token: string): Promise<Socket> => {
    const s = await connectBoard(server.baseUrl, token);
    sockets.push(s);
    return s;
  };
  const stop = stopServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    [a, b] = await Promise.all([startServer(env()), startServer(env())]);
    admin = await signInAdmin(a.baseUrl, ADMIN);
    w = await boardWorld(a.baseUrl, admin, (q, p) => client.query(q, p), { cases: 2 });
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([a, b].filter((s) => s !== undefined).map(stop));
    await client?.end();
    await db?.drop();
  });

  it('should give a client on instance A what was posted on B and what a REST call on B changed', async () => {
    const onA = await open(a, w.doctors[0].tokens.accessToken);
    const onB = await open(b, w.doctors[1].tokens.accessToken);
    const seen = collect(onA);
    const presence: { users: unknown[] }[] = [];
    onA.on('presence', (p: { users: unknown[] }) => presence.push(p));
    await onA.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId });
    await onB.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId });
    // Presence crosses instances through the adapter.
    await until(() => presence.some((p) => p.users.length === 2), 10_000, 'presence from both instances');

    const posted = await onB
      .timeout(5000)
      .emitWithAck('message:post', { sessionId: w.sessionId, body: 'Posted on B', clientMsgId: 'b-1' });
    const rest = await request(b.baseUrl)
      .post(`/api/board-sessions/${w.sessionId}/presenting`)
      .set(bearer(w.coord.tokens))
      .send({ caseId: w.cases[0] });
    expect(rest.status).toBe(200);
    await until(() => seen.some((e) => e.type === 'case.presenting'), 10_000, 'the REST change made on B');
    expect(seen.find((e) => e.type === 'message.posted')).toMatchObject({
      id: posted.id,
      payload: { body: 'Posted on B' },
    });
    expect(seen.find((e) => e.type === 'case.presenting')).toMatchObject({ caseId: w.cases[0] });
  });

  it('should replay all 100 events committed while a client was away, in order, after the server restarted', async () => {
    const first = await open(a, w.doctors[0].tokens.accessToken);
    const joined = await first.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId });
    const history = joined.events as BoardEventMessage[];
    const lastId = history[history.length - 1].id;
    first.close();

    // 50 messages (on B) and 50 REST changes (on B), interleaved.
    const poster = await open(b, w.doctors[1].tokens.accessToken);
    for (let i = 0; i < 50; i++) {
      const ack = await poster
        .timeout(5000)
        .emitWithAck('message:post', { sessionId: w.sessionId, body: `note ${i}`, clientMsgId: `replay-${i}` });
      expect(ack.id).toBeDefined();
      const res = await request(b.baseUrl)
        .patch(`/api/board-sessions/${w.sessionId}/agenda/${w.cases[1]}`)
        .set(bearer(w.coord.tokens))
        .send({ mode: i % 2 === 0 ? 'standard_of_care' : 'discuss' });
      expect(res.status).toBe(200);
    }

    await stop(a);
    a = await startServer(env());
    const again = await open(a, w.doctors[0].tokens.accessToken);
    const live = collect(again);
    const replay = await again.timeout(10_000).emitWithAck('session:join', { sessionId: w.sessionId, afterId: lastId });
    const events = replay.events as BoardEventMessage[];
    const stored = await client.query<{ id: string }>(
      'SELECT id::text AS id FROM board_event WHERE session_id = $1 AND id > $2 ORDER BY board_event.id',
      [w.sessionId, lastId],
    );
    expect(events).toHaveLength(100);
    expect(events.map((e) => e.id)).toEqual(stored.rows.map((r) => r.id));
    expect(new Set(events.map((e) => e.id)).size).toBe(100);
    expect(events.filter((e) => e.type === 'message.posted').map((e) => e.payload.body)).toEqual(
      Array.from({ length: 50 }, (_, i) => `note ${i}`),
    );
    expect(events.filter((e) => e.type === 'agenda.changed')).toHaveLength(50);

    // And live delivery continues from there, without repeating any of it.
    await poster
      .timeout(5000)
      .emitWithAck('message:post', { sessionId: w.sessionId, body: 'after', clientMsgId: 'after-1' });
    await until(() => live.length > 0, 10_000, 'the next live event');
    expect(live.map((e) => e.payload.body)).toEqual(['after']);
  }, 120_000);
});
