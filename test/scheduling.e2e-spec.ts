import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { addMember, breastClinicBody, createClinic, referralBody } from './utils/factories.js';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';

// 2026-12-03 is a Thursday (ISO weekday 4); Denver is UTC-7 then.
const DATE = '2026-12-03';

describe('Booking itineraries', () => {
  let t: TestApp;
  let admin: Tokens;
  let coord: Tokens;

  beforeAll(async () => {
    t = await createTestApp({ DB_POOL_SIZE: '8' });
    admin = await login(t, await createUser(t, 'admin'));
    const coordinator = await createUser(t, 'coordinator');
    coord = await login(t, coordinator);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A clinic, its coordinator, one room, and a specialist per discipline with the given Thursday window. */
  /** A clinic, its coordinator, rooms, and specialists (one per discipline unless `staff` says otherwise) free on Thursdays. */
  async function clinicWith(
    disciplines: { discipline: string; minutes: number; patientAttends: boolean }[],
    window: [string, string],
    options: { rooms?: number; staff?: { discipline: string; window: [string, string] }[] } = {},
  ) {
    const body = {
      ...breastClinicBody(),
      cancerTypes: ['C50'],
      requiredDisciplines: disciplines,
      precedence: [],
      quorumDisciplines: [],
    };
    const clinic = await createClinic(t, admin, body);
    const me = await request(t.http).get('/api/users/me').set(bearer(coord));
    await addMember(t, admin, clinic.id, me.body.id as string);
    for (let r = 1; r <= (options.rooms ?? 1); r++) {
      await request(t.http)
        .post('/api/rooms')
        .set(bearer(coord))
        .send({ clinicId: clinic.id, name: `Exam ${r}` });
    }
    const specialists: string[] = [];
    for (const d of options.staff ?? disciplines.map((x) => ({ discipline: x.discipline, window }))) {
      const doctor = await createUser(t, 'clinician');
      const sp = await request(t.http)
        .post('/api/specialists')
        .set(bearer(admin))
        .send({ userId: doctor.id, disciplines: [d.discipline], clinicIds: [clinic.id] });
      await request(t.http)
        .put(`/api/specialists/${sp.body.id}/availability`)
        .set(bearer(coord))
        .send({ clinicId: clinic.id, windows: [{ weekday: 4, start: d.window[0], end: d.window[1] }] });
      specialists.push(sp.body.id as string);
    }
    return { clinicId: clinic.id, specialists };
  }

  async function readyCases(clinicId: string, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await request(t.http).post('/api/cases').set(bearer(coord)).send(referralBody(clinicId));
      ids.push(res.body.id as string);
    }
    // Test set-up: readiness is tested elsewhere.
    await t.dataSource.query(`UPDATE second_opinion_case SET status = 'ready' WHERE id = ANY($1::uuid[])`, [ids]);
    return ids;
  }

  it('should book the shortest day, schedule the case, and cancel it again', async () => {
    const { clinicId } = await clinicWith(
      [
        { discipline: 'pathology', minutes: 30, patientAttends: false },
        { discipline: 'surgical_oncology', minutes: 45, patientAttends: true },
        { discipline: 'medical_oncology', minutes: 45, patientAttends: true },
      ],
      ['09:00', '12:00'],
    );
    const [caseId] = await readyCases(clinicId, 1);
    const res = await request(t.http).post(`/api/cases/${caseId}/itinerary`).set(bearer(coord)).send({ date: DATE });
    expect(res.status).toBe(201);
    expect(res.body.timeInClinic).toBe(90);
    const visits = (
      res.body.appointments as { start: string; patientAttends: boolean; roomId: string | null }[]
    ).filter((a) => a.patientAttends);
    expect(visits).toHaveLength(2);
    expect(visits.every((a) => a.roomId !== null)).toBe(true);
    // 09:00 in Denver is 16:00 UTC; nothing starts before the specialists are free.
    expect((res.body.appointments as { start: string }[]).every((a) => a.start >= '2026-12-03T16:00:00.000Z')).toBe(
      true,
    );
    expect((await request(t.http).get(`/api/cases/${caseId}`).set(bearer(coord))).body.status).toBe('scheduled');
    expect(
      (await request(t.http).post(`/api/cases/${caseId}/itinerary`).set(bearer(coord)).send({ date: DATE })).status,
    ).toBe(409);

    expect((await request(t.http).delete(`/api/cases/${caseId}/itinerary`).set(bearer(coord))).status).toBe(204);
    const after = await t.dataSource.query<{ status: string }[]>(
      'SELECT DISTINCT status FROM appointment WHERE case_id = $1',
      [caseId],
    );
    expect(after).toEqual([{ status: 'cancelled' }]);
    expect((await request(t.http).get(`/api/cases/${caseId}`).set(bearer(coord))).body.status).toBe('ready');
    const events = await t.dataSource.query<{ type: string }[]>(
      `SELECT type FROM board_event WHERE case_id = $1 AND type LIKE 'itinerary.%' ORDER BY id`,
      [caseId],
    );
    expect(events.map((e) => e.type)).toEqual(['itinerary.booked', 'itinerary.cancelled']);
  });

  it("should respect the patient's arrival window", async () => {
    const { clinicId } = await clinicWith(
      [{ discipline: 'nurse_navigation', minutes: 30, patientAttends: true }],
      ['09:00', '12:00'],
    );
    const [late, impossible] = await readyCases(clinicId, 2);
    const res = await request(t.http)
      .post(`/api/cases/${late}/itinerary`)
      .set(bearer(coord))
      .send({ date: DATE, arriveFrom: '10:30' });
    expect(res.status).toBe(201);
    // 10:30 in Denver is 17:30 UTC.
    expect(res.body.appointments[0].start).toBe('2026-12-03T17:30:00.000Z');
    const none = await request(t.http)
      .post(`/api/cases/${impossible}/itinerary`)
      .set(bearer(coord))
      .send({ date: DATE, arriveFrom: '11:45', arriveBy: '11:50' });
    expect(none.status).toBe(409);
    const bad = await request(t.http)
      .post(`/api/cases/${impossible}/itinerary`)
      .set(bearer(coord))
      .send({ date: DATE, arriveFrom: '25:00' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('arriveFrom');
  });

  it('should refuse a case that is not ready, and explain a day that cannot fit', async () => {
    const { clinicId } = await clinicWith(
      [{ discipline: 'radiation_oncology', minutes: 30, patientAttends: true }],
      ['09:00', '09:20'],
    );
    const res = await request(t.http).post('/api/cases').set(bearer(coord)).send(referralBody(clinicId));
    expect(
      (await request(t.http).post(`/api/cases/${res.body.id}/itinerary`).set(bearer(coord)).send({ date: DATE }))
        .status,
    ).toBe(409);
    const [ready] = await readyCases(clinicId, 1);
    const none = await request(t.http).post(`/api/cases/${ready}/itinerary`).set(bearer(coord)).send({ date: DATE });
    expect(none.status).toBe(409);
    expect(none.body).toMatchObject({ discipline: 'radiation_oncology' });
  });

  it('should let 200 concurrent bookings for one specialist produce no overlap, 409s for the losers and no 5xx', async () => {
    const { clinicId, specialists } = await clinicWith(
      [{ discipline: 'medical_oncology', minutes: 30, patientAttends: true }],
      ['09:00', '10:00'],
    );
    const cases = await readyCases(clinicId, 200);
    const results = await Promise.all(
      cases.map((id) => request(t.http).post(`/api/cases/${id}/itinerary`).set(bearer(coord)).send({ date: DATE })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(new Set(statuses)).toEqual(new Set([201, 409]));
    // One hour, 30-minute visits: exactly two patients fit.
    expect(statuses.filter((s) => s === 201)).toHaveLength(2);
    const overlaps = await t.dataSource.query<unknown[]>(
      `SELECT 1 FROM appointment a JOIN appointment b ON a.id < b.id AND a.specialist_id = b.specialist_id
        WHERE a.status = 'booked' AND b.status = 'booked'
          AND tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)`,
    );
    expect(overlaps).toEqual([]);
    const booked = await t.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM appointment WHERE specialist_id = $1 AND status = 'booked'`,
      [specialists[0]],
    );
    expect(booked[0]?.n).toBe(2);
  });

  it('should plan a clinic day for several patients without booking, and show the booked day by specialist and room', async () => {
    const { clinicId, specialists } = await clinicWith(
      [{ discipline: 'genetic_counseling', minutes: 30, patientAttends: true }],
      ['09:00', '11:00'],
    );
    const cases = await readyCases(clinicId, 5);
    const before = await t.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM appointment');
    const plan = await request(t.http)
      .post(`/api/schedule/days/${DATE}/plan`)
      .set(bearer(coord))
      .send({ clinicId, caseIds: cases });
    expect(plan.status).toBe(200);
    expect(plan.body.placed).toHaveLength(4);
    expect(plan.body.unplaced).toEqual([
      { caseId: expect.any(String), reason: expect.stringContaining('genetic_counseling') },
    ]);
    const starts = (plan.body.placed as { appointments: { start: string }[] }[])
      .map((p) => p.appointments[0].start)
      .sort();
    expect(new Set(starts).size).toBe(4);
    // Four 30-minute days, each as short as it could be alone; one case left out, so not provably optimal.
    expect(plan.body).toMatchObject({ totalTimeInClinic: 120, lowerBound: 120, provenOptimal: false });
    expect(await t.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM appointment')).toEqual(before);

    await request(t.http).post(`/api/cases/${cases[0]}/itinerary`).set(bearer(coord)).send({ date: DATE });
    const day = await request(t.http).get(`/api/schedule/days/${DATE}`).query({ clinicId }).set(bearer(coord));
    expect(day.status).toBe(200);
    expect(day.body.timeZone).toBe('America/Denver');
    const mine = (
      day.body.bySpecialist as { specialistId: string; appointments: { caseId: string }[]; free: unknown[] }[]
    ).find((x) => x.specialistId === specialists[0])!;
    expect(mine.appointments.map((a) => a.caseId)).toEqual([cases[0]]);
    expect(mine.free).toEqual([{ start: '2026-12-03T16:00:00.000Z', end: '2026-12-03T18:00:00.000Z' }]);
    expect((day.body.byRoom as { appointments: unknown[] }[])[0].appointments).toHaveLength(1);
    // The day names its patients (so the timeline need not read each case), and the audit row says whom it showed.
    const [patient] = await t.dataSource.query<{ id: string; mrn: string; family_name: string }[]>(
      'SELECT p.id, p.mrn, p.family_name FROM patient p JOIN second_opinion_case c ON c.patient_id = p.id WHERE c.id = $1',
      [cases[0]],
    );
    expect(day.body.patients).toEqual([
      expect.objectContaining({
        caseId: cases[0],
        patientId: patient.id,
        mrn: patient.mrn,
        familyName: patient.family_name,
      }),
    ]);
    const [audit] = await t.dataSource.query<{ disclosed: string[] }[]>(
      `SELECT disclosed_patient_ids::text[] AS disclosed FROM audit_event WHERE request_id = $1 AND action = 'schedule.day.read'`,
      [day.headers['x-request-id']],
    );
    expect(audit?.disclosed).toEqual([patient.id]);
    // An admin sees the day's shape, not who is in it (patient data only under break-glass).
    const adminDay = await request(t.http).get(`/api/schedule/days/${DATE}`).query({ clinicId }).set(bearer(admin));
    expect(adminDay.status).toBe(200);
    expect(adminDay.body.patients).toEqual([]);
    const bad = await request(t.http).get('/api/schedule/days/2026-13-40').query({ clinicId }).set(bearer(coord));
    expect(bad.status).toBe(400);
  });

  it('should book a coordinator-edited itinerary only if it keeps every rule', async () => {
    const { clinicId, specialists } = await clinicWith(
      [{ discipline: 'palliative_care', minutes: 30, patientAttends: true }],
      ['09:00', '12:00'],
    );
    const [caseId] = await readyCases(clinicId, 1);
    const rooms = await request(t.http).get('/api/rooms').query({ clinicId }).set(bearer(coord));
    const roomId = (rooms.body as { id: string }[])[0].id;
    const wrong = await request(t.http)
      .post(`/api/cases/${caseId}/itinerary`)
      .set(bearer(coord))
      .send({
        date: DATE,
        appointments: [
          {
            discipline: 'palliative_care',
            specialistId: specialists[0],
            roomId,
            start: '2026-12-03T15:00:00Z',
            end: '2026-12-03T15:20:00Z',
          },
        ],
      });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].field).toBe('appointments');
    expect((wrong.body.errors as { messages: string[] }[])[0].messages.join(' ')).toMatch(
      /30 minutes|not free|outside/,
    );
    const right = await request(t.http)
      .post(`/api/cases/${caseId}/itinerary`)
      .set(bearer(coord))
      .send({
        date: DATE,
        appointments: [
          {
            discipline: 'palliative_care',
            specialistId: specialists[0],
            roomId,
            start: '2026-12-03T17:30:00Z',
            end: '2026-12-03T18:00:00Z',
          },
        ],
      });
    expect(right.status).toBe(201);
    expect(right.body.appointments[0].start).toBe('2026-12-03T17:30:00.000Z');
  });

  it('should flag appointments a sick day breaks, and repair only those', async () => {
    const visit = { discipline: 'medical_oncology', minutes: 30, patientAttends: true };
    const { clinicId, specialists } = await clinicWith([visit], ['09:00', '10:00'], {
      rooms: 2,
      staff: [
        { discipline: 'medical_oncology', window: ['09:00', '10:00'] },
        { discipline: 'medical_oncology', window: ['09:00', '11:00'] },
      ],
    });
    const [a, b] = specialists as [string, string];
    const clinic = { id: clinicId };
    const cases = await readyCases(clinic.id, 3);
    for (const id of cases)
      expect(
        (await request(t.http).post(`/api/cases/${id}/itinerary`).set(bearer(coord)).send({ date: DATE })).status,
      ).toBe(201);
    const before = await t.dataSource.query<{ id: string; case_id: string; specialist_id: string; starts_at: Date }[]>(
      `SELECT id, case_id, specialist_id, starts_at FROM appointment WHERE status = 'booked' AND case_id = ANY($1::uuid[])`,
      [cases],
    );
    const onA = before.filter((r) => r.specialist_id === a);
    const onB = before.filter((r) => r.specialist_id === b);
    expect(onA.length).toBeGreaterThan(0);

    // Specialist A falls ill.
    await request(t.http)
      .post(`/api/specialists/${a}/exceptions`)
      .set(bearer(coord))
      .send({ clinicId: clinic.id, date: DATE, kind: 'away', reason: 'sick' });
    const day = await request(t.http)
      .get(`/api/schedule/days/${DATE}`)
      .query({ clinicId: clinic.id })
      .set(bearer(coord));
    const flagged = (
      day.body.bySpecialist as { specialistId: string; appointments: { appointmentId: string; conflict: boolean }[] }[]
    ).flatMap((s) => s.appointments.filter((x) => x.conflict).map((x) => x.appointmentId));
    expect(flagged.sort()).toEqual(onA.map((r) => r.id).sort());

    const repair = await request(t.http)
      .post(`/api/schedule/days/${DATE}/repair`)
      .set(bearer(coord))
      .send({ clinicId: clinic.id });
    expect(repair.status).toBe(200);
    expect((repair.body.moved as { caseId: string }[]).map((m) => m.caseId).sort()).toEqual(
      onA.map((r) => r.case_id).sort(),
    );
    const after = await t.dataSource.query<{ id: string; case_id: string; specialist_id: string; starts_at: Date }[]>(
      `SELECT id, case_id, specialist_id, starts_at FROM appointment WHERE status = 'booked' AND case_id = ANY($1::uuid[])`,
      [cases],
    );
    // Everything on B stayed exactly where it was; nothing is on A any more.
    for (const kept of onB) expect(after).toContainEqual(kept);
    expect(after.filter((r) => r.specialist_id === a)).toEqual([]);
    expect(after).toHaveLength(3);
  });

  it('should answer a calendar subscription without from/to: 30 days back to 180 ahead, calendar properties first', async () => {
    // Relative to today, as the default window is (a Thursday about two weeks ahead).
    const day = new Date(Date.now() + 14 * 86_400_000);
    day.setUTCDate(day.getUTCDate() + ((4 - day.getUTCDay() + 7) % 7));
    const date = day.toISOString().slice(0, 10);
    const { clinicId, specialists } = await clinicWith(
      [{ discipline: 'medical_oncology', minutes: 45, patientAttends: true }],
      ['09:00', '17:00'],
    );
    const ids = await readyCases(clinicId, 3);
    const appointments: string[] = [];
    for (const id of ids) {
      const booked = await request(t.http).post(`/api/cases/${id}/itinerary`).set(bearer(coord)).send({ date });
      expect(booked.status).toBe(201);
      appointments.push(booked.body.appointments[0].id as string);
    }
    // Set-up: one visit moved beyond 180 days ahead, one to 60 days back (outside the default window).
    const move = (id: string, days: number) =>
      t.dataSource.query(
        `UPDATE appointment SET starts_at = starts_at + make_interval(days => $2), ends_at = ends_at + make_interval(days => $2) WHERE id = $1`,
        [id, days],
      );
    await move(appointments[1], 200);
    await move(appointments[2], -74);

    const unfolded = (ics: string): string[] =>
      ics
        .replace(/\r\n[ \t]/g, '')
        .split('\r\n')
        .filter((l) => l !== '');
    const uids = (lines: string[]) => lines.filter((l) => l.startsWith('UID:')).map((l) => l.slice(4));
    const feed = await request(t.http).get(`/api/specialists/${specialists[0]}/calendar.ics`).set(bearer(coord));
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toContain('text/calendar');
    expect(feed.headers['cache-control']).toBe('no-store');
    const lines = unfolded(feed.text);
    expect(uids(lines)).toEqual([appointments[0]]);

    // RFC 5545: the calendar's own properties, then its components; nothing of the calendar after them.
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.at(-1)).toBe('END:VCALENDAR');
    const first = lines.indexOf('BEGIN:VEVENT');
    const properties = lines.slice(1, first).map((l) => l.split(/[:;]/)[0]);
    expect(properties).toEqual([
      'VERSION',
      'PRODID',
      'CALSCALE',
      'METHOD',
      'NAME',
      'X-WR-CALNAME',
      'REFRESH-INTERVAL',
      'X-PUBLISHED-TTL',
      'X-WR-TIMEZONE',
    ]);
    expect(lines).toContain('X-WR-TIMEZONE:America/Denver');
    expect(lines.slice(lines.lastIndexOf('END:VEVENT') + 1)).toEqual(['END:VCALENDAR']);
    let depth = 0;
    for (const l of lines) {
      if (l.startsWith('BEGIN:')) depth++;
      if (l.startsWith('END:')) depth--;
      expect(l).toMatch(/^[A-Z][A-Z0-9-]*[:;]/);
    }
    expect(depth).toBe(0);

    // Given bounds still rule, with their limits.
    const wide = await request(t.http)
      .get(`/api/specialists/${specialists[0]}/calendar.ics`)
      .query({
        from: new Date(Date.now() - 86_400_000).toISOString(),
        to: new Date(Date.now() + 300 * 86_400_000).toISOString(),
      })
      .set(bearer(coord));
    expect(wide.status).toBe(200);
    expect(uids(unfolded(wide.text)).sort()).toEqual([appointments[0], appointments[1]].sort());
    const tooLong = await request(t.http)
      .get(`/api/specialists/${specialists[0]}/calendar.ics`)
      .query({ from: '2026-01-01T00:00:00Z', to: '2027-06-01T00:00:00Z' })
      .set(bearer(coord));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors[0].field).toBe('to');
  });

  it('should make overlaps impossible in the database itself', async () => {
    const rows = await t.dataSource.query<
      { id: string; itinerary_id: string; case_id: string; patient_id: string; specialist_id: string }[]
    >(`SELECT id, itinerary_id, case_id, patient_id, specialist_id FROM appointment WHERE status = 'booked' LIMIT 1`);
    const a = rows[0];
    await expect(
      t.dataSource.query(
        `INSERT INTO appointment (itinerary_id, case_id, patient_id, discipline, specialist_id, room_id, patient_attends, starts_at, ends_at, status)
         SELECT itinerary_id, case_id, gen_random_uuid(), discipline, specialist_id, NULL, false, starts_at + interval '5 minutes', ends_at, 'booked' FROM appointment WHERE id = $1`,
        [a.id],
      ),
    ).rejects.toThrow(/EXCL_appointment_specialist/);
  });
});
