/**
 * Record files in PostgreSQL: stored once per content, in chunks, read
 * chunk by chunk, and checked on every read (issue 16 item 3).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import request from 'supertest';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { PostgresRecordStorage, RECORD_CHUNK_BYTES, type ChunkReader } from '../src/cases/postgres-record-storage.js';
import { RecordContentError } from '../src/cases/record-storage.js';
import { TransactionContext } from '../src/database/transaction-context.js';
import { addMember, createClinic, referralBody } from './utils/factories.js';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';

/** A PDF (by its magic number) of `size` bytes, different every time. */
function pdf(size: number): Buffer {
  const head = Buffer.from('%PDF-1.4\n');
  const tail = Buffer.from('\n%%EOF\n');
  return Buffer.concat([head, randomBytes(size - head.length - tail.length), tail]);
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

interface Outcome {
  status: number;
  contentType?: string;
  contentLength?: string;
  body?: Buffer;
  error?: string;
}

describe('Record files stored in PostgreSQL', () => {
  let t: TestApp;
  let coord: Tokens;
  let caseId: string;
  let pool: Pool;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp({ UPLOAD_MAX_BYTES: String(4 * 1024 * 1024) });
    const admin = await login(t, await createUser(t, 'admin'));
    const coordinator = await createUser(t, 'coordinator');
    coord = await login(t, coordinator);
    const clinicId = (await createClinic(t, admin)).id;
    await addMember(t, admin, clinicId, coordinator.id);
    const created = await request(t.http).post('/api/cases').set(bearer(coord)).send(referralBody(clinicId));
    expect(created.status).toBe(201);
    caseId = created.body.id as string;
    pool = (t.dataSource.driver as PostgresDriver).master as Pool;
    await t.app.listen(0, '127.0.0.1');
    baseUrl = await t.app.getUrl();
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const upload = (content: Buffer) =>
    request(t.http)
      .post(`/api/cases/${caseId}/records`)
      .set(bearer(coord))
      .field('type', 'pathology_report')
      .attach('file', content, 'report.pdf');

  /** A download as a client sees it: the status, then the body or the error that cut it off. */
  const download = async (recordId: string): Promise<Outcome> => {
    const res = await fetch(`${baseUrl}/api/cases/${caseId}/records/${recordId}/content`, {
      headers: bearer(coord),
    });
    const outcome: Outcome = {
      status: res.status,
      contentType: res.headers.get('content-type') ?? undefined,
      contentLength: res.headers.get('content-length') ?? undefined,
    };
    try {
      outcome.body = Buffer.from(await res.arrayBuffer());
    } catch (error) {
      outcome.error = (error as Error).message;
    }
    return outcome;
  };

  const blobRows = async (sha: string): Promise<{ blobs: number; chunks: number }> => {
    const [row] = await t.dataSource.query<{ blobs: number; chunks: number }[]>(
      `SELECT (SELECT count(*) FROM record_blob WHERE sha256 = $1)::int AS blobs,
              (SELECT count(*) FROM record_blob_chunk WHERE sha256 = $1)::int AS chunks`,
      [sha],
    );
    return row;
  };

  /** What corrupted storage looks like: bytes changed behind the application's back. */
  const tamper = async (sql: string, params: unknown[]): Promise<void> => {
    await t.dataSource.query('ALTER TABLE record_blob_chunk DISABLE TRIGGER record_blob_chunk_immutable');
    try {
      await t.dataSource.query(sql, params);
    } finally {
      await t.dataSource.query('ALTER TABLE record_blob_chunk ENABLE TRIGGER record_blob_chunk_immutable');
    }
  };

  it('should store the same content once however many records hold it', async () => {
    const content = pdf(RECORD_CHUNK_BYTES + 1000);
    const first = await upload(content);
    const second = await upload(content);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body.id).not.toBe(second.body.id);
    expect([first.body.sha256, second.body.sha256]).toEqual([sha256(content), sha256(content)]);
    expect(await blobRows(sha256(content))).toEqual({ blobs: 1, chunks: 2 });
    const records = await t.dataSource.query<unknown[]>(`SELECT 1 FROM case_record WHERE content_sha256 = $1`, [
      sha256(content),
    ]);
    expect(records).toHaveLength(2);
  });

  it('should store content uploaded by several requests at the same moment once, failing none', async () => {
    const content = pdf(2 * RECORD_CHUNK_BYTES + 17);
    const results = await Promise.all(Array.from({ length: 4 }, () => upload(content)));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(await blobRows(sha256(content))).toEqual({ blobs: 1, chunks: 3 });
    for (const r of results) {
      const got = await download(r.body.id as string);
      expect(got.status).toBe(200);
      expect(sha256(got.body!)).toBe(sha256(content));
    }
  });

  it('should round-trip a file of more than three chunks with its length declared', async () => {
    const content = pdf(3 * RECORD_CHUNK_BYTES + 12345);
    const res = await upload(content);
    expect(res.status).toBe(201);
    expect(await blobRows(sha256(content))).toEqual({ blobs: 1, chunks: 4 });
    const got = await t.dataSource.query<{ seq: number; n: number }[]>(
      `SELECT seq, octet_length(data) AS n FROM record_blob_chunk WHERE sha256 = $1 ORDER BY seq`,
      [sha256(content)],
    );
    expect(got).toEqual([
      { seq: 0, n: RECORD_CHUNK_BYTES },
      { seq: 1, n: RECORD_CHUNK_BYTES },
      { seq: 2, n: RECORD_CHUNK_BYTES },
      { seq: 3, n: 12345 },
    ]);
    const req = await request(t.http)
      .get(`/api/cases/${caseId}/records/${res.body.id}/content`)
      .set(bearer(coord))
      .buffer(true);
    expect(req.status).toBe(200);
    expect(req.headers['content-length']).toBe(String(content.length));
    expect(Buffer.compare(req.body as Buffer, content)).toBe(0);
  });

  it('should read a download one chunk at a time, as it is consumed, never the whole file', async () => {
    const content = pdf(5 * RECORD_CHUNK_BYTES);
    const res = await upload(content);
    expect(res.status).toBe(201);
    const reads: unknown[] = [];
    const counting: ChunkReader = {
      query: (text, values) => {
        if (text.includes('record_blob_chunk')) reads.push(values[1]);
        return pool.query(text, values);
      },
    };
    const storage = new PostgresRecordStorage(t.app.get(TransactionContext), counting);
    const stream = await storage.open(sha256(content), content.length, { recordId: res.body.id as string });
    const first = await new Promise<Buffer>((resolve) =>
      stream.once('readable', () => resolve(stream.read() as Buffer)),
    );
    expect(first.length).toBe(RECORD_CHUNK_BYTES);
    // A consumer that waits: the stream reads at most one chunk ahead of it.
    await new Promise((r) => setTimeout(r, 300));
    expect(reads.length).toBeLessThanOrEqual(2);
    const rest: Buffer[] = [];
    for await (const piece of stream) rest.push(piece as Buffer);
    expect(reads).toEqual([0, 1, 2, 3, 4]);
    expect(Buffer.compare(Buffer.concat([first, ...rest]), content)).toBe(0);
  });

  it('should cut off a download whose chunk was corrupted before it ends, and log which record', async () => {
    const content = pdf(3 * RECORD_CHUNK_BYTES + 10);
    const res = await upload(content);
    expect(res.status).toBe(201);
    const recordId = res.body.id as string;
    await tamper(
      `UPDATE record_blob_chunk SET data = overlay(data PLACING '\\x00'::bytea FROM 100) WHERE sha256 = $1 AND seq = 1`,
      [sha256(content)],
    );
    const logged = jest.spyOn(Logger.prototype, 'error');
    const got = await download(recordId);
    // The status and length went out before the corruption was reached; the body stops short of them.
    expect(got).toMatchObject({ status: 200, contentLength: String(content.length), error: 'terminated' });
    const lines = logged.mock.calls.map((c) => String(c[0]));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`record ${recordId}: .*corrupt.*SHA-256`)));
    expect(lines.join('\n')).not.toMatch(/report\.pdf|Doe|MRN/);
  });

  it('should answer a corrupted one-chunk file with a 500 problem, sending none of its bytes', async () => {
    const content = pdf(2000);
    const res = await upload(content);
    expect(res.status).toBe(201);
    await tamper(`UPDATE record_blob_chunk SET data = overlay(data PLACING '\\x00'::bytea FROM 50) WHERE sha256 = $1`, [
      sha256(content),
    ]);
    const logged = jest.spyOn(Logger.prototype, 'error');
    const got = await download(res.body.id as string);
    expect(got.status).toBe(500);
    expect(got.contentType).toContain('application/problem+json');
    expect(got.body!.includes(content.subarray(0, 40))).toBe(false);
    expect(logged.mock.calls.map((c) => String(c[0]))).toContainEqual(
      expect.stringContaining(`record ${res.body.id as string}: its stored file`),
    );
  });

  it('should cut off a download whose last chunk is missing', async () => {
    const content = pdf(2 * RECORD_CHUNK_BYTES + 99);
    const res = await upload(content);
    expect(res.status).toBe(201);
    await tamper(`DELETE FROM record_blob_chunk WHERE sha256 = $1 AND seq = 2`, [sha256(content)]);
    const logged = jest.spyOn(Logger.prototype, 'error');
    const got = await download(res.body.id as string);
    expect(got).toMatchObject({ status: 200, contentLength: String(content.length), error: 'terminated' });
    expect(logged.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringMatching(/chunk 2 is missing/));
  });

  it('should refuse to store content that is not what its SHA-256 says, leaving no blob', async () => {
    const tx = t.app.get(TransactionContext);
    const storage = new PostgresRecordStorage(tx, pool);
    const content = pdf(RECORD_CHUNK_BYTES + 5);
    const claimed = sha256(pdf(100));
    await expect(tx.run(() => storage.put(claimed, content.length, () => Readable.from([content])))).rejects.toThrow(
      RecordContentError,
    );
    expect(await blobRows(claimed)).toEqual({ blobs: 0, chunks: 0 });
  });

  it('should refuse to change stored bytes', async () => {
    const content = pdf(1500);
    expect((await upload(content)).status).toBe(201);
    await expect(
      t.dataSource.query(`UPDATE record_blob_chunk SET data = '\\x00'::bytea WHERE sha256 = $1`, [sha256(content)]),
    ).rejects.toThrow(/immutable/);
    await expect(t.dataSource.query(`DELETE FROM record_blob WHERE sha256 = $1`, [sha256(content)])).rejects.toThrow(
      /foreign key/,
    );
  });
});
