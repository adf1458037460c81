import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { HistoryService } from '../src/cases/history/history.service.js';
import { addMember, breastClinicBody, createClinic, referralBody } from './utils/factories.js';
import { historyBody } from './utils/history.factory.js';
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

/** A date `days` from today (UTC), YYYY-MM-DD. */
const daysFromToday = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

interface VersionBody {
  version: number;
  document: { firstTreatmentDate: string | null };
}
const itemsOf = (body: unknown): VersionBody[] => (body as { items: VersionBody[] }).items;

interface FieldErrorBody {
  field: string;
  messages: string[];
}

describe('Patient history', () => {
  let t: TestApp;
  let admin: Tokens;
  let coordinator: TestUser;
  let coord: Tokens;
  let doctor: TestUser;
  let clinician: Tokens;
  let outsider: Tokens;
  let clinicId: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t, await createUser(t, 'admin'));
    coordinator = await createUser(t, 'coordinator');
    coord = await login(t, coordinator);
    doctor = await createUser(t, 'clinician');
    clinician = await login(t, doctor);
    clinicId = (await createClinic(t, admin)).id;
    await addMember(t, admin, clinicId, coordinator.id);
    await addMember(t, admin, clinicId, doctor.id);
    const other = await createClinic(t, admin, { ...breastClinicBody(), cancerTypes: ['C18-C21'] });
    const outsiderUser = await createUser(t, 'clinician');
    await addMember(t, admin, other.id, outsiderUser.id);
    outsider = await login(t, outsiderUser);
  });
  afterAll(async () => {
    await t.close();
  });

  async function newCase(overrides: Record<string, unknown> = {}): Promise<{ id: string; patient: { id: string } }> {
    const res = await request(t.http).post('/api/cases').set(bearer(coord)).send(referralBody(clinicId, overrides));
    if (res.status !== 201) throw new Error(`case: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; patient: { id: string } };
  }

  const read = (caseId: string, tokens = clinician) =>
    request(t.http).get(`/api/cases/${caseId}/history`).set(bearer(tokens));
  const write = (caseId: string, body: Record<string, unknown>, ifMatch?: string, tokens = clinician) => {
    const req = request(t.http).put(`/api/cases/${caseId}/history`).set(bearer(tokens));
    return (ifMatch === undefined ? req : req.set('If-Match', ifMatch)).send(body);
  };
  const versionCount = async (caseId: string): Promise<number> => {
    const [row] = await t.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM case_history WHERE case_id = $1',
      [caseId],
    );
    return row?.n ?? 0;
  };
  const fieldsOf = (body: { errors?: FieldErrorBody[] }): string[] => (body.errors ?? []).map((e) => e.field);

  it('should take the history with the referral, as version 1 in the intake transaction', async () => {
    const c = await newCase({ history: historyBody(), firstTreatmentDate: '2023-01-10' });
    const res = await read(c.id);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      caseId: c.id,
      version: 1,
      author: { id: coordinator.id },
      document: {
        treatments: [
          { modality: 'systemic_therapy', regimen: 'TCHP', line: 1, setting: 'neoadjuvant', drugs: [], notes: null },
          { modality: 'surgery', setting: 'definitive' },
          { drugs: ['trastuzumab deruxtecan'], line: 2, endDate: null },
        ],
        medications: [{ name: 'metformin', route: 'oral' }],
        comorbidities: [{ icd10cm: 'E11.9' }],
        allergies: [{ substance: 'penicillin', severity: 'moderate' }],
        familyHistory: [{ relative: 'mother', ageAtDiagnosis: 52 }],
        menopausalStatus: 'postmenopausal',
        pregnancyStatus: 'not_pregnant',
        pregnancyWeeks: null,
        geneticTests: [
          { origin: 'germline', gene: 'BRCA2', result: 'pathogenic' },
          { origin: 'somatic', gene: 'PIK3CA' },
        ],
        firstTreatmentDate: '2023-01-10',
        referringQuestion: expect.stringContaining('tucatinib'),
        patientGoals: expect.stringContaining('keep working'),
      },
    });
    expect(Date.parse(res.body.recordedAt)).not.toBeNaN();
    const events = await t.dataSource.query<{ type: string; payload: { version: number; changed: string[] } }[]>(
      'SELECT type, payload FROM board_event WHERE case_id = $1 ORDER BY id',
      [c.id],
    );
    expect(events.map((e) => e.type)).toEqual(['case.referred', 'history.updated']);
    // What the trial matcher and the letter read.
    const facts = await t.app.get(HistoryService).facts(c.id);
    expect(facts).toMatchObject({
      maxLine: 2,
      menopausalStatus: 'postmenopausal',
      germlinePathogenic: [{ gene: 'BRCA2', variant: 'c.5946delT' }],
      somaticVariants: [{ gene: 'PIK3CA', variant: 'p.H1047R', result: 'pathogenic' }],
    });
    expect(facts?.priorTherapies[0]).toEqual({
      modality: 'systemic_therapy',
      regimen: 'TCHP',
      drugs: ['docetaxel', 'carboplatin', 'trastuzumab', 'pertuzumab'],
      line: 1,
    });
    expect(events[1]?.payload.version).toBe(1);
    expect(events[1]?.payload.changed).toEqual(expect.arrayContaining(['treatments', 'geneticTests', 'patientGoals']));
  });

  it('should read a case without a history as version 0, and create version 1 with If-Match "0"', async () => {
    const c = await newCase({ firstTreatmentDate: '2024-02-02' });
    const empty = await read(c.id);
    expect(empty.status).toBe(200);
    expect(empty.headers.etag).toBe('"0"');
    expect(empty.body).toEqual({
      caseId: c.id,
      version: 0,
      author: null,
      recordedAt: null,
      document: expect.objectContaining({
        treatments: [],
        geneticTests: [],
        firstTreatmentDate: '2024-02-02',
        patientGoals: null,
      }),
    });
    const versions = await request(t.http).get(`/api/cases/${c.id}/history/versions`).set(bearer(clinician));
    expect(versions.body).toEqual({ items: [], nextCursor: null });
    // Never recorded is unknown, not treatment-naive.
    await expect(t.app.get(HistoryService).facts(c.id)).resolves.toBeNull();

    const first = await write(c.id, { ...historyBody(), firstTreatmentDate: '2024-02-02' }, '"0"');
    expect(first.status).toBe(200);
    expect(first.headers.etag).toBe('"1"');
    expect(first.body).toMatchObject({ version: 1, author: { id: doctor.id, displayName: expect.any(String) } });
  });

  it('should keep every version on edit, refuse a stale If-Match with 412 and a missing one with 428', async () => {
    const c = await newCase({ history: historyBody() });
    const current = await read(c.id);
    const edited = {
      ...historyBody(),
      allergies: [...(historyBody().allergies as unknown[]), { substance: 'iodinated contrast', severity: 'severe' }],
    };
    const ok = await write(c.id, edited, current.headers.etag);
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    expect(ok.body.document.allergies).toHaveLength(2);

    const stale = await write(c.id, historyBody(), current.headers.etag);
    expect(stale.status).toBe(412);
    expect(stale.headers['content-type']).toContain('application/problem+json');
    expect(stale.body).toMatchObject({ status: 412, currentVersion: 2, detail: expect.stringContaining('version 2') });

    const missing = await write(c.id, historyBody());
    expect(missing.status).toBe(428);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    const malformed = await write(c.id, historyBody(), 'two');
    expect(malformed.status).toBe(400);
    expect(fieldsOf(malformed.body)).toEqual(['If-Match']);
    expect(await versionCount(c.id)).toBe(2);

    const list = await request(t.http).get(`/api/cases/${c.id}/history/versions`).set(bearer(clinician));
    expect(list.status).toBe(200);
    expect(itemsOf(list.body).map((v) => v.version)).toEqual([2, 1]);
    expect(list.body.items[0]).toMatchObject({
      author: { id: doctor.id },
      document: { allergies: [{}, { substance: 'iodinated contrast' }] },
    });
    expect(list.body.items[1]).toMatchObject({
      author: { id: coordinator.id },
      document: { allergies: [{ substance: 'penicillin' }] },
    });
    expect(list.body.items[1].document.allergies).toHaveLength(1);
    expect(Date.parse(list.body.items[0].recordedAt)).toBeGreaterThanOrEqual(Date.parse(list.body.items[1].recordedAt));

    const page = await request(t.http).get(`/api/cases/${c.id}/history/versions?limit=1`).set(bearer(clinician));
    expect(itemsOf(page.body).map((v) => v.version)).toEqual([2]);
    const next = await request(t.http)
      .get(`/api/cases/${c.id}/history/versions?limit=1&cursor=${page.body.nextCursor as string}`)
      .set(bearer(clinician));
    expect(next.body).toMatchObject({ items: [{ version: 1 }], nextCursor: null });

    const events = await t.dataSource.query<{ payload: { version: number; changed: string[] } }[]>(
      `SELECT payload FROM board_event WHERE case_id = $1 AND type = 'history.updated' ORDER BY id`,
      [c.id],
    );
    expect(events.map((e) => e.payload)).toEqual([
      expect.objectContaining({ version: 1 }),
      expect.objectContaining({ version: 2, changed: ['allergies'] }),
    ]);
  });

  it('should let exactly one of 20 concurrent edits of the same version win', async () => {
    const c = await newCase({ history: historyBody() });
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => write(c.id, historyBody({ patientGoals: `goal ${i}` }), '"1"')),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    expect(await versionCount(c.id)).toBe(2);
    const winner = responses.find((r) => r.status === 200);
    const current = await read(c.id);
    expect(current.body.version).toBe(2);
    expect(current.body.document.patientGoals).toBe(winner?.body.document.patientGoals);
  });

  it('should refuse UPDATE, DELETE and TRUNCATE of history rows in the database', async () => {
    const c = await newCase({ history: historyBody() });
    const [row] = await t.dataSource.query<{ id: string }[]>('SELECT id FROM case_history WHERE case_id = $1', [c.id]);
    await expect(
      t.dataSource.query(`UPDATE case_history SET document = '{}'::jsonb WHERE id = $1`, [row?.id]),
    ).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query('DELETE FROM case_history WHERE id = $1', [row?.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(t.dataSource.query('TRUNCATE case_history')).rejects.toThrow(/append-only/);
    expect((await read(c.id)).body.document.treatments).toHaveLength(3);
  });

  it('should refuse bad input with a 400 naming the field, and write nothing', async () => {
    const c = await newCase({ history: historyBody() });
    const future = daysFromToday(3);
    const cases: { body: Record<string, unknown>; field: string; message: RegExp }[] = [
      {
        body: historyBody({ treatments: [{ modality: 'systemic_therapy', startDate: future }] }),
        field: 'treatments[0].startDate',
        message: /^treatments\[0\]\.startDate must be a date YYYY-MM-DD, not in the future/,
      },
      {
        body: historyBody({ treatments: [{ modality: 'radiation', startDate: '2024-05-10', endDate: '2024-04-01' }] }),
        field: 'treatments[0].endDate',
        message: /on or after the start date \(2024-05-10\)/,
      },
      {
        body: historyBody({ treatments: [{ modality: 'chemo' }] }),
        field: 'treatments[0].modality',
        message: /must be one of surgery, systemic_therapy/,
      },
      {
        body: historyBody({ treatments: [{ modality: 'systemic_therapy', line: 11 }] }),
        field: 'treatments[0].line',
        message: /line of therapy, a whole number from 1 to 10/,
      },
      {
        body: historyBody({ treatments: [{ modality: 'systemic_therapy', setting: 'curative' }] }),
        field: 'treatments[0].setting',
        message: /neoadjuvant, adjuvant, metastatic, definitive, palliative/,
      },
      {
        body: historyBody({ treatments: [{ modality: 'systemic_therapy', bestResponse: 'CR' }] }),
        field: 'treatments[0].bestResponse',
        message: /complete_response/,
      },
      {
        body: historyBody({ medications: [{ name: 'letrozole', startDate: '2024-02-30' }] }),
        field: 'medications[0].startDate',
        message: /real calendar date/,
      },
      {
        body: historyBody({ comorbidities: [{ description: 'hypertension', icd10cm: 'hypertension' }] }),
        field: 'comorbidities[0].icd10cm',
        message: /ICD-10-CM code such as E11\.9/,
      },
      {
        body: historyBody({ allergies: [{ substance: 'latex', severity: 'bad' }] }),
        field: 'allergies[0].severity',
        message: /mild, moderate, severe, life_threatening, unknown/,
      },
      {
        body: historyBody({ familyHistory: [{ relative: 'neighbour', condition: 'colon cancer' }] }),
        field: 'familyHistory[0].relative',
        message: /must be one of mother, father/,
      },
      {
        body: historyBody({
          geneticTests: [
            { testName: 'panel', origin: 'germline', gene: 'BRCA1', variant: '5382insC', result: 'pathogenic' },
          ],
        }),
        field: 'geneticTests[0].variant',
        message: /HGVS variant such as c\.5266dupC/,
      },
      {
        body: historyBody({ geneticTests: [{ testName: 'panel', origin: 'blood', result: 'negative' }] }),
        field: 'geneticTests[0].origin',
        message: /germline, somatic/,
      },
      {
        body: historyBody({ geneticTests: [{ testName: 'panel', origin: 'somatic', result: 'vus' }] }),
        field: 'geneticTests[0].gene',
        message: /must name the gene/,
      },
      {
        body: historyBody({ pregnancyStatus: 'not_pregnant', pregnancyWeeks: 12 }),
        field: 'pregnancyWeeks',
        message: /only when/,
      },
      { body: historyBody({ menopausalStatus: 'menopause' }), field: 'menopausalStatus', message: /premenopausal/ },
      { body: historyBody({ smoking: 'yes' }), field: 'smoking', message: /should not exist/ },
    ];
    for (const bad of cases) {
      const res = await write(c.id, bad.body, '"1"');
      expect({ field: bad.field, status: res.status }).toEqual({ field: bad.field, status: 400 });
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(fieldsOf(res.body)).toContain(bad.field);
      const error = (res.body.errors as FieldErrorBody[]).find((e) => e.field === bad.field);
      expect(error?.messages.some((m) => bad.message.test(m))).toBe(true);
    }
    expect(await versionCount(c.id)).toBe(1);
    expect((await read(c.id)).headers.etag).toBe('"1"');
  });

  it('should answer malformed histories with a 400, never a 5xx, and write nothing', async () => {
    const c = await newCase({ history: historyBody() });
    const wrong = fc.oneof(
      fc.constant(null),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.string({ maxLength: 40 }),
      fc.constant('x'.repeat(5000)),
      fc.constant('2024-13-45'),
      fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.anything({ maxDepth: 1 }), { maxKeys: 3 }),
    );
    const sections = Object.keys(historyBody());
    const treatmentFields = ['modality', 'drugs', 'regimen', 'startDate', 'endDate', 'line', 'setting', 'bestResponse'];
    const malformed = fc.oneof(
      fc.record(Object.fromEntries(sections.map((k) => [k, wrong])), { requiredKeys: [] }),
      fc
        .record(Object.fromEntries(treatmentFields.map((k) => [k, wrong])), { requiredKeys: [] })
        .map((t) => historyBody({ treatments: [t] })),
      fc
        .record({ gene: wrong, variant: wrong, result: wrong, date: wrong }, { requiredKeys: [] })
        .map((g) => historyBody({ geneticTests: [{ testName: 'panel', origin: 'somatic', ...g }] })),
    );
    let refused = 0;
    let etag = '"1"';
    for (const body of fc.sample(malformed, { numRuns: 120, seed: 13 })) {
      const before = await versionCount(c.id);
      const res = await write(c.id, body, etag);
      expect(res.status).toBeLessThan(500);
      // A sample can happen to be a valid history (every wrong field left out): that is a new version.
      if (res.status === 200) {
        etag = res.headers.etag;
        continue;
      }
      expect({ status: res.status, body }).toMatchObject({ status: 400 });
      expect(await versionCount(c.id)).toBe(before);
      refused++;
    }
    expect(refused).toBeGreaterThan(80);
  });

  it("should check menopausal and pregnancy status against the patient's sex", async () => {
    const male = await newCase({ patient: { ...(referralBody().patient as Record<string, unknown>), sex: 'male' } });
    const refused = await write(
      male.id,
      historyBody({ menopausalStatus: 'postmenopausal', pregnancyStatus: 'not_pregnant' }),
      '"0"',
    );
    expect(refused.status).toBe(400);
    expect(fieldsOf(refused.body)).toEqual(['menopausalStatus', 'pregnancyStatus']);
    expect(refused.body.errors[0].messages).toEqual([
      'menopausalStatus must be not_applicable or unknown for a male patient',
    ]);
    const ok = await write(
      male.id,
      historyBody({ menopausalStatus: 'not_applicable', pregnancyStatus: 'not_applicable' }),
      '"0"',
    );
    expect(ok.status).toBe(200);
    const female = await newCase();
    const pregnant = await write(
      female.id,
      historyBody({ menopausalStatus: 'premenopausal', pregnancyStatus: 'pregnant', pregnancyWeeks: 14 }),
      '"0"',
    );
    expect(pregnant.status).toBe(200);
    expect(pregnant.body.document).toMatchObject({ pregnancyStatus: 'pregnant', pregnancyWeeks: 14 });
  });

  it('should refuse a referral with a bad history as a whole: no patient, case or version written', async () => {
    const count = async (table: string): Promise<number> =>
      (await t.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n ?? 0;
    const before = {
      cases: await count('second_opinion_case'),
      patients: await count('patient'),
      versions: await count('case_history'),
    };
    const futureStart = await request(t.http)
      .post('/api/cases')
      .set(bearer(coord))
      .send(
        referralBody(clinicId, {
          history: historyBody({ treatments: [{ modality: 'surgery', startDate: daysFromToday(5) }] }),
        }),
      );
    expect(futureStart.status).toBe(400);
    expect(fieldsOf(futureStart.body)).toEqual(['history.treatments[0].startDate']);
    // Refused by the service after the patient and case rows were inserted: rolled back with them.
    const male = referralBody(clinicId, {
      history: historyBody({ menopausalStatus: 'premenopausal', pregnancyStatus: 'not_applicable' }),
    });
    (male.patient as Record<string, unknown>).sex = 'male';
    const bySex = await request(t.http).post('/api/cases').set(bearer(coord)).send(male);
    expect(bySex.status).toBe(400);
    expect(fieldsOf(bySex.body)).toEqual(['history.menopausalStatus']);
    const twoDates = await request(t.http)
      .post('/api/cases')
      .set(bearer(coord))
      .send(
        referralBody(clinicId, {
          firstTreatmentDate: '2024-01-01',
          history: historyBody({ firstTreatmentDate: '2024-02-01' }),
        }),
      );
    expect(twoDates.status).toBe(400);
    expect(fieldsOf(twoDates.body)).toEqual(['history.firstTreatmentDate']);
    expect({
      cases: await count('second_opinion_case'),
      patients: await count('patient'),
      versions: await count('case_history'),
    }).toEqual(before);
  });

  it("should record the first treatment date with the history, and set the case's", async () => {
    const c = await newCase();
    const res = await write(c.id, historyBody({ firstTreatmentDate: '2026-01-05' }), '"0"');
    expect(res.status).toBe(200);
    const detail = await request(t.http).get(`/api/cases/${c.id}`).set(bearer(clinician));
    expect(detail.body.firstTreatmentDate).toBe('2026-01-05');
    const again = await write(c.id, historyBody({ firstTreatmentDate: '2026-01-12' }), '"1"');
    expect(again.body.document.firstTreatmentDate).toBe('2026-01-12');
    expect((await request(t.http).get(`/api/cases/${c.id}`).set(bearer(clinician))).body.firstTreatmentDate).toBe(
      '2026-01-12',
    );
    const versions = await request(t.http).get(`/api/cases/${c.id}/history/versions`).set(bearer(clinician));
    expect(itemsOf(versions.body).map((v) => v.document.firstTreatmentDate)).toEqual(['2026-01-12', '2026-01-05']);
    // The same limits as everywhere else: not before the patient was born, at most a year ahead.
    for (const date of ['1901-01-01', `${new Date().getUTCFullYear() + 3}-01-01`]) {
      const bad = await write(c.id, historyBody({ firstTreatmentDate: date }), '"2"');
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.errors)).toContain('firstTreatmentDate');
    }
  });

  it("should hide the history from another clinic's clinician and from an admin without break-glass (404, audited denied)", async () => {
    const c = await newCase({ history: historyBody() });
    const before = await lastAuditId(t);
    const hidden = await read(c.id, outsider);
    expect(hidden.status).toBe(404);
    expect(JSON.stringify(hidden.body)).not.toContain('penicillin');
    expect((await write(c.id, historyBody(), '"1"', outsider)).status).toBe(404);
    expect((await request(t.http).get(`/api/cases/${c.id}/history/versions`).set(bearer(outsider))).status).toBe(404);
    expect((await read(c.id, admin)).status).toBe(404);
    expect((await write(c.id, historyBody(), '"1"', admin)).status).toBe(403);
    const rows = await auditRowsAfter(t, before);
    expect(rows.map((r) => [r.action, r.outcome])).toEqual([
      ['case.history.read', 'denied'],
      ['case.history.update', 'denied'],
      ['case.history.versions', 'denied'],
      ['case.history.read', 'denied'],
      ['case.history.update', 'denied'],
    ]);
    expect(await versionCount(c.id)).toBe(1);
  });

  it('should audit every read and write of the history with the case and patient', async () => {
    const c = await newCase({ history: historyBody() });
    const before = await lastAuditId(t);
    await read(c.id);
    const saved = await write(c.id, historyBody({ patientGoals: 'Time with her grandchildren' }), '"1"');
    await request(t.http).get(`/api/cases/${c.id}/history/versions`).set(bearer(clinician));
    await write(c.id, historyBody(), '"1"');
    const rows = await t.dataSource.query<
      {
        action: string;
        outcome: string;
        status_code: number;
        entity_id: string;
        case_id: string;
        patient_id: string;
        actor_id: string;
      }[]
    >(
      'SELECT action, outcome, status_code, entity_id, case_id, patient_id, actor_id FROM audit_event WHERE id > $1 ORDER BY id',
      [before],
    );
    const [historyId] = (
      await t.dataSource.query<{ id: string }[]>('SELECT id FROM case_history WHERE case_id = $1 AND version = 2', [
        c.id,
      ])
    ).map((r) => r.id);
    expect(saved.status).toBe(200);
    expect(rows).toEqual([
      expect.objectContaining({ action: 'case.history.read', outcome: 'success', status_code: 200, entity_id: c.id }),
      expect.objectContaining({
        action: 'case.history.update',
        outcome: 'success',
        status_code: 200,
        entity_id: historyId,
      }),
      expect.objectContaining({ action: 'case.history.versions', outcome: 'success', status_code: 200 }),
      expect.objectContaining({ action: 'case.history.update', outcome: 'failure', status_code: 412 }),
    ]);
    for (const r of rows) expect(r).toMatchObject({ case_id: c.id, patient_id: c.patient.id, actor_id: doctor.id });
  });
});
