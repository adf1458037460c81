import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { connectBoard } from './utils/board-fixtures.js';
import { signInAdmin } from './utils/second-factor.js';
import { freePort, isListening, startServer } from './utils/server-process.js';

const ADMIN = { email: 'first.admin@example.org', password: 'a-long-admin-password' };

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

describe('npm start without DATABASE_URL (embedded PostgreSQL)', () => {
  let dataDir: string;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'consilium-start-'));
    await chmod(parent, 0o755); // as root, PostgreSQL runs as "postgres" and must enter it
    dataDir = path.join(parent, 'data');
    env = {
      DATABASE_URL: undefined,
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      JWT_ACCESS_SECRET: undefined,
      SHUTDOWN_GRACE_MS: '0',
    };
  });
  afterAll(async () => {
    await rm(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('should start a real PostgreSQL, migrate, serve, stop cleanly, and keep the data on restart', async () => {
    const first = await startServer(env, 90000);
    try {
      expect(first.output()).toContain(`data in ${path.join(dataDir, 'pg')}`);
      expect(first.output()).toContain('DATABASE_URL');
      // The first admin enrols a second factor at the first sign-in (admins must have one).
      const { accessToken } = await signInAdmin(first.baseUrl, ADMIN);
      const created = await fetch(`${first.baseUrl}/api/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ email: 'kept@example.org', displayName: 'Kept', role: 'coordinator' }),
      });
      expect(created.status).toBe(201);
      const { setPasswordLink } = (await json(created)) as { setPasswordLink: { token: string } };
      const set = await fetch(`${first.baseUrl}/api/auth/set-password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: setPasswordLink.token, password: 'a-lasting-harbour-passphrase' }),
      });
      expect(set.status).toBe(200);

      // The empty database got the synthetic demo clinic.
      const demo = await fetch(`${first.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'coordinator@demo.consilium.dev', password: 'consilium-demo' }),
      });
      expect(demo.status).toBe(200);
      const { accessToken: demoToken } = (await json(demo)) as { accessToken: string };
      const cases = await fetch(`${first.baseUrl}/api/cases?limit=100`, {
        headers: { authorization: `Bearer ${demoToken}` },
      });
      const page = (await json(cases)) as { items: { synthetic: boolean; status: string }[] };
      // Garcia et al.'s 70 breast cases and the prostate clinic's 24 (the demo coordinator belongs to both).
      expect(page.items).toHaveLength(94);
      // Every demo case has had its second look.
      expect(page.items.every((c) => c.synthetic && c.status === 'in_review')).toBe(true);
      // The live report, computed by the engine from the seeded assessments, reproduces the series.
      const clinics = (await json(
        await fetch(`${first.baseUrl}/api/clinics`, { headers: { authorization: `Bearer ${demoToken}` } }),
      )) as { items: { id: string; name: string }[] };
      const clinicId = clinics.items.find((c) => c.name.startsWith('Breast') && c.name.includes('(demo)'))!.id;
      const prostateId = clinics.items.find((c) => c.name.startsWith('Prostate') && c.name.includes('(demo)'))!.id;
      const report = (await json(
        await fetch(`${first.baseUrl}/api/reports/concordance?clinicId=${clinicId}&from=2000-01-01&to=2100-01-01`, {
          headers: { authorization: `Bearer ${demoToken}` },
        }),
      )) as Record<string, { n: number; pct: number }> & { casesReviewed: number };
      expect(report.casesReviewed).toBe(70);
      expect(report.changed).toEqual({ n: 30, pct: 42.9 });
      expect(report.additionalCancers).toEqual({ n: 16, pct: 22.9 });
      expect(report.pathologyReinterpretation).toEqual({ n: 14, pct: 20 });
      // The second demo clinic is another cancer type with its own cases and figures.
      const prostate = (await json(
        await fetch(`${first.baseUrl}/api/reports/concordance?clinicId=${prostateId}&from=2000-01-01&to=2100-01-01`, {
          headers: { authorization: `Bearer ${demoToken}` },
        }),
      )) as Record<string, { n: number; pct: number }> & { casesReviewed: number };
      expect(prostate.casesReviewed).toBe(24);
      expect(prostate.changed.n).toBeGreaterThan(0);
    } finally {
      first.child.kill('SIGTERM');
    }
    expect(await first.exited).toBe(0);
    // The embedded PostgreSQL stopped with the app.
    await expect(isListening(Number(env.EMBEDDED_PG_PORT))).resolves.toBe(false);

    // Ctrl+C in a terminal: SIGINT reaches the whole foreground process group.
    const second = await startServer(
      { ...env, SHUTDOWN_GRACE_MS: '1000', LOGIN_IP_LIMIT: '100000', LOGIN_ACCOUNT_LIMIT: '100000' },
      90000,
      { ownProcessGroup: true },
    );
    let board: Socket | undefined;
    try {
      expect(second.output()).toContain('database schema is up to date');
      const login = await fetch(`${second.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'kept@example.org', password: 'a-lasting-harbour-passphrase' }),
      });
      expect(login.status).toBe(200);
      // A live board client (the socket.io adapter holds database connections for it)...
      board = await connectBoard(second.baseUrl, ((await json(login)) as { accessToken: string }).accessToken);
    } catch (error) {
      process.kill(-second.child.pid!, 'SIGKILL');
      throw error;
    }
    // ...and requests in flight when the key is pressed: logins hash with argon2, so a burst is still queued.
    const burst = Array.from({ length: 12 }, () =>
      fetch(`${second.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ email: 'kept@example.org', password: 'a-lasting-harbour-passphrase' }),
      }).then(
        (r) => r.status,
        (e: unknown) => `failed: ${String(e)}`,
      ),
    );
    await new Promise((r) => setTimeout(r, 100));
    const interruptedAt = Date.now();
    process.kill(-second.child.pid!, 'SIGINT');
    const code = await second.exited;
    const took = Date.now() - interruptedAt;
    board.close();
    // The embedded PostgreSQL is outside the terminal's process group, so it still
    // answers while the app drains: every request in flight is finished.
    expect(await Promise.all(burst)).toEqual(Array(12).fill(200));
    expect(code).toBe(0);
    expect(second.output()).toContain('stopped cleanly');
    expect(second.output()).not.toMatch(/cannot listen|ECONNREFUSED|shutdown took longer/);
    // Within 3 s (the 1 s drain included), not by the 15 s shutdown timeout.
    expect(took).toBeLessThan(3000);
    // No PostgreSQL is left: nothing listens, no server process holds the data folder.
    await expect(isListening(Number(env.EMBEDDED_PG_PORT))).resolves.toBe(false);
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    expect(processesUsing(path.join(dataDir, 'pg'))).toEqual([]);
  });

  it('should take over a PostgreSQL left running by an app that was killed, and stop it', async () => {
    const killed = await startServer(env, 90000, { ownProcessGroup: true });
    // SIGKILL to the app alone: it cannot stop its database.
    killed.child.kill('SIGKILL');
    await killed.exited;
    await expect(isListening(Number(env.EMBEDDED_PG_PORT))).resolves.toBe(true);

    const next = await startServer(env, 90000);
    try {
      expect(next.output()).toContain('Took over the PostgreSQL left running');
    } finally {
      next.child.kill('SIGTERM');
    }
    expect(await next.exited).toBe(0);
    await expect(isListening(Number(env.EMBEDDED_PG_PORT))).resolves.toBe(false);
    expect(processesUsing(path.join(dataDir, 'pg'))).toEqual([]);
  });

  it('should refuse to share its data folder with a running app, and say how to reach its database', async () => {
    const first = await startServer(env, 90000);
    try {
      const { spawnSync } = await import('node:child_process');
      const { MAIN } = await import('./utils/server-process.js');
      const run = spawnSync(process.execPath, [MAIN], {
        env: { ...process.env, ...env, DATABASE_URL: undefined, PORT: String(await freePort()) },
        encoding: 'utf8',
        timeout: 60000,
      });
      expect(run.status).toBe(1);
      expect(`${run.stdout}${run.stderr}`).toContain(`in use by another Consilium process (pid ${first.child.pid})`);
      expect(`${run.stdout}${run.stderr}`).toContain(`DATABASE_URL=postgres://postgres:`);
      // The first one is undisturbed.
      expect((await fetch(`${first.baseUrl}/api/health`)).status).toBe(200);
    } finally {
      first.child.kill('SIGTERM');
    }
    expect(await first.exited).toBe(0);
  });
});

/** Pids of PostgreSQL processes whose command line names `dataDir`. */
function processesUsing(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmdline[0]?.endsWith('/postgres') && cmdline.includes(dataDir)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe('npm start with a bad configuration', () => {
  it('should stop at once with one line naming the variable and what it expects', async () => {
    const { spawnSync } = await import('node:child_process');
    const { MAIN } = await import('./utils/server-process.js');
    const run = spawnSync(process.execPath, [MAIN], {
      env: { ...process.env, PORT: 'eighty', DATABASE_URL: undefined },
      encoding: 'utf8',
      timeout: 30000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('Invalid configuration: PORT must be an integer from 0 to 65535 (got "eighty")');
  });
});
