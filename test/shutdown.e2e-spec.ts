import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { signInAdmin } from './utils/second-factor.js';
import { createTestDatabase } from './utils/test-database.js';
import { startServer } from './utils/server-process.js';

const ADMIN = { email: 'admin@example.org', password: 'a-long-shutdown-passphrase' };

function post(url: string, body: unknown): Promise<{ status: number; at: number }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    // One connection per request: each is a separate in-flight request.
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, at: Date.now() }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe('Graceful shutdown', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('should finish every in-flight request on SIGTERM and exit 0', async () => {
    const server = await startServer({
      DATABASE_URL: db.url,
      JWT_ACCESS_SECRET: 'shutdown-test-secret-long-enough-for-hs256',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOGIN_IP_LIMIT: '100000',
      LOGIN_ACCOUNT_LIMIT: '100000',
      LOG_LEVEL: 'info',
    });
    // Logins hash with argon2 (tens of ms each on 2 cores), so a burst is still
    // being worked through when the signal arrives.
    const burst = Array.from({ length: 24 }, () => post(`${server.baseUrl}/api/auth/login`, ADMIN));
    await new Promise((r) => setTimeout(r, 150));
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    // Draining: the load balancer is told to stop sending traffic.
    const health = await fetch(`${server.baseUrl}/api/health`);
    expect(health.status).toBe(503);
    const results = await Promise.all(burst);
    const code = await server.exited;

    expect(results.map((r) => r.status)).toEqual(Array(24).fill(200));
    // The burst really was in flight at the signal.
    expect(results.filter((r) => r.at > signalledAt).length).toBeGreaterThan(0);
    expect(code).toBe(0);
    expect(server.output()).toContain('stopped cleanly');
  });

  it('should cut a socket client that stopped answering after the drain period, and exit 0 without the timeout', async () => {
    const graceMs = 500;
    const server = await startServer({
      DATABASE_URL: db.url,
      JWT_ACCESS_SECRET: 'shutdown-test-secret-long-enough-for-hs256',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SHUTDOWN_GRACE_MS: String(graceMs),
      SHUTDOWN_TIMEOUT_MS: '15000',
    });
    const { accessToken } = await signInAdmin(server.baseUrl, ADMIN);
    // A board client in a process of its own, which is then frozen (SIGSTOP): its TCP
    // connection stays open but it answers nothing, not even the close handshake.
    const client = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { io } from 'socket.io-client';
         const s = io(process.env.URL + '/board', { auth: { token: process.env.TOKEN }, transports: ['websocket'], reconnection: false });
         s.on('connect', () => console.log('connected'));
         s.on('connect_error', (e) => { console.log('refused ' + e.message); process.exit(1); });`,
      ],
      {
        cwd: process.cwd(),
        env: { ...process.env, URL: server.baseUrl, TOKEN: accessToken },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        client.stdout.on('data', (d: Buffer) =>
          d.toString().includes('connected') ? resolve() : reject(new Error(d.toString())),
        );
        client.once('exit', () => reject(new Error('the socket client exited')));
      });
      client.kill('SIGSTOP');
      const signalledAt = Date.now();
      server.child.kill('SIGTERM');
      const code = await server.exited;
      const took = Date.now() - signalledAt;
      expect(code).toBe(0);
      expect(server.output()).toContain('stopped cleanly');
      expect(server.output()).not.toContain('shutdown took longer');
      // The drain period, then the cut: seconds, not the 15 s timeout.
      expect(took).toBeLessThan(graceMs + 3000);
    } finally {
      client.kill('SIGKILL');
    }
  });
});
