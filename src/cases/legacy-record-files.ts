import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { TransactionContext } from '../database/transaction-context.js';
import { PostgresRecordStorage } from './postgres-record-storage.js';
import { RecordContentError, SHA256_HEX } from './record-storage.js';

export interface LegacyRecordFiles {
  /** False when every file record already had its blob (nothing was looked at). */
  checked: boolean;
  /** Blobs moved in from disk by this run. */
  moved: number;
  /** Blobs another instance moved in meanwhile. */
  alreadyStored: number;
  /** Records whose file is not on this instance's disk. */
  missing: string[];
  /** Records whose file on disk does not have their SHA-256 or size. */
  corrupt: string[];
}

interface Pending {
  sha256: string;
  size: string;
  record_ids: string[];
}

/**
 * Moves record files that an older version kept on disk
 * (`<root>/ab/cd/<sha256>`) into the database, once, after migrations: for
 * every file record without a blob, the file is streamed in chunk by chunk,
 * its SHA-256 and size checked, in one transaction per blob. Idempotent and
 * safe on several instances at once (a blob another instance is inserting is
 * waited for, then found). The files are left in place; once every file
 * record has its blob the foreign key is validated, and later starts check
 * only that.
 */
export async function moveLegacyRecordFiles(dataSource: DataSource, root: string): Promise<LegacyRecordFiles> {
  const result: LegacyRecordFiles = { checked: false, moved: 0, alreadyStored: 0, missing: [], corrupt: [] };
  const [fk] = await dataSource.query<{ validated: boolean }[]>(
    `SELECT convalidated AS validated FROM pg_constraint WHERE conname = 'FK_case_record_blob'`,
  );
  if (fk === undefined || fk.validated) return result;
  result.checked = true;
  const pending = await dataSource.query<Pending[]>(
    `SELECT r.content_sha256 AS sha256, min(r.size_bytes)::text AS size, array_agg(r.id::text ORDER BY r.id) AS record_ids
       FROM case_record r
      WHERE r.kind = 'file' AND NOT EXISTS (SELECT 1 FROM record_blob b WHERE b.sha256 = r.content_sha256)
      GROUP BY r.content_sha256`,
  );
  const tx = new TransactionContext(dataSource);
  const storage = new PostgresRecordStorage(tx, (dataSource.driver as PostgresDriver).master as Pool);
  for (const blob of pending) {
    const file = SHA256_HEX.test(blob.sha256)
      ? path.join(root, blob.sha256.slice(0, 2), blob.sha256.slice(2, 4), blob.sha256)
      : undefined;
    if (file === undefined || !(await isFile(file))) {
      result.missing.push(...blob.record_ids);
      continue;
    }
    try {
      const { created } = await tx.run(() => storage.put(blob.sha256, Number(blob.size), () => createReadStream(file)));
      if (created) result.moved += 1;
      else result.alreadyStored += 1;
    } catch (error) {
      if (!(error instanceof RecordContentError)) throw error;
      result.corrupt.push(...blob.record_ids);
    }
  }
  if (result.missing.length === 0 && result.corrupt.length === 0) {
    await dataSource.query(`ALTER TABLE case_record VALIDATE CONSTRAINT "FK_case_record_blob"`);
  }
  return result;
}

/** One log line for the start-up (ids only). */
export function describeLegacyRecordFiles(root: string, r: LegacyRecordFiles): string | undefined {
  if (!r.checked) return undefined;
  // A new installation (or one whose records all came after the move) has nothing to tell.
  if (r.moved === 0 && r.alreadyStored === 0 && r.missing.length === 0 && r.corrupt.length === 0) return undefined;
  const parts = [`record files: moved ${r.moved} from ${root} into the database (the files are left in place)`];
  if (r.alreadyStored > 0) parts.push(`${r.alreadyStored} already moved by another instance`);
  if (r.missing.length > 0) parts.push(`no file on this instance for records ${ids(r.missing)}`);
  if (r.corrupt.length > 0) parts.push(`files failing their SHA-256 check for records ${ids(r.corrupt)}`);
  if (r.missing.length === 0 && r.corrupt.length === 0) parts.push('every record now has its file in the database');
  return parts.join('; ');
}

function ids(list: string[], shown = 20): string {
  return list.length <= shown ? list.join(', ') : `${list.slice(0, shown).join(', ')} and ${list.length - shown} more`;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
