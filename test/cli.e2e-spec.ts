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
