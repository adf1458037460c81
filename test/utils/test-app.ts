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
}

/** A user created through the service (data set-up, not under test). */
export async function createUser(t: TestApp, role: Role, overrides: { email?: string } = {}): Promise<TestUser> {
  counter += 1;
  const email = overrides.email ?? `${role}-${counter}-${Date.now()}@example.org`;
  const user = await t.app.get(UsersService).create({
    email,
    displayName: `Test ${role} ${counter}`,
    role,
    password: TEST_PASSWORD,
  });
  return { id: user.id, email, role, password: TEST_PASSWORD };
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export async function login(t: TestApp, user: { email: string; password: string }): Promise<Tokens> {
  const res = await request(t.http).post('/api/auth/login').send({ email: user.email, password: user.password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Tokens;
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
