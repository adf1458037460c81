import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadEnv } from '../config/load-env.js';
import { BackupError, backupDatabase } from './backup.js';
import { openTargetDatabase } from './target-database.js';

const USAGE =
  'usage: npm run db:backup [-- <file>]\n' +
  '       (default file: backups/consilium-<UTC date and time>.tar.gz; an existing file is never overwritten)';

function defaultFile(now = new Date()): string {
  return path.join('backups', `consilium-${now.toISOString().replace(/[:.]/g, '-')}.tar.gz`);
}

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** npm run db:backup — a consistent logical backup of the whole database (and record files on disk). */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length > 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const env = loadEnv();
  const file = path.resolve(positionals[0] ?? defaultFile());
  if (existsSync(file)) {
    process.stderr.write(`${file} exists already: choose another file name (a backup is never overwritten)\n`);
    return 2;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const target = await openTargetDatabase(env, () => undefined);
  try {
    process.stderr.write(`backing up ${target.description}\n`);
    const s = await backupDatabase({ url: target.url, file, recordsDir: path.resolve(env.DATA_DIR, 'records') });
    const last = s.manifest.migrations.at(-1)?.name ?? 'none';
    process.stdout.write(
      `backup written to ${s.file} (${size(s.bytes)}): ${s.tables} tables, ${s.rows} rows, ${s.files} record files; ` +
        `schema at ${last}, PostgreSQL ${s.manifest.server.version}. It holds patient data: keep it as safe as the database.\n`,
    );
    return 0;
  } finally {
    await target.release();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof ConfigError || error instanceof BackupError;
    process.stderr.write(`db:backup: ${known || error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
