/**
 * Two real server processes (`npm start`'s entry point) on ONE database,
 * each with its OWN data folder, as two containers behind a load balancer:
 * whatever a client did through one instance holds through the other
 * (issue 16 item 3). Nothing that one instance needs may live in the other's
 * memory or on its disk.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import { RECORD_CHUNK_BYTES } from '../src/cases/postgres-record-storage.js';
import { boardWorld, collect, connectBoard, until, type BoardWorld } from './utils/board-fixtures.js';
import { signInAdmin } from './utils/second-factor.js';
import { startServer, stopServer, type ServerProcess } from './utils/server-process.js';
import { bearer } from './utils/test-app.js';
import { createTestDatabase } from './utils/test-database.js';

const ADMIN = { email: 'admin@instances.example.org', password: 'a-long-instances-passphrase' };

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('Two instances, one database, separate data folders', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;
  const dirs: string[] = [];
  let a: ServerProcess;
  let b: ServerProcess;
  let w: BoardWorld;
  const sockets: Socket[] = [];

  const env = (dataDir: string): Record<string, string> => ({
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    JWT_ACCESS_SECRET: 'instances-test-secret-long-enough-for-hs256',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    UPLOAD_MAX_BYTES: String(4 * 1024 * 1024),
    LOGIN_IP_LIMIT: '100000',
    LOGIN_ACCOUNT_LIMIT: '100000',
    SHUTDOWN_GRACE_MS: '0',
    LOG_LEVEL: 'warn',
  });
  const stop = stopServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    for (const name of ['a', 'b']) dirs.push(await mkdtemp(path.join(tmpdir(), `consilium-instance-${name}-`)));
    [a, b] = await Promise.all([startServer(env(dirs[0])), startServer(env(dirs[1]))]);
    const admin = await signInAdmin(a.baseUrl, ADMIN);
    w = await boardWorld(a.baseUrl, admin, (q, p) => client.query(q, p), { cases: 1 });
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([stop(a), stop(b)]);
    await client?.end();
    await db?.drop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('should serve through B, byte for byte, a record uploaded through A, keeping it on neither disk', async () => {
    const content = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(3 * RECORD_CHUNK_BYTES + 777)]);
    const uploadTo = (server: ServerProcess) =>
      request(server.baseUrl)
        .post(`/api/cases/${w.cases[0]}/records`)
        .set(bearer(w.coord.tokens))
        .field('type', 'pathology_report')
        .attach('file', content, 'report.pdf');
    const uploaded = await uploadTo(a);
    expect(uploaded.status).toBe(201);

    const downloaded = await request(b.baseUrl)
      .get(`/api/cases/${w.cases[0]}/records/${uploaded.body.id}/content`)
      .set(bearer(w.coord.tokens))
      .buffer(true);
    expect(downloaded.status).toBe(200);
    expect(sha256(downloaded.body as Buffer)).toBe(sha256(content));

    // The same file again, through B: a second record, the same stored bytes.
    const again = await uploadTo(b);
    expect(again.status).toBe(201);
    const blobs = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM record_blob WHERE sha256 = $1`, [
      sha256(content),
    ]);
    expect(blobs.rows[0].n).toBe(1);
    // Neither data folder holds the file (nor a scratch copy of it).
    for (const dir of dirs) expect(await filesUnder(dir)).toEqual([]);
  });

  it('should accept through B a token that A issued, and refuse it through B once it was logged out through A', async () => {
    const tokens = w.outsider.tokens;
    const before = await request(b.baseUrl).get('/api/users/me').set(bearer(tokens));
    expect(before.status).toBe(200);
    expect(before.body.id).toBe(w.outsider.id);
    const out = await request(a.baseUrl).post('/api/auth/logout').set(bearer(tokens));
    expect(out.status).toBe(204);
    const after = await request(b.baseUrl).get('/api/users/me').set(bearer(tokens));
    expect(after.status).toBe(401);
    const refreshed = await request(b.baseUrl).post('/api/auth/refresh').send({ refreshToken: tokens.refreshToken });
    expect(refreshed.status).toBe(401);
  });

  it('should deliver to a board client on B a message a client posted on A', async () => {
    const onA = await connectBoard(a.baseUrl, w.doctors[0].tokens.accessToken);
    const onB = await connectBoard(b.baseUrl, w.doctors[1].tokens.accessToken);
    sockets.push(onA, onB);
    const seen = collect(onB);
    await onA.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId });
    await onB.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId });
    const posted = (await onA
      .timeout(5000)
      .emitWithAck('message:post', { sessionId: w.sessionId, body: 'Posted on A', clientMsgId: 'a-1' })) as {
      id: string;
    };
    await until(() => seen.some((e) => e.id === posted.id), 10_000, 'the message from A on B');
    expect(seen.find((e) => e.id === posted.id)).toMatchObject({
      type: 'message.posted',
      sessionId: w.sessionId,
      actor: w.doctors[0].id,
      payload: { body: 'Posted on A' },
    });
  });
});
