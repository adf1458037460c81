import path from 'node:path';
import type { Env } from '../config/env.schema.js';
import pg from 'pg';
import { embeddedUrl, startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres.js';

export interface ResolvedDatabase {
  url: string;
  embedded?: EmbeddedPostgresHandle;
}

/**
 * DATABASE_URL when set; otherwise a real PostgreSQL started from the
 * `embedded-postgres` package with its data under DATA_DIR/pg.
 */
export async function resolveDatabase(
  env: Env,
  log: (line: string) => void,
  options: { reuseRunning?: boolean } = {},
): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL !== undefined) return { url: env.DATABASE_URL };
  // A command-line tool run beside `npm start` uses the cluster that is already up.
  if (options.reuseRunning === true) {
    const running = embeddedUrl(env.EMBEDDED_PG_PORT, 'consilium');
    if (await answers(running)) return { url: running };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(env.DATA_DIR, 'pg'),
    port: env.EMBEDDED_PG_PORT,
    database: 'consilium',
    onLog: log,
  });
  return { url: embedded.url(), embedded };
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
