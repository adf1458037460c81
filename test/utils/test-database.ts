import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';

/** Set by the global set-up for every worker. */
export interface TestDatabaseServer {
  adminUrl: string;
  template: string;
}

const ADMIN_URL = 'CONSILIUM_TEST_ADMIN_URL';
const TEMPLATE = 'CONSILIUM_TEST_TEMPLATE';

export function testServer(): TestDatabaseServer {
  const adminUrl = process.env[ADMIN_URL];
  const template = process.env[TEMPLATE];
  if (adminUrl === undefined || template === undefined) {
    throw new Error('The e2e global set-up did not run (use npm run test:e2e)');
  }
  return { adminUrl, template };
}

/** The URL of another database on the same server. */
export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database for one test file, cloned from the migrated template. */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const { adminUrl, template } = testServer();
  // Named after the run's template, so the run's teardown finds any left behind.
  const name = `${template}_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(
          `CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(template)}`,
        );
        return;
      } catch (error) {
        // 55006: the template is briefly in use by a concurrent clone.
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  });
  return {
    url: databaseUrl(adminUrl, name),
    name,
    drop: () =>
      withAdmin(adminUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
      ).then(() => undefined),
  };
}

/**
 * Takes a migrated database back to the schema from before `migrations` (each
 * reverted, with whatever was applied after it), as an older version left it.
 */
export async function revertMigrations(ds: DataSource, ...migrations: string[]): Promise<void> {
  const applied = async (): Promise<string[]> =>
    (await ds.query<{ name: string }[]>(`SELECT name FROM schema_migration`)).map((r) => r.name);
  while ((await applied()).some((name) => migrations.includes(name)))
    await ds.undoLastMigration({ transaction: 'each' });
}
