import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import tar, { type Pack } from 'tar-stream';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  CHUNK_BYTES,
  END_ENTRY,
  FILE_ENTRY_PREFIX,
  MANIFEST_ENTRY,
  dataEntryName,
  type EndMarker,
  type Manifest,
} from './archive-format.js';
import { COPY_SETTINGS, MIGRATIONS_TABLE, listSequences, listTables, qualified } from './catalog.js';

export interface BackupOptions {
  url: string;
  file: string;
  /** DATA_DIR/records: record files kept on disk go into the archive too. */
  recordsDir?: string;
  /** The largest data entry (tests make it small to see tables span entries). */
  chunkBytes?: number;
}

export interface BackupSummary {
  file: string;
  bytes: number;
  tables: number;
  rows: number;
  files: number;
  manifest: Manifest;
}

export class BackupError extends Error {
  override readonly name = 'BackupError';
}

/**
 * A logical backup of the whole database, taken in one REPEATABLE READ READ
 * ONLY transaction (one consistent snapshot; the app keeps running), written
 * to `file` as a gzip'd tar (see archive-format.ts). The archive is written
 * beside the target and renamed when complete, so a failed backup never leaves
 * a file that looks like one. It holds patient data: it is readable by its
 * owner only.
 */
export async function backupDatabase(options: BackupOptions): Promise<BackupSummary> {
  const client = new pg.Client({ connectionString: options.url, application_name: 'consilium-backup' });
  await client.connect();
  const partial = `${options.file}.partial`;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    for (const setting of COPY_SETTINGS) await client.query(setting);

    const hasMigrations = await client.query<{ found: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS found`, [
      `public.${MIGRATIONS_TABLE}`,
    ]);
    if (hasMigrations.rows[0]?.found !== true) {
      throw new BackupError(
        `The database has no ${MIGRATIONS_TABLE} table: it is not a Consilium database (or was never migrated)`,
      );
    }
    const tables = (await listTables(client)).filter((t) => !(t.schema === 'public' && t.name === MIGRATIONS_TABLE));
    // Like pg_dump: no table may be dropped or altered while it is read (the app never does; a migration would wait).
    if (tables.length > 0) {
      await client.query(`LOCK TABLE ${tables.map((t) => qualified(client, t)).join(', ')} IN ACCESS SHARE MODE`);
    }
    const manifest = await readManifest(client, tables);
    // Files an older version left on disk, only while their bytes are not in the database yet
    // (the app moves them in at start and leaves the files; those moved are in record_blob).
    const files =
      options.recordsDir === undefined ? [] : await notInDatabase(client, await listRecordFiles(options.recordsDir));
    manifest.files = { count: files.length, bytes: files.reduce((n, f) => n + f.size, 0) };

    const pack = tar.pack();
    const written = pipeline(pack, createGzip(), createWriteStream(partial, { mode: 0o600 }));
    // A failure of the file (disk full) surfaces through `written`; the entries below then fail too.
    written.catch(() => undefined);
    const end: EndMarker = { complete: true, tables: [], files: files.length };
    try {
      await addEntry(pack, MANIFEST_ENTRY, Buffer.from(JSON.stringify(manifest, null, 2)));
      for (const [index, table] of manifest.tables.entries()) {
        const copied = await copyTable(client, pack, index, table, options.chunkBytes ?? CHUNK_BYTES);
        if (copied.rows !== table.rows) {
          throw new BackupError(
            `${table.name}: COPY gave ${copied.rows} rows where count(*) in the same snapshot gave ${table.rows}`,
          );
        }
        end.tables.push(copied);
      }
      for (const file of files) {
        await addFile(pack, `${FILE_ENTRY_PREFIX}${file.sha256}`, file.path, file.size);
      }
      await addEntry(pack, END_ENTRY, Buffer.from(JSON.stringify(end)));
      pack.finalize();
    } catch (error) {
      pack.destroy(error instanceof Error ? error : new Error(String(error)));
      await written.catch(() => undefined);
      throw error;
    }
    await written;
    await client.query('COMMIT');
    await rename(partial, options.file);
    return {
      file: options.file,
      bytes: (await stat(options.file)).size,
      tables: manifest.tables.length,
      rows: manifest.tables.reduce((n, t) => n + t.rows, 0),
      files: files.length,
      manifest,
    };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function readManifest(client: pg.Client, tables: { schema: string; name: string; columns: string[] }[]) {
  const version = await client.query<{ version: string; num: string; db: string }>(
    `SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num, current_database() AS db`,
  );
  const migrations = await client.query<{ timestamp: string; name: string }>(
    `SELECT "timestamp"::text AS timestamp, name FROM ${client.escapeIdentifier(MIGRATIONS_TABLE)} ORDER BY id`,
  );
  const withCounts = [];
  for (const t of tables) {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${qualified(client, t)}`);
    withCounts.push({ ...t, rows: Number(rows[0]?.n ?? 0) });
  }
  // Sequences are not transactional: read now, each is at least what any row of the snapshot used.
  const sequences = [];
  for (const s of await listSequences(client)) {
    const { rows } = await client.query<{ last_value: string; is_called: boolean }>(
      `SELECT last_value::text, is_called FROM ${qualified(client, s)}`,
    );
    sequences.push({ ...s, lastValue: rows[0]?.last_value ?? '1', isCalled: rows[0]?.is_called ?? false });
  }
  const manifest: Manifest = {
    format: ARCHIVE_FORMAT,
    formatVersion: ARCHIVE_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    database: version.rows[0]?.db ?? '',
    server: { version: version.rows[0]?.version ?? '', versionNum: Number(version.rows[0]?.num ?? 0) },
    migrations: migrations.rows.map((m) => ({ timestamp: Number(m.timestamp), name: m.name })),
    tables: withCounts,
    sequences,
    files: { count: 0, bytes: 0 },
  };
  return manifest;
}

/** One table's rows as COPY text, streamed into entries of at most `chunkBytes` (cut anywhere: restore joins them). */
async function copyTable(
  client: pg.Client,
  pack: Pack,
  index: number,
  table: { schema: string; name: string; columns: string[] },
  chunkBytes: number,
): Promise<{ bytes: number; sha256: string; rows: number }> {
  const columns = table.columns.map((c) => client.escapeIdentifier(c)).join(', ');
  const stream = client.query(copyTo(`COPY ${qualified(client, table)} (${columns}) TO STDOUT`));
  const hash = createHash('sha256');
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let chunk = 0;
  let bytes = 0;
  let rows = 0;
  const flush = async (all: boolean): Promise<void> => {
    while (pendingBytes >= chunkBytes || (all && pendingBytes > 0)) {
      const joined = Buffer.concat(pending, pendingBytes);
      const size = Math.min(chunkBytes, joined.length);
      await addEntry(pack, dataEntryName(index, table.name, chunk++), joined.subarray(0, size));
      pending = size < joined.length ? [joined.subarray(size)] : [];
      pendingBytes = joined.length - size;
    }
  };
  for await (const data of stream as AsyncIterable<Buffer>) {
    hash.update(data);
    bytes += data.length;
    // Text COPY ends every row with a newline and escapes those inside values.
    for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) rows++;
    pending.push(data);
    pendingBytes += data.length;
    if (pendingBytes >= chunkBytes) await flush(false);
  }
  await flush(true);
  return { bytes, sha256: hash.digest('hex'), rows };
}

function addEntry(pack: Pack, name: string, content: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, size: content.length, mode: 0o600 }, content, (error) => (error ? reject(error) : resolve()));
  });
}

function addFile(pack: Pack, name: string, file: string, size: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // The entry ends with an error if the file is not `size` bytes long any more.
    const entry = pack.entry({ name, size, mode: 0o600 }, (error) => (error ? reject(error) : resolve()));
    pipeline(createReadStream(file), entry).catch(reject);
  });
}

interface RecordFile {
  sha256: string;
  path: string;
  size: number;
}

/** The files whose content the database does not hold (in the backup's snapshot). */
async function notInDatabase(client: pg.PoolClient | pg.Client, files: RecordFile[]): Promise<RecordFile[]> {
  if (files.length === 0) return files;
  const hasBlobs = await client.query<{ found: boolean }>(
    `SELECT to_regclass('public.record_blob') IS NOT NULL AS found`,
  );
  if (hasBlobs.rows[0]?.found !== true) return files;
  const stored = await client.query<{ sha256: string }>(
    `SELECT sha256 FROM record_blob WHERE sha256 = ANY($1::text[])`,
    [files.map((f) => f.sha256)],
  );
  const inDatabase = new Set(stored.rows.map((r) => r.sha256));
  return files.filter((f) => !inDatabase.has(f.sha256));
}

const HEX2 = /^[0-9a-f]{2}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** The record files under DATA_DIR/records/ab/cd/<sha256>; uploads in progress (tmp/) are not records yet. */
async function listRecordFiles(root: string): Promise<RecordFile[]> {
  const found: RecordFile[] = [];
  const dirs = async (dir: string): Promise<string[]> => {
    try {
      return (await readdir(dir, { withFileTypes: true }))
        .filter((e) => e.isDirectory() && HEX2.test(e.name))
        .map((e) => e.name)
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  };
  for (const a of await dirs(root)) {
    for (const b of await dirs(path.join(root, a))) {
      const here = path.join(root, a, b);
      for (const e of (await readdir(here, { withFileTypes: true })).sort((x, y) => x.name.localeCompare(y.name))) {
        if (!e.isFile() || !SHA256.test(e.name) || !e.name.startsWith(a + b)) continue;
        const file = path.join(here, e.name);
        found.push({ sha256: e.name, path: file, size: (await stat(file)).size });
      }
    }
  }
  return found;
}
