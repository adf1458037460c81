/**
 * What happened next (follow-through): action items from the signed plan,
 * each with its named responsible clinician (NHS England MDT streamlining)
 * and due date, "my tasks", treatment starts, the outcome of the
 * recommendation, postponed cases, and the conference report's figures.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { boardWorld, type BoardWorld } from './utils/board-fixtures.js';
import { signPlan } from './utils/follow-up-fixtures.js';
import { bearer, createTestApp, createUser, lastAuditId, login, type TestApp, type Tokens } from './utils/test-app.js';
import { breastClinicBody } from './utils/factories.js';

const fieldsOf = (body: { errors?: { field: string }[] }): string[] => (body.errors ?? []).map((e) => e.field);
const reference = (caseId: string): string => `C-${caseId.slice(0, 8).toUpperCase()}`;

describe('Follow-up after the board', () => {
  let t: TestApp;
  let admin: Tokens;
  let w: BoardWorld;
  let plan0: { id: string; number: number };
  let today: string;
  const items: Record<string, string> = {};
  const sql = <T = unknown>(query: string, params: unknown[] = []): Promise<T> => t.dataSource.query(query, params);
  const surgery = [
    { modality: 'systemic_therapy', intent: 'curative', sequence: 1, description: 'neoadjuvant TCHP' },
    { modality: 'surgery', intent: 'curative', sequence: 2, description: 'lumpectomy after response' },
  ];

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    admin = await login(t, await createUser(t, 'admin'));
    w = await boardWorld(t.http, admin, sql, { cases: 3 });
    const [row] = await sql<{ today: string }[]>(`SELECT (now() AT TIME ZONE 'America/Denver')::date::text AS today`);
    today = row?.today ?? '';
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('should add action items only from a signed plan, name an active clinician of the clinic, and mail them', async () => {
    const [pathologist, chair] = w.doctors;
    const caseId = w.cases[0];
    const draft = await request(t.http)
      .post(`/api/cases/${caseId}/plans`)
      .set(bearer(chair.tokens))
      .send({ items: surgery });
    expect(draft.status).toBe(201);
    const body = {
      planId: draft.body.id,
      planItemSequence: 1,
      description: 'Book neoadjuvant TCHP, cycle 1',
      responsibleClinicianId: pathologist.id,
      dueDate: '2026-12-18',
    };
    const unsigned = await request(t.http)
      .post(`/api/cases/${caseId}/action-items`)
      .set(bearer(w.coord.tokens))
      .send(body);
    expect(unsigned.status).toBe(409);

    plan0 = await signPlan(t.http, w, sql, caseId, surgery);
    const url = `/api/cases/${caseId}/action-items`;
    const signed = { ...body, planId: plan0.id };
    for (const who of [w.outsider.id, w.coord.id, '00000000-0000-4000-8000-000000000000']) {
      const bad = await request(t.http)
        .post(url)
        .set(bearer(w.coord.tokens))
        .send({ ...signed, responsibleClinicianId: who });
      expect(bad.status).toBe(400);
      expect(fieldsOf(bad.body)).toEqual(['responsibleClinicianId']);
    }
    const missing = await request(t.http)
      .post(url)
      .set(bearer(w.coord.tokens))
      .send({ ...signed, responsibleClinicianId: undefined });
    expect(fieldsOf(missing.body)).toEqual(['responsibleClinicianId']);
    const noSuchItem = await request(t.http)
      .post(url)
      .set(bearer(w.coord.tokens))
      .send({ ...signed, planItemSequence: 9 });
    expect(fieldsOf(noSuchItem.body)).toEqual(['planItemSequence']);
    const badDate = await request(t.http)
      .post(url)
      .set(bearer(w.coord.tokens))
      .send({ ...signed, dueDate: '2026-02-30' });
    expect(fieldsOf(badDate.body)).toEqual(['dueDate']);
    const otherPlan = await request(t.http)
      .post(`/api/cases/${w.cases[1]}/action-items`)
      .set(bearer(w.coord.tokens))
      .send(signed);
    expect(fieldsOf(otherPlan.body)).toEqual(['planId']);
    expect((await request(t.http).post(url).set(bearer(w.outsider.tokens)).send(signed)).status).toBe(404);
    // Nothing was written by the refusals.
    expect(await sql(`SELECT id FROM action_item`)).toEqual([]);

    const before = await sql<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM notification_outbox WHERE kind = 'task_assigned'`,
    );
    const created = await request(t.http).post(url).set(bearer(w.coord.tokens)).send(signed);
    expect(created.status).toBe(201);
    expect(created.headers.etag).toBe('"1"');
    expect(created.body).toMatchObject({
      caseId,
      caseReference: reference(caseId),
      planId: plan0.id,
      planItemSequence: 1,
      responsibleClinicianId: pathologist.id,
      dueDate: '2026-12-18',
      status: 'open',
      treatmentStartedOn: null,
      version: 1,
    });
    items.a = created.body.id as string;
    const mails = await sql<{ recipient_user_id: string; subject: string; body: string }[]>(
      `SELECT recipient_user_id, subject, body FROM notification_outbox WHERE kind = 'task_assigned' ORDER BY created_at`,
    );
    expect(mails).toHaveLength((before[0]?.n ?? 0) + 1);
    const mail = mails.at(-1);
    expect(mail?.recipient_user_id).toBe(pathologist.id);
    expect(mail?.subject).toContain(reference(caseId));
    expect(mail?.body).toContain('/#/tasks');
    // No patient data in a mail: not the name, not the task's words.
    const [patient] = await sql<{ family_name: string; mrn: string }[]>(
      `SELECT p.family_name, p.mrn FROM patient p JOIN second_opinion_case c ON c.patient_id = p.id WHERE c.id = $1`,
      [caseId],
    );
    expect(mail?.body).not.toContain(patient?.family_name);
    expect(mail?.body).not.toContain(patient?.mrn);
    expect(mail?.body).not.toContain('TCHP');

    const second = await request(t.http)
      .post(url)
      .set(bearer(chair.tokens))
      .send({
        ...signed,
        planItemSequence: 2,
        description: 'Surgical consult after restaging',
        responsibleClinicianId: chair.id,
        dueDate: '2026-12-01',
      });
    expect(second.status).toBe(201);
    items.b = second.body.id as string;
    const listed = await request(t.http).get(url).set(bearer(pathologist.tokens));
    expect((listed.body as { id: string }[]).map((i) => i.id)).toEqual([items.a, items.b]);
  });

  it("should list the caller's own tasks across their cases, with the patient, overdue ones flagged, and audit the disclosure", async () => {
    const [pathologist, chair] = w.doctors;
    const audit = await lastAuditId(t);
    const mine = await request(t.http).get('/api/action-items?assignee=me&status=open').set(bearer(pathologist.tokens));
    expect(mine.status).toBe(200);
    expect(mine.body).toHaveLength(1);
    const [patient] = await sql<{ id: string; family_name: string; given_name: string }[]>(
      `SELECT p.id, p.family_name, p.given_name FROM patient p JOIN second_opinion_case c ON c.patient_id = p.id WHERE c.id = $1`,
      [w.cases[0]],
    );
    expect(mine.body[0]).toMatchObject({
      id: items.a,
      caseReference: reference(w.cases[0]),
      patientName: `${patient?.family_name}, ${patient?.given_name}`,
      description: 'Book neoadjuvant TCHP, cycle 1',
      dueDate: '2026-12-18',
      overdue: '2026-12-18' < today,
      timeZone: 'America/Denver',
    });
    const chairs = await request(t.http).get('/api/action-items?status=open').set(bearer(chair.tokens));
    expect((chairs.body as { id: string }[]).map((i) => i.id)).toEqual([items.b]);
    expect(chairs.body[0].overdue).toBe('2026-12-01' < today);
    const everyone = await request(t.http).get('/api/action-items?assignee=all').set(bearer(w.coord.tokens));
    expect((everyone.body as { id: string }[]).map((i) => i.id).sort()).toEqual([items.a, items.b].sort());
    expect((await request(t.http).get('/api/action-items?assignee=all').set(bearer(w.outsider.tokens))).body).toEqual(
      [],
    );
    expect((await request(t.http).get('/api/action-items').set(bearer(admin))).status).toBe(403);
    const bad = await request(t.http).get('/api/action-items?assignee=someone').set(bearer(chair.tokens));
    expect(fieldsOf(bad.body)).toEqual(['assignee']);
    const rows = await sql<{ disclosed_patient_ids: string[] | null }[]>(
      `SELECT disclosed_patient_ids FROM audit_event WHERE id > $1 AND action = 'action_item.tasks' AND actor_id = $2`,
      [audit, pathologist.id],
    );
    expect(rows.map((r) => r.disclosed_patient_ids)).toEqual([[patient?.id]]);
  });

  it('should edit an item under If-Match and refuse a treatment start in the future or before the plan was signed', async () => {
    const [pathologist] = w.doctors;
    const url = `/api/action-items/${items.a}`;
    expect((await request(t.http).patch(url).set(bearer(pathologist.tokens)).send({ status: 'done' })).status).toBe(
      428,
    );
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const ahead = await request(t.http)
      .patch(url)
      .set(bearer(pathologist.tokens))
      .set('If-Match', '"1"')
      .send({ treatmentStartedOn: future });
    expect(ahead.status).toBe(400);
    expect(fieldsOf(ahead.body)).toEqual(['treatmentStartedOn']);
    const early = await request(t.http)
      .patch(url)
      .set(bearer(pathologist.tokens))
      .set('If-Match', '"1"')
      .send({ treatmentStartedOn: '2026-01-02' });
    expect(early.status).toBe(400);
    expect(fieldsOf(early.body)).toEqual(['treatmentStartedOn']);
    const started = await request(t.http)
      .patch(url)
      .set(bearer(pathologist.tokens))
      .set('If-Match', '"1"')
      .send({ treatmentStartedOn: today, note: 'cycle 1 given' });
    expect(started.status).toBe(200);
    expect(started.headers.etag).toBe('"2"');
    expect(started.body).toMatchObject({ treatmentStartedOn: today, status: 'open', version: 2 });
    const stale = await request(t.http)
      .patch(url)
      .set(bearer(pathologist.tokens))
      .set('If-Match', '"1"')
      .send({ status: 'done' });
    expect(stale.status).toBe(412);
    const cancelled = await request(t.http)
      .patch(url)
      .set(bearer(pathologist.tokens))
      .set('If-Match', '"2"')
      .send({ status: 'cancelled' });
    expect(cancelled.status).toBe(409);
    const done = await request(t.http)
      .patch(url)
      .set(bearer(pathologist.tokens))
      .set('If-Match', '"2"')
      .send({ status: 'done' });
    expect(done.body).toMatchObject({ status: 'done', overdue: false, version: 3 });
    expect((await request(t.http).get('/api/action-items?status=open').set(bearer(pathologist.tokens))).body).toEqual(
      [],
    );
    const bad = await request(t.http)
      .patch(url)
      .set(bearer(pathologist.tokens))
      .set('If-Match', '"3"')
      .send({ status: 'finished' });
    expect(fieldsOf(bad.body)).toEqual(['status']);
    const reassign = await request(t.http)
      .patch(url)
      .set(bearer(pathologist.tokens))
      .set('If-Match', '"3"')
      .send({ responsibleClinicianId: w.outsider.id });
    expect(fieldsOf(reassign.body)).toEqual(['responsibleClinicianId']);
    expect(
      (await request(t.http).patch(url).set(bearer(w.outsider.tokens)).set('If-Match', '"3"').send({})).status,
    ).toBe(404);
  });

  it('should keep the outcome of the recommendation as a history, with a reason when modified or declined', async () => {
    const url = `/api/cases/${w.cases[0]}/recommendation-outcome`;
    const none = await request(t.http).get(url).set(bearer(w.coord.tokens));
    expect(none.body).toEqual({ current: null, history: [] });
    const noPlan = await request(t.http)
      .put(`/api/cases/${w.cases[1]}/recommendation-outcome`)
      .set(bearer(w.coord.tokens))
      .send({ outcome: 'carried_out' });
    expect(noPlan.status).toBe(409);
    const noReason = await request(t.http).put(url).set(bearer(w.coord.tokens)).send({ outcome: 'modified' });
    expect(noReason.status).toBe(400);
    expect(fieldsOf(noReason.body)).toEqual(['reason']);
    const short = await request(t.http)
      .put(url)
      .set(bearer(w.coord.tokens))
      .send({ outcome: 'declined', reason: ' x ' });
    expect(fieldsOf(short.body)).toEqual(['reason']);
    const badKind = await request(t.http)
      .put(url)
      .set(bearer(w.coord.tokens))
      .send({ outcome: 'ignored', reason: 'whatever' });
    expect(fieldsOf(badKind.body)).toEqual(['outcome']);
    const modified = await request(t.http)
      .put(url)
      .set(bearer(w.coord.tokens))
      .send({ outcome: 'modified', reason: 'Dose reduced for neuropathy' });
    expect(modified.status).toBe(200);
    expect(modified.body.current).toMatchObject({
      outcome: 'modified',
      reason: 'Dose reduced for neuropathy',
      planId: plan0.id,
    });
    const carried = await request(t.http).put(url).set(bearer(w.doctors[1].tokens)).send({ outcome: 'carried_out' });
    expect(carried.body.current).toMatchObject({ outcome: 'carried_out', reason: null });
    expect((carried.body.history as { outcome: string }[]).map((h) => h.outcome)).toEqual(['modified', 'carried_out']);
    await expect(sql(`UPDATE recommendation_outcome SET outcome = 'declined'`)).rejects.toThrow();
    await expect(sql(`DELETE FROM recommendation_outcome`)).rejects.toThrow();
  });

  it('should postpone a case only to a later session of the same clinic, with a reason, and move it there', async () => {
    const caseId = w.cases[2];
    const session = async (body: Record<string, unknown>, tokens = w.coord.tokens): Promise<string> => {
      const r = await request(t.http).post('/api/board-sessions').set(bearer(tokens)).send(body);
      if (r.status !== 201) throw new Error(`session: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.id as string;
    };
    const base = { clinicId: w.clinicId, title: 'Breast tumor board' };
    const earlier = await session({ ...base, startsAt: '2026-11-05T19:00:00Z', endsAt: '2026-11-05T20:00:00Z' });
    const later = await session({
      ...base,
      title: 'Breast tumor board (next)',
      startsAt: '2026-12-17T19:00:00Z',
      endsAt: '2026-12-17T20:00:00Z',
    });
    const other = await request(t.http)
      .post('/api/clinics')
      .set(bearer(admin))
      .send({ ...breastClinicBody(), name: 'Other clinic' });
    await request(t.http)
      .put(`/api/clinics/${other.body.id as string}/members/${w.coord.id}`)
      .set(bearer(admin));
    const elsewhere = await session({
      clinicId: other.body.id,
      title: 'Other board',
      startsAt: '2026-12-20T19:00:00Z',
      endsAt: '2026-12-20T20:00:00Z',
    });
    const url = `/api/board-sessions/${w.sessionId}/agenda/${caseId}/postponement`;
    const reason = 'Awaiting the outside pathology slides';
    expect(
      (await request(t.http).post(url).set(bearer(w.coord.tokens)).send({ toSessionId: earlier, reason })).status,
    ).toBe(409);
    expect(
      (await request(t.http).post(url).set(bearer(w.coord.tokens)).send({ toSessionId: elsewhere, reason })).status,
    ).toBe(409);
    expect(
      (await request(t.http).post(url).set(bearer(w.coord.tokens)).send({ toSessionId: w.sessionId, reason })).status,
    ).toBe(409);
    const noReason = await request(t.http).post(url).set(bearer(w.coord.tokens)).send({ toSessionId: later });
    expect(fieldsOf(noReason.body)).toEqual(['reason']);
    expect(
      (await request(t.http).post(url).set(bearer(w.doctors[0].tokens)).send({ toSessionId: later, reason })).status,
    ).toBe(403);
    // A case already presented stays in that session's record.
    const presented = await request(t.http)
      .post(`/api/board-sessions/${w.sessionId}/agenda/${w.cases[0]}/postponement`)
      .set(bearer(w.coord.tokens))
      .send({ toSessionId: later, reason });
    expect(presented.status).toBe(409);
    expect(await sql(`SELECT id FROM case_postponement`)).toEqual([]);

    const moved = await request(t.http).post(url).set(bearer(w.coord.tokens)).send({ toSessionId: later, reason });
    expect(moved.status).toBe(201);
    expect(moved.body).toMatchObject({
      caseId,
      from: { id: w.sessionId, startsAt: '2026-12-03T19:00:00.000Z' },
      to: { id: later, title: 'Breast tumor board (next)' },
      reason,
      postponedBy: w.coord.id,
    });
    const fromAgenda = await request(t.http)
      .get(`/api/board-sessions/${w.sessionId}/agenda`)
      .set(bearer(w.coord.tokens));
    expect((fromAgenda.body as { caseId: string }[]).map((a) => a.caseId)).not.toContain(caseId);
    expect((fromAgenda.body as { position: number }[]).map((a) => a.position)).toEqual([0, 1]);
    const toAgenda = await request(t.http).get(`/api/board-sessions/${later}/agenda`).set(bearer(w.coord.tokens));
    expect((toAgenda.body as { caseId: string }[]).map((a) => a.caseId)).toEqual([caseId]);
    const again = await request(t.http).post(url).set(bearer(w.coord.tokens)).send({ toSessionId: later, reason });
    expect(again.status).toBe(404);
    const events = await sql<{ session_id: string; payload: Record<string, unknown> }[]>(
      `SELECT session_id, payload FROM board_event WHERE type = 'agenda.changed' AND session_id = ANY($1::uuid[]) ORDER BY id DESC LIMIT 2`,
      [[w.sessionId, later]],
    );
    expect(events.find((e) => e.session_id === w.sessionId)?.payload).toMatchObject({
      postponed: caseId,
      toSessionId: later,
      reason,
    });
    expect(events.find((e) => e.session_id === later)?.payload).toMatchObject({
      added: caseId,
      postponedFrom: w.sessionId,
    });
    const followUp = await request(t.http).get(`/api/cases/${caseId}/follow-up`).set(bearer(w.doctors[0].tokens));
    expect(followUp.body.postponements).toHaveLength(1);
    expect(followUp.body.postponements[0]).toMatchObject({ reason, to: { id: later } });
    expect(followUp.body.times).toMatchObject({
      firstPresentedOn: null,
      referralToBoardDays: null,
      boardToTreatmentDays: null,
    });
  });

  it("should give a case's times and the conference report's follow-up figures from what was recorded", async () => {
    const [, chair] = w.doctors;
    await signPlan(t.http, w, sql, w.cases[1], surgery);
    const [plan1] = await sql<{ id: string }[]>(
      `SELECT id FROM plan_version WHERE case_id = $1 AND status = 'signed'`,
      [w.cases[1]],
    );
    const open = await request(t.http).post(`/api/cases/${w.cases[1]}/action-items`).set(bearer(w.coord.tokens)).send({
      planId: plan1?.id,
      description: 'Restaging MRI',
      responsibleClinicianId: chair.id,
      dueDate: '2027-06-01',
    });
    expect(open.status).toBe(201);
    await request(t.http)
      .put(`/api/cases/${w.cases[1]}/recommendation-outcome`)
      .set(bearer(w.coord.tokens))
      .send({ outcome: 'declined', reason: 'Patient chose treatment closer to home' });
    // Known dates: referrals 20 Nov and 1 Nov (Denver), both first presented 3 Dec, 12:30 Denver.
    await sql(`UPDATE second_opinion_case SET created_at = $2 WHERE id = $1`, [w.cases[0], '2026-11-20T17:00:00Z']);
    await sql(`UPDATE second_opinion_case SET created_at = $2 WHERE id = $1`, [w.cases[1], '2026-11-01T17:00:00Z']);
    await sql(`UPDATE agenda_item SET presented_at = '2026-12-03T19:30:00Z' WHERE session_id = $1`, [w.sessionId]);

    const boardToTreatment = Math.round((Date.parse(today) - Date.parse('2026-12-03')) / 86_400_000);
    const case0 = await request(t.http).get(`/api/cases/${w.cases[0]}/follow-up`).set(bearer(w.coord.tokens));
    expect(case0.status).toBe(200);
    expect(case0.body.times).toEqual({
      referredOn: '2026-11-20',
      firstPresentedOn: '2026-12-03',
      firstTreatmentStartedOn: today,
      referralToBoardDays: 13,
      boardToTreatmentDays: boardToTreatment,
    });
    expect(case0.body.signedPlan).toMatchObject({ id: plan0.id, items: [{ sequence: 1 }, { sequence: 2 }] });
    expect((case0.body.clinicians as { id: string }[]).map((c) => c.id).sort()).toEqual(
      w.doctors.map((d) => d.id).sort(),
    );
    expect(case0.body.actionItems).toHaveLength(2);
    expect(case0.body.outcome.current.outcome).toBe('carried_out');
    const case1 = await request(t.http).get(`/api/cases/${w.cases[1]}/follow-up`).set(bearer(w.coord.tokens));
    expect(case1.body.times).toMatchObject({ referralToBoardDays: 32, boardToTreatmentDays: null });

    const report = await request(t.http)
      .get('/api/reports/conference')
      .query({ clinicId: w.clinicId, year: 2026 })
      .set(bearer(w.coord.tokens));
    expect(report.status).toBe(200);
    // Item b (due 1 Dec) is open and overdue, item a is done, the restaging MRI is open and not due.
    expect(report.body.followUp).toEqual({
      casesFirstPresented: 2,
      referralToBoardDays: { count: 2, median: (13 + 32) / 2 },
      boardToTreatmentDays: { count: 1, median: boardToTreatment },
      postponedCases: 1,
      postponements: 1,
      outcomes: { carried_out: 1, modified: 0, declined: 1, not_recorded: 0 },
      actionItems: { open: 2, overdue: '2026-12-01' < today ? 1 : 0, done: 1, cancelled: 0 },
    });
    // The existing figures are unchanged in shape.
    expect(report.body).toMatchObject({ clinicId: w.clinicId, year: 2026, casesPresented: 2 });
    const empty = await request(t.http)
      .get('/api/reports/conference')
      .query({ clinicId: w.clinicId, year: 2025 })
      .set(bearer(w.coord.tokens));
    expect(empty.body.followUp).toMatchObject({
      casesFirstPresented: 0,
      referralToBoardDays: { count: 0, median: null },
      boardToTreatmentDays: { count: 0, median: null },
      postponedCases: 0,
    });
  });
});
