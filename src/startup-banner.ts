import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import type { Env } from './config/env.schema.js';
import type { ResolvedDatabase } from './database/resolve-database.js';
import { DEMO_EMAIL_DOMAIN, DEMO_PASSWORD } from './demo/demo-policy.js';
import { createLogger, logFormatFor } from './logging.js';

export interface BannerFacts {
  url: string;
  /** The embedded PostgreSQL's connection string (its password is a fixed, local-only one), or DATABASE_URL without its password. */
  database: { embedded: true; url: string; dataDir: string } | { embedded: false; url: string };
  /** Active demo accounts; never given in production. */
  demoLogins: { email: string; role: string }[];
}

/** The address the server listens on, as a URL a browser on this machine opens. */
export function appUrl(address: AddressInfo | string | null): string {
  if (address === null || typeof address === 'string') return 'http://localhost:3000/';
  const host =
    address.address === '0.0.0.0' || address.address === '::'
      ? 'localhost'
      : address.family === 'IPv6'
        ? `[${address.address}]`
        : address.address;
  return `http://${host}:${address.port}/`;
}

/** A DATABASE_URL fit to print: its password replaced. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(DATABASE_URL)';
  }
}

/** The banner's text: plain lines, for a person at a terminal. */
export function startupBanner(facts: BannerFacts): string {
  const lines = [
    '',
    '  Consilium is ready',
    '',
    `  App          ${facts.url}`,
    `  API docs     ${new URL('api/docs', facts.url).toString()}`,
  ];
  if (facts.database.embedded) {
    lines.push(
      `  Database     ${facts.database.url}`,
      `               (embedded PostgreSQL, data in ${facts.database.dataDir}; psql, pgAdmin or DBeaver connect with this)`,
    );
  } else {
    lines.push(`  Database     ${facts.database.url} (DATABASE_URL)`);
  }
  if (facts.demoLogins.length > 0) {
    const width = Math.max(...facts.demoLogins.map((l) => l.email.length));
    lines.push('', `  Demo logins, password ${DEMO_PASSWORD} (synthetic data only):`);
    const clinicians = facts.demoLogins.filter((l) => l.role === 'clinician');
    for (const l of facts.demoLogins.filter((d) => d.role !== 'clinician')) {
      const note = l.role === 'admin' ? 'admin (sets up a second factor at the first sign-in)' : l.role;
      lines.push(`    ${l.email.padEnd(width)}  ${note}`);
    }
    if (clinicians.length > 0) {
      lines.push(
        `    clinicians: ${clinicians.map((l) => l.email.replace(`@${DEMO_EMAIL_DOMAIN}`, '@')).join(', ')} (@${DEMO_EMAIL_DOMAIN})`,
      );
    }
  }
  lines.push('', '  Ctrl+C stops it.', '', '');
  return lines.join('\n');
}

/**
 * Called once by main.ts after listen: where the app is, its API docs, the
 * database to connect a SQL client to, and the demo logins when the demo
 * data is in the database (never in production, which refuses to start with
 * them anyway). Printed plainly; with JSON logs (production, LOG_FORMAT=json)
 * the same facts are one log entry instead, so that the log stays JSON.
 */
export async function printStartupBanner(
  app: NestFastifyApplication,
  env: Env,
  database: ResolvedDatabase,
  out: NodeJS.WritableStream = process.stdout,
): Promise<void> {
  try {
    await printBanner(app, env, database, out);
  } catch (error) {
    // A banner that cannot be printed must not stop a server that is up.
    createLogger(env, 'Bootstrap').warn({ err: error }, 'could not print the start-up banner');
  }
}

async function printBanner(
  app: NestFastifyApplication,
  env: Env,
  database: ResolvedDatabase,
  out: NodeJS.WritableStream,
): Promise<void> {
  const demoLogins =
    env.NODE_ENV === 'production'
      ? []
      : await app
          .get(DataSource)
          .query<{ email: string; role: string }[]>(
            `SELECT email, role FROM app_user WHERE active AND email LIKE $1
              ORDER BY CASE role WHEN 'admin' THEN 0 WHEN 'coordinator' THEN 1 ELSE 2 END, created_at, email`,
            [`%@${DEMO_EMAIL_DOMAIN}`],
          )
          .catch(() => []);
  const facts: BannerFacts = {
    url: appUrl(app.getHttpServer().address()),
    database:
      database.embedded !== undefined
        ? { embedded: true, url: database.embedded.url(), dataDir: database.embedded.dataDir }
        : { embedded: false, url: withoutPassword(database.url) },
    demoLogins,
  };
  if (logFormatFor(env) === 'json') {
    createLogger(env, 'Bootstrap').info(
      {
        url: facts.url,
        docs: new URL('api/docs', facts.url).toString(),
        database: withoutPassword(facts.database.url),
      },
      'Consilium is ready',
    );
    return;
  }
  out.write(startupBanner(facts));
}
