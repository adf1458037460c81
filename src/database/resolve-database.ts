import path from 'node:path';
import type { Env } from '../config/env.schema.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres.js';

export interface ResolvedDatabase {
  url: string;
  embedded?: EmbeddedPostgresHandle;
}

/**
 * DATABASE_URL when set; otherwise a real PostgreSQL started from the
 * `embedded-postgres` package with its data under DATA_DIR/pg.
 */
export async function resolveDatabase(env: Env, log: (line: string) => void): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL !== undefined) return { url: env.DATABASE_URL };
  const embedded = await startEmbeddedPostgres({
    dataDir: path.join(env.DATA_DIR, 'pg'),
    port: env.EMBEDDED_PG_PORT,
    database: 'consilium',
    onLog: log,
  });
  return { url: embedded.url(), embedded };
}
