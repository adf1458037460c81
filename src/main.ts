import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { createApp } from './app.setup.js';
import { describeLegacyRecordFiles, moveLegacyRecordFiles } from './cases/legacy-record-files.js';
import { ConfigError, loadEnv } from './config/load-env.js';
import type { Env } from './config/env.schema.js';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from './database/data-source.js';
import { DEMO_CLINICS, databaseEmpty, progressBar, seedDemo } from './demo/demo-data.js';
import { DEMO_EMAIL_DOMAIN, demoAccountsPresent, demoSeedDecision } from './demo/demo-policy.js';
import { resolveDatabase } from './database/resolve-database.js';
import { EmbeddedPostgresError } from './database/embedded-postgres.js';
import { DrainState } from './health/drain-state.js';
import { createLogger } from './logging.js';
import { printStartupBanner } from './startup-banner.js';

async function main(): Promise<void> {
  let env: Env;
  try {
    env = loadEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(env, 'Bootstrap');

  let database: Awaited<ReturnType<typeof resolveDatabase>>;
  try {
    database = await resolveDatabase(env, (line) => log.debug({ postgres: line }, 'embedded postgres'));
  } catch (error) {
    if (!(error instanceof EmbeddedPostgresError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  if (database.embedded?.tookOver === true) {
    log.warn(
      `Took over the PostgreSQL left running in ${database.embedded.dataDir} by an earlier start that did not stop it (killed?); it stops with this one.`,
    );
  }
  if (database.embedded !== undefined) {
    log.info(
      `Embedded PostgreSQL is running: data in ${database.embedded.dataDir}, listening on 127.0.0.1:${database.embedded.port}. ` +
        'Set DATABASE_URL=postgres://user:password@host:5432/db to use another server.',
    );
  }

  const stopDatabase = async (): Promise<void> => {
    await database.embedded?.stop();
  };

  let jwtSecret = env.JWT_ACCESS_SECRET;
  if (jwtSecret === undefined) {
    jwtSecret = randomBytes(48).toString('base64url');
    log.warn(
      'JWT_ACCESS_SECRET is not set: using a random secret; access tokens end at restart (refresh tokens keep working)',
    );
  }

  try {
    const applied = await runMigrations(database.url);
    log.info(applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
    await moveLegacyRecordFilesIn(database.url, path.resolve(env.DATA_DIR, 'records'), log);
    const demo = demoSeedDecision(env, database.embedded !== undefined);
    if (demo.seed) await seedDemoIfEmpty(database.url, (line) => log.info(line));
    else if (env.NODE_ENV === 'production' && (await demoAccountsIn(database.url))) {
      // A database seeded in development holds logins whose password is public.
      throw new ConfigError(
        `Refusing to start with NODE_ENV=production: the database holds the demo logins (@${DEMO_EMAIL_DOMAIN}), whose password is public. Disable or delete them, or start without NODE_ENV=production.`,
      );
    }
    const app = await createApp({
      ...env,
      DATABASE_URL: database.url,
      JWT_ACCESS_SECRET: jwtSecret,
      TOTP_ENCRYPTION_KEY:
        env.TOTP_ENCRYPTION_KEY ?? (env.JWT_ACCESS_SECRET === undefined ? await devTotpKey(env) : undefined),
    });
    await app.listen({ port: env.PORT, host: env.HOST });
    log.info(`Consilium is listening on ${await app.getUrl()} (API docs at /api/docs)`);
    await printStartupBanner(app, env, database);

    let stopping = false;
    const shutdown = (signal: NodeJS.Signals): void => {
      if (stopping) return;
      stopping = true;
      log.info(`${signal} received: finishing in-flight requests, then stopping`);
      const force = setTimeout(() => {
        log.error(`shutdown took longer than ${env.SHUTDOWN_TIMEOUT_MS} ms; exiting`);
        process.exit(1);
      }, env.SHUTDOWN_TIMEOUT_MS);
      force.unref();
      // Drain first: health answers 503 while requests already on the wire
      // are still served; then the server stops accepting, finishes what is
      // in flight, closes the pool, and the embedded PostgreSQL stops last.
      app.get(DrainState).draining = true;
      sleep(env.SHUTDOWN_GRACE_MS)
        .then(() => app.close())
        .then(stopDatabase)
        .then(() => {
          log.info('stopped cleanly');
          process.exit(0);
        })
        .catch((error: unknown) => {
          log.error({ err: error }, 'error during shutdown');
          process.exit(1);
        });
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  } catch (error) {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    log.fatal({ err: error }, 'could not start');
    await stopDatabase();
    process.exit(1);
  }
}

/** Record files an older version kept on this instance's disk go into the database (see legacy-record-files.ts). */
async function moveLegacyRecordFilesIn(url: string, root: string, log: Logger): Promise<void> {
  const ds = new DataSource(dataSourceOptions(url, 2));
  await ds.initialize();
  try {
    const result = await moveLegacyRecordFiles(ds, root);
    const line = describeLegacyRecordFiles(root, result);
    if (line === undefined) return;
    if (result.missing.length > 0 || result.corrupt.length > 0) log.warn(line);
    else log.info(line);
  } finally {
    await ds.destroy();
  }
}

async function demoAccountsIn(url: string): Promise<boolean> {
  const ds = new DataSource(dataSourceOptions(url, 1));
  await ds.initialize();
  try {
    return await demoAccountsPresent(ds);
  } finally {
    await ds.destroy();
  }
}

/**
 * Without JWT_ACCESS_SECRET (development only) the JWT key changes at every
 * start, so second-factor secrets cannot be encrypted with a key derived
 * from it: a random key is kept beside the embedded database instead.
 */
async function devTotpKey(env: Env): Promise<string> {
  const file = path.resolve(env.DATA_DIR, 'totp-encryption.key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const key = randomBytes(32).toString('base64url');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' }).catch(() => undefined);
    return (await readFile(file, 'utf8')).trim();
  }
}

/** A first start on an empty embedded database gets the synthetic demo clinic. */
async function seedDemoIfEmpty(url: string, log: (line: string) => void): Promise<void> {
  const ds = new DataSource(dataSourceOptions(url, 2));
  await ds.initialize();
  try {
    if (!(await databaseEmpty(ds))) return;
    log(
      `empty database: seeding ${DEMO_CLINICS.map((c) => c.name).join(' and ')} with synthetic cases (DEMO_DATA=false to skip)`,
    );
    await seedDemo(
      ds,
      progressBar((s) => process.stderr.write(s), process.stderr.isTTY),
    );
    log('demo data ready: the demo logins are listed below and in the README');
  } finally {
    await ds.destroy();
  }
}

await main();
