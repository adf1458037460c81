import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { boardWorld, type BoardWorld } from './utils/board-fixtures.js';
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

interface AgendaItem {
  caseId: string;
  presentationReason: string | null;
  prospectiveStatus: 'prospective' | 'retrospective' | 'unknown' | null;
  prospective: boolean | null;
}

/**
 * CoC Standard 2.5 as DOMAIN.md defines it: the reason for presentation is
 * recorded, a missing treatment date is unknown (never compliant), case
 * volume counts distinct cases; and `potential` management impact is its own
 * category in the concordance report.
 */
describe('CoC Standard 2.5 conference figures and concordance categories', () => {
  let t: TestApp;
  let admin: Tokens;
  let w: BoardWorld;
  let secondSession: string;
  const YEAR = 2026; // the fixture's session starts on 2026-12-03
  // Presentations are dated when presented (now): treatment dates are set around today.
  const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const PLANNED = day(40);
  const BEGUN = day(-30);
  const sql = (query: string, params: unknown[]): Promise<unknown> => t.dataSource.query(query, params);
  const fieldsOf = (body: { errors?: { field: string }[] }): string[] => (body.errors ?? []).map((e) => e.field);

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t, await createUser(t, 'admin'));
    w = await boardWorld(t.http, admin, sql, { cases: 3 });
  });
  afterAll(async () => {
    await t.close();
  });

  const conference = async (caseload?: number): Promise<Record<string, unknown>> => {
    const res = await request(t.http)
      .get('/api/reports/conference')
      .query({ clinicId: w.clinicId, year: YEAR, ...(caseload === undefined ? {} : { caseload }) })
      .set(bearer(w.coord.tokens));
    expect(res.status).toBe(200);
    return res.body as Record<string, unknown>;
  };
  const agenda = async (sessionId = w.sessionId): Promise<Record<string, AgendaItem>> => {
    const res = await request(t.http).get(`/api/board-sessions/${sessionId}`).set(bearer(w.coord.tokens));
    expect(res.status).toBe(200);
    return Object.fromEntries((res.body.agenda as AgendaItem[]).map((a) => [a.caseId, a]));
  };
  const present = async (caseId: string, sessionId = w.sessionId): Promise<void> => {
    const res = await request(t.http)
      .post(`/api/board-sessions/${sessionId}/presenting`)
      .set(bearer(w.coord.tokens))
      .send({ caseId });
    expect(res.status).toBe(200);
  };
  const patchItem = (caseId: string, body: Record<string, unknown>, sessionId = w.sessionId) =>
    request(t.http).patch(`/api/board-sessions/${sessionId}/agenda/${caseId}`).set(bearer(w.coord.tokens)).send(body);
  const setTreatmentDate = (
    caseId: string,
    firstTreatmentDate: unknown,
    tokens = w.doctors[1].tokens,
    ifMatch?: string,
  ) => {
    const req = request(t.http).put(`/api/cases/${caseId}/first-treatment-date`).set(bearer(tokens));
    return (ifMatch === undefined ? req : req.set('If-Match', ifMatch)).send({ firstTreatmentDate });
  };

  it('should record the reason for presentation by PATCH of the agenda item, refusing anything else by name', async () => {
    const bad = await patchItem(w.cases[0], { presentationReason: 'teaching' });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['presentationReason']);
    expect(JSON.stringify(bad.body)).toContain('information_teaching');
    const empty = await patchItem(w.cases[0], {});
    expect(empty.status).toBe(400);
    expect(fieldsOf(empty.body)).toEqual(['presentationReason']);
    // null is not a mode (the resilience fuzzer found it answered 500).
    const nullMode = await patchItem(w.cases[0], { mode: null });
    expect(nullMode.status).toBe(400);
    expect(fieldsOf(nullMode.body)).toEqual(['mode']);

    const ok = await patchItem(w.cases[0], { presentationReason: 'newly_diagnosed_pretreatment' });
    expect(ok.status).toBe(200);
    expect((ok.body as AgendaItem[]).find((a) => a.caseId === w.cases[0])).toMatchObject({
      presentationReason: 'newly_diagnosed_pretreatment',
      prospectiveStatus: null, // not presented yet
      prospective: null,
    });
    expect((await patchItem(w.cases[1], { presentationReason: 'information_teaching' })).status).toBe(200);
    const [event] = await t.dataSource.query<{ payload: Record<string, unknown> }[]>(
      `SELECT payload FROM board_event WHERE session_id = $1 AND type = 'agenda.changed' ORDER BY id DESC LIMIT 1`,
      [w.sessionId],
    );
    expect(event?.payload).toMatchObject({ caseId: w.cases[1], presentationReason: 'information_teaching' });
    // The database holds the rule too.
    await expect(
      sql(`UPDATE agenda_item SET presentation_reason = 'because' WHERE case_id = $1`, [w.cases[0]]),
    ).rejects.toThrow(/CHK_agenda_item_presentation_reason/);
  });

  it('should count a presented newly diagnosed case with no treatment date as unknown, never compliant', async () => {
    await present(w.cases[0]);
    await present(w.cases[1]);
    const items = await agenda();
    expect(items[w.cases[0]]).toMatchObject({ prospectiveStatus: 'unknown', prospective: null });
    const report = await conference();
    expect(report).toMatchObject({
      casesPresented: 2,
      presentations: {
        total: 2,
        prospective: 0,
        retrospective: 1,
        unknown: 1,
        byReason: { newly_diagnosed_pretreatment: 1, information_teaching: 1, not_recorded: 0 },
      },
      prospective: { n: 0, retrospective: 1, unknown: 1, pct: 0, pctOfKnown: 0, comparedWithTarget: 'pct', met: false },
    });
  });

  it('should call a case presented for information or teaching retrospective, even before treatment', async () => {
    expect((await setTreatmentDate(w.cases[1], day(60))).status).toBe(200);
    const items = await agenda();
    expect(items[w.cases[1]]).toMatchObject({
      presentationReason: 'information_teaching',
      prospectiveStatus: 'retrospective',
      prospective: false,
    });
    expect((await conference()).prospective).toMatchObject({ n: 0, retrospective: 1, unknown: 1 });
  });

  it('should take the first treatment date after intake (checked, audited, evented) and count the case then', async () => {
    const c0 = await request(t.http).get(`/api/cases/${w.cases[0]}`).set(bearer(w.coord.tokens));
    const tooEarly = await setTreatmentDate(w.cases[0], '1960-01-01');
    expect(tooEarly.status).toBe(400);
    expect(fieldsOf(tooEarly.body)).toEqual(['firstTreatmentDate']);
    expect(JSON.stringify(tooEarly.body)).toContain('birth date (1968-04-12)');
    const tooLate = await setTreatmentDate(w.cases[0], day(400));
    expect(tooLate.status).toBe(400);
    expect(JSON.stringify(tooLate.body)).toContain('a year ahead');
    expect(fieldsOf((await setTreatmentDate(w.cases[0], '2027-02-30')).body)).toEqual(['firstTreatmentDate']);
    expect(fieldsOf((await setTreatmentDate(w.cases[0], undefined)).body)).toEqual(['firstTreatmentDate']);
    expect((await setTreatmentDate(w.cases[0], PLANNED, w.outsider.tokens)).status).toBe(404);
    expect((await setTreatmentDate(w.cases[0], PLANNED, admin)).status).toBe(403);
    const stale = await setTreatmentDate(w.cases[0], PLANNED, w.doctors[1].tokens, `"${c0.body.version - 1}"`);
    expect(stale.status).toBe(412);

    const before = await lastAuditId(t);
    const res = await setTreatmentDate(w.cases[0], PLANNED, w.doctors[1].tokens, `"${c0.body.version}"`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: w.cases[0], firstTreatmentDate: PLANNED });
    expect(res.headers.etag).toBe(`"${res.body.version}"`);
    expect(res.body.version).toBeGreaterThan(c0.body.version);
    expect(await auditRowsAfter(t, before)).toEqual([
      expect.objectContaining({ action: 'case.first_treatment_date', outcome: 'success', entity_id: w.cases[0] }),
    ]);
    const [event] = await t.dataSource.query<{ type: string; payload: Record<string, unknown> }[]>(
      `SELECT type, payload FROM board_event WHERE case_id = $1 ORDER BY id DESC LIMIT 1`,
      [w.cases[0]],
    );
    expect(event).toEqual({
      type: 'case.updated',
      payload: { changed: ['firstTreatmentDate'], firstTreatmentDate: PLANNED, previous: null },
    });

    // Planned after the board: the presentation was prospective after all.
    expect((await agenda())[w.cases[0]]).toMatchObject({ prospectiveStatus: 'prospective', prospective: true });
    expect((await conference()).prospective).toMatchObject({
      n: 1,
      retrospective: 1,
      unknown: 0,
      pct: 50,
      pctOfKnown: 50,
    });
    // Treatment that had begun before the board makes it retrospective.
    expect((await setTreatmentDate(w.cases[0], BEGUN)).status).toBe(200);
    expect((await conference()).prospective).toMatchObject({ n: 0, retrospective: 2, unknown: 0, pct: 0 });
    expect((await setTreatmentDate(w.cases[0], PLANNED)).status).toBe(200);
  });

  it('should keep a recorded history and the first treatment date one fact', async () => {
    const caseId = w.cases[2];
    const history = await request(t.http)
      .put(`/api/cases/${caseId}/history`)
      .set(bearer(w.coord.tokens))
      .set('If-Match', '"0"')
      .send({});
    expect(history.status).toBe(200);
    expect((await setTreatmentDate(caseId, day(20), w.coord.tokens)).status).toBe(200);
    const now = await request(t.http).get(`/api/cases/${caseId}/history`).set(bearer(w.coord.tokens));
    expect(now.body).toMatchObject({ version: 2, document: { firstTreatmentDate: day(20) } });
    // Clearing a wrong date is allowed too.
    expect((await setTreatmentDate(caseId, null, w.coord.tokens)).body.firstTreatmentDate).toBeNull();
  });

  it('should count a case presented at two sessions once in case volume', async () => {
    const session = await request(t.http).post('/api/board-sessions').set(bearer(w.coord.tokens)).send({
      clinicId: w.clinicId,
      title: 'Breast tumor board (follow-up)',
      startsAt: '2026-12-10T19:00:00Z',
      endsAt: '2026-12-10T20:30:00Z',
      chairId: w.doctors[1].id,
    });
    expect(session.status).toBe(201);
    secondSession = session.body.id as string;
    const bad = await request(t.http)
      .post(`/api/board-sessions/${secondSession}/agenda`)
      .set(bearer(w.coord.tokens))
      .send({ caseId: w.cases[0], presentationReason: 'second look' });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['presentationReason']);
    const added = await request(t.http)
      .post(`/api/board-sessions/${secondSession}/agenda`)
      .set(bearer(w.coord.tokens))
      .send({ caseId: w.cases[0], presentationReason: 'adjuvant_recurrence_progression' });
    expect(added.status).toBe(201);
    expect((added.body as AgendaItem[])[0]).toMatchObject({ presentationReason: 'adjuvant_recurrence_progression' });
    await present(w.cases[0], secondSession);

    const report = await conference(10);
    expect(report).toMatchObject({
      sessions: 2,
      casesPresented: 2,
      presentations: { total: 3, prospective: 2, retrospective: 1, unknown: 0 },
      prospective: { n: 2, pct: 66.7, pctOfKnown: 66.7, met: false },
      caseVolume: { cases: 2, caseload: 10, pct: 20, targetPct: 15, met: true },
    });
  });

  it('should still take a reason for presentation once the session is closed, but not a new mode', async () => {
    const s = await request(t.http).get(`/api/board-sessions/${secondSession}`).set(bearer(w.coord.tokens));
    const closed = await request(t.http)
      .patch(`/api/board-sessions/${secondSession}`)
      .set(bearer(w.coord.tokens))
      .set('If-Match', s.headers.etag)
      .send({ status: 'closed' });
    expect(closed.status).toBe(200);
    expect((await patchItem(w.cases[0], { mode: 'standard_of_care' }, secondSession)).status).toBe(409);
    const reason = await patchItem(w.cases[0], { presentationReason: 'supportive_palliative' }, secondSession);
    expect(reason.status).toBe(200);
    expect((await agenda(secondSession))[w.cases[0]]).toMatchObject({
      presentationReason: 'supportive_palliative',
      prospectiveStatus: 'prospective',
    });
  });

  it('should report potential management impact as its own category in concordance JSON and CSV', async () => {
    const chair = w.doctors[1];
    const referral = await request(t.http).get(`/api/cases/${w.cases[0]}/diagnoses`).set(bearer(chair.tokens));
    const meta = new Set([
      'id',
      'source',
      'authorId',
      'recordedAt',
      'supersedesId',
      'biomarkerResults',
      'primarySiteName',
      'histologyName',
    ]);
    const same = Object.fromEntries(
      Object.entries(referral.body[0] as Record<string, unknown>).filter(([k, v]) => !meta.has(k) && v !== null),
    );
    // A grade re-read with no signed plan: the diagnosis changed, management may (potential), so minor.
    const regraded = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/diagnoses`)
      .set(bearer(chair.tokens))
      .send({
        ...same,
        grade: 'G3',
        source: 'board',
        evidenceSources: ['slide_review'],
        drivingDiscipline: 'pathology',
      });
    expect(regraded.status).toBe(201);
    expect(regraded.body.change).toMatchObject({ concordance: 'minor', managementImpact: 'potential' });
    const agreed = await request(t.http)
      .post(`/api/cases/${w.cases[1]}/diagnoses`)
      .set(bearer(chair.tokens))
      .send({ ...same, source: 'board' });
    expect(agreed.status).toBe(201);
    expect(agreed.body.change).toMatchObject({ concordance: 'concordant', managementImpact: 'none' });

    const range = { clinicId: w.clinicId, from: '2000-01-01', to: '2100-01-01' };
    const report = await request(t.http).get('/api/reports/concordance').query(range).set(bearer(w.coord.tokens));
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      casesReviewed: 2,
      concordant: { n: 1, pct: 50 },
      minor: { n: 1, pct: 50 },
      major: { n: 0, pct: 0 },
      managementImpact: { changed: { n: 0, pct: 0 }, potential: { n: 1, pct: 50 }, none: { n: 1, pct: 50 } },
    });
    const csv = await request(t.http)
      .get('/api/reports/concordance')
      .query({ ...range, format: 'csv' })
      .set(bearer(w.coord.tokens));
    expect(csv.status).toBe(200);
    const lines = csv.text.split('\n');
    for (const line of [
      'concordant.n,1',
      'minor.n,1',
      'major.n,0',
      'managementImpact.changed.n,0',
      'managementImpact.potential.n,1',
      'managementImpact.none.n,1',
    ])
      expect(lines).toContain(line);
  });

  it('should document the reason for presentation and the treatment date route in the OpenAPI document', async () => {
    const doc = (await request(t.http).get('/api/docs-json')).body as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, { enum?: string[] }> }> };
    };
    expect(Object.keys(doc.paths['/api/cases/{id}/first-treatment-date'] ?? {})).toEqual(['put']);
    const schemas = doc.components.schemas;
    for (const name of ['AddAgendaItemDto', 'UpdateAgendaItemDto', 'AgendaItemDto'])
      expect(schemas[name]?.properties?.presentationReason?.enum).toContain('information_teaching');
    expect(schemas.FirstTreatmentDateDto?.properties).toHaveProperty('firstTreatmentDate');
    expect(schemas.CreateCaseDto?.properties).toHaveProperty('siteOverride');
  });
});
