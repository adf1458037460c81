/**
 * What `npm start` prints once it is up: the app's address, its API docs,
 * the database to point a SQL client at (the embedded server's connection
 * string really connects), the demo logins when the demo is loaded — and
 * not Nest's per-route start-up lines.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, startServer, stopServer, type ServerProcess } from './utils/server-process.js';
import { createTestDatabase, testServer, withAdmin } from './utils/test-database.js';

/** The banner block printed after start, as lines (from "Consilium is ready" to "Ctrl+C stops it."). */
function banner(output: string): string[] {
  const lines = output.split('\n');
  const from = lines.findIndex((l) => l.trim() === 'Consilium is ready');
  const to = lines.findIndex((l) => l.trim() === 'Ctrl+C stops it.');
  return from === -1 || to < from ? [] : lines.slice(from, to + 1);
}

/** The value printed after a label ("  App          http://…"). */
function field(lines: string[], label: string): string | undefined {
  return lines
    .find((l) => l.startsWith(`  ${label} `))
    ?.slice(2 + label.length)
    .trim();
}

const stop = stopServer;

/** The banner is written right after listen: wait for it rather than for health. */
async function untilPrinted(server: ServerProcess): Promise<string[]> {
  for (let i = 0; i < 50 && banner(server.output()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  return banner(server.output());
}

describe('the start-up banner', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('should show the app, its API docs, an embedded database string that connects, and the demo logins', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'consilium-banner-'));
    await chmod(parent, 0o755); // as root, PostgreSQL runs as "postgres" and must enter it
    cleanup.push(() => rm(parent, { recursive: true, force: true }));
    const pgPort = await freePort();
    const server = await startServer(
      {
        DATABASE_URL: undefined,
        NODE_ENV: 'development',
        LOG_FORMAT: undefined,
        LOG_LEVEL: 'info',
        DATA_DIR: path.join(parent, 'data'),
        EMBEDDED_PG_PORT: String(pgPort),
        SHUTDOWN_GRACE_MS: '0',
      },
      120_000,
    );
    try {
      const lines = await untilPrinted(server);
      expect(lines.length).toBeGreaterThan(0);
      const app = field(lines, 'App');
      expect(app).toBe(`${server.baseUrl}/`);
      expect((await fetch(app!)).status).toBe(200);
      const docs = field(lines, 'API docs');
      expect(docs).toBe(`${app}api/docs`);
      expect((await fetch(docs!)).status).toBe(200);

      const database = field(lines, 'Database');
      expect(database).toBe(`postgres://postgres:consilium-embedded@127.0.0.1:${pgPort}/consilium`);
      const client = new pg.Client({ connectionString: database });
      await client.connect();
      try {
        const { rows } = await client.query<{ one: number; db: string }>('SELECT 1 AS one, current_database() AS db');
        expect(rows[0]).toEqual({ one: 1, db: 'consilium' });
      } finally {
        await client.end();
      }

      // The demo was loaded into the empty database: its logins are shown, and they work.
      const demo = lines.findIndex((l) => l.includes('Demo logins, password consilium-demo'));
      expect(demo).toBeGreaterThan(0);
      expect(lines.some((l) => /^ {4}admin@demo\.consilium\.dev +admin/.test(l))).toBe(true);
      expect(lines.some((l) => /^ {4}coordinator@demo\.consilium\.dev +coordinator/.test(l))).toBe(true);
      expect(lines.find((l) => l.includes('clinicians:'))).toContain('medonc@');
      const login = await fetch(`${app}api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'coordinator@demo.consilium.dev', password: 'consilium-demo' }),
      });
      expect(login.status).toBe(200);

      // A newcomer's terminal: readable lines, and none of Nest's per-module and per-route lines.
      const output = server.output();
      expect(output).not.toContain('Mapped {');
      expect(output).not.toContain('dependencies initialized');
      expect(output).not.toMatch(/^\{"level"/m);
      const logLines = output
        .slice(0, output.indexOf('Consilium is ready'))
        .split('\n')
        .filter((l) => /^\[\d\d:\d\d:\d\d\.\d{3}\] [A-Z]+:/.test(l));
      expect(logLines.length).toBeGreaterThan(2);
      expect(logLines.length).toBeLessThan(10);
    } finally {
      await stop(server);
    }
  });

  it('should show no demo logins without the demo, and no database password', async () => {
    const db = await createTestDatabase();
    cleanup.push(db.drop);
    // A login of its own whose password the banner must not show (the test server's own user
    // may have none, under trust authentication).
    const role = `banner_${randomBytes(4).toString('hex')}`;
    await withAdmin(testServer().adminUrl, (c) =>
      c.query(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD 'not-shown-password'`),
    );
    cleanup.push(() =>
      withAdmin(testServer().adminUrl, (c) => c.query(`DROP ROLE IF EXISTS ${role}`)).then(() => undefined),
    );
    const url = new URL(db.url);
    url.username = role;
    url.password = 'not-shown-password';
    const server = await startServer({
      DATABASE_URL: url.toString(),
      NODE_ENV: 'development',
      LOG_FORMAT: undefined,
      SHUTDOWN_GRACE_MS: '0',
    });
    try {
      const lines = await untilPrinted(server);
      expect(lines.length).toBeGreaterThan(0);
      expect(field(lines, 'Database')).toContain('(DATABASE_URL)');
      expect(server.output()).not.toContain('not-shown-password');
      expect(lines.join('\n')).not.toContain('Demo logins');
    } finally {
      await stop(server);
    }
  });

  it('should keep production logs JSON: the same facts as one entry, never demo logins', async () => {
    const db = await createTestDatabase();
    cleanup.push(db.drop);
    const server = await startServer({
      DATABASE_URL: db.url,
      NODE_ENV: 'production',
      LOG_FORMAT: undefined,
      JWT_ACCESS_SECRET: 'a-production-secret-that-is-long-enough',
      SHUTDOWN_GRACE_MS: '0',
    });
    try {
      let ready: Record<string, unknown> | undefined;
      for (let i = 0; i < 50 && ready === undefined; i++) {
        ready = server
          .output()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .find((e) => e.msg === 'Consilium is ready');
        if (ready === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready).toMatchObject({ url: `${server.baseUrl}/`, docs: `${server.baseUrl}/api/docs` });
      const lines = server
        .output()
        .split('\n')
        .filter((l) => l.trim() !== '');
      for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
      expect(server.output()).not.toContain('Demo logins');
    } finally {
      await stop(server);
    }
  });
});
