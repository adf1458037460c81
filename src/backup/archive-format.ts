/**
 * The backup archive: a gzip'd tar holding, in this order,
 *
 *   manifest.json                     what the archive holds (below)
 *   data/<nnnn>-<table>/<nnnnnn>.copy  each table's rows as COPY text, cut into chunks
 *   files/records/<sha256>            record files kept on disk (DATA_DIR/records)
 *   end.json                          per-table byte counts and SHA-256: the archive is complete
 *
 * A tar header must state its entry's size before the entry's bytes, and a
 * table's COPY output has no size until it ends: cutting it into chunks of
 * at most CHUNK_BYTES keeps the backup streaming, never a whole table in
 * memory. The chunks of a table, in order, are its COPY stream.
 */

export const ARCHIVE_FORMAT = 'consilium-backup';
export const ARCHIVE_FORMAT_VERSION = 1;
export const MANIFEST_ENTRY = 'manifest.json';
export const END_ENTRY = 'end.json';
export const CHUNK_BYTES = 4 * 1024 * 1024;

export interface ManifestTable {
  schema: string;
  name: string;
  /** Stored columns in table order (generated columns are left out: the database computes them). */
  columns: string[];
  /** count(*) in the backup's snapshot. */
  rows: number;
}

export interface ManifestSequence {
  schema: string;
  name: string;
  /** bigint as text. */
  lastValue: string;
  isCalled: boolean;
}

export interface ManifestMigration {
  timestamp: number;
  name: string;
}

export interface Manifest {
  format: typeof ARCHIVE_FORMAT;
  formatVersion: number;
  createdAt: string;
  database: string;
  server: { version: string; versionNum: number };
  /** The applied migrations, in the order they were applied (the migrations table). */
  migrations: ManifestMigration[];
  /** Every table of the database but the migrations table, whose rows the migrations list is. */
  tables: ManifestTable[];
  sequences: ManifestSequence[];
  files: { count: number; bytes: number };
}

export interface EndMarker {
  complete: true;
  /** By table index in the manifest. */
  tables: { bytes: number; sha256: string; rows: number }[];
  files: number;
}

export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
}

/** The entry name of a table's chunk. The index is what counts; the name helps a human reading `tar tz`. */
export function dataEntryName(tableIndex: number, table: string, chunk: number): string {
  const readable = table.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 60);
  return `data/${String(tableIndex).padStart(4, '0')}-${readable}/${String(chunk).padStart(6, '0')}.copy`;
}

const DATA_ENTRY = /^data\/(\d{4,})-[A-Za-z0-9_]*\/(\d{6,})\.copy$/;

/** The table index and chunk number of a data entry, or undefined for any other name. */
export function parseDataEntryName(name: string): { tableIndex: number; chunk: number } | undefined {
  const m = DATA_ENTRY.exec(name);
  return m === null ? undefined : { tableIndex: Number(m[1]), chunk: Number(m[2]) };
}

export const FILE_ENTRY_PREFIX = 'files/records/';
const SHA256 = /^[0-9a-f]{64}$/;

/** The SHA-256 a record file's entry is named by, or undefined. */
export function parseFileEntryName(name: string): string | undefined {
  if (!name.startsWith(FILE_ENTRY_PREFIX)) return undefined;
  const sha = name.slice(FILE_ENTRY_PREFIX.length);
  return SHA256.test(sha) ? sha : undefined;
}

/** Record files are stored by content: DATA_DIR/records/ab/cd/<sha256> (src/cases/record-storage.ts). */
export function recordFilePath(sha256: string): string[] {
  return [sha256.slice(0, 2), sha256.slice(2, 4), sha256];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Checks a manifest read from an archive: its format and version, and the
 * shape of every field restore relies on. Throws an ArchiveError naming the
 * first thing wrong.
 */
export function parseManifest(text: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ArchiveError('the manifest is not JSON: the archive is damaged');
  }
  const bad = (what: string): never => {
    throw new ArchiveError(`the manifest is damaged: ${what}`);
  };
  if (!isObject(raw) || raw.format !== ARCHIVE_FORMAT) {
    throw new ArchiveError('this is not a Consilium backup (its manifest names another format)');
  }
  if (raw.formatVersion !== ARCHIVE_FORMAT_VERSION) {
    throw new ArchiveError(
      `the archive has format version ${String(raw.formatVersion)}; this version of Consilium reads version ${ARCHIVE_FORMAT_VERSION}`,
    );
  }
  if (!isString(raw.createdAt) || Number.isNaN(Date.parse(raw.createdAt))) bad('createdAt');
  if (!isString(raw.database)) bad('database');
  const server = raw.server;
  if (!isObject(server) || !isString(server.version) || !isCount(server.versionNum)) bad('server');
  const migrations = raw.migrations;
  if (!Array.isArray(migrations) || migrations.length === 0) bad('migrations');
  for (const m of migrations as unknown[]) {
    if (!isObject(m) || !isString(m.name) || !isCount(m.timestamp)) bad('migrations');
  }
  const tables = raw.tables;
  if (!Array.isArray(tables)) bad('tables');
  const seen = new Set<string>();
  for (const t of tables as unknown[]) {
    if (!isObject(t) || !isString(t.schema) || !isString(t.name) || !isCount(t.rows)) bad('tables');
    const table = t as Record<string, unknown>;
    const columns = table.columns;
    if (!Array.isArray(columns) || columns.length === 0 || !columns.every(isString)) {
      bad(`columns of ${String(table.name)}`);
    }
    const key = `${String(table.schema)}.${String(table.name)}`;
    if (seen.has(key)) bad(`${key} is listed twice`);
    seen.add(key);
  }
  const sequences = raw.sequences;
  if (!Array.isArray(sequences)) bad('sequences');
  for (const s of sequences as unknown[]) {
    if (
      !isObject(s) ||
      !isString(s.schema) ||
      !isString(s.name) ||
      !isString(s.lastValue) ||
      !/^-?\d{1,19}$/.test(s.lastValue) ||
      typeof s.isCalled !== 'boolean'
    ) {
      bad('sequences');
    }
  }
  const files = raw.files;
  if (!isObject(files) || !isCount(files.count) || !isCount(files.bytes)) bad('files');
  return raw as unknown as Manifest;
}

/** Checks the end marker against the manifest it closes. */
export function parseEndMarker(text: string, manifest: Manifest): EndMarker {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ArchiveError('the end marker is not JSON: the archive is damaged');
  }
  if (!isObject(raw) || raw.complete !== true || !Array.isArray(raw.tables) || !isCount(raw.files)) {
    throw new ArchiveError('the end marker is damaged');
  }
  const tables = raw.tables as unknown[];
  if (tables.length !== manifest.tables.length) {
    throw new ArchiveError(
      `the end marker lists ${tables.length} tables, the manifest ${manifest.tables.length}: the archive is damaged`,
    );
  }
  for (const t of tables) {
    if (!isObject(t) || !isCount(t.bytes) || !isCount(t.rows) || !isString(t.sha256) || !SHA256.test(t.sha256)) {
      throw new ArchiveError('the end marker is damaged');
    }
  }
  return raw as unknown as EndMarker;
}
