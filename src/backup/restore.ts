import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import tar from 'tar-stream';
import { DataSource, Migration, MigrationExecutor, type MigrationInterface } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { dataSourceOptions } from '../database/data-source.js';
import {
  ArchiveError,
  END_ENTRY,
  MANIFEST_ENTRY,
  parseDataEntryName,
  parseEndMarker,
  parseFileEntryName,
  parseManifest,
  recordFilePath,
  type EndMarker,
  type Manifest,
} from './archive-format.js';
import { COPY_SETTINGS, MIGRATIONS_TABLE, listTables, qualified, userObjects } from './catalog.js';

export interface RestoreOptions {
  url: string;
  file: string;
  /** DATA_DIR/records: record files in the archive are put there (content-addressed, existing ones kept). */
  recordsDir?: string;
  /** Drop everything in a database that is not empty, then restore. */
  force?: boolean;
  log?: (line: string) => void;
}

export interface RestoreSummary {
  manifest: Manifest;
  tables: number;
  rows: number;
  files: number;
  /** Migrations applied after the data, carrying it forward to this version of Consilium. */
  newerMigrations: string[];
  /** With `force`: what the database held before. */
  replaced?: { relations: number };
}

/** A refusal or failure; the database is as it was before the restore began. */
export class RestoreError extends Error {
  override readonly name = 'RestoreError';
}

type MigrationClass = new () => MigrationInterface;

function migrationName(cls: MigrationClass): string {
  return new cls().name ?? cls.name;
}

/**
 * Restores an archive written by backupDatabase into an empty database, in
 * one transaction: the archive's own migrations (exactly those, in the order
 * they were applied), every table's rows by COPY with triggers and foreign
 * keys held off (session_replication_role = replica: the rows were consistent
 * when they were read), sequences set, then the migrations this version has
 * that the archive's had not, so the data is carried forward as `npm start`
 * would carry it. Whatever goes wrong — a refusal, a damaged or truncated
 * archive, a failed migration — the transaction rolls back and the database
 * is left as it was.
 */
export async function restoreDatabase(options: RestoreOptions): Promise<RestoreSummary> {
  const log = options.log ?? (() => undefined);
  try {
    await access(options.file);
  } catch {
    throw new RestoreError(`cannot read ${options.file}`);
  }
  const archive = openArchive(options.file);
  try {
    const first = await archive.next();
    if (first === undefined || first.header.name !== MANIFEST_ENTRY) {
      if (first !== undefined) first.resume();
      throw new RestoreError(`${options.file} does not begin with ${MANIFEST_ENTRY}: it is not a Consilium backup`);
    }
    const manifest = parseManifest(await readText(first, 64 * 1024 * 1024));
    const byName = new Map(MIGRATIONS.map((cls) => [migrationName(cls), cls as MigrationClass]));
    const unknown = manifest.migrations.filter((m) => !byName.has(m.name)).map((m) => m.name);
    if (unknown.length > 0) {
      throw new RestoreError(
        `the backup was made by a newer version of Consilium (migrations unknown here: ${unknown.join(', ')}): restore it with that version or a later one`,
      );
    }
    const archived = new Set(manifest.migrations.map((m) => m.name));
    // Exactly the archive's migrations: the data fits the schema they make.
    const ds = new DataSource({
      ...dataSourceOptions(options.url, 1),
      migrations: manifest.migrations.map((m) => byName.get(m.name)!),
    });
    await ds.initialize();
    const runner = ds.createQueryRunner();
    try {
      const client = (await runner.connect()) as pg.PoolClient;
      const replaced = await checkTarget(client, options.force === true);
      log(
        `restoring the backup of ${manifest.createdAt} (PostgreSQL ${manifest.server.version}, ${manifest.migrations.length} migrations, ` +
          `${manifest.tables.length} tables)`,
      );
      const newer = MIGRATIONS.map((cls) => cls as MigrationClass)
        .filter((cls) => !archived.has(migrationName(cls)))
        .map((cls) => {
          const instance = new cls();
          const name = instance.name ?? cls.name;
          return new Migration(undefined, Number(name.slice(-13)), name, instance);
        })
        .sort((a, b) => a.timestamp - b.timestamp);
      const staging =
        options.recordsDir === undefined
          ? undefined
          : new FileStaging(
              options.recordsDir,
              path.join(options.recordsDir, 'tmp', `restore-${randomBytes(6).toString('hex')}`),
            );
      await runner.startTransaction();
      try {
        for (const setting of COPY_SETTINGS) await client.query(setting);
        await holdTriggers(client, true);
        await holdTriggers(client, false);
        if (replaced !== undefined) await dropEverything(client);

        const executor = new MigrationExecutor(ds, runner);
        for (const m of manifest.migrations) {
          await executor.executeMigration(new Migration(undefined, m.timestamp, m.name, new (byName.get(m.name)!)()));
        }
        await prepareTables(client, manifest);

        await holdTriggers(client, true);
        const loaded = await loadData(archive, client, manifest, staging);
        // The gzip trailer (CRC and length) comes last: a damaged tail fails here.
        await archive.done();
        if (loaded.end === undefined) {
          throw new ArchiveError(`the archive ends before ${END_ENTRY}: it is incomplete (was the copy cut short?)`);
        }
        verify(manifest, loaded.end, loaded.copied, loaded.files);

        for (const s of manifest.sequences) {
          await client.query(`SELECT setval(to_regclass($1), $2::bigint, $3) WHERE to_regclass($1) IS NOT NULL`, [
            qualified(client, s),
            s.lastValue,
            s.isCalled,
          ]);
        }
        await holdTriggers(client, false);
        for (const m of newer) {
          log(`migrating the restored data forward: ${m.name}`);
          await executor.executeMigration(m);
        }
        await staging?.place();
        await runner.commitTransaction();
        return {
          manifest,
          tables: manifest.tables.length,
          rows: manifest.tables.reduce((n, t) => n + t.rows, 0),
          files: loaded.files,
          newerMigrations: newer.map((m) => m.name),
          replaced,
        };
      } catch (error) {
        await runner.rollbackTransaction().catch(() => undefined);
        await staging?.undo();
        throw asRestoreError((await archive.failure()) ?? error);
      } finally {
        await staging?.clear();
      }
    } finally {
      await runner.release().catch(() => undefined);
      await ds.destroy().catch(() => undefined);
    }
  } catch (error) {
    throw asRestoreError((await archive.failure()) ?? error);
  } finally {
    await archive.close();
  }
}

/** Refuses a database that holds anything, unless `force`; then says what will be replaced. */
async function checkTarget(client: pg.PoolClient, force: boolean): Promise<{ relations: number } | undefined> {
  const held = await userObjects(client);
  if (held.relations + held.routines + held.types === 0) return undefined;
  const database = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db ?? '';
  if (!force) {
    const tables = await listTables(client);
    const withRows: string[] = [];
    for (const t of tables) {
      // A migrated database without data still has its migrations table filled.
      if (t.schema === 'public' && t.name === MIGRATIONS_TABLE) continue;
      const { rows } = await client.query(`SELECT 1 FROM ${qualified(client, t)} LIMIT 1`);
      if (rows.length > 0) withRows.push(t.name);
    }
    const what =
      withRows.length > 0
        ? `${tables.length} tables, ${withRows.length} of them with rows (${withRows.slice(0, 4).join(', ')}${withRows.length > 4 ? ', …' : ''})`
        : `a schema (${tables.length} tables, ${held.relations} relations in all, ${held.routines} functions) but no rows`;
    throw new RestoreError(
      `refused: the database "${database}" is not empty: it holds ${what}. ` +
        'db:restore restores into an empty database only, so that nothing is mixed with or lost under the backup. ' +
        'Restore into a new database (create one and point DATABASE_URL at it, or use another DATA_DIR for the embedded server), ' +
        'or add --force to drop everything in this one first.',
    );
  }
  const others = await client.query<{ n: number; apps: string }>(
    `SELECT count(*)::int AS n, string_agg(DISTINCT coalesce(nullif(application_name, ''), 'unnamed'), ', ') AS apps
       FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
  );
  const n = others.rows[0]?.n ?? 0;
  if (n > 0) {
    throw new RestoreError(
      `refused: ${n} other connection${n === 1 ? ' is' : 's are'} open to the database "${database}" (${others.rows[0]?.apps ?? ''}): ` +
        'stop the app (and any other client) before replacing its database with --force',
    );
  }
  return { relations: held.relations };
}

/**
 * session_replication_role = replica turns off triggers, foreign-key checks
 * included, for this transaction: the rows were consistent when read, and
 * the append-only and notification triggers must not fire for a restore.
 * Setting it needs a superuser (or a role granted SET on it).
 */
async function holdTriggers(client: pg.PoolClient, hold: boolean): Promise<void> {
  // Asked first: once the SET fails, the transaction answers nothing more.
  const user = (await client.query<{ u: string }>('SELECT current_user AS u')).rows[0]?.u ?? '';
  try {
    await client.query(`SET LOCAL session_replication_role = ${hold ? 'replica' : 'origin'}`);
  } catch (error) {
    if ((error as { code?: string }).code === '42501') {
      throw new RestoreError(
        `refused: restoring needs a superuser (the user "${user}" may not set session_replication_role, ` +
          'which holds triggers and foreign-key checks off while the rows are loaded). ' +
          'Use a superuser in DATABASE_URL (the embedded server\'s user "postgres" is one), or GRANT SET ON PARAMETER session_replication_role to this user.',
      );
    }
    throw error;
  }
}

/** --force: every user schema goes (tables, functions, extensions in it); public comes back as PostgreSQL makes it. */
async function dropEverything(client: pg.PoolClient): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT nspname AS name FROM pg_namespace
      WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%' ORDER BY nspname`,
  );
  for (const s of rows) await client.query(`DROP SCHEMA ${client.escapeIdentifier(s.name)} CASCADE`);
  await client.query('CREATE SCHEMA public AUTHORIZATION pg_database_owner');
  await client.query('GRANT USAGE ON SCHEMA public TO PUBLIC');
  await client.query(`COMMENT ON SCHEMA public IS 'standard public schema'`);
}

/**
 * The archive's tables must exist after its migrations, with their columns;
 * rows a migration wrote (reference data) give way to the archive's.
 */
async function prepareTables(client: pg.PoolClient, manifest: Manifest): Promise<void> {
  const present = new Map((await listTables(client)).map((t) => [`${t.schema}.${t.name}`, new Set(t.columns)]));
  for (const t of manifest.tables) {
    const columns = present.get(`${t.schema}.${t.name}`);
    if (columns === undefined) {
      throw new RestoreError(
        `the archive holds the table ${t.schema}.${t.name}, which its migrations do not create (it was made outside them): nothing was restored`,
      );
    }
    const missing = t.columns.filter((c) => !columns.has(c));
    if (missing.length > 0) {
      throw new RestoreError(
        `the archive's table ${t.schema}.${t.name} has columns its migrations do not create (${missing.join(', ')}): nothing was restored`,
      );
    }
  }
  const filled: string[] = [];
  for (const t of manifest.tables) {
    const { rows } = await client.query(`SELECT 1 FROM ${qualified(client, t)} LIMIT 1`);
    if (rows.length > 0) filled.push(qualified(client, t));
  }
  if (filled.length > 0) {
    await holdTriggers(client, true);
    await client.query(`TRUNCATE ${filled.join(', ')}`);
    await holdTriggers(client, false);
  }
}

interface Loaded {
  /** By table index: what was read for it, and the rows PostgreSQL took. */
  copied: Map<number, { bytes: number; sha256: string; rows: number }>;
  end?: EndMarker;
  files: number;
}

/**
 * Reads the archive after its manifest: each table's chunks, in order, into
 * one COPY FROM STDIN, hashing what passes; record files into staging; the
 * end marker last. Anything out of place is a damaged archive.
 */
async function loadData(
  archive: Archive,
  client: pg.PoolClient,
  manifest: Manifest,
  staging: FileStaging | undefined,
): Promise<Loaded> {
  const loaded: Loaded = { copied: new Map(), files: 0 };
  let copying: CopyIn | undefined;
  let current = -1;
  let nextChunk = 0;
  let hash = createHash('sha256');
  let bytes = 0;
  const finishTable = async (): Promise<void> => {
    if (copying === undefined) return;
    const rows = await copying.end();
    copying = undefined;
    loaded.copied.set(current, { bytes, sha256: hash.digest('hex'), rows });
  };
  try {
    for (let entry = await archive.next(); entry !== undefined; entry = await archive.next()) {
      const name = entry.header.name;
      if (loaded.end !== undefined) {
        entry.resume();
        throw new ArchiveError(`an entry follows ${END_ENTRY} (${name}): the archive is damaged`);
      }
      const data = parseDataEntryName(name);
      const sha = data === undefined ? parseFileEntryName(name) : undefined;
      if (data !== undefined) {
        const table = manifest.tables[data.tableIndex];
        const inOrder =
          table !== undefined &&
          (data.tableIndex === current ? data.chunk === nextChunk : data.tableIndex > current && data.chunk === 0);
        if (!inOrder) {
          entry.resume();
          throw new ArchiveError(`${name} is out of place: the archive is damaged`);
        }
        if (data.tableIndex !== current) {
          await finishTable();
          current = data.tableIndex;
          hash = createHash('sha256');
          bytes = 0;
          const columns = table.columns.map((c) => client.escapeIdentifier(c)).join(', ');
          copying = new CopyIn(client, `COPY ${qualified(client, table)} (${columns}) FROM STDIN`);
        }
        nextChunk = data.chunk + 1;
        for await (const chunk of entry) {
          hash.update(chunk);
          bytes += chunk.length;
          await copying!.write(chunk);
        }
      } else if (sha !== undefined) {
        await finishTable();
        loaded.files++;
        if (staging === undefined) entry.resume();
        else await staging.add(sha, entry);
      } else if (name === END_ENTRY) {
        await finishTable();
        loaded.end = parseEndMarker(await readText(entry, 64 * 1024 * 1024), manifest);
      } else {
        entry.resume();
        throw new ArchiveError(`unexpected entry ${name}: the archive is damaged`);
      }
    }
    await finishTable();
    return loaded;
  } catch (error) {
    // A COPY in progress is cancelled, so that the transaction can roll back.
    await copying?.abort();
    throw error;
  }
}

function verify(
  manifest: Manifest,
  end: EndMarker,
  copied: Map<number, { bytes: number; sha256: string; rows: number }>,
  files: number,
): void {
  for (const [index, table] of manifest.tables.entries()) {
    const expected = end.tables[index];
    const got = copied.get(index) ?? { bytes: 0, sha256: createHash('sha256').digest('hex'), rows: 0 };
    if (got.bytes !== expected.bytes || got.sha256 !== expected.sha256) {
      throw new ArchiveError(
        `the rows of ${table.name} in the archive do not match their checksum: the archive is damaged`,
      );
    }
    if (got.rows !== table.rows || expected.rows !== table.rows) {
      throw new ArchiveError(
        `${table.name}: the manifest counts ${table.rows} rows, ${got.rows} were loaded: the archive is damaged`,
      );
    }
  }
  if (files !== end.files || files !== manifest.files.count) {
    throw new ArchiveError(
      `the archive should hold ${manifest.files.count} record files and holds ${files}: it is damaged`,
    );
  }
}

function asRestoreError(error: unknown): Error {
  if (error instanceof RestoreError) return error;
  if (error instanceof ArchiveError) return new RestoreError(error.message);
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(message)) {
    return new RestoreError('the archive ends too early: it is incomplete (was the copy cut short?)');
  }
  if (code === 'Z_DATA_ERROR' || /invalid tar header|incorrect header check/i.test(message)) {
    return new RestoreError(`the archive is damaged (${message})`);
  }
  return error instanceof Error ? error : new Error(message);
}

/** A tar entry: its header, and its bytes to read to the end (or resume() to skip). */
type Entry = AsyncIterable<Buffer> & { header: { name: string }; resume(): unknown };

interface Archive {
  next(): Promise<Entry | undefined>;
  /** Resolves once the whole file was read and its gzip checksum verified. */
  done(): Promise<void>;
  /**
   * Why reading the file failed (gzip, tar), if it did: the entry being read
   * then reports only that it was destroyed.
   */
  failure(): Promise<unknown>;
  close(): Promise<void>;
}

function openArchive(file: string): Archive {
  const extract = tar.extract();
  let failed: unknown;
  const piping = pipeline(createReadStream(file), createGunzip(), extract);
  piping.catch((error: unknown) => (failed = error));
  const entries = (extract as AsyncIterable<Entry>)[Symbol.asyncIterator]();
  return {
    next: async () => {
      const r = await entries.next();
      return r.done === true ? undefined : r.value;
    },
    done: () => piping,
    failure: async () => {
      // The pipeline's own rejection settles a turn after the entry's.
      await new Promise((resolve) => setImmediate(resolve));
      return failed;
    },
    close: async () => {
      extract.destroy();
      await piping.catch(() => undefined);
    },
  };
}

async function readText(entry: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of entry) {
    size += chunk.length;
    if (size > limit) throw new ArchiveError('an archive entry is far larger than it can be: the archive is damaged');
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** COPY … FROM STDIN on the transaction's connection, with backpressure and its error kept. */
class CopyIn {
  private readonly stream: Writable & { rowCount: number };
  private failure?: Error;
  private readonly finished: Promise<void>;

  constructor(client: pg.PoolClient, sql: string) {
    this.stream = client.query(copyFrom(sql));
    this.finished = new Promise<void>((resolve, reject) => {
      this.stream.once('finish', resolve);
      this.stream.once('error', (error: Error) => {
        this.failure = error;
        reject(error);
      });
    });
    this.finished.catch(() => undefined);
  }

  async write(chunk: Buffer): Promise<void> {
    this.rethrow();
    if (this.stream.write(chunk)) return;
    await Promise.race([new Promise((resolve) => this.stream.once('drain', resolve)), this.finished]);
    this.rethrow();
  }

  private rethrow(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** The number of rows PostgreSQL took. */
  async end(): Promise<number> {
    this.stream.end();
    await this.finished;
    return this.stream.rowCount;
  }

  /** Cancels the COPY (CopyFail), so the transaction can roll back. */
  async abort(): Promise<void> {
    if (this.failure === undefined && !this.stream.writableFinished)
      this.stream.destroy(new Error('restore cancelled'));
    await this.finished.catch(() => undefined);
  }
}

/** Record files are written beside the store first, and moved in only when everything else succeeded. */
class FileStaging {
  private readonly staged: string[] = [];
  private readonly placed: string[] = [];

  constructor(
    private readonly root: string,
    private readonly dir: string,
  ) {}

  async add(sha256: string, entry: AsyncIterable<Buffer>): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, sha256);
    const hash = createHash('sha256');
    await pipeline(
      entry,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          hash.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(file, { mode: 0o600 }),
    );
    if (hash.digest('hex') !== sha256) {
      throw new ArchiveError(
        `the record file ${sha256} in the archive does not match its checksum: the archive is damaged`,
      );
    }
    this.staged.push(sha256);
  }

  async place(): Promise<void> {
    for (const sha of this.staged) {
      const target = path.join(this.root, ...recordFilePath(sha));
      try {
        await access(target);
        continue; // stored by content: the same file is already there
      } catch {
        // not there yet
      }
      await mkdir(path.dirname(target), { recursive: true });
      await rename(path.join(this.dir, sha), target);
      this.placed.push(target);
    }
  }

  async undo(): Promise<void> {
    for (const file of this.placed) await rm(file, { force: true });
  }

  async clear(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
