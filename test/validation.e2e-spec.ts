import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';

const PROBLEM = 'application/problem+json';

describe('Bad input', () => {
  let t: TestApp;
  let adminTokens: Tokens;

  beforeAll(async () => {
    t = await createTestApp();
    adminTokens = await login(t, await createUser(t, 'admin'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('should answer malformed JSON with a problem+json 400 that does not echo the body', async () => {
    const res = await request(t.http)
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email": "patient-name-here", oops');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain(PROBLEM);
    expect(JSON.stringify(res.body)).not.toContain('patient-name-here');
  });

  it('should answer unknown fields with 400 naming them', async () => {
    const res = await request(t.http)
      .post('/api/auth/login')
      .send({ email: 'a@example.org', password: 'x', role: 'admin' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'role', messages: ['property role should not exist'] }]);
  });

  it('should answer wrong types with 400 naming the field', async () => {
    const res = await request(t.http)
      .post('/api/auth/login')
      .send({ email: 42, password: ['x'] });
    expect(res.status).toBe(400);
    expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['email', 'password']);
    expect(res.body.detail).toContain('email');
  });

  it('should refuse text PostgreSQL cannot store (NUL, broken Unicode) with 400 naming the field, not 500', async () => {
    for (const displayName of ['a\u0000b', 'x\ud800']) {
      const res = await request(t.http)
        .post('/api/users')
        .set(bearer(adminTokens))
        .send({
          email: `nul${displayName.length}@example.org`,
          displayName,
          role: 'clinician',
        });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('displayName');
    }
  });

  it('should answer a body over 1 MB with 413', async () => {
    const res = await request(t.http)
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ email: 'a@example.org', password: 'x'.repeat(1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toContain(PROBLEM);
  });

  it('should answer an unsupported content type with 415', async () => {
    const res = await request(t.http).post('/api/auth/login').set('Content-Type', 'text/plain').send('hello');
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toContain(PROBLEM);
  });

  it('should reject a prototype-pollution body', async () => {
    const res = await request(t.http)
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email":"a@example.org","password":"x","__proto__":{"admin":true}}');
    expect(res.status).toBe(400);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  const anyJson = fc.oneof(
    fc.jsonValue(),
    fc.record(
      {
        email: fc.oneof(fc.emailAddress(), fc.string(), fc.integer(), fc.constant(null)),
        password: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.array(fc.string())),
        displayName: fc.oneof(fc.string({ maxLength: 300 }), fc.boolean()),
        role: fc.oneof(fc.constantFrom('admin', 'coordinator', 'clinician'), fc.string()),
        active: fc.oneof(fc.boolean(), fc.string()),
        refreshToken: fc.oneof(fc.string(), fc.base64String()),
        extra: fc.anything(),
      },
      { requiredKeys: [] },
    ),
  );

  it('should never answer 500 to arbitrary bodies on the auth and user endpoints', async () => {
    const user = await createUser(t, 'clinician');
    const targets: { method: 'post' | 'patch'; path: string; auth: boolean; ifMatch?: boolean }[] = [
      { method: 'post', path: '/api/auth/login', auth: false },
      { method: 'post', path: '/api/auth/refresh', auth: false },
      { method: 'post', path: '/api/users', auth: true },
      { method: 'patch', path: `/api/users/${user.id}`, auth: true, ifMatch: true },
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), anyJson, async (target, body) => {
        let req = request(t.http)[target.method](target.path).set('Content-Type', 'application/json');
        if (target.auth) req = req.set(bearer(adminTokens));
        if (target.ifMatch === true) req = req.set('If-Match', '"999"');
        const res = await req.send(JSON.stringify(body));
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.headers['content-type']).toContain(PROBLEM);
          expect(res.body.status).toBe(res.status);
        }
        if (res.status === 400 && res.body.errors !== undefined) {
          for (const e of res.body.errors as { field: unknown }[]) expect(typeof e.field).toBe('string');
        }
      }),
      { numRuns: 150 },
    );
  });

  it('should never answer 500 to arbitrary query strings on lists', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom('limit', 'cursor', 'role', 'active', 'actorId', 'outcome', 'from', 'to', 'x'),
          fc.string(),
        ),
        fc.constantFrom('/api/users', '/api/audit-events'),
        async (query, path) => {
          const res = await request(t.http).get(path).query(query).set(bearer(adminTokens));
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 100 },
    );
  });
});
