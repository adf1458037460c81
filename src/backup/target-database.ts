import path from 'node:path';
import type { Env } from '../config/env.schema.js';
import { embeddedUrl, startEmbeddedPostgres } from '../database/embedded-postgres.js';
import { runningEmbeddedServer } from '../database/running-embedded.js';

export interface TargetDatabase {
  url: string;
  /** For the operator: which server, and what happens to it. */
  description: string;
  /** Stops the embedded server if this tool started it; a running one is left alone. */
  release(): Promise<void>;
}

/**
 * The database a backup or restore works on: DATABASE_URL's; else the
 * embedded cluster in DATA_DIR/pg — through the server that is already
 * running on it (an `npm start` beside us is not disturbed), or one started
 * for the task and stopped after.
 */
export async function openTargetDatabase(env: Env, log: (line: string) => void): Promise<TargetDatabase> {
  if (env.DATABASE_URL !== undefined) {
    const url = new URL(env.DATABASE_URL);
    return {
      url: env.DATABASE_URL,
      description: `the database "${decodeURIComponent(url.pathname.slice(1))}" on ${url.hostname}:${url.port || '5432'} (DATABASE_URL)`,
      release: () => Promise.resolve(),
    };
  }
  const dataDir = path.resolve(env.DATA_DIR, 'pg');
  const running = await runningEmbeddedServer(dataDir);
  if (running !== undefined) {
    return {
      url: embeddedUrl(running.port, 'consilium'),
      description: `the running embedded PostgreSQL (data in ${dataDir}, port ${running.port}; left running)`,
      release: () => Promise.resolve(),
    };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir,
    port: env.EMBEDDED_PG_PORT,
    database: 'consilium',
    onLog: log,
  });
  return {
    url: embedded.url(),
    description: `the embedded PostgreSQL (data in ${dataDir}; started for this and stopped after)`,
    release: () => embedded.stop(),
  };
}
