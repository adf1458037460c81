import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadEnv } from '../config/load-env.js';
import { RestoreError, restoreDatabase } from './restore.js';
import { openTargetDatabase } from './target-database.js';

const USAGE =
  'usage: npm run db:restore -- <file> [--force]\n' +
  '       restores a db:backup archive into an empty database; --force first drops everything in a database that is not empty\n' +
  '       (the app must be stopped for --force)';

/** npm run db:restore — a db:backup archive into an empty database, carried forward to this version's schema. */
async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const env = loadEnv();
  const file = path.resolve(positionals[0]);
  const target = await openTargetDatabase(env, () => undefined);
  try {
    process.stderr.write(`restoring ${file} into ${target.description}\n`);
    const s = await restoreDatabase({
      url: target.url,
      file,
      recordsDir: path.resolve(env.DATA_DIR, 'records'),
      force: values.force === true,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(
      `restored the backup of ${s.manifest.createdAt}: ${s.tables} tables, ${s.rows} rows, ${s.files} record files` +
        (s.replaced !== undefined ? ` (replacing what the database held: ${s.replaced.relations} relations)` : '') +
        (s.newerMigrations.length > 0
          ? `; then carried forward by ${s.newerMigrations.length} newer migrations: ${s.newerMigrations.join(', ')}`
          : '; the schema was already current') +
        '\n',
    );
    return 0;
  } catch (error) {
    if (error instanceof RestoreError) {
      process.stderr.write(`db:restore: ${error.message}\nThe database was not changed.\n`);
      return 1;
    }
    throw error;
  } finally {
    await target.release();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `db:restore: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
