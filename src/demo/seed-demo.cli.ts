import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, loadEnv } from '../config/load-env.js';
import { dataSourceOptions, runMigrations } from '../database/data-source.js';
import { resolveDatabase } from '../database/resolve-database.js';
import { DEMO_CLINIC, DEMO_CLINICS, demoSeeded, progressBar, seedDemo } from './demo-data.js';

/** npm run seed:demo — the synthetic breast MDC with its team and 70 cases. */
async function main(): Promise<number> {
  const env = loadEnv();
  if (env.NODE_ENV === 'production') {
    process.stderr.write('Refusing to seed the demo with NODE_ENV=production: its logins and password are public\n');
    return 2;
  }
  const database = await resolveDatabase(env, () => undefined, { reuseRunning: true });
  const ds = new DataSource(dataSourceOptions(database.url, 2));
  try {
    await runMigrations(database.url);
    await ds.initialize();
    if (await demoSeeded(ds)) {
      process.stdout.write(`${DEMO_CLINIC} is already there; nothing to do\n`);
      return 0;
    }
    await seedDemo(
      ds,
      progressBar((s) => process.stderr.write(s), process.stderr.isTTY),
    );
    process.stdout.write(
      `seeded ${DEMO_CLINICS.map((c) => c.name).join(' and ')} with ${DEMO_CLINICS.reduce((n, c) => n + c.cases, 0)} synthetic cases (logins in the README)\n`,
    );
    return 0;
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await database.embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
