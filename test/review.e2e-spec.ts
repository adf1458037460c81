import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import {
  addSpecialist,
  baseUrlOf,
  boardWorld,
  collect,
  connectBoard,
  until,
  type BoardWorld,
} from './utils/board-fixtures.js';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';

describe('Annotations, assessments and diagnosis changes', () => {
  let t: TestApp;
  let admin: Tokens;
  let w: BoardWorld;
  let recordId: string;
  const sockets: Socket[] = [];
  const sql = (query: string, params: unknown[]): Promise<unknown> => t.dataSource.query(query, params);

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    admin = await login(t, await createUser(t, 'admin'));
    w = await boardWorld(t.http, admin, sql, { cases: 2 });
    const record = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/records/imaging-references`)
      .set(bearer(w.coord.tokens))
      .send({ type: 'imaging_ct', studyUid: '1.2.840.1', url: 'https://pacs.example.org/study/1' });
    recordId = record.body.id as string;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  it('should let a pathologist annotate a record and amend it as a new version, never overwriting', async () => {
    const [pathologist, oncologist] = w.doctors;
    const body = {
      recordId,
      anchor: { kind: 'page', page: 2, region: { x: 10, y: 20, width: 100, height: 50 } },
      findingType: 'histologic_type',
      values: { histology: '8520/3' },
      text: 'Infiltrating lobular carcinoma, not ductal.',
    };
    const byOncologist = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/annotations`)
      .set(bearer(oncologist.tokens))
      .send(body);
    expect(byOncologist.status).toBe(403);
    const badCode = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/annotations`)
      .set(bearer(pathologist.tokens))
      .send({ ...body, values: { histology: 'lobular' } });
    expect(badCode.status).toBe(400);
    expect(badCode.body.errors[0].field).toBe('values.histology');
    const first = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/annotations`)
      .set(bearer(pathologist.tokens))
      .send(body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ version: 1, supersedesId: null, authorDiscipline: 'pathology' });
    const amended = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/annotations/${first.body.id}/amendments`)
      .set(bearer(pathologist.tokens))
      .send({ ...body, recordId: undefined, values: { histology: '8522/3' }, text: 'Mixed ductal and lobular.' });
    expect(amended.status).toBe(201);
    expect(amended.body).toMatchObject({ version: 2, supersedesId: first.body.id, recordId });
    const fork = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/annotations/${first.body.id}/amendments`)
      .set(bearer(pathologist.tokens))
      .send({ ...body, recordId: undefined });
    expect(fork.status).toBe(409);
    // Amended within its discipline: a radiologist may not rewrite the pathologist's finding.
    const radiologist = await addSpecialist(t.http, admin, w, 'radiology');
    const byRadiologist = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/annotations/${amended.body.id}/amendments`)
      .set(bearer(radiologist.tokens))
      .send({ ...body, recordId: undefined });
    expect(byRadiologist.status).toBe(403);
    const all = await request(t.http).get(`/api/cases/${w.cases[0]}/annotations`).set(bearer(oncologist.tokens));
    expect((all.body as { version: number; values: unknown }[]).map((a) => [a.version, a.values])).toEqual([
      [1, { histology: '8520/3' }],
      [2, { histology: '8522/3' }],
    ]);
    await expect(sql('UPDATE annotation SET text = $1 WHERE id = $2', ['edited', first.body.id])).rejects.toThrow();
  });

  it('should keep where each annotation points as a W3C Web Annotation selector, and refuse outlines that are not shapes', async () => {
    const [pathologist] = w.doctors;
    const url = `/api/cases/${w.cases[0]}/annotations`;
    const base = { recordId, findingType: 'other', values: {}, text: 'Tumour focus.' };
    // No selector sent: the anchor's page and region, as RFC 3778 refined by a media fragment.
    const derived = await request(t.http)
      .post(url)
      .set(bearer(pathologist.tokens))
      .send({ ...base, anchor: { kind: 'page', page: 3, region: { x: 72, y: 144, width: 200.5, height: 100 } } });
    expect(derived.status).toBe(201);
    expect(derived.body.target).toEqual({
      source: `urn:uuid:${recordId}`,
      selector: {
        type: 'FragmentSelector',
        conformsTo: 'http://tools.ietf.org/rfc/rfc3778',
        value: 'page=3',
        refinedBy: {
          type: 'FragmentSelector',
          conformsTo: 'http://www.w3.org/TR/media-frags/',
          value: 'xywh=pixel:72,144,200.5,100',
        },
      },
    });
    // A freehand outline on a slide, as an SvgSelector path in image pixels.
    const outline = '<svg><path d="M 10 10 L 200 15 L 180 190 Z"></path></svg>';
    const drawn = await request(t.http)
      .post(url)
      .set(bearer(pathologist.tokens))
      .send({
        ...base,
        anchor: { kind: 'slide', x: 105, y: 100, region: { x: 10, y: 10, width: 190, height: 180 } },
        selector: { type: 'SvgSelector', value: outline },
      });
    expect(drawn.status).toBe(201);
    expect(drawn.body.selector).toEqual({ type: 'SvgSelector', value: outline });
    for (const [selector, anchor] of [
      [
        { type: 'SvgSelector', value: '<svg><script>alert(1)</script></svg>' },
        { kind: 'slide', x: 1, y: 1 },
      ],
      [
        { type: 'SvgSelector', value: '<svg><circle cx="1" cy="1" r="2" onload="x()"></circle></svg>' },
        { kind: 'slide', x: 1, y: 1 },
      ],
      [
        { type: 'FragmentSelector', conformsTo: 'http://www.w3.org/TR/media-frags/', value: 'xywh=1,2' },
        { kind: 'slide', x: 1, y: 1 },
      ],
      // The selector's page must be the anchor's.
      [
        { type: 'FragmentSelector', conformsTo: 'http://tools.ietf.org/rfc/rfc3778', value: 'page=4' },
        { kind: 'page', page: 3 },
      ],
    ]) {
      const refused = await request(t.http)
        .post(url)
        .set(bearer(pathologist.tokens))
        .send({ ...base, anchor, selector });
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0].field).toBe('selector');
    }
    const stored = await t.dataSource.query<{ selector: unknown }[]>('SELECT selector FROM annotation WHERE id = $1', [
      drawn.body.id,
    ]);
    expect(stored[0]?.selector).toEqual({ type: 'SvgSelector', value: outline });
  });

  it("should classify the board's diagnosis against the referral and show it live in the board room", async () => {
    const [pathologist, chair] = w.doctors;
    const socket = await connectBoard(baseUrlOf(t.http), pathologist.tokens.accessToken);
    sockets.push(socket);
    const seen = collect(socket);
    await socket.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId });

    // A pathology review first (only pathologists record those).
    const review = {
      source: 'pathology_review',
      primarySite: 'C50.4',
      histology: '8520/3',
      laterality: 'left',
      grade: 'G2',
      malignant: true,
      biomarkers: [{ name: 'HER2', value: '3+', method: 'IHC' }],
    };
    expect(
      (await request(t.http).post(`/api/cases/${w.cases[0]}/diagnoses`).set(bearer(chair.tokens)).send(review)).status,
    ).toBe(403);
    expect(
      (await request(t.http).post(`/api/cases/${w.cases[0]}/diagnoses`).set(bearer(pathologist.tokens)).send(review))
        .status,
    ).toBe(201);

    // The board: lobular not ductal, HER2 3+ (referral said 1+), a new node metastasis; the chair says management changes.
    const boardDx = {
      source: 'board',
      primarySite: 'C50.4',
      histology: '8520/3',
      laterality: 'left',
      grade: 'G2',
      clinicalStage: { t: 'T2', n: 'N1', m: 'M0', stageGroup: 'IIB' },
      biomarkers: [
        { name: 'ER', value: 'positive (90%)', method: 'IHC' },
        { name: 'HER2', value: '3+', method: 'IHC' },
      ],
      malignant: true,
      evidenceSources: ['slide_review', 'new_imaging'],
      drivingDiscipline: 'pathology',
      managementImpact: 'changed',
    };
    const byPathologist = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/diagnoses`)
      .set(bearer(pathologist.tokens))
      .send(boardDx);
    expect(byPathologist.status).toBe(403);
    const recorded = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/diagnoses`)
      .set(bearer(chair.tokens))
      .send(boardDx);
    expect(recorded.status).toBe(201);
    expect(recorded.body.change).toMatchObject({
      concordance: 'major',
      managementImpact: 'changed',
      pathologyReinterpretation: true,
      current: true,
      verification: 'pending',
    });
    expect(recorded.body.change.changeTypes).toEqual(['histology', 'stage', 'biomarker']);

    await until(() => seen.some((e) => e.type === 'diagnosis.changed'), 5000, 'diagnosis.changed');
    const live = seen.find((e) => e.type === 'diagnosis.changed')!;
    expect(live).toMatchObject({
      sessionId: w.sessionId,
      caseId: w.cases[0],
      actor: chair.id,
      payload: {
        changeId: recorded.body.change.id,
        concordance: 'major',
        changeTypes: ['histology', 'stage', 'biomarker'],
        managementImpact: 'changed',
      },
    });
    expect(seen.map((e) => e.type)).toEqual(expect.arrayContaining(['diagnosis.recorded', 'diagnosis.changed']));

    // A corrected board diagnosis supersedes; the earlier change stays, no longer current.
    const corrected = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/diagnoses`)
      .set(bearer(w.coord.tokens))
      .send({ ...boardDx, histology: '8500/3', managementImpact: undefined });
    expect(corrected.body.change).toMatchObject({
      concordance: 'minor',
      managementImpact: 'potential',
      supersedesId: recorded.body.change.id,
    });
    const changes = await request(t.http).get(`/api/cases/${w.cases[0]}/diagnosis-changes`).set(bearer(chair.tokens));
    expect((changes.body as { current: boolean }[]).map((c) => c.current)).toEqual([false, true]);

    const verified = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/diagnosis-changes/${corrected.body.change.id}/verification`)
      .set(bearer(pathologist.tokens))
      .send({ outcome: 'board_correct', basis: 'surgical pathology' });
    expect(verified.status).toBe(201);
    expect(verified.body.verification).toBe('board_correct');
    const bad = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/diagnosis-changes/${corrected.body.change.id}/verification`)
      .set(bearer(pathologist.tokens))
      .send({ outcome: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('outcome');
    await expect(
      sql('UPDATE diagnosis_change SET concordance = $1 WHERE id = $2', ['concordant', corrected.body.change.id]),
    ).rejects.toThrow();
    const assessments = await request(t.http).get(`/api/cases/${w.cases[0]}/diagnoses`).set(bearer(chair.tokens));
    expect((assessments.body as { source: string }[]).map((a) => a.source)).toEqual([
      'referring',
      'pathology_review',
      'board',
      'board',
    ]);
  });

  it('should report concordance and conference figures computed from the records', async () => {
    const [pathologist, chair] = w.doctors;
    for (const [doctor, discipline] of [
      [pathologist, 'pathology'],
      [chair, 'medical_oncology'],
    ] as const)
      await request(t.http)
        .post(`/api/board-sessions/${w.sessionId}/attendance`)
        .set(bearer(doctor.tokens))
        .send({ discipline });
    await request(t.http)
      .post(`/api/board-sessions/${w.sessionId}/presenting`)
      .set(bearer(chair.tokens))
      .send({ caseId: w.cases[0] });
    // The second case: the board agrees with the referral.
    const referral = await request(t.http).get(`/api/cases/${w.cases[1]}/diagnoses`).set(bearer(chair.tokens));
    // What the server derives (ids, times, biomarker categories) is not part of an assessment one records.
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
    const agree = await request(t.http)
      .post(`/api/cases/${w.cases[1]}/diagnoses`)
      .set(bearer(chair.tokens))
      .send({ ...same, source: 'board' });
    expect(agree.status).toBe(201);
    expect(agree.body.change.concordance).toBe('concordant');

    const year = new Date().getUTCFullYear();
    const range = { clinicId: w.clinicId, from: `${year}-01-01`, to: `${year + 1}-01-01` };
    const report = await request(t.http).get('/api/reports/concordance').query(range).set(bearer(w.coord.tokens));
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      casesReviewed: 2,
      changed: { n: 1, pct: 50 },
      major: { n: 0 },
      minor: { n: 1 },
      pathologyReinterpretation: { n: 1 }, // HER2 1+ re-read 3+
      stageUp: { n: 1 },
      byChangeType: { stage: 1, biomarker: 1, histology: 0 },
      byInitiator: { patient: { reviewed: 2, changed: 1, pct: 50 } },
    });
    const csv = await request(t.http)
      .get('/api/reports/concordance')
      .query({ ...range, format: 'csv' })
      .set(bearer(w.coord.tokens));
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text).toContain('changed.n,1');
    const backwards = await request(t.http)
      .get('/api/reports/concordance')
      .query({ ...range, to: `${year - 1}-01-01` })
      .set(bearer(w.coord.tokens));
    expect(backwards.status).toBe(400);
    const outsider = await request(t.http).get('/api/reports/concordance').query(range).set(bearer(w.outsider.tokens));
    expect(outsider.status).toBe(404);

    const startYear = 2026; // the fixture's session starts on 2026-12-03
    const conference = await request(t.http)
      .get('/api/reports/conference')
      .query({ clinicId: w.clinicId, year: startYear, caseload: 20 })
      .set(bearer(w.coord.tokens));
    expect(conference.status).toBe(200);
    expect(conference.body).toMatchObject({
      sessions: 1,
      requiredDisciplines: ['pathology', 'medical_oncology'],
      attendanceByDiscipline: { pathology: { sessions: 1, pct: 100 }, medical_oncology: { sessions: 1, pct: 100 } },
      sessionsWithAllRequired: { n: 1, pct: 100 },
      casesPresented: 1,
      // No reason for presentation was recorded: unknown, which counts against the target (CoC 2.5).
      presentations: { total: 1, prospective: 0, retrospective: 0, unknown: 1 },
      prospective: { n: 0, unknown: 1, pct: 0, pctOfKnown: null, targetPct: 80, met: false },
      caseVolume: { cases: 1, caseload: 20, pct: 5, targetPct: 15, met: false },
    });
  });

  it('should record a pathology review resting on annotations of the case, and refuse evidence from elsewhere', async () => {
    const [pathologist] = w.doctors;
    const [first] = (await request(t.http).get(`/api/cases/${w.cases[0]}/annotations`).set(bearer(pathologist.tokens)))
      .body as { id: string }[];
    const review = {
      source: 'pathology_review',
      primarySite: 'C50.4',
      histology: '8520/3',
      laterality: 'left',
      grade: 'G2',
      malignant: true,
      evidenceAnnotationIds: [first.id],
    };
    const ok = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/diagnoses`)
      .set(bearer(pathologist.tokens))
      .send(review);
    expect(ok.status).toBe(201);
    expect(ok.body.assessment.evidenceAnnotationIds).toEqual([first.id]);
    const listed = await request(t.http).get(`/api/cases/${w.cases[0]}/diagnoses`).set(bearer(pathologist.tokens));
    expect((listed.body as { source: string; evidenceAnnotationIds: string[] }[]).pop()).toMatchObject({
      source: 'pathology_review',
      evidenceAnnotationIds: [first.id],
    });
    const foreign = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/diagnoses`)
      .set(bearer(pathologist.tokens))
      .send({ ...review, evidenceAnnotationIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors[0].field).toBe('evidenceAnnotationIds');
  });
});
