import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import {
  anonymousRefusals,
  auditRowsAfter,
  bearer,
  createTestApp,
  createUser,
  lastAuditId,
  login,
  type TestApp,
  type TestUser,
} from './utils/test-app.js';

describe('Authentication and authorization', () => {
  let t: TestApp;
  let admin: TestUser;
  let clinician: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUser(t, 'admin');
    clinician = await createUser(t, 'clinician');
  });
  afterAll(async () => {
    await t.close();
  });

  it('should log in with the right password and audit the success', async () => {
    const before = await lastAuditId(t);
    const res = await request(t.http)
      .post('/api/auth/login')
      .send({ email: clinician.email, password: clinician.password });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(res.body.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const rows = await auditRowsAfter(t, before);
    expect(rows).toEqual([
      expect.objectContaining({ action: 'auth.login', outcome: 'success', actor_id: clinician.id, status_code: 200 }),
    ]);
  });

  it('should accept the email in any case', async () => {
    await expect(
      login(t, { email: clinician.email.toUpperCase(), password: clinician.password }),
    ).resolves.toBeDefined();
  });

  it('should refuse a wrong password and an unknown account alike, and audit both', async () => {
    const before = await lastAuditId(t);
    const unknownBefore = await anonymousRefusals(t, { action: 'auth.login', reason: 'unknown_account' });
    const wrong = await request(t.http)
      .post('/api/auth/login')
      .send({ email: clinician.email, password: 'not-the-password' });
    const unknown = await request(t.http)
      .post('/api/auth/login')
      .send({ email: 'nobody@example.org', password: 'whatever-it-is' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    const rows = await auditRowsAfter(t, before);
    expect(rows.map((r) => [r.action, r.outcome, r.reason])).toEqual([['auth.login', 'failure', 'wrong_password']]);
    expect(rows[0]?.entity_id).toBe(clinician.id);
    // An attempt on no account names no one: it is counted in the anonymous aggregate.
    await expect(anonymousRefusals(t, { action: 'auth.login', reason: 'unknown_account' })).resolves.toBe(
      unknownBefore + 1,
    );
  });

  it('should answer 401 without a token and audit the denial (counted: it names no one)', async () => {
    const before = await lastAuditId(t);
    const counted = await anonymousRefusals(t, { action: 'user.read_self', reason: 'missing_token', statusCode: 401 });
    const res = await request(t.http).get('/api/users/me');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    await expect(
      anonymousRefusals(t, { action: 'user.read_self', reason: 'missing_token', statusCode: 401 }),
    ).resolves.toBe(counted + 1);
    const [latest] = await t.dataSource.query<{ last_request_id: string; route: string }[]>(
      `SELECT last_request_id, route FROM audit_refusal_aggregate WHERE action = 'user.read_self' ORDER BY last_at DESC LIMIT 1`,
    );
    expect(latest).toEqual({ last_request_id: res.headers['x-request-id'], route: 'GET /api/users/me' });
    await expect(auditRowsAfter(t, before)).resolves.toEqual([]);
  });

  it('should answer 401 for a forged or malformed token', async () => {
    const tokens = await login(t, clinician);
    const [head, body] = tokens.accessToken.split('.');
    const forged = `${head}.${body}.${'A'.repeat(43)}`;
    const before = await lastAuditId(t);
    const counted = await anonymousRefusals(t, { action: 'user.read_self', statusCode: 401 });
    for (const token of [forged, 'not-a-jwt', '']) {
      const res = await request(t.http).get('/api/users/me').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
    }
    // Each denial counted once in the anonymous aggregate, none appended one by one.
    await expect(anonymousRefusals(t, { action: 'user.read_self', statusCode: 401 })).resolves.toBe(counted + 3);
    await expect(auditRowsAfter(t, before)).resolves.toEqual([]);
  });

  it('should answer 403 for the wrong role and audit the denial', async () => {
    const tokens = await login(t, clinician);
    const before = await lastAuditId(t);
    const res = await request(t.http).get('/api/users').set(bearer(tokens));
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const rows = await auditRowsAfter(t, before);
    expect(rows).toEqual([
      expect.objectContaining({ action: 'user.list', outcome: 'denied', status_code: 403, actor_id: clinician.id }),
    ]);
  });

  it('should return the caller from GET /api/users/me with an ETag', async () => {
    const tokens = await login(t, admin);
    const res = await request(t.http).get('/api/users/me').set(bearer(tokens));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: admin.id, email: admin.email, role: 'admin', active: true });
    expect(res.body).not.toHaveProperty('passwordHash');
    expect(res.headers.etag).toBe(`"${res.body.version}"`);
  });

  it('should rotate refresh tokens: each works once', async () => {
    const first = await login(t, clinician);
    const res = await request(t.http).post('/api/auth/refresh').send({ refreshToken: first.refreshToken });
    expect(res.status).toBe(200);
    expect(res.body.refreshToken).not.toBe(first.refreshToken);
    const me = await request(t.http).get('/api/users/me').set(bearer(res.body));
    expect(me.status).toBe(200);
  });

  it('should revoke the whole family when a rotated refresh token is reused', async () => {
    const first = await login(t, clinician);
    const second = (await request(t.http).post('/api/auth/refresh').send({ refreshToken: first.refreshToken })).body;
    const before = await lastAuditId(t);

    const reuse = await request(t.http).post('/api/auth/refresh').send({ refreshToken: first.refreshToken });
    expect(reuse.status).toBe(401);
    // The legitimate holder's newer tokens die with the family.
    const newer = await request(t.http).post('/api/auth/refresh').send({ refreshToken: second.refreshToken });
    expect(newer.status).toBe(401);
    const me = await request(t.http).get('/api/users/me').set(bearer(second));
    expect(me.status).toBe(401);

    const rows = await auditRowsAfter(t, before);
    expect(rows[0]).toMatchObject({
      action: 'auth.refresh',
      outcome: 'denied',
      reason: 'reuse_detected',
      actor_id: clinician.id,
    });
    expect(rows[1]).toMatchObject({ action: 'auth.refresh', outcome: 'denied', reason: 'revoked' });
  });

  it('should refuse an unknown or malformed refresh token with 401 or 400', async () => {
    const unknown = await request(t.http)
      .post('/api/auth/refresh')
      .send({ refreshToken: 'x'.repeat(43) });
    expect(unknown.status).toBe(401);
    const malformed = await request(t.http).post('/api/auth/refresh').send({ refreshToken: 'short' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ field: 'refreshToken' })]);
  });

  it('should end the session on logout: access and refresh tokens stop working', async () => {
    const tokens = await login(t, clinician);
    const out = await request(t.http).post('/api/auth/logout').set(bearer(tokens));
    expect(out.status).toBe(204);
    expect((await request(t.http).get('/api/users/me').set(bearer(tokens))).status).toBe(401);
    expect((await request(t.http).post('/api/auth/refresh').send({ refreshToken: tokens.refreshToken })).status).toBe(
      401,
    );
  });

  it('should refuse a refresh after the idle limit and after the absolute limit', async () => {
    const idle = await login(t, clinician);
    await t.dataSource.query(
      `UPDATE auth_session SET last_used_at = now() - interval '2 hours'
        WHERE id = (SELECT session_id FROM refresh_token WHERE token_hash = encode(sha256($1::bytea), 'hex'))`,
      [idle.refreshToken],
    );
    const idleRes = await request(t.http).post('/api/auth/refresh').send({ refreshToken: idle.refreshToken });
    expect(idleRes.status).toBe(401);

    const old = await login(t, clinician);
    await t.dataSource.query(
      `UPDATE auth_session SET expires_at = now() - interval '1 second'
        WHERE id = (SELECT session_id FROM refresh_token WHERE token_hash = encode(sha256($1::bytea), 'hex'))`,
      [old.refreshToken],
    );
    expect((await request(t.http).post('/api/auth/refresh').send({ refreshToken: old.refreshToken })).status).toBe(401);
    // The absolute limit also ends the access token at once.
    expect((await request(t.http).get('/api/users/me').set(bearer(old))).status).toBe(401);
  });

  it('should revoke every token of a user who is disabled', async () => {
    const victim = await createUser(t, 'coordinator');
    const victimTokens = await login(t, victim);
    const adminTokens = await login(t, admin);
    const current = await request(t.http).get(`/api/users/${victim.id}`).set(bearer(adminTokens));
    const res = await request(t.http)
      .patch(`/api/users/${victim.id}`)
      .set(bearer(adminTokens))
      .set('If-Match', current.headers.etag)
      .send({ active: false });
    expect(res.status).toBe(200);
    expect(res.body.active).toBe(false);
    expect((await request(t.http).get('/api/users/me').set(bearer(victimTokens))).status).toBe(401);
    expect(
      (await request(t.http).post('/api/auth/refresh').send({ refreshToken: victimTokens.refreshToken })).status,
    ).toBe(401);
    const again = await request(t.http)
      .post('/api/auth/login')
      .send({ email: victim.email, password: victim.password });
    expect(again.status).toBe(401);
  });

  it('should refuse an access token after its lifetime, though its session is live', async () => {
    const tokens = await login(t, clinician);
    const claims = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1] ?? '', 'base64url').toString()) as {
      sub: string;
      sid: string;
      role: string;
      iat: number;
      exp: number;
    };
    expect(claims.exp - claims.iat).toBe(900);
    const now = Math.floor(Date.now() / 1000);
    const expired = await t.app
      .get(JwtService)
      .signAsync({ sub: claims.sub, sid: claims.sid, role: claims.role, iat: now - 1000, exp: now - 100 });
    const res = await request(t.http).get('/api/users/me').set('Authorization', `Bearer ${expired}`);
    expect(res.status).toBe(401);
    // The same session still works with an unexpired token.
    expect((await request(t.http).get('/api/users/me').set(bearer(tokens))).status).toBe(200);
  });
});

describe('Login rate limiting', () => {
  it('should answer the 11th failed login within a minute from one IP with 429 and Retry-After', async () => {
    const t = await createTestApp({ LOGIN_IP_LIMIT: '10', LOGIN_IP_WINDOW_SECONDS: '60' });
    try {
      const before = await lastAuditId(t);
      for (let i = 0; i < 10; i++) {
        const res = await request(t.http)
          .post('/api/auth/login')
          .send({ email: `someone-${i}@example.org`, password: 'wrong-password' });
        expect(res.status).toBe(401);
      }
      const eleventh = await request(t.http)
        .post('/api/auth/login')
        .send({ email: 'someone-else@example.org', password: 'wrong-password' });
      expect(eleventh.status).toBe(429);
      expect(Number(eleventh.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(eleventh.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(eleventh.headers['content-type']).toContain('application/problem+json');
      // A refusal that names no account is counted in the anonymous aggregate.
      void before;
      const counted = await t.dataSource.query<{ count: number }[]>(
        `SELECT count FROM audit_refusal_aggregate WHERE action = 'auth.login' AND status_code = 429 AND reason = 'rate_limited_ip'`,
      );
      expect(counted).toEqual([{ count: 1 }]);
    } finally {
      await t.close();
    }
  });

  it('should delay one account from one address after consecutive failures, doubling, and forget them on success', async () => {
    const t = await createTestApp({
      LOGIN_ACCOUNT_LIMIT: '3',
      LOGIN_BLOCK_BASE_SECONDS: '60',
      LOGIN_BLOCK_MAX_SECONDS: '3600',
      TRUST_PROXY: 'true',
    });
    try {
      const user = await createUser(t, 'clinician');
      const attempt = (password: string) =>
        request(t.http)
          .post('/api/auth/login')
          .set('X-Forwarded-For', '203.0.113.7')
          .send({ email: user.email, password });
      for (let i = 0; i < 3; i++) expect((await attempt('wrong-password')).status).toBe(401);
      const fourth = await attempt(user.password);
      expect(fourth.status).toBe(429);
      expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(50);
      expect(Number(fourth.headers['retry-after'])).toBeLessThanOrEqual(60);
      // The block passes; one more failure doubles the delay.
      await t.dataSource.query(`UPDATE rate_limit SET blocked_until = now() - interval '1 second'`);
      expect((await attempt('wrong-password')).status).toBe(401);
      const doubled = await attempt(user.password);
      expect(doubled.status).toBe(429);
      expect(Number(doubled.headers['retry-after'])).toBeGreaterThan(110);
      // A success after the block ends the run: the next failure is not delayed.
      await t.dataSource.query(`UPDATE rate_limit SET blocked_until = now() - interval '1 second'`);
      expect((await attempt(user.password)).status).toBe(200);
      expect((await attempt('wrong-password')).status).toBe(401);
      expect((await attempt(user.password)).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
