import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { addMember, breastClinicBody, createClinic } from './utils/factories.js';
import {
  auditRowsAfter,
  bearer,
  createTestApp,
  createUser,
  lastAuditId,
  login,
  type TestApp,
  type TestUser,
  type Tokens,
} from './utils/test-app.js';

describe('Clinics, rooms and specialists', () => {
  let t: TestApp;
  let admin: Tokens;
  let coordinator: TestUser;
  let coordinatorTokens: Tokens;
  let outsider: Tokens;
  let clinicId: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t, await createUser(t, 'admin'));
    coordinator = await createUser(t, 'coordinator');
    coordinatorTokens = await login(t, coordinator);
    outsider = await login(t, await createUser(t, 'coordinator'));
    clinicId = (await createClinic(t, admin)).id;
    await addMember(t, admin, clinicId, coordinator.id);
  });
  afterAll(async () => {
    await t.close();
  });

  it('should create a clinic with its rules and return them', async () => {
    const body = breastClinicBody('Colorectal MDC');
    const res = await request(t.http)
      .post('/api/clinics')
      .set(bearer(admin))
      .send({ ...body, cancerTypes: ['C18-C21'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Colorectal MDC', dayStart: '08:00', cancerTypes: ['C18-C21'], version: 1 });
    expect(res.body.requiredDisciplines).toHaveLength(6);
    const dup = await request(t.http).post('/api/clinics').set(bearer(admin)).send(body);
    expect(dup.status).toBe(409);
  });

  it('should name the field of each bad rule', async () => {
    const body = breastClinicBody();
    const cases: [Record<string, unknown>, string][] = [
      [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ dayStart: '18:00' }, 'dayEnd'],
      [{ cancerTypes: ['breast'] }, 'cancerTypes'],
      [{ precedence: [{ before: 'palliative_care', after: 'radiology' }] }, 'precedence[0].before'],
      [
        {
          precedence: [
            { before: 'radiology', after: 'pathology' },
            { before: 'pathology', after: 'radiology' },
          ],
        },
        'precedence',
      ],
      [
        { requiredDisciplines: [{ discipline: 'radiology', minutes: 2, patientAttends: false }] },
        'requiredDisciplines[0].minutes',
      ],
      [{ consensusRule: 'vibes' }, 'consensusRule'],
    ];
    for (const [patch, field] of cases) {
      const res = await request(t.http)
        .post('/api/clinics')
        .set(bearer(admin))
        .send({ ...body, ...patch });
      expect(res.status).toBe(400);
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
    }
  });

  it("should let the clinic's coordinator edit it with If-Match, and hide it from others", async () => {
    const read = await request(t.http).get(`/api/clinics/${clinicId}`).set(bearer(coordinatorTokens));
    expect(read.status).toBe(200);
    const body = { ...breastClinicBody(read.body.name as string), dayEnd: '18:00' };
    const ok = await request(t.http)
      .put(`/api/clinics/${clinicId}`)
      .set(bearer(coordinatorTokens))
      .set('If-Match', read.headers.etag)
      .send(body);
    expect(ok.status).toBe(200);
    expect(ok.body.dayEnd).toBe('18:00');
    const stale = await request(t.http)
      .put(`/api/clinics/${clinicId}`)
      .set(bearer(coordinatorTokens))
      .set('If-Match', read.headers.etag)
      .send(body);
    expect(stale.status).toBe(412);

    expect((await request(t.http).get(`/api/clinics/${clinicId}`).set(bearer(outsider))).status).toBe(404);
    const list = await request(t.http).get('/api/clinics').set(bearer(outsider));
    expect(list.body.items).toEqual([]);
  });

  it('should keep rooms per clinic', async () => {
    const room = await request(t.http)
      .post('/api/rooms')
      .set(bearer(coordinatorTokens))
      .send({ clinicId, name: 'Exam 1' });
    expect(room.status).toBe(201);
    const dup = await request(t.http)
      .post('/api/rooms')
      .set(bearer(coordinatorTokens))
      .send({ clinicId, name: 'Exam 1' });
    expect(dup.status).toBe(409);
    const list = await request(t.http).get('/api/rooms').query({ clinicId }).set(bearer(coordinatorTokens));
    expect(list.body).toEqual([expect.objectContaining({ name: 'Exam 1', clinicId })]);
    expect((await request(t.http).post('/api/rooms').set(bearer(outsider)).send({ clinicId, name: 'X' })).status).toBe(
      404,
    );
  });

  it('should register specialists with weekly availability and dated exceptions, across a DST change', async () => {
    const doctor = await createUser(t, 'clinician');
    const created = await request(t.http)
      .post('/api/specialists')
      .set(bearer(admin))
      .send({ userId: doctor.id, disciplines: ['surgical_oncology'], clinicIds: [clinicId] });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({
      userId: doctor.id,
      disciplines: ['surgical_oncology'],
      clinicIds: [clinicId],
    });

    const set = await request(t.http)
      .put(`/api/specialists/${id}/availability`)
      .set(bearer(coordinatorTokens))
      .send({
        clinicId,
        windows: [
          { weekday: 7, start: '00:00', end: '06:00' },
          { weekday: 4, start: '08:00', end: '12:00' },
        ],
      });
    expect(set.status).toBe(204);

    // 2026-03-08: DST starts in Denver; 00:00-06:00 local is five real hours.
    const dst = await request(t.http)
      .get(`/api/specialists/${id}/availability`)
      .query({ clinicId, date: '2026-03-08' })
      .set(bearer(coordinatorTokens));
    expect(dst.body.free).toEqual([{ start: '2026-03-08T07:00:00.000Z', end: '2026-03-08T12:00:00.000Z' }]);

    const away = await request(t.http).post(`/api/specialists/${id}/exceptions`).set(bearer(coordinatorTokens)).send({
      clinicId,
      date: '2026-12-03',
      kind: 'away',
      start: '09:00',
      end: '10:00',
      reason: 'tumor board elsewhere',
    });
    expect(away.status).toBe(201);
    const thursday = await request(t.http)
      .get(`/api/specialists/${id}/availability`)
      .query({ clinicId, date: '2026-12-03' })
      .set(bearer(coordinatorTokens));
    expect(thursday.body.free).toEqual([
      { start: '2026-12-03T15:00:00.000Z', end: '2026-12-03T16:00:00.000Z' },
      { start: '2026-12-03T17:00:00.000Z', end: '2026-12-03T19:00:00.000Z' },
    ]);

    const bad = await request(t.http)
      .put(`/api/specialists/${id}/availability`)
      .set(bearer(coordinatorTokens))
      .send({ clinicId, windows: [{ weekday: 8, start: '12:00', end: '11:00' }] });
    expect(bad.status).toBe(400);
    const inverted = await request(t.http)
      .put(`/api/specialists/${id}/availability`)
      .set(bearer(coordinatorTokens))
      .send({ clinicId, windows: [{ weekday: 1, start: '12:00', end: '11:00' }] });
    expect(inverted.status).toBe(400);
    expect(inverted.body.errors[0].field).toBe('windows[0].end');

    // The specialist now belongs to the clinic and sees it.
    const doctorTokens = await login(t, doctor);
    expect((await request(t.http).get(`/api/clinics/${clinicId}`).set(bearer(doctorTokens))).status).toBe(200);
    const listed = await request(t.http).get('/api/specialists').query({ clinicId }).set(bearer(doctorTokens));
    expect((listed.body as { id: string }[]).map((s) => s.id)).toContain(id);
    expect((await request(t.http).get(`/api/specialists/${id}`).set(bearer(outsider))).status).toBe(404);
  });

  it('should refuse a clinician editing a clinic with 403, audited', async () => {
    const clinician = await createUser(t, 'clinician');
    await addMember(t, admin, clinicId, clinician.id);
    const tokens = await login(t, clinician);
    const before = await lastAuditId(t);
    const res = await request(t.http).post('/api/rooms').set(bearer(tokens)).send({ clinicId, name: 'Nope' });
    expect(res.status).toBe(403);
    expect((await auditRowsAfter(t, before)).map((r) => r.outcome)).toEqual(['denied']);
  });
});
