import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { runMigrations } from '../../src/database/data-source.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/database/embedded-postgres.js';
import { freePort } from '../utils/free-port.js';

export interface BenchDatabase {
  /** A fresh, migrated database for this run. */
  url: string;
  /** A scratch folder for the app's DATA_DIR. */
  scratch: string;
  /** Stops and restarts the embedded cluster (an outage); undefined on an external server. */
  outage?: { stop(): Promise<void>; start(): Promise<void> };
  close(): Promise<void>;
}

/** DATABASE_URL's server, else an embedded PostgreSQL; a new migrated database either way. */
export async function openBenchDatabase(name: string): Promise<BenchDatabase> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'consilium-bench-'));
  await chmod(scratch, 0o755); // as root, PostgreSQL runs as "postgres" and must enter it
  let embedded: EmbeddedPostgresHandle | undefined;
  let adminUrl = process.env.DATABASE_URL;
  const options = { dataDir: path.join(scratch, 'pg'), port: 0, database: 'postgres' };
  if (adminUrl === undefined || adminUrl === '') {
    options.port = await freePort();
    embedded = await startEmbeddedPostgres(options);
    adminUrl = embedded.url('postgres');
  }
  const dbName = `consilium_bench_${name}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const server = adminUrl;
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  await runMigrations(url.toString());
  return {
    url: url.toString(),
    scratch,
    ...(embedded === undefined
      ? {}
      : {
          outage: {
            stop: async () => {
              await embedded?.stop();
            },
            start: async () => {
              embedded = await startEmbeddedPostgres(options);
            },
          },
        }),
    close: async () => {
      const dropper = new pg.Client({ connectionString: server });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await dropper.end();
      await embedded?.stop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
