import 'reflect-metadata';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { embeddedUrl } from './embedded-postgres.js';
import { ENTITIES } from './entities.js';

/**
 * The one data source definition, shared by the app (through
 * TypeOrmModule), the migration CLI and the tests. Schema comes only from
 * migrations: `synchronize` is off everywhere.
 */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+; no uuid-ossp needed.
    uuidExtension: 'pgcrypto',
    // Extensions come from migrations (btree_gist), like the rest of the schema.
    installExtensions: false,
    migrationsRun: false,
    logging: false,
    extra: { max: poolSize, application_name: 'consilium' },
  };
}

/** Applies pending migrations on a short-lived connection. */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(url, 1));
  await ds.initialize();
  try {
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

// For the TypeORM CLI (`npm run migration:*`): DATABASE_URL, else the
// embedded server that `npm start` runs on its default port.
const cliUrl = process.env.DATABASE_URL ?? embeddedUrl(Number(process.env.EMBEDDED_PG_PORT ?? '54329'), 'consilium');

export default new DataSource(dataSourceOptions(cliUrl));
