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

describe('Audit trail', () => {
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

  it('should refuse UPDATE, DELETE and TRUNCATE from the application connection', async () => {
    const [row] = await t.dataSource.query<{ id: string }[]>('SELECT id FROM audit_event ORDER BY id DESC LIMIT 1');
    expect(row).toBeDefined();
    await expect(
      t.dataSource.query(`UPDATE audit_event SET action = 'tampered' WHERE id = $1`, [row?.id]),
    ).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query('DELETE FROM audit_event WHERE id = $1', [row?.id])).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query('TRUNCATE audit_event')).rejects.toThrow(/append-only/);
    const [still] = await t.dataSource.query<{ action: string }[]>('SELECT action FROM audit_event WHERE id = $1', [
      row?.id,
    ]);
    expect(still?.action).not.toBe('tampered');
  });

  it('should roll the change back when its audit row cannot be written', async () => {
    // A real failure of the audit insert, injected in the database itself.
    await t.dataSource.query(`
      CREATE FUNCTION test_fail_user_create_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.action = 'user.create' THEN RAISE EXCEPTION 'audit store unavailable'; END IF;
        RETURN NEW;
      END $$`);
    await t.dataSource.query(`
      CREATE TRIGGER test_fail_user_create_audit BEFORE INSERT ON audit_event
        FOR EACH ROW EXECUTE FUNCTION test_fail_user_create_audit()`);
    try {
      const res = await request(t.http)
        .post('/api/users')
        .set(bearer(adminTokens))
        .send({ email: 'ghost@example.org', displayName: 'Ghost', role: 'clinician' });
      expect(res.status).toBe(500);
      expect(res.body.detail).not.toContain('audit store unavailable');
      expect(res.body.detail).toContain(res.headers['x-request-id']);
      const users = await t.dataSource.query<unknown[]>(`SELECT id FROM app_user WHERE email = 'ghost@example.org'`);
      expect(users).toHaveLength(0);
    } finally {
      await t.dataSource.query('DROP TRIGGER test_fail_user_create_audit ON audit_event');
      await t.dataSource.query('DROP FUNCTION test_fail_user_create_audit()');
    }
  });

  it('should not answer a read whose audit row cannot be written', async () => {
    await t.dataSource.query(`
      CREATE FUNCTION test_fail_read_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.action = 'user.read' AND NEW.outcome = 'success' THEN RAISE EXCEPTION 'audit store unavailable'; END IF;
        RETURN NEW;
      END $$`);
    await t.dataSource.query(`
      CREATE TRIGGER test_fail_read_audit BEFORE INSERT ON audit_event
        FOR EACH ROW EXECUTE FUNCTION test_fail_read_audit()`);
    try {
      const res = await request(t.http).get(`/api/users/${adminId}`).set(bearer(adminTokens));
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).not.toContain(adminId);
    } finally {
      await t.dataSource.query('DROP TRIGGER test_fail_read_audit ON audit_event');
      await t.dataSource.query('DROP FUNCTION test_fail_read_audit()');
    }
  });

  it('should record failed changes with their status', async () => {
    const before = await lastAuditId(t);
    const res = await request(t.http)
      .patch('/api/users/00000000-0000-4000-8000-000000000000')
      .set(bearer(adminTokens))
      .set('If-Match', '"1"')
      .send({ displayName: 'Nobody' });
    expect(res.status).toBe(404);
    const rows = await auditRowsAfter(t, before);
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'user.update',
        outcome: 'failure',
        status_code: 404,
        entity_id: '00000000-0000-4000-8000-000000000000',
      }),
    ]);
  });

  it('should list audit events for admins, newest first, with filters and keyset pagination', async () => {
    const clinician = await createUser(t, 'clinician');
    const clinicianTokens = await login(t, clinician);
    for (let i = 0; i < 3; i++) await request(t.http).get('/api/users/me').set(bearer(clinicianTokens));

    const first = await request(t.http)
      .get('/api/audit-events')
      .query({ actorId: clinician.id, action: 'user.read_self', limit: 2 })
      .set(bearer(adminTokens));
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await request(t.http)
      .get('/api/audit-events')
      .query({ actorId: clinician.id, action: 'user.read_self', limit: 2, cursor: first.body.nextCursor })
      .set(bearer(adminTokens));
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const ids = [...first.body.items, ...second.body.items].map((e: { id: string }) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(first.body.items[0]).toMatchObject({
      actorId: clinician.id,
      actorRole: 'clinician',
      outcome: 'success',
      ip: expect.any(String),
    });

    const forbidden = await request(t.http).get('/api/audit-events').set(bearer(clinicianTokens));
    expect(forbidden.status).toBe(403);
  });

  it('should validate audit filters', async () => {
    const res = await request(t.http)
      .get('/api/audit-events')
      .query({ actorId: 'nope', outcome: 'maybe', limit: 0 })
      .set(bearer(adminTokens));
    expect(res.status).toBe(400);
    expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'actorId',
      'limit',
      'outcome',
    ]);
  });
});
