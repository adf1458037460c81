import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { TransactionContext } from '../database/transaction-context.js';
import { rechunk } from './rechunk.js';
import { RecordContentError, RecordStorage, SHA256_HEX } from './record-storage.js';

/** Bytes per `record_blob_chunk` row. Reading does not depend on it: a blob is read by `seq` until its size. */
export const RECORD_CHUNK_BYTES = 256 * 1024;

/** Statements outside any request transaction (downloads stream after their handler returned). */
export interface ChunkReader {
  query(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Record files in PostgreSQL (record_blob + record_blob_chunk): written in the
 * transaction of the record row, so a rollback leaves no blob and needs no
 * compensation; deduplicated by SHA-256 with INSERT … ON CONFLICT DO NOTHING,
 * so the same content uploaded at once through two instances is stored once
 * and neither fails (the second waits for the first's commit, then finds it);
 * streamed chunk by chunk both ways and checked on every read.
 */
export class PostgresRecordStorage extends RecordStorage {
  private readonly log = new Logger(PostgresRecordStorage.name);

  constructor(
    private readonly tx: TransactionContext,
    private readonly reader: ChunkReader,
    private readonly chunkBytes = RECORD_CHUNK_BYTES,
  ) {
    super();
  }

  async put(sha256: string, size: number, content: () => Readable): Promise<{ created: boolean }> {
    if (!SHA256_HEX.test(sha256)) throw new Error('not a sha256');
    if (!this.tx.inTransaction) throw new Error('record content is stored inside the transaction of its record');
    const inserted = await this.tx.query<{ sha256: string }>(
      `INSERT INTO record_blob (sha256, size_bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING RETURNING sha256`,
      [sha256, size],
    );
    if (inserted.length === 0) return { created: false };
    const hash = createHash('sha256');
    let seq = 0;
    let total = 0;
    const source = content();
    try {
      for await (const chunk of rechunk(source, this.chunkBytes)) {
        hash.update(chunk);
        total += chunk.length;
        if (total > size) break;
        await this.tx.query(`INSERT INTO record_blob_chunk (sha256, seq, data) VALUES ($1, $2, $3)`, [
          sha256,
          seq,
          chunk,
        ]);
        seq += 1;
      }
    } finally {
      source.destroy();
    }
    // The caller hashed these bytes already; checking again costs little and
    // keeps a changed scratch file (or a wrong caller) out of the store.
    if (total !== size || hash.digest('hex') !== sha256) {
      throw new RecordContentError(`content for blob ${sha256} does not have that SHA-256 and size`);
    }
    return { created: true };
  }

  async open(sha256: string, size: number, context: { recordId: string }): Promise<Readable> {
    const { rows } = await this.reader.query(`SELECT size_bytes::text AS size FROM record_blob WHERE sha256 = $1`, [
      sha256,
    ]);
    const blob = rows[0] as { size: string } | undefined;
    if (blob === undefined) {
      this.log.error(`record ${context.recordId}: its file (blob ${sha256}) is not in the database`);
      throw new RecordContentError(`record ${context.recordId}: blob ${sha256} is missing`);
    }
    if (Number(blob.size) !== size) {
      this.log.error(
        `record ${context.recordId}: its blob ${sha256} holds ${blob.size} bytes, the record says ${size}`,
      );
      throw new RecordContentError(`record ${context.recordId}: blob ${sha256} has the wrong size`);
    }
    return new VerifiedBlobStream(this.reader, sha256, size, (reason) =>
      this.log.error(
        `record ${context.recordId}: its stored file (blob ${sha256}) is corrupt: ${reason}; the download was cut off`,
      ),
    );
  }
}

/**
 * Reads one chunk per `_read`, so at most about one chunk is in memory
 * whatever the file's size, and holds the last chunk back until the whole
 * content has matched its SHA-256 and size.
 */
class VerifiedBlobStream extends Readable {
  private seq = 0;
  private received = 0;
  private readonly hash: Hash = createHash('sha256');

  constructor(
    private readonly reader: ChunkReader,
    private readonly sha256: string,
    private readonly size: number,
    private readonly onCorrupt: (reason: string) => void,
  ) {
    super();
  }

  override _read(): void {
    this.next().catch((error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))));
  }

  private async next(): Promise<void> {
    const { rows } = await this.reader.query(`SELECT data FROM record_blob_chunk WHERE sha256 = $1 AND seq = $2`, [
      this.sha256,
      this.seq,
    ]);
    if (this.destroyed) return;
    const chunk = (rows[0] as { data: Buffer } | undefined)?.data;
    if (chunk === undefined) return this.corrupt(`chunk ${this.seq} is missing after ${this.received} bytes`);
    this.seq += 1;
    this.received += chunk.length;
    this.hash.update(chunk);
    if (this.received > this.size) return this.corrupt(`its chunks hold more than its ${this.size} bytes`);
    if (this.received < this.size) {
      this.push(chunk);
      return;
    }
    if (this.hash.digest('hex') !== this.sha256) return this.corrupt('its bytes do not match its SHA-256');
    this.push(chunk);
    this.push(null);
  }

  private corrupt(reason: string): void {
    this.onCorrupt(reason);
    this.destroy(new RecordContentError(`blob ${this.sha256} is corrupt: ${reason}`));
  }
}
