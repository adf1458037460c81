import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { configureApp, createFastifyAdapter } from '../../src/app.setup.js';
import { generate } from 'otplib';
import { TotpService } from '../../src/auth/totp.service.js';
import { UsersService } from '../../src/auth/users.service.js';
import type { Role } from '../../src/auth/roles.js';
import { validateEnv } from '../../src/config/load-env.js';
import { createTestDatabase } from './test-database.js';

export const TEST_PASSWORD = 'a-long-test-password';

export interface TestApp {
  app: NestFastifyApplication;
  dataDir: string;
  http: Server;
  dataSource: DataSource;
  databaseUrl: string;
  close(): Promise<void>;
}

/**
 * The real AppModule on its own freshly cloned, migrated database. Only the
 * environment differs from production; nothing inside is mocked.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  extra: { controllers?: Type[] } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'consilium-test-data-'));
  const validated = validateEnv({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    JWT_ACCESS_SECRET: 'test-secret-that-is-long-enough-for-hs256',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DB_POOL_SIZE: '5',
    SHUTDOWN_GRACE_MS: '0',
    DATA_DIR: dataDir,
    // Files log in many times from 127.0.0.1; the rate-limit tests set their own limits.
    LOGIN_IP_LIMIT: '100000',
    LOGIN_ACCOUNT_LIMIT: '100000',
    // Likewise the anonymous routes (token refresh): test/security-bounds.e2e-spec.ts sets its own.
    PUBLIC_ROUTE_IP_LIMIT: '100000',
    // Files log the same user in many times and keep earlier tokens; the session-limit test sets its own.
    MAX_SESSIONS_PER_USER: '1000',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(validated)],
    controllers: extra.controllers ?? [],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(validated), {
    bufferLogs: true,
  });
  try {
    configureApp(app);
    await app.init();
  } catch (error) {
    await app.close().catch(() => undefined);
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    dataDir,
    http: app.getHttpServer(),
    dataSource: app.get(DataSource),
    databaseUrl: database.url,
    close: async () => {
      await app.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  password: string;
  /** The TOTP secret of a user with a second factor (every admin: admins must have one). */
  totpSecret?: string;
}

/**
 * A user created through the service (data set-up, not under test), with a
 * known password. Admins get a second factor too, enrolled through the
 * service, so that `login` reaches every admin route.
 */
export async function createUser(
  t: TestApp,
  role: Role,
  overrides: { email?: string; secondFactor?: boolean } = {},
): Promise<TestUser> {
  counter += 1;
  const email = overrides.email ?? `${role}-${counter}-${Date.now()}@example.org`;
  const user = await t.app
    .get(UsersService)
    .createWithPassword({ email, displayName: `Test ${role} ${counter}`, role }, TEST_PASSWORD);
  const created: TestUser = { id: user.id, email, role, password: TEST_PASSWORD };
  if (overrides.secondFactor ?? role === 'admin') {
    const totp = t.app.get(TotpService);
    const { secret } = await totp.begin(user.id);
    await totp.confirm(user.id, undefined, await generate({ secret }));
    created.totpSecret = secret;
  }
  return created;
}

/**
 * Logs in over HTTP; with the user's current TOTP code when they have a
 * second factor. (Each code is accepted once: the helper forgets the last
 * accepted one, so a file may log the same admin in many times a minute.)
 */
export async function login(
  t: TestApp,
  user: { email: string; password: string; totpSecret?: string },
): Promise<Tokens> {
  let totp: string | undefined;
  if (user.totpSecret !== undefined) {
    await t.dataSource.query(`UPDATE app_user SET totp_last_step = NULL WHERE email = lower($1)`, [user.email]);
    totp = await generate({ secret: user.totpSecret });
  }
  const res = await request(t.http)
    .post('/api/auth/login')
    .send({ email: user.email, password: user.password, ...(totp === undefined ? {} : { totp }) });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Tokens;
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export function bearer(tokens: Tokens): { Authorization: string } {
  return { Authorization: `Bearer ${tokens.accessToken}` };
}

export interface AuditRow {
  id: string;
  actor_id: string | null;
  action: string;
  outcome: string;
  status_code: number | null;
  reason: string | null;
  entity_id: string | null;
  request_id: string | null;
}

/** Audit rows written since `afterId`, oldest first. */
export async function auditRowsAfter(t: TestApp, afterId = '0'): Promise<AuditRow[]> {
  return await t.dataSource.query<AuditRow[]>(`SELECT * FROM audit_event WHERE id > $1 ORDER BY id`, [afterId]);
}

export async function lastAuditId(t: TestApp): Promise<string> {
  const rows = await t.dataSource.query<{ id: string }[]>(`SELECT coalesce(max(id), 0)::text AS id FROM audit_event`);
  return rows[0]?.id ?? '0';
}

/**
 * Anonymous refusals are counted per minute in audit_refusal_aggregate, not
 * appended to audit_event: the number counted so far that match `where`.
 */
export async function anonymousRefusals(
  t: TestApp,
  where: { action?: string; reason?: string; statusCode?: number; route?: string } = {},
): Promise<number> {
  const rows = await t.dataSource.query<{ n: number }[]>(
    `SELECT coalesce(sum(count), 0)::int AS n FROM audit_refusal_aggregate
      WHERE ($1::text IS NULL OR action = $1) AND ($2::text IS NULL OR reason = $2)
        AND ($3::int IS NULL OR status_code = $3) AND ($4::text IS NULL OR route = $4)`,
    [where.action ?? null, where.reason ?? null, where.statusCode ?? null, where.route ?? null],
  );
  return rows[0]?.n ?? 0;
}
