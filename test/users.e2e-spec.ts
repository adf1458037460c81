import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  auditRowsAfter,
  bearer,
  createTestApp,
  createUser,
  lastAuditId,
  login,
  type TestApp,
  type Tokens,
} from './utils/test-app.js';

describe('User management', () => {
  let t: TestApp;
  let adminTokens: Tokens;
  let adminId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await createUser(t, 'admin');
    adminId = admin.id;
    adminTokens = await login(t, admin);
  });
  afterAll(async () => {
    await t.close();
  });

  it('should create a user, audit it in the same transaction, and let them log in once they set a password', async () => {
    const before = await lastAuditId(t);
    const res = await request(t.http).post('/api/users').set(bearer(adminTokens)).send({
      email: 'New.Person@Example.org',
      displayName: 'New Person',
      role: 'coordinator',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      email: 'new.person@example.org',
      role: 'coordinator',
      active: true,
      version: 1,
      passwordSet: false,
    });
    const rows = await auditRowsAfter(t, before);
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'user.create',
        outcome: 'success',
        entity_id: res.body.id,
        actor_id: adminId,
        status_code: 201,
        severity: 'high',
      }),
    ]);
    const set = await request(t.http)
      .post('/api/auth/set-password')
      .send({ token: res.body.setPasswordLink.token, password: 'a-strong-password' });
    expect(set.status).toBe(200);
    await expect(login(t, { email: 'new.person@example.org', password: 'a-strong-password' })).resolves.toBeDefined();
  });

  it('should answer 409 for a duplicate email, whatever its case', async () => {
    const body = { email: 'dup@example.org', displayName: 'Dup', role: 'clinician' };
    expect((await request(t.http).post('/api/users').set(bearer(adminTokens)).send(body)).status).toBe(201);
    const again = await request(t.http)
      .post('/api/users')
      .set(bearer(adminTokens))
      .send({ ...body, email: 'DUP@example.org' });
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
  });

  it('should page through users with a keyset cursor', async () => {
    for (let i = 0; i < 5; i++) await createUser(t, 'clinician', { email: `page-${i}@example.org` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(t.http)
        .get('/api/users')
        .query({ limit: 2, role: 'clinician', ...(cursor === null ? {} : { cursor }) })
        .set(bearer(adminTokens));
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...(res.body.items as { email: string }[]).map((u) => u.email));
      cursor = res.body.nextCursor as string | null;
    } while (cursor !== null);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(['page-0@example.org', 'page-4@example.org']));
  });

  it('should reject a tampered cursor with 400 naming the cursor', async () => {
    const res = await request(t.http).get('/api/users').query({ cursor: 'bm90LWpzb24' }).set(bearer(adminTokens));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it('should require If-Match on update, refuse a stale one, and return the new ETag', async () => {
    const user = await createUser(t, 'clinician');
    const read = await request(t.http).get(`/api/users/${user.id}`).set(bearer(adminTokens));
    expect(read.headers.etag).toBe('"1"');

    const missing = await request(t.http)
      .patch(`/api/users/${user.id}`)
      .set(bearer(adminTokens))
      .send({ displayName: 'X' });
    expect(missing.status).toBe(428);

    const ok = await request(t.http)
      .patch(`/api/users/${user.id}`)
      .set(bearer(adminTokens))
      .set('If-Match', '"1"')
      .send({ displayName: 'Dr. Renamed', role: 'coordinator' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ displayName: 'Dr. Renamed', role: 'coordinator', version: 2 });
    expect(ok.headers.etag).toBe('"2"');

    const stale = await request(t.http)
      .patch(`/api/users/${user.id}`)
      .set(bearer(adminTokens))
      .set('If-Match', '"1"')
      .send({ displayName: 'Lost update' });
    expect(stale.status).toBe(412);
    const after = await request(t.http).get(`/api/users/${user.id}`).set(bearer(adminTokens));
    expect(after.body.displayName).toBe('Dr. Renamed');
  });

  it('should let exactly one of two concurrent edits of the same version win', async () => {
    const user = await createUser(t, 'clinician');
    const edits = await Promise.all(
      ['First', 'Second'].map((name) =>
        request(t.http)
          .patch(`/api/users/${user.id}`)
          .set(bearer(adminTokens))
          .set('If-Match', '"1"')
          .send({ displayName: name }),
      ),
    );
    expect(edits.map((r) => r.status).sort()).toEqual([200, 412]);
  });

  it('should refuse to disable or demote the last active admin', async () => {
    const me = await request(t.http).get('/api/users/me').set(bearer(adminTokens));
    const res = await request(t.http)
      .patch(`/api/users/${adminId}`)
      .set(bearer(adminTokens))
      .set('If-Match', me.headers.etag)
      .send({ role: 'clinician' });
    expect(res.status).toBe(409);
  });

  it('should answer 404 for an unknown user and 400 for a malformed id', async () => {
    const unknown = await request(t.http)
      .get('/api/users/00000000-0000-4000-8000-000000000000')
      .set(bearer(adminTokens));
    expect(unknown.status).toBe(404);
    const malformed = await request(t.http).get('/api/users/not-a-uuid').set(bearer(adminTokens));
    expect(malformed.status).toBe(400);
  });

  it('should validate the body and name each bad field', async () => {
    const res = await request(t.http)
      .post('/api/users')
      .set(bearer(adminTokens))
      .send({ email: 'not-an-email', displayName: '', role: 'surgeon', password: 'short' });
    expect(res.status).toBe(400);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['displayName', 'email', 'password', 'role']);
    // An admin never chooses a user's password, and is told so.
    const password = (res.body.errors as { field: string; messages: string[] }[]).find((e) => e.field === 'password');
    expect(password?.messages.join(' ')).toMatch(/cannot be chosen by an admin/);
  });
});
