import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { addMember, breastClinicBody, createClinic, referralBody } from './utils/factories.js';
import {
  anonymousRefusals,
  bearer,
  createTestApp,
  createUser,
  lastAuditId,
  login,
  type TestApp,
  type Tokens,
} from './utils/test-app.js';

// Issue 15, part D: the audit trail covers every refused request (also those refused before a
// handler runs), request ids are the server's own, anonymous refusals are counted instead of
// flooding the table, every API answer says Cache-Control: no-store, and no stored name can
// start a line of a calendar file.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Row {
  id: string;
  actor_id: string | null;
  action: string;
  outcome: string;
  status_code: number | null;
  reason: string | null;
  entity_id: string | null;
  request_id: string | null;
  client_request_id: string | null;
}

/** A Thursday at least two weeks ahead (the clinic works Thursdays). */
function nextThursday(): string {
  const d = new Date(Date.now() + 14 * 86_400_000);
  d.setUTCDate(d.getUTCDate() + ((4 - d.getUTCDay() + 7) % 7));
  return d.toISOString().slice(0, 10);
}

describe('Security: the audit trail of refused requests, request ids, caching and calendar text', () => {
  let t: TestApp;
  let admin: Tokens;
  let coord: Tokens;
  let coordId: string;
  let clinicId: string;
  let caseId: string;

  beforeAll(async () => {
    t = await createTestApp({ BODY_LIMIT_BYTES: '65536' });
    admin = await login(t, await createUser(t, 'admin'));
    const coordinator = await createUser(t, 'coordinator');
    coordId = coordinator.id;
    coord = await login(t, coordinator);
    clinicId = (await createClinic(t, admin)).id;
    await addMember(t, admin, clinicId, coordId);
    const res = await request(t.http).post('/api/cases').set(bearer(coord)).send(referralBody(clinicId));
    expect(res.status).toBe(201);
    caseId = res.body.id as string;
  });
  afterAll(async () => {
    await t.close();
  });

  /** The audit_event rows written for the request that got this answer. */
  async function rowsOf(res: { headers: Record<string, string> }): Promise<Row[]> {
    const id = res.headers['x-request-id'];
    expect(id).toMatch(UUID);
    return await t.dataSource.query<Row[]>(`SELECT * FROM audit_event WHERE request_id = $1 ORDER BY id`, [id]);
  }

  describe('requests refused before any handler runs', () => {
    it('should audit malformed JSON, naming the caller and the route it was sent to', async () => {
      const res = await request(t.http)
        .post('/api/cases')
        .set(bearer(coord))
        .set('content-type', 'application/json')
        .send('{"patient": {"mrn": ');
      expect(res.status).toBe(400);
      expect(await rowsOf(res)).toEqual([
        expect.objectContaining({
          actor_id: coordId,
          action: 'case.create',
          outcome: 'failure',
          status_code: 400,
          reason: 'malformed_json',
        }),
      ]);
    });

    it('should audit a body over the limit (413)', async () => {
      const res = await request(t.http)
        .post('/api/cases')
        .set(bearer(coord))
        .set('content-type', 'application/json')
        .send(JSON.stringify({ padding: 'x'.repeat(200_000) }));
      expect(res.status).toBe(413);
      expect(await rowsOf(res)).toEqual([
        expect.objectContaining({
          actor_id: coordId,
          action: 'case.create',
          status_code: 413,
          reason: 'body_too_large',
        }),
      ]);
    });

    it('should audit a media type the API does not speak (415)', async () => {
      const res = await request(t.http)
        .post('/api/cases')
        .set(bearer(coord))
        .set('content-type', 'text/plain')
        .send('patient=Jane');
      expect(res.status).toBe(415);
      expect(await rowsOf(res)).toEqual([
        expect.objectContaining({
          actor_id: coordId,
          action: 'case.create',
          status_code: 415,
          reason: 'unsupported_media_type',
        }),
      ]);
    });

    it('should audit a route that does not exist (404)', async () => {
      const res = await request(t.http).get('/api/no-such-route/42').set(bearer(coord));
      expect(res.status).toBe(404);
      expect(await rowsOf(res)).toEqual([
        expect.objectContaining({
          actor_id: coordId,
          action: 'http.request',
          status_code: 404,
          reason: 'route_not_found',
        }),
      ]);
    });

    it('should count the same refusals when nobody signed in', async () => {
      const before = await lastAuditId(t);
      const counted = {
        json: await anonymousRefusals(t, { route: 'POST /api/auth/login', reason: 'malformed_json' }),
        media: await anonymousRefusals(t, { route: 'POST /api/auth/login', reason: 'unsupported_media_type' }),
        route: await anonymousRefusals(t, { route: 'GET (no route)', reason: 'route_not_found' }),
      };
      const json = await request(t.http)
        .post('/api/auth/login')
        .set('content-type', 'application/json')
        .send('{"email":');
      const media = await request(t.http).post('/api/auth/login').set('content-type', 'text/plain').send('x');
      const route = await request(t.http).get('/api/no-such-route');
      expect([json.status, media.status, route.status]).toEqual([400, 415, 404]);
      await expect(anonymousRefusals(t, { route: 'POST /api/auth/login', reason: 'malformed_json' })).resolves.toBe(
        counted.json + 1,
      );
      await expect(
        anonymousRefusals(t, { route: 'POST /api/auth/login', reason: 'unsupported_media_type' }),
      ).resolves.toBe(counted.media + 1);
      await expect(anonymousRefusals(t, { route: 'GET (no route)', reason: 'route_not_found' })).resolves.toBe(
        counted.route + 1,
      );
      // Counted, not appended.
      await expect(lastAuditId(t)).resolves.toBe(before);
    });
  });

  describe('a NUL (%00) in a path', () => {
    it('should be refused and audited, the NUL made storable, not make the audit insert fail', async () => {
      const res = await request(t.http).get('/api/cases/%00').set(bearer(coord));
      expect(res.status).toBe(400);
      expect(await rowsOf(res)).toEqual([
        expect.objectContaining({
          actor_id: coordId,
          action: 'case.read',
          outcome: 'failure',
          status_code: 400,
          entity_id: '\uFFFD',
        }),
      ]);
    });

    it('should be audited on a route that does not exist and on a write, too', async () => {
      // A NUL in a path no API route matches is refused by the file server (403): audited all the same.
      const nested = await request(t.http).get('/api/%00/x%00y').set(bearer(coord));
      expect(nested.status).toBe(403);
      expect(await rowsOf(nested)).toEqual([
        expect.objectContaining({ actor_id: coordId, status_code: 403, reason: 'forbidden' }),
      ]);
      const write = await request(t.http)
        .post(`/api/cases/%00%ED%A0%80/transitions`)
        .set(bearer(coord))
        .send({ to: 'withdrawn' });
      // An encoded lone surrogate is a URL Fastify cannot decode: answered before any hook ran.
      expect(write.status).toBe(400);
      expect(write.headers['content-type']).toContain('application/problem+json');
      expect(write.headers['cache-control']).toBe('no-store');
      expect(await rowsOf(write)).toEqual([
        expect.objectContaining({ actor_id: coordId, status_code: 400, reason: 'malformed_url' }),
      ]);
    });
  });

  describe('request ids', () => {
    it("should never store a client's X-Request-Id as the request id: two users sending one get two ids", async () => {
      const other = await login(t, await createUser(t, 'clinician'));
      const shared = 'same-id-from-two-clients';
      const a = await request(t.http).get('/api/users/me').set(bearer(coord)).set('X-Request-Id', shared);
      const b = await request(t.http).get('/api/users/me').set(bearer(other)).set('X-Request-Id', shared);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.headers['x-request-id']).not.toBe(shared);
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
      const [rowA] = await rowsOf(a);
      const [rowB] = await rowsOf(b);
      expect(rowA).toMatchObject({ action: 'user.read_self', request_id: a.headers['x-request-id'] });
      expect(rowB).toMatchObject({ action: 'user.read_self', request_id: b.headers['x-request-id'] });
      expect(rowA?.request_id).not.toBe(rowB?.request_id);
      // The client's value is kept, apart, for correlation.
      expect([rowA?.client_request_id, rowB?.client_request_id]).toEqual([shared, shared]);
      const listed = await request(t.http)
        .get('/api/audit-events')
        .query({ actorId: coordId, action: 'user.read_self', limit: 1 })
        .set(bearer(admin));
      expect(listed.body.items[0]).toMatchObject({ requestId: a.headers['x-request-id'], clientRequestId: shared });
    });

    it('should keep a crafted client id storable and bounded, and still audit the request', async () => {
      const res = await request(t.http)
        .get('/api/users/me')
        .set(bearer(coord))
        .set('X-Request-Id', `${'z'.repeat(300)}\u00e9`);
      expect(res.status).toBe(200);
      const [row] = await rowsOf(res);
      expect(row?.client_request_id).toHaveLength(128);
    });
  });

  describe('anonymous refusals', () => {
    it('should count 1,000 anonymous bad-token requests in a bounded number of rows whose counts add up to 1,000', async () => {
      const before = await lastAuditId(t);
      const rowsBefore = await t.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM audit_refusal_aggregate`,
      );
      const counted = await anonymousRefusals(t, { action: 'user.read_self', reason: 'invalid_token' });
      const statuses: number[] = [];
      for (let batch = 0; batch < 40; batch++) {
        const answers = await Promise.all(
          Array.from({ length: 25 }, (_, i) =>
            request(t.http).get('/api/users/me').set('Authorization', `Bearer forged.token.${batch}-${i}`),
          ),
        );
        statuses.push(...answers.map((r) => r.status));
      }
      expect(statuses).toHaveLength(1000);
      expect(statuses.every((s) => s === 401)).toBe(true);
      await expect(anonymousRefusals(t, { action: 'user.read_self', reason: 'invalid_token' })).resolves.toBe(
        counted + 1000,
      );
      const rowsAfter = await t.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM audit_refusal_aggregate`,
      );
      // One row per minute (and address, route, status, reason): the run may cross a minute.
      expect(rowsAfter[0].n - rowsBefore[0].n).toBeLessThanOrEqual(2);
      await expect(lastAuditId(t)).resolves.toBe(before);
    });

    it('should keep the counts: they only grow', async () => {
      await expect(t.dataSource.query(`UPDATE audit_refusal_aggregate SET count = 1`)).rejects.toThrow(
        /only counts up/,
      );
      await expect(t.dataSource.query(`UPDATE audit_refusal_aggregate SET ip = 'elsewhere'`)).rejects.toThrow(
        /only counts up/,
      );
      await expect(t.dataSource.query(`DELETE FROM audit_refusal_aggregate`)).rejects.toThrow(/only counts up/);
      await expect(t.dataSource.query(`TRUNCATE audit_refusal_aggregate`)).rejects.toThrow(/only counts up/);
    });

    it('should still write one row per refusal of a signed-in user', async () => {
      const clinician = await login(t, await createUser(t, 'clinician'));
      const before = await lastAuditId(t);
      for (let i = 0; i < 3; i++)
        expect((await request(t.http).get('/api/users').set(bearer(clinician))).status).toBe(403);
      const rows = await t.dataSource.query<Row[]>(`SELECT * FROM audit_event WHERE id > $1`, [before]);
      expect(rows.map((r) => [r.action, r.status_code])).toEqual([
        ['user.list', 403],
        ['user.list', 403],
        ['user.list', 403],
      ]);
    });
  });

  describe('Cache-Control', () => {
    it('should say no-store on every API answer: lists, a case, its diagnoses and plans, sessions, /users/me, audit events, login, errors', async () => {
      const answers = {
        login: await request(t.http)
          .post('/api/auth/login')
          .send({ email: 'nobody@example.org', password: 'not-the-password' }),
        cases: await request(t.http).get('/api/cases').set(bearer(coord)),
        case: await request(t.http).get(`/api/cases/${caseId}`).set(bearer(coord)),
        diagnoses: await request(t.http).get(`/api/cases/${caseId}/diagnoses`).set(bearer(coord)),
        plans: await request(t.http).get(`/api/cases/${caseId}/plans`).set(bearer(coord)),
        sessions: await request(t.http).get('/api/board-sessions').set(bearer(coord)),
        me: await request(t.http).get('/api/users/me').set(bearer(coord)),
        audit: await request(t.http).get('/api/audit-events').set(bearer(admin)),
        badRequest: await request(t.http).get('/api/cases/not-a-uuid').set(bearer(coord)),
        unauthorized: await request(t.http).get('/api/cases'),
        notFound: await request(t.http).get('/api/nothing-here'),
      };
      const user = await createUser(t, 'clinician');
      const tokens = await request(t.http).post('/api/auth/login').send({ email: user.email, password: user.password });
      expect(tokens.status).toBe(200);
      expect(tokens.body.accessToken).toEqual(expect.any(String));
      expect(tokens.headers['cache-control']).toBe('no-store');
      for (const [what, res] of Object.entries(answers)) {
        expect([what, res.headers['cache-control']]).toEqual([what, 'no-store']);
      }
      expect(answers.cases.status).toBe(200);
      expect(answers.case.status).toBe(200);
      expect(answers.me.status).toBe(200);
      expect(answers.badRequest.status).toBe(400);
      expect(answers.unauthorized.status).toBe(401);
    });
  });

  describe('control characters and calendar text', () => {
    it('should refuse a clinic named "A\\r\\nBEGIN:VALARM" with a 400 naming the field', async () => {
      const res = await request(t.http)
        .post('/api/clinics')
        .set(bearer(admin))
        .send(breastClinicBody('A\r\nBEGIN:VALARM'));
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        {
          field: 'name',
          messages: ['name must be a single line of text, without line breaks, tabs or other control characters'],
        },
      ]);
      const stored = await t.dataSource.query<unknown[]>(`SELECT id FROM clinic WHERE name LIKE '%VALARM%'`);
      expect(stored).toEqual([]);
    });

    it('should refuse line breaks in names, titles and institutions, and other control characters in notes', async () => {
      const cases = [
        request(t.http)
          .post('/api/cases')
          .set(bearer(coord))
          .send(referralBody(clinicId, { referringInstitution: 'Hospital\nX-EVIL: 1' })),
        request(t.http)
          .post('/api/cases')
          .set(bearer(coord))
          .send({
            ...referralBody(clinicId),
            patient: { ...(referralBody().patient as object), familyName: 'Doe\r\n' + 'X' },
          }),
        request(t.http).post('/api/rooms').set(bearer(coord)).send({ clinicId, name: 'Exam\t1' }),
        request(t.http)
          .post('/api/board-sessions')
          .set(bearer(coord))
          .send({ clinicId, title: 'Board\u2028X', startsAt: '2027-01-07T19:00:00Z', endsAt: '2027-01-07T20:00:00Z' }),
        request(t.http)
          .post(`/api/cases/${caseId}/transitions`)
          .set(bearer(coord))
          .send({ to: 'withdrawn', reason: 'escape \u001b[2J sequence' }),
      ];
      const fields = ['referringInstitution', 'patient.familyName', 'name', 'title', 'reason'];
      for (const [i, res] of (await Promise.all(cases)).entries()) {
        expect([fields[i], res.status]).toEqual([fields[i], 400]);
        expect((res.body.errors as { field: string }[])[0].field).toBe(fields[i]);
      }
      // A multi-line field keeps its line breaks and tabs.
      const other = await request(t.http).post('/api/cases').set(bearer(coord)).send(referralBody(clinicId));
      const multiLine = await request(t.http)
        .post(`/api/cases/${other.body.id}/transitions`)
        .set(bearer(coord))
        .send({ to: 'withdrawn', reason: 'Patient moved away.\r\nReferring office informed:\tyes' });
      expect(multiLine.status).toBe(200);
    });

    it('should escape any CR/LF that reaches a calendar (a stored legacy row), in itinerary.ics and calendar.ics', async () => {
      const date = nextThursday();
      const clinic = await createClinic(t, admin, {
        ...breastClinicBody(),
        requiredDisciplines: [{ discipline: 'medical_oncology', minutes: 45, patientAttends: true }],
        precedence: [],
        quorumDisciplines: [],
        requiredRecordTypes: [],
        readinessRules: [],
      });
      await addMember(t, admin, clinic.id, coordId);
      const room = await request(t.http)
        .post('/api/rooms')
        .set(bearer(coord))
        .send({ clinicId: clinic.id, name: 'Exam 1' });
      expect(room.status).toBe(201);
      const doctor = await createUser(t, 'clinician');
      const specialist = await request(t.http)
        .post('/api/specialists')
        .set(bearer(admin))
        .send({ userId: doctor.id, disciplines: ['medical_oncology'], clinicIds: [clinic.id] });
      expect(specialist.status).toBe(201);
      const availability = await request(t.http)
        .put(`/api/specialists/${specialist.body.id}/availability`)
        .set(bearer(coord))
        .send({ clinicId: clinic.id, windows: [{ weekday: 4, start: '09:00', end: '12:00' }] });
      expect(availability.status).toBeLessThan(300);
      const kase = await request(t.http).post('/api/cases').set(bearer(coord)).send(referralBody(clinic.id));
      expect(kase.status).toBe(201);
      // Set-up: readiness is tested elsewhere.
      await t.dataSource.query(`UPDATE second_opinion_case SET status = 'ready' WHERE id = $1`, [kase.body.id]);
      const booked = await request(t.http)
        .post(`/api/cases/${kase.body.id}/itinerary`)
        .set(bearer(coord))
        .send({ date });
      expect(booked.status).toBe(201);

      // Rows written before names were refused (or by another path), with line breaks in them.
      const evil = 'Legacy\r\nBEGIN:VALARM\r\nTRIGGER:-PT5M\r\nACTION:DISPLAY\r\nEND:VALARM';
      await t.dataSource.query(`UPDATE clinic SET name = $2 WHERE id = $1`, [clinic.id, evil]);
      await t.dataSource.query(`UPDATE room SET name = $2 WHERE id = $1`, [room.body.id, 'Exam\nX-INJECTED:1']);
      await t.dataSource.query(`UPDATE app_user SET display_name = $2 WHERE id = $1`, [doctor.id, 'Dr\r\nBEGIN:VTODO']);

      const unfolded = (ics: string): string[] =>
        ics
          .replace(/\r\n[ \t]/g, '')
          .split('\r\n')
          .filter((l) => l !== '');
      const patient = await request(t.http).get(`/api/cases/${kase.body.id}/itinerary.ics`).set(bearer(coord));
      expect(patient.status).toBe(200);
      const own = await request(t.http)
        .get(`/api/specialists/${specialist.body.id}/calendar.ics`)
        .query({ from: `${date}T00:00:00Z`, to: `${date}T23:59:59Z` })
        .set(bearer(coord));
      expect(own.status).toBe(200);
      for (const ics of [patient.text, own.text]) {
        const lines = unfolded(ics);
        expect(lines.filter((l) => l.startsWith('BEGIN:'))).toEqual(['BEGIN:VCALENDAR', 'BEGIN:VEVENT']);
        expect(lines.some((l) => /^(TRIGGER|ACTION|X-INJECTED)/.test(l))).toBe(false);
        for (const l of lines) expect(l).toMatch(/^[A-Z][A-Z0-9-]*[:;]/);
      }
      expect(unfolded(patient.text)).toContain(
        `NAME:Legacy BEGIN:VALARM TRIGGER:-PT5M ACTION:DISPLAY END:VALARM: your visit on ${date}`,
      );
      expect(unfolded(patient.text).find((l) => l.startsWith('LOCATION:'))).toBe(
        'LOCATION:Legacy BEGIN:VALARM TRIGGER:-PT5M ACTION:DISPLAY END:VALARM\\, Exam X-INJECTED:1',
      );
    });
  });
});
