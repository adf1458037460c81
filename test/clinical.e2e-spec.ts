import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { boardWorld, type BoardWorld } from './utils/board-fixtures.js';
import { referralBody } from './utils/factories.js';
import { aHistory, aTreatment } from './utils/history.factory.js';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';

/**
 * The clinical truth of the record, through the API: what a second opinion
 * changes is classified as an oncologist would, and the letter, the
 * summary, the export and the trial list say so.
 */
describe('Clinical truth through the API', () => {
  let t: TestApp;
  let admin: Tokens;
  let w: BoardWorld;
  const sql = <T = unknown>(query: string, params: unknown[]): Promise<T> => t.dataSource.query(query, params);

  beforeAll(async () => {
    t = await createTestApp();
    admin = await login(t, await createUser(t, 'admin'));
    w = await boardWorld(t.http, admin, sql, { cases: 3 });
    await sql(`UPDATE second_opinion_case SET status = 'in_review' WHERE id = ANY($1::uuid[])`, [w.cases]);
  });
  afterAll(async () => {
    await t.close();
  });

  const [her2Case, benignCase] = [0, 1];

  async function signPlan(caseId: string, items: unknown[]): Promise<void> {
    const [pathologist, chair] = w.doctors;
    const draft = await request(t.http).post(`/api/cases/${caseId}/plans`).set(bearer(chair.tokens)).send({ items });
    expect(draft.status).toBe(201);
    const url = `/api/cases/${caseId}/plans/${draft.body.id}`;
    expect((await request(t.http).post(`${url}/proposal`).set(bearer(chair.tokens))).status).toBe(200);
    for (const [doctor, discipline] of [
      [pathologist, 'pathology'],
      [chair, 'medical_oncology'],
    ] as const) {
      await request(t.http)
        .post(`/api/board-sessions/${w.sessionId}/attendance`)
        .set(bearer(doctor.tokens))
        .send({ discipline });
      expect(
        (await request(t.http).put(`${url}/votes/me`).set(bearer(doctor.tokens)).send({ vote: 'agree' })).status,
      ).toBe(200);
    }
    const signed = await request(t.http).post(`${url}/signature`).set(bearer(chair.tokens));
    expect(signed.status).toBe(200);
  }

  it('should call HER2 1+ → 3+ and cN0 → cN1 with neoadjuvant TCHP then mastectomy + ALND major, and the letter and summary say the treatment changed', async () => {
    // The referral (factories): cT2 cN0, HER2 IHC 1+, lumpectomy + SLNB, radiation, endocrine therapy.
    const caseId = w.cases[her2Case];
    const [, chair] = w.doctors;
    const dx = await request(t.http)
      .post(`/api/cases/${caseId}/diagnoses`)
      .set(bearer(chair.tokens))
      .send({
        source: 'board',
        primarySite: 'C50.4',
        histology: '8500/3',
        laterality: 'left',
        grade: 'G2',
        clinicalStage: { t: 'cT2', n: 'cN1', m: 'cM0', stageGroup: 'IIB', groupType: 'anatomic' },
        ajccEdition: 8,
        biomarkers: [
          { name: 'ER', percent: 90, method: 'IHC' },
          { name: 'HER2/neu', ihcScore: '3+', method: 'IHC' },
        ],
        malignant: true,
        evidenceSources: ['slide_review', 'new_biopsy'],
        drivingDiscipline: 'pathology',
      });
    expect(dx.status).toBe(201);
    // Before a plan is signed the impact is only potential.
    expect(dx.body.change).toMatchObject({ concordance: 'minor', managementImpact: 'potential' });
    expect(dx.body.change.changeTypes).toEqual(['stage', 'biomarker']);
    expect(dx.body.change.stageChanges).toEqual([
      expect.objectContaining({ basis: 'clinical', element: 'n', direction: 'up' }),
      expect.objectContaining({ basis: 'clinical', element: 'group', direction: 'up' }),
    ]);
    expect(dx.body.change.biomarkerChanges).toEqual([
      expect.objectContaining({ name: 'HER2', fromCategory: 'low', toCategory: 'positive' }),
    ]);

    // The board did not restate ECOG: it stands as the referral stated it, with its source.
    const standing = await request(t.http).get(`/api/cases/${caseId}/standing-diagnosis`).set(bearer(chair.tokens));
    expect(standing.status).toBe(200);
    expect(standing.body).toMatchObject({
      ecog: 0,
      sources: { ecog: 'referring', clinicalStage: 'board', malignant: 'board' },
    });

    await signPlan(caseId, [
      { modality: 'systemic_therapy', intent: 'curative', sequence: 1, regimen: 'TCHP', setting: 'neoadjuvant' },
      { modality: 'surgery', intent: 'curative', sequence: 2, procedures: ['mastectomy', 'alnd'] },
      { modality: 'radiation', intent: 'curative', sequence: 3, setting: 'adjuvant' },
    ]);
    const changes = await request(t.http).get(`/api/cases/${caseId}/diagnosis-changes`).set(bearer(chair.tokens));
    const current = (changes.body as Record<string, unknown>[]).find((c) => c.current === true)!;
    expect(current).toMatchObject({ concordance: 'major', managementImpact: 'changed' });
    const kinds = (current.treatmentChanges as { kind: string }[]).map((c) => c.kind);
    expect(kinds).toEqual(expect.arrayContaining(['surgery_type', 'sequence', 'regimen']));

    const report = await request(t.http)
      .get(`/api/cases/${caseId}/report`)
      .set(bearer(chair.tokens))
      .set('Accept', 'text/html');
    expect(report.status).toBe(200);
    expect(report.text).not.toMatch(/does not change the treatment/i);
    expect(report.text).toMatch(/different from the one first suggested/i);
    expect(report.text).toMatch(/mastectomy/i);
  });

  it('should record benign on review as a malignancy change, and no output treats it as a cancer', async () => {
    const caseId = w.cases[benignCase];
    const [, chair] = w.doctors;
    const dx = await request(t.http)
      .post(`/api/cases/${caseId}/diagnoses`)
      .set(bearer(chair.tokens))
      .send({ source: 'board', primarySite: 'C50.4', histology: '9010/0', laterality: 'left', malignant: false });
    expect(dx.status).toBe(201);
    expect(dx.body.change.changeTypes).toContain('malignancy');
    expect(dx.body.change.pathologyReinterpretation).toBe(true);

    await request(t.http)
      .post('/api/trials')
      .set(bearer(w.coord.tokens))
      .send({
        nctId: 'NCT09000001',
        title: 'Any breast cancer',
        phase: '3',
        status: 'recruiting',
        eligibility: { sites: ['C50'] },
      });
    const trials = await request(t.http).get(`/api/cases/${caseId}/trial-matches`).set(bearer(chair.tokens));
    expect((trials.body as { match: { status: string } }[]).every((m) => m.match.status === 'not_eligible')).toBe(true);

    const fhir = await request(t.http).get(`/api/cases/${caseId}/fhir`).set(bearer(chair.tokens));
    const conditions = (fhir.body.entry as { resource: Record<string, unknown> }[])
      .map((e) => e.resource)
      .filter((r) => r.resourceType === 'Condition');
    expect(conditions.some((c) => JSON.stringify(c.meta ?? {}).includes('primary-cancer-condition'))).toBe(false);
    expect(JSON.stringify(conditions)).toContain('refuted');

    const report = await request(t.http)
      .get(`/api/cases/${caseId}/report`)
      .set(bearer(chair.tokens))
      .set('Accept', 'text/html');
    expect(report.text).toMatch(/not cancer/i);
  });

  it('should rank trials for a HER2-positive patient by category: HER2+ eligible first, unknown criteria possibly eligible, HR+/HER2− not eligible', async () => {
    const caseId = w.cases[her2Case];
    const add = (nctId: string, title: string, eligibility: Record<string, unknown>) =>
      request(t.http)
        .post('/api/trials')
        .set(bearer(w.coord.tokens))
        .send({ nctId, title, phase: '3', status: 'recruiting', eligibility });
    expect(
      (
        await add('NCT09000002', 'HR+/HER2− adjuvant', {
          sites: ['C50'],
          requiredBiomarkers: [
            { name: 'ER', value: 'positive' },
            { name: 'HER2', value: 'negative' },
          ],
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await add('NCT09000003', 'HER2-positive neoadjuvant', {
          sites: ['C50'],
          requiredBiomarkers: [{ name: 'ERBB2', value: 'positive' }],
          ecogMax: 1,
          sex: 'female',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await add('NCT09000004', 'HER2+ and PD-L1', {
          sites: ['C50'],
          requiredBiomarkers: [
            { name: 'HER2', value: 'positive' },
            { name: 'PD-L1', value: 'CPS ≥ 10' },
          ],
        })
      ).status,
    ).toBe(201);
    const res = await request(t.http).get(`/api/cases/${caseId}/trial-matches`).set(bearer(w.doctors[1].tokens));
    const byId = new Map(
      (res.body as { nctId: string; match: { status: string } }[]).map((m, i) => [
        m.nctId,
        { i, status: m.match.status },
      ]),
    );
    expect(byId.get('NCT09000003')).toMatchObject({ status: 'eligible' });
    expect(byId.get('NCT09000004')).toMatchObject({ status: 'possibly_eligible' });
    expect(byId.get('NCT09000002')).toMatchObject({ status: 'not_eligible' });
    expect(byId.get('NCT09000003')!.i).toBeLessThan(byId.get('NCT09000004')!.i);
    expect(byId.get('NCT09000004')!.i).toBeLessThan(byId.get('NCT09000002')!.i);
  });

  it('should read menopausal status and prior therapy from the recorded history for trial eligibility', async () => {
    const caseId = w.cases[her2Case];
    const add = (nctId: string, eligibility: Record<string, unknown>) =>
      request(t.http)
        .post('/api/trials')
        .set(bearer(w.coord.tokens))
        .send({ nctId, title: nctId, phase: '2', status: 'recruiting', eligibility });
    await add('NCT09000005', { sites: ['C50'], menopausalStatus: ['postmenopausal'] });
    await add('NCT09000006', { sites: ['C50'], excludedPriorDrugs: ['trastuzumab'], priorLinesMax: 0 });
    const before = await request(t.http).get(`/api/cases/${caseId}/trial-matches`).set(bearer(w.coord.tokens));
    const status = (body: unknown, nctId: string) =>
      (body as { nctId: string; match: { status: string } }[]).find((m) => m.nctId === nctId)?.match.status;
    // No history recorded: unknown, so only possibly eligible.
    expect(status(before.body, 'NCT09000005')).toBe('possibly_eligible');
    expect(status(before.body, 'NCT09000006')).toBe('possibly_eligible');
    const history = aHistory({
      menopausalStatus: 'premenopausal',
      treatments: [aTreatment({ drugs: ['trastuzumab', 'paclitaxel'], line: 1, setting: 'metastatic' })],
    });
    const put = await request(t.http)
      .put(`/api/cases/${caseId}/history`)
      .set(bearer(w.coord.tokens))
      .set('If-Match', '"0"')
      .send(history);
    expect(put.status).toBe(200);
    const after = await request(t.http).get(`/api/cases/${caseId}/trial-matches`).set(bearer(w.coord.tokens));
    expect(status(after.body, 'NCT09000005')).toBe('not_eligible');
    expect(status(after.body, 'NCT09000006')).toBe('not_eligible');
  });

  describe('inputs a clinician would refuse, refused with the field named', () => {
    const refused: [string, Record<string, unknown>, string][] = [
      [
        'C77.3 as the primary site of a carcinoma',
        { primarySite: 'C77.3', histology: '8500/3' },
        'referringDiagnosis.primarySite',
      ],
      ['C50.7 (no such code)', { primarySite: 'C50.7' }, 'referringDiagnosis.primarySite'],
      ['C78.0 (an ICD-10 metastasis code)', { primarySite: 'C78.0' }, 'referringDiagnosis.primarySite'],
      ['C80.0 (C80 has only C80.9)', { primarySite: 'C80.0' }, 'referringDiagnosis.primarySite'],
      ['0000/3', { histology: '0000/3' }, 'referringDiagnosis.histology'],
      ['8500/6 as a primary', { histology: '8500/6' }, 'referringDiagnosis.histology'],
      ['malignant false with 8500/3', { malignant: false }, 'referringDiagnosis.malignant'],
      ['G4 for breast', { grade: 'G4' }, 'referringDiagnosis.grade'],
      [
        'T1c N0 M1 with stage IA',
        { clinicalStage: { t: 'cT1c', n: 'cN0', m: 'cM1', stageGroup: 'IA' } },
        'referringDiagnosis.clinicalStage.stageGroup',
      ],
      [
        'a pathological T in the clinical stage',
        { clinicalStage: { t: 'pT2', n: 'cN0', m: 'cM0' } },
        'referringDiagnosis.clinicalStage.t',
      ],
    ];
    it.each(refused)('should refuse %s', async (_what, change, field) => {
      const body = referralBody(w.clinicId);
      body.referringDiagnosis = { ...(body.referringDiagnosis as Record<string, unknown>), ...change };
      const before = await sql<{ n: string }[]>('SELECT count(*) AS n FROM second_opinion_case', []);
      const res = await request(t.http).post('/api/cases').set(bearer(w.coord.tokens)).send(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain(field);
      const after = await sql<{ n: string }[]>('SELECT count(*) AS n FROM second_opinion_case', []);
      expect(after[0].n).toBe(before[0].n); // no partial write
    });

    it('should refuse laterality for the prostate', async () => {
      const body = referralBody(w.clinicId);
      body.referringDiagnosis = { primarySite: 'C61.9', histology: '8140/3', laterality: 'left', malignant: true };
      const res = await request(t.http).post('/api/cases').set(bearer(w.coord.tokens)).send(body);
      expect(res.status).toBe(400);
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain('referringDiagnosis.laterality');
    });

    it.each([
      ['a birth date in the future', { birthDate: '2099-01-01' }],
      ['a birth date in 1870', { birthDate: '1870-05-01' }],
    ])('should refuse %s', async (_what, patient) => {
      const body = referralBody(w.clinicId);
      body.patient = { ...(body.patient as Record<string, unknown>), ...patient };
      const res = await request(t.http).post('/api/cases').set(bearer(w.coord.tokens)).send(body);
      expect(res.status).toBe(400);
      expect((res.body.errors as { field: string }[]).map((e) => e.field)).toContain('patient.birthDate');
    });

    it('should refuse a record dated next year', async () => {
      const year = new Date().getUTCFullYear() + 1;
      const res = await request(t.http)
        .post(`/api/cases/${w.cases[2]}/records`)
        .set(bearer(w.coord.tokens))
        .field('type', 'lab_result')
        .field('documentDate', `${year}-01-15`)
        .attach('file', Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'), 'cbc.pdf');
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('documentDate');
    });
  });

  describe('inputs clinicians write, accepted', () => {
    const accepted: [string, Record<string, unknown>][] = [
      [
        'every AJCC prefix in its field',
        {
          clinicalStage: { t: 'cT2', n: 'cN1', m: 'cM0' },
          pathologicalStage: { t: 'pT1c(m)', n: 'pN1mi(sn)', m: 'cM0' },
          postTherapyPathologicalStage: { t: 'ypT0', n: 'ypN0', m: 'cM0' },
        },
      ],
      ['pN0(i+)(sn)', { pathologicalStage: { t: 'pT1b', n: 'pN0(i+)(sn)', m: 'cM0', stageGroup: 'IA' } }],
      ['ICD-10-CM C50.912 (mapped to C50.9, left)', { primarySite: 'C50.912', laterality: 'left' }],
    ];
    it.each(accepted)('should accept %s', async (_what, change) => {
      const body = referralBody(w.clinicId);
      body.referringDiagnosis = { ...(body.referringDiagnosis as Record<string, unknown>), ...change };
      const res = await request(t.http).post('/api/cases').set(bearer(w.coord.tokens)).send(body);
      expect(res.status).toBe(201);
    });

    it('should map ICD-10-CM C50.912 to ICD-O-3 C50.9 on the left, keeping the code given', async () => {
      const body = referralBody(w.clinicId);
      const dx: Record<string, unknown> = {
        ...(body.referringDiagnosis as Record<string, unknown>),
        primarySite: 'C50.912',
      };
      delete dx.laterality;
      body.referringDiagnosis = dx;
      const res = await request(t.http).post('/api/cases').set(bearer(w.coord.tokens)).send(body);
      expect(res.status).toBe(201);
      const stored = await request(t.http).get(`/api/cases/${res.body.id}/diagnoses`).set(bearer(w.coord.tokens));
      expect(stored.body[0]).toMatchObject({ primarySite: 'C50.9', laterality: 'left', icd10cm: 'C50.912' });
    });
  });
});
