import type { Readable } from 'node:stream';

/**
 * Where record files live, by SHA-256 of their content. The default (and
 * today the only) store is PostgreSQL (postgres-record-storage.ts); an object
 * store could implement the same contract.
 */
export abstract class RecordStorage {
  /**
   * Stores content as part of the current transaction: if it rolls back,
   * nothing stays stored (a store outside the database undoes its own write
   * through `TransactionContext.onRollback`). `content` is opened only when
   * the content is not stored yet, and what it yields must have this SHA-256
   * and size, else `RecordContentError` and nothing is stored. `created` is
   * false when the content was there already (deduplicated).
   */
  abstract put(sha256: string, size: number, content: () => Readable): Promise<{ created: boolean }>;

  /**
   * The stored content of a record, read piece by piece. The stream checks
   * the SHA-256 and size as it goes and fails, before it hands over its last
   * piece, when a byte is wrong or missing: a reader never gets a corrupt file
   * as complete. Rejects with `RecordContentError` when nothing is stored.
   */
  abstract open(sha256: string, size: number, context: { recordId: string }): Promise<Readable>;
}

/** Stored content that is missing, or not what its SHA-256 says. Messages hold ids and hashes only. */
export class RecordContentError extends Error {
  override readonly name = 'RecordContentError';
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;
