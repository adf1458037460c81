// Runs outside jest's module system (plain Node ESM), so it uses the compiled
// data source and launcher: `npm run test:e2e` builds first.
import { existsSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/src/database');

export async function withAdmin(adminUrl, work) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * One PostgreSQL for the whole run: DATABASE_URL's server if set, else an
 * embedded one in a temporary folder. A template database is migrated once;
 * every test file clones it (see test-database.ts).
 */
export default async function globalSetup() {
  if (!existsSync(path.join(dist, 'data-source.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm run test:e2e does it for you)');
  }
  const { runMigrations } = await import(path.join(dist, 'data-source.js'));
  const { startEmbeddedPostgres } = await import(path.join(dist, 'embedded-postgres.js'));
  const { freePort } = await import(path.join(dist, '../../test/utils/free-port.js'));

  let adminUrl = process.env.DATABASE_URL;
  let embedded;
  if (adminUrl === undefined || adminUrl === '') {
    const parent = await mkdtemp(path.join(tmpdir(), 'consilium-test-pg-'));
    await chmod(parent, 0o755); // as root, PostgreSQL runs as "postgres" and must enter it
    const dataDir = path.join(parent, 'pg');
    embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres' });
    adminUrl = embedded.url('postgres');
  }
  const template = `consilium_tpl_${process.pid}_${Date.now()}`;
  await withAdmin(adminUrl, async (client) => {
    const { rows } = await client.query('SHOW server_version');
    process.stdout.write(`\ne2e: PostgreSQL ${rows[0].server_version} (${embedded ? 'embedded' : 'DATABASE_URL'})\n`);
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(template)}`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${template}`;
  await runMigrations(url.toString());
  globalThis.__consiliumTestPostgres = { embedded, adminUrl, template };
  process.env.CONSILIUM_TEST_ADMIN_URL = adminUrl;
  process.env.CONSILIUM_TEST_TEMPLATE = template;
}
