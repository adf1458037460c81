/**
 * Upgrading from the version that kept record files on each instance's disk
 * (DATA_DIR/records/ab/cd/<sha256>): at start-up, after migrations, the
 * server moves them into the database, checking each file's SHA-256, and
 * serves the same bytes (issue 16 item 3).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source.js';
import { RECORD_CHUNK_BYTES } from '../src/cases/postgres-record-storage.js';
import { boardWorld, type BoardWorld } from './utils/board-fixtures.js';
import { signInAdmin } from './utils/second-factor.js';
import { startServer, stopServer, type ServerProcess } from './utils/server-process.js';
import { bearer } from './utils/test-app.js';
import { createTestDatabase, revertMigrations } from './utils/test-database.js';

const ADMIN = { email: 'admin@legacy.example.org', password: 'a-long-legacy-passphrase' };
const MIGRATION = 'RecordBlobs1795726240000';

function pdf(size: number): Buffer {
  const head = Buffer.from('%PDF-1.4\n');
  const tail = Buffer.from('\n%%EOF\n');
  return Buffer.concat([head, randomBytes(size - head.length - tail.length), tail]);
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('Record files left on disk by an older version', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;
  let dataDir: string;
  let server: ServerProcess | undefined;
  let w: BoardWorld;

  const env = (): Record<string, string> => ({
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    JWT_ACCESS_SECRET: 'legacy-test-secret-long-enough-for-hs256',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOGIN_IP_LIMIT: '100000',
    LOGIN_ACCOUNT_LIMIT: '100000',
    SHUTDOWN_GRACE_MS: '0',
    LOG_LEVEL: 'info',
  });
  const stop = (): Promise<void> => stopServer(server);
  /** Where the older version kept a file. */
  const legacyPath = (sha: string): string => path.join(dataDir, 'records', sha.slice(0, 2), sha.slice(2, 4), sha);
  const putLegacyFile = async (sha: string, bytes: Buffer): Promise<void> => {
    await mkdir(path.dirname(legacyPath(sha)), { recursive: true });
    await writeFile(legacyPath(sha), bytes);
  };
  const insertLegacyRecord = async (bytes: Buffer, sha = sha256(bytes)): Promise<string> => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO case_record (case_id, type, kind, content_sha256, size_bytes, media_type, filename, created_by)
       VALUES ($1, 'pathology_report', 'file', $2, $3, 'application/pdf', 'report.pdf', $4) RETURNING id`,
      [w.cases[0], sha, bytes.length, w.coord.id],
    );
    return rows[0].id;
  };
  const download = (recordId: string) =>
    request(server!.baseUrl)
      .get(`/api/cases/${w.cases[0]}/records/${recordId}/content`)
      .set(bearer(w.coord.tokens))
      .buffer(true);
  const fkValidated = async (): Promise<boolean> =>
    (
      await client.query<{ v: boolean }>(
        `SELECT convalidated AS v FROM pg_constraint WHERE conname = 'FK_case_record_blob'`,
      )
    ).rows[0].v;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    dataDir = await mkdtemp(path.join(tmpdir(), 'consilium-legacy-'));
  });
  afterAll(async () => {
    await stop();
    await client?.end();
    await db?.drop();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('should move them into the database at start, check each, and serve the same bytes', async () => {
    server = await startServer(env());
    const admin = await signInAdmin(server.baseUrl, ADMIN);
    w = await boardWorld(server.baseUrl, admin, (q, p) => client.query(q, p), { cases: 1 });
    await stop();

    // Back to the schema of the version before, and what it left behind.
    const ds = new DataSource(dataSourceOptions(db.url, 1));
    await ds.initialize();
    try {
      await revertMigrations(ds, MIGRATION);
    } finally {
      await ds.destroy();
    }
    const report = pdf(2 * RECORD_CHUNK_BYTES + 4321);
    const late = pdf(1500);
    const damaged = pdf(3000);
    const reportIds = [await insertLegacyRecord(report), await insertLegacyRecord(report)];
    const lateId = await insertLegacyRecord(late);
    const damagedId = await insertLegacyRecord(damaged);
    await putLegacyFile(sha256(report), report);
    // Not there yet (another instance's disk), and not what its name says.
    await putLegacyFile(sha256(damaged), Buffer.concat([damaged.subarray(0, 2000), Buffer.alloc(1000)]));

    server = await startServer(env());
    const first = server.output();
    expect(first).toContain(`applied migrations: ${MIGRATION}`);
    expect(first).toMatch(/record files: moved 1 from \S+ into the database \(the files are left in place\)/);
    expect(first).toContain(`no file on this instance for records ${lateId}`);
    expect(first).toContain(`files failing their SHA-256 check for records ${damagedId}`);
    for (const id of reportIds) {
      const res = await download(id);
      expect(res.status).toBe(200);
      expect(sha256(res.body as Buffer)).toBe(sha256(report));
    }
    const blobs = await client.query<{ sha256: string; chunks: number }>(
      `SELECT b.sha256, (SELECT count(*) FROM record_blob_chunk c WHERE c.sha256 = b.sha256)::int AS chunks
         FROM record_blob b`,
    );
    expect(blobs.rows).toEqual([{ sha256: sha256(report), chunks: 3 }]);
    // A record without its file is a server-side fault, answered as one, with nothing of the file.
    const missing = await download(lateId);
    expect(missing.status).toBe(500);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect(await fkValidated()).toBe(false);
    // The file stays where it was.
    expect(Buffer.compare(await readFile(legacyPath(sha256(report))), report)).toBe(0);
    await stop();

    // The other files arrive (copied from where they were): the next start moves only those.
    await putLegacyFile(sha256(late), late);
    await putLegacyFile(sha256(damaged), damaged);
    server = await startServer(env());
    const second = server.output();
    expect(second).toContain('database schema is up to date');
    expect(second).toMatch(/record files: moved 2 from \S+ into the database/);
    expect(second).toContain('every record now has its file in the database');
    expect(await fkValidated()).toBe(true);
    const after = await client.query<{ n: number; chunks: number }>(
      `SELECT (SELECT count(*) FROM record_blob)::int AS n, (SELECT count(*) FROM record_blob_chunk)::int AS chunks`,
    );
    expect(after.rows[0]).toEqual({ n: 3, chunks: 5 });
    for (const [id, bytes] of [
      [lateId, late],
      [damagedId, damaged],
    ] as const) {
      const res = await download(id);
      expect(res.status).toBe(200);
      expect(Buffer.compare(res.body as Buffer, bytes)).toBe(0);
    }
    await stop();

    // Once every record has its blob, a start looks at nothing.
    server = await startServer(env());
    expect(server.output()).not.toContain('record files:');
  }, 180_000);
});
