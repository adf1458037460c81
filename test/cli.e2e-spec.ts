import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase } from './utils/test-database.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/src/auth/create-user.cli.js');

describe('npm run user:create', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  function run(args: string[], password: string) {
    return spawnSync(process.execPath, [CLI, ...args], {
      input: `${password}\n`,
      env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'error' },
      encoding: 'utf8',
      timeout: 30000,
    });
  }

  it('should create a user with an argon2id hash and an audit row', async () => {
    const res = run(
      ['--email', 'Chair@Example.org', '--role', 'admin', '--name', 'Board Chair'],
      'a-long-cli-password',
    );
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^created admin chair@example.org \([0-9a-f-]{36}\)\n$/);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const users = await client.query(`SELECT id, password_hash FROM app_user WHERE email = 'chair@example.org'`);
      expect(users.rows[0]?.password_hash).toMatch(/^\$argon2id\$/);
      const audit = await client.query(
        `SELECT reason FROM audit_event WHERE action = 'user.create' AND entity_id = $1`,
        [users.rows[0]?.id],
      );
      expect(audit.rows).toEqual([{ reason: 'cli' }]);
    } finally {
      await client.end();
    }
  });

  it('should refuse bad arguments and a short password with exit code 2', () => {
    const res = run(['--email', 'nope', '--role', 'boss', '--name', 'X'], 'short');
    expect(res.status).toBe(2);
    expect(res.stderr).toContain('email must be an email');
    expect(res.stderr).toContain('usage:');
  });
});

describe('npm run seed:demo', () => {
  const SEED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/src/demo/seed-demo.cli.js');
  let db: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('should create the synthetic breast and prostate clinics, their teams and 70 + 24 synthetic cases, once', async () => {
    const run = () =>
      spawnSync(process.execPath, [SEED], {
        env: { ...process.env, DATABASE_URL: db.url },
        encoding: 'utf8',
        timeout: 60000,
      });
    const first = run();
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('94 synthetic cases');
    expect(first.stderr).toContain('94/94 synthetic cases');
    const again = run();
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('already there');

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const counts = await client.query<{
        cases: number;
        synthetic: number;
        specialists: number;
        windows: number;
        referring: number;
      }>(
        `SELECT (SELECT count(*)::int FROM second_opinion_case) AS cases,
                (SELECT count(*)::int FROM patient WHERE synthetic) AS synthetic,
                (SELECT count(*)::int FROM specialist) AS specialists,
                (SELECT count(*)::int FROM specialist_availability) AS windows,
                (SELECT count(*)::int FROM diagnosis_assessment WHERE source = 'referring') AS referring`,
      );
      // 6 breast and 5 prostate specialists, each with 4 weekly windows in their clinic.
      expect(counts.rows[0]).toEqual({ cases: 94, synthetic: 94, specialists: 11, windows: 44, referring: 94 });
    } finally {
      await client.end();
    }
  });
});
