import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from 'otplib';
import request from 'supertest';
import { baseUrlOf, connectBoard } from './utils/board-fixtures.js';
import { addMember, createClinic, referralBody } from './utils/factories.js';
import { freePort, MAIN, startServer } from './utils/server-process.js';
import {
  auditRowsAfter,
  bearer,
  createTestApp,
  createUser,
  lastAuditId,
  login,
  TEST_PASSWORD,
  type TestApp,
  type TestUser,
  type Tokens,
} from './utils/test-app.js';
import { createTestDatabase } from './utils/test-database.js';
import { UsersService } from '../src/auth/users.service.js';

// Issue 15, accounts and authentication: each attack as the tester ran it, refused.

const now = (): number => Math.floor(Date.now() / 1000);
/** The code of the next 30 s step: accepted (±1 step of drift), and never the one a test just used. */
const nextCode = (secret: string): Promise<string> => generate({ secret, epoch: now() + 30 });

/** A sign-in from `ip` (the first describe trusts X-Forwarded-For; elsewhere every request is 127.0.0.1). */
async function signIn(
  t: TestApp,
  body: Record<string, unknown>,
  ip = '203.0.113.5',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(t.http).post('/api/auth/login').set('X-Forwarded-For', ip).send(body);
  return { status: res.status, body: res.body as Record<string, unknown> };
}

describe('Sign-in throttling (item 5)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The defaults a deployment gets: 5 consecutive failures per account and address.
    t = await createTestApp({ TRUST_PROXY: 'true', LOGIN_ACCOUNT_LIMIT: '5', LOGIN_IP_LIMIT: '100' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('should never let a stranger lock an account: 11 wrong passwords from elsewhere, and the owner still signs in', async () => {
    const owner = await createUser(t, 'coordinator');
    const before = await lastAuditId(t);
    const stranger: number[] = [];
    for (let i = 0; i < 11; i++) {
      stranger.push((await signIn(t, { email: owner.email, password: `guess-number-${i}` }, '198.51.100.66')).status);
    }
    // The stranger's own address is slowed down after 5 failures...
    expect(stranger.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(stranger.slice(5).every((s) => s === 429)).toBe(true);
    // ...and even the right password from there waits: the delay is the address's, not a lock of the account.
    expect((await signIn(t, { email: owner.email, password: owner.password }, '198.51.100.66')).status).toBe(429);
    // The owner, from their own address, is not affected.
    const mine = await signIn(t, { email: owner.email, password: owner.password }, '203.0.113.10');
    expect(mine.status).toBe(200);
    // Every guess is in the owner's audit trail.
    const rows = await auditRowsAfter(t, before);
    expect(rows.filter((r) => r.reason === 'wrong_password' && r.entity_id === owner.id)).toHaveLength(5);
  });

  it('should never count successful sign-ins: a tenth browser tab still signs in', async () => {
    const coord = await createUser(t, 'coordinator');
    for (let i = 0; i < 15; i++) {
      expect((await signIn(t, { email: coord.email, password: coord.password }, '203.0.113.20')).status).toBe(200);
    }
    // Failures after successes start from zero.
    for (let i = 0; i < 4; i++) {
      expect((await signIn(t, { email: coord.email, password: 'not-it' }, '203.0.113.20')).status).toBe(401);
    }
    expect((await signIn(t, { email: coord.email, password: coord.password }, '203.0.113.20')).status).toBe(200);
  });

  it('should count attempts before the password is checked, so parallel guesses cannot slip past', async () => {
    const victim = await createUser(t, 'clinician');
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        signIn(t, { email: victim.email, password: `parallel-${i}` }, '198.51.100.77'),
      ),
    );
    expect(burst.filter((r) => r.status === 401).length).toBeLessThanOrEqual(5);
    expect(burst.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(7);
  });
});

describe('Accounts: passwords, set-password links, second factors, sessions, tokens', () => {
  let t: TestApp;
  let admin: TestUser;
  let adminTokens: Tokens;

  beforeAll(async () => {
    t = await createTestApp({ MAX_SESSIONS_PER_USER: '3', BREAK_GLASS_MAX_RENEWALS: '2' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    admin = await createUser(t, 'admin');
    adminTokens = await login(t, admin);
  });
  afterAll(async () => {
    await t.close();
  });

  async function invite(role: 'coordinator' | 'clinician' | 'admin', email: string) {
    const res = await request(t.http)
      .post('/api/users')
      .set(bearer(adminTokens))
      .send({ email, displayName: `New ${role}`, role });
    expect(res.status).toBe(201);
    return res.body as { id: string; setPasswordLink: { token: string; path: string; expiresAt: string } };
  }

  describe('item 8: an admin never chooses a password', () => {
    it('should refuse an admin-chosen password on create and on edit', async () => {
      const created = await request(t.http).post('/api/users').set(bearer(adminTokens)).send({
        email: 'chosen@example.org',
        displayName: 'Chosen',
        role: 'coordinator',
        password: 'admin-knows-this-one',
      });
      expect(created.status).toBe(400);
      expect(created.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
      const users = await t.dataSource.query<unknown[]>(`SELECT 1 FROM app_user WHERE email = 'chosen@example.org'`);
      expect(users).toHaveLength(0);

      const victim = await createUser(t, 'coordinator');
      const edit = await request(t.http)
        .patch(`/api/users/${victim.id}`)
        .set(bearer(adminTokens))
        .set('If-Match', '"1"')
        .send({ password: 'admin-knows-this-one' });
      expect(edit.status).toBe(400);
      expect(edit.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
      await expect(login(t, victim)).resolves.toBeDefined();
    });

    it('should give a new account a one-time, expiring set-password link, audited at high severity without the token', async () => {
      const before = await lastAuditId(t);
      const user = await invite('coordinator', 'invited@example.org');
      expect(user.setPasswordLink.path).toBe(`/#/set-password/${user.setPasswordLink.token}`);
      const hours = (Date.parse(user.setPasswordLink.expiresAt) - Date.now()) / 3_600_000;
      expect(hours).toBeGreaterThan(71.9);
      expect(hours).toBeLessThanOrEqual(72);
      // No password until the user sets one: nothing to sign in with.
      expect((await signIn(t, { email: 'invited@example.org', password: 'anything-at-all-here' })).status).toBe(401);

      const rows = await auditRowsAfter(t, before);
      expect(rows.filter((r) => r.action === 'user.create')).toEqual([
        expect.objectContaining({ severity: 'high', reason: 'set_password_link_issued', entity_id: user.id }),
      ]);
      expect(JSON.stringify(rows)).not.toContain(user.setPasswordLink.token);
      const stored = await t.dataSource.query<{ token_hash: string }[]>(
        `SELECT token_hash FROM set_password_token WHERE user_id = $1`,
        [user.id],
      );
      expect(stored).toHaveLength(1);
      expect(stored[0]?.token_hash).not.toContain(user.setPasswordLink.token);

      const set = await request(t.http)
        .post('/api/auth/set-password')
        .send({ token: user.setPasswordLink.token, password: 'a-freshly-chosen-passphrase' });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({ email: 'invited@example.org' });
      await expect(
        login(t, { email: 'invited@example.org', password: 'a-freshly-chosen-passphrase' }),
      ).resolves.toBeDefined();

      // Single use.
      const again = await request(t.http)
        .post('/api/auth/set-password')
        .send({ token: user.setPasswordLink.token, password: 'the-attacker-wants-in-now' });
      expect(again.status).toBe(400);
      expect(again.body.errors).toEqual([expect.objectContaining({ field: 'token' })]);
      await expect(
        login(t, { email: 'invited@example.org', password: 'a-freshly-chosen-passphrase' }),
      ).resolves.toBeDefined();
    });

    it('should refuse an expired link and one replaced by a newer link', async () => {
      const user = await invite('clinician', 'late@example.org');
      await t.dataSource.query(
        `UPDATE set_password_token SET expires_at = now() - interval '1 minute' WHERE user_id = $1`,
        [user.id],
      );
      const expired = await request(t.http)
        .post('/api/auth/set-password')
        .send({ token: user.setPasswordLink.token, password: 'a-freshly-chosen-passphrase' });
      expect(expired.status).toBe(400);
      expect(expired.body.errors).toEqual([expect.objectContaining({ field: 'token' })]);

      const first = await request(t.http).post(`/api/users/${user.id}/set-password-link`).set(bearer(adminTokens));
      const second = await request(t.http).post(`/api/users/${user.id}/set-password-link`).set(bearer(adminTokens));
      expect([first.status, second.status]).toEqual([201, 201]);
      const old = await request(t.http)
        .post('/api/auth/set-password')
        .send({ token: first.body.token, password: 'a-freshly-chosen-passphrase' });
      expect(old.status).toBe(400);
      const current = await request(t.http)
        .post('/api/auth/set-password')
        .send({ token: second.body.token, password: 'a-freshly-chosen-passphrase' });
      expect(current.status).toBe(200);
      // Only admins issue links.
      const coord = await login(t, await createUser(t, 'coordinator'));
      expect((await request(t.http).post(`/api/users/${user.id}/set-password-link`).set(bearer(coord))).status).toBe(
        403,
      );
    });
  });

  describe('item 11: password policy', () => {
    it.each([
      ['aaaaaaaaaaaa', /too easy to guess/],
      ['password1234', /too easy to guess/],
      ['weak.policy@example.org', /e-mail address/],
      ['shorty', /at least 12 characters/],
    ])('should refuse %j with a 400 naming password, and keep the link usable', async (password, message) => {
      const email = `weak-${Math.random().toString(36).slice(2)}@example.org`;
      const user = await invite('coordinator', email);
      // The e-mail case uses the account's own address as its password.
      const tried = password === 'weak.policy@example.org' ? email : password;
      const res = await request(t.http)
        .post('/api/auth/set-password')
        .send({ token: user.setPasswordLink.token, password: tried });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'password', messages: [expect.stringMatching(message)] }]);
      expect(JSON.stringify(res.body)).not.toContain(tried);
      const good = await request(t.http)
        .post('/api/auth/set-password')
        .send({ token: user.setPasswordLink.token, password: 'a-freshly-chosen-passphrase' });
      expect(good.status).toBe(200);
    });

    it('should apply the policy to the service path the CLI and test set-up use', async () => {
      await expect(
        t.app
          .get(UsersService)
          .createWithPassword(
            { email: 'cli-weak@example.org', displayName: 'Weak', role: 'clinician' },
            'password1234',
          ),
      ).rejects.toThrow(/Invalid request: password/);
    });
  });

  describe('self-service password change', () => {
    it('should change the password with the current one, apply the policy, and end every other session', async () => {
      const user = await createUser(t, 'clinician');
      const here = await login(t, user);
      const elsewhere = await login(t, user);
      const wrong = await request(t.http)
        .put('/api/users/me/password')
        .set(bearer(here))
        .send({ currentPassword: 'not-my-password', newPassword: 'a-new-and-long-passphrase' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'currentPassword' })]);
      const weak = await request(t.http)
        .put('/api/users/me/password')
        .set(bearer(here))
        .send({ currentPassword: TEST_PASSWORD, newPassword: 'password1234' });
      expect(weak.status).toBe(400);
      expect(weak.body.errors).toEqual([expect.objectContaining({ field: 'newPassword' })]);

      const before = await lastAuditId(t);
      const ok = await request(t.http)
        .put('/api/users/me/password')
        .set(bearer(here))
        .send({ currentPassword: TEST_PASSWORD, newPassword: 'a-new-and-long-passphrase' });
      expect(ok.status).toBe(204);
      expect(await auditRowsAfter(t, before)).toEqual([
        expect.objectContaining({ action: 'user.password_change', outcome: 'success', actor_id: user.id }),
      ]);
      expect((await request(t.http).get('/api/users/me').set(bearer(here))).status).toBe(200);
      expect((await request(t.http).get('/api/users/me').set(bearer(elsewhere))).status).toBe(401);
      expect((await signIn(t, { email: user.email, password: TEST_PASSWORD })).status).toBe(401);
      await expect(login(t, { email: user.email, password: 'a-new-and-long-passphrase' })).resolves.toBeDefined();
    });
  });

  describe('TOTP second factor', () => {
    it('should let an admin without one sign in only to enrol, refuse everything else, then lift the restriction', async () => {
      const fresh = await createUser(t, 'admin', { secondFactor: false });
      const res = await signIn(t, { email: fresh.email, password: fresh.password });
      expect(res.status).toBe(200);
      expect(res.body.secondFactorEnrolmentRequired).toBe(true);
      const tokens = res.body as unknown as Tokens;

      const before = await lastAuditId(t);
      const users = await request(t.http).get('/api/users').set(bearer(tokens));
      expect(users.status).toBe(403);
      expect(users.body).toMatchObject({ code: 'second_factor_enrolment_required' });
      expect(await auditRowsAfter(t, before)).toEqual([
        expect.objectContaining({
          action: 'user.list',
          outcome: 'denied',
          status_code: 403,
          reason: 'second_factor_enrolment_required',
          actor_id: fresh.id,
        }),
      ]);
      expect((await request(t.http).post('/api/clinics').set(bearer(tokens)).send({})).status).toBe(403);
      // The board socket does not take a restricted session at all.
      await expect(connectBoard(baseUrlOf(t.http), tokens.accessToken)).rejects.toBeDefined();
      expect((await request(t.http).get('/api/users/me').set(bearer(tokens))).status).toBe(200);

      const begun = await request(t.http).post('/api/users/me/totp').set(bearer(tokens));
      expect(begun.status).toBe(201);
      const { secret, otpauthUri } = begun.body as { secret: string; otpauthUri: string };
      expect(otpauthUri).toBe(
        `otpauth://totp/Consilium:${encodeURIComponent(fresh.email)}?secret=${secret}&issuer=Consilium`,
      );
      const stored = await t.dataSource.query<{ totp_pending_secret: string }[]>(
        `SELECT totp_pending_secret FROM app_user WHERE id = $1`,
        [fresh.id],
      );
      expect(stored[0]?.totp_pending_secret).not.toContain(secret);

      const wrong = await request(t.http)
        .post('/api/users/me/totp/confirm')
        .set(bearer(tokens))
        .send({ code: '000000' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'code' })]);
      const confirmAudit = await lastAuditId(t);
      const confirmed = await request(t.http)
        .post('/api/users/me/totp/confirm')
        .set(bearer(tokens))
        .send({ code: await generate({ secret }) });
      expect(confirmed.status).toBe(204);
      expect(await auditRowsAfter(t, confirmAudit)).toEqual([
        expect.objectContaining({ action: 'user.totp.confirm', severity: 'high', reason: 'second_factor_enabled' }),
      ]);
      // The same session now reaches admin routes.
      expect((await request(t.http).get('/api/users').set(bearer(tokens))).status).toBe(200);
      expect((await request(t.http).get('/api/users/me').set(bearer(tokens))).body).toMatchObject({
        totpEnabled: true,
      });

      // From now on the password alone is not enough.
      const bare = await signIn(t, { email: fresh.email, password: fresh.password });
      expect(bare.status).toBe(401);
      expect(bare.body).toMatchObject({ code: 'second_factor_required' });
      const bad = await signIn(t, { email: fresh.email, password: fresh.password, totp: '123456' });
      expect(bad.status).toBe(401);
      const code = await nextCode(secret);
      const good = await signIn(t, { email: fresh.email, password: fresh.password, totp: code });
      expect(good.status).toBe(200);
      expect(good.body.secondFactorEnrolmentRequired).toBeUndefined();
      // A code is accepted once.
      const replay = await signIn(t, { email: fresh.email, password: fresh.password, totp: code });
      expect(replay.status).toBe(401);
      expect(replay.body).toMatchObject({ code: 'second_factor_invalid' });
    });

    it('should let any user enrol, and then require the code at sign-in', async () => {
      const clinician = await createUser(t, 'clinician');
      const tokens = await login(t, clinician);
      const { secret } = (await request(t.http).post('/api/users/me/totp').set(bearer(tokens))).body as {
        secret: string;
      };
      expect(
        (
          await request(t.http)
            .post('/api/users/me/totp/confirm')
            .set(bearer(tokens))
            .send({ code: await generate({ secret }) })
        ).status,
      ).toBe(204);
      expect((await signIn(t, { email: clinician.email, password: clinician.password })).status).toBe(401);
      expect(
        (await signIn(t, { email: clinician.email, password: clinician.password, totp: await nextCode(secret) }))
          .status,
      ).toBe(200);
    });

    it('should throttle wrong codes for an account whose password is right', async () => {
      const target = await createUser(t, 'admin');
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        statuses.push((await signIn(t, { email: target.email, password: target.password, totp: '000000' })).status);
      }
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses.slice(5)).toEqual([429, 429]);
    });

    it('should let an admin reset a lost second factor, at high severity, and the user enrols again', async () => {
      const other = await createUser(t, 'admin');
      const before = await lastAuditId(t);
      const reset = await request(t.http).delete(`/api/users/${other.id}/totp`).set(bearer(adminTokens));
      expect(reset.status).toBe(200);
      expect(reset.body.totpEnabled).toBe(false);
      expect(await auditRowsAfter(t, before)).toEqual([
        expect.objectContaining({ action: 'user.totp.reset', severity: 'high', entity_id: other.id }),
      ]);
      const res = await signIn(t, { email: other.email, password: other.password });
      expect(res.body.secondFactorEnrolmentRequired).toBe(true);
    });
  });

  describe('item 7 (accounts): grants of access are high-severity audit rows', () => {
    it('should audit a role change and a clinic membership at high severity, and end the re-roled user’s sessions', async () => {
      const user = await createUser(t, 'clinician');
      const tokens = await login(t, user);
      const before = await lastAuditId(t);
      const patch = await request(t.http)
        .patch(`/api/users/${user.id}`)
        .set(bearer(adminTokens))
        .set('If-Match', '"1"')
        .send({ role: 'coordinator' });
      expect(patch.status).toBe(200);
      const clinic = await createClinic(t, adminTokens);
      await addMember(t, adminTokens, clinic.id, user.id);
      const rows = await auditRowsAfter(t, before);
      expect(rows.find((r) => r.action === 'user.update')).toMatchObject({ severity: 'high', reason: 'role_changed' });
      expect(rows.find((r) => r.action === 'clinic.members.add')).toMatchObject({ severity: 'high' });
      expect((await request(t.http).get('/api/users/me').set(bearer(tokens))).status).toBe(401);
    });
  });

  describe('item 16: tokens, break-glass renewals, concurrent sessions', () => {
    it('should refuse a correctly signed token without exp, and one that lives longer than configured', async () => {
      const tokens = await login(t, await createUser(t, 'clinician'));
      const claims = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1] ?? '', 'base64url').toString()) as {
        sub: string;
        sid: string;
        role: string;
      };
      const jwt = t.app.get(JwtService);
      const forever = await jwt.signAsync({ sub: claims.sub, sid: claims.sid, role: claims.role });
      expect(JSON.parse(Buffer.from(forever.split('.')[1] ?? '', 'base64url').toString())).not.toHaveProperty('exp');
      const refusals = async (): Promise<number> =>
        Number(
          (
            await t.dataSource.query<{ n: string }[]>(
              `SELECT coalesce(sum(count), 0) AS n FROM audit_refusal_aggregate WHERE reason = 'invalid_token'`,
            )
          )[0]?.n ?? 0,
        );
      const before = await refusals();
      expect((await request(t.http).get('/api/users/me').set('Authorization', `Bearer ${forever}`)).status).toBe(401);
      const decade = await jwt.signAsync(
        { sub: claims.sub, sid: claims.sid, role: claims.role },
        { expiresIn: 315_360_000 },
      );
      expect((await request(t.http).get('/api/users/me').set('Authorization', `Bearer ${decade}`)).status).toBe(401);
      // Audited (anonymous refusals are counted per minute, address and reason).
      expect((await refusals()) - before).toBe(2);
      // The real token of the same session still works.
      expect((await request(t.http).get('/api/users/me').set(bearer(tokens))).status).toBe(200);
    });

    it('should bound concurrent sessions per user: the oldest is revoked', async () => {
      const user = await createUser(t, 'clinician');
      const sessions: Tokens[] = [];
      for (let i = 0; i < 4; i++) sessions.push(await login(t, user));
      const statuses = [];
      for (const s of sessions) statuses.push((await request(t.http).get('/api/users/me').set(bearer(s))).status);
      expect(statuses).toEqual([401, 200, 200, 200]);
      const revoked = await t.dataSource.query<{ revoked_reason: string }[]>(
        `SELECT revoked_reason FROM auth_session WHERE user_id = $1 AND revoked_at IS NOT NULL`,
        [user.id],
      );
      expect(revoked).toEqual([{ revoked_reason: 'session_limit' }]);
    });

    it('should bound break-glass renewals per admin and case per day, refusing at high severity', async () => {
      const clinic = await createClinic(t, adminTokens);
      const coordUser = await createUser(t, 'coordinator');
      await addMember(t, adminTokens, clinic.id, coordUser.id);
      const coord = await login(t, coordUser);
      const kase = await request(t.http).post('/api/cases').set(bearer(coord)).send(referralBody(clinic.id));
      expect(kase.status).toBe(201);
      const glass = () =>
        request(t.http)
          .post(`/api/cases/${kase.body.id}/break-glass`)
          .set(bearer(adminTokens))
          .send({ reason: 'Emergency admission; treating team unreachable at night', minutes: 5 });
      // BREAK_GLASS_MAX_RENEWALS=2: the first grant and two renewals.
      for (let i = 0; i < 3; i++) expect((await glass()).status).toBe(201);
      const before = await lastAuditId(t);
      const fourth = await glass();
      expect(fourth.status).toBe(429);
      expect(fourth.body).toMatchObject({ code: 'break_glass_renewals_exhausted' });
      expect(await auditRowsAfter(t, before)).toEqual([
        expect.objectContaining({ action: 'case.break_glass', outcome: 'failure', status_code: 429, severity: 'high' }),
      ]);
      const grants = await t.dataSource.query<unknown[]>(`SELECT 1 FROM break_glass_grant WHERE case_id = $1`, [
        kase.body.id,
      ]);
      expect(grants).toHaveLength(3);
    });
  });
});

describe('item 10: production never seeds the demo', () => {
  it('should start NODE_ENV=production on the embedded database without the demo logins', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'consilium-prod-'));
    await chmod(parent, 0o755); // as root, PostgreSQL runs as "postgres" and must enter it
    try {
      const server = await startServer(
        {
          NODE_ENV: 'production',
          DATABASE_URL: undefined,
          DEMO_DATA: 'true',
          DATA_DIR: path.join(parent, 'data'),
          EMBEDDED_PG_PORT: String(await freePort()),
          JWT_ACCESS_SECRET: 'production-test-secret-long-enough-for-hs256',
          ADMIN_EMAIL: undefined,
          ADMIN_PASSWORD: undefined,
          SHUTDOWN_GRACE_MS: '0',
        },
        90_000,
      );
      try {
        const demo = await fetch(`${server.baseUrl}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'admin@demo.consilium.dev', password: 'consilium-demo' }),
        });
        expect(demo.status).toBe(401);
        expect(server.output()).not.toContain('seeding');
      } finally {
        server.child.kill('SIGTERM');
      }
      expect(await server.exited).toBe(0);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  }, 120_000);

  it('should refuse to start in production on a database that holds the demo logins, or with demo credentials', async () => {
    const db = await createTestDatabase();
    try {
      const { spawnSync } = await import('node:child_process');
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await client.query(
        `INSERT INTO app_user (email, display_name, role, password_hash, active, version)
         VALUES ('admin@demo.consilium.dev', 'Demo Administrator', 'admin', '!', true, 1)`,
      );
      await client.end();
      const run = (env: Record<string, string | undefined>) =>
        spawnSync(process.execPath, [MAIN], {
          env: {
            ...process.env,
            NODE_ENV: 'production',
            DATABASE_URL: db.url,
            JWT_ACCESS_SECRET: 'production-test-secret-long-enough-for-hs256',
            PORT: '0',
            LOG_LEVEL: 'fatal',
            ...env,
          },
          encoding: 'utf8',
          timeout: 60_000,
        });
      const seeded = run({});
      expect(seeded.status).toBe(1);
      expect(seeded.stderr).toContain('the database holds the demo logins');
      const credentials = run({ ADMIN_EMAIL: 'chair@example.org', ADMIN_PASSWORD: 'consilium-demo' });
      expect(credentials.status).toBe(1);
      expect(credentials.stderr).toContain('ADMIN_PASSWORD must not be the public demo password');
    } finally {
      await db.drop();
    }
  }, 90_000);
});
