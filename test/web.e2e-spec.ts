import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './utils/browser.js';
import request from 'supertest';
import { baseUrlOf, boardWorld, type BoardWorld } from './utils/board-fixtures.js';
import { addMember, breastClinicBody, createClinic, referralBody } from './utils/factories.js';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';
import { checkView, watchErrors } from './utils/web-app.js';

// The browser app in Debian's Chromium (installed by .ci/run), driven by
// playwright-core, against the real server. Screenshots of each view go to
// test/output/screens.

const SCREENS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'output/screens');
const DATE = '2026-12-03';

describe('The browser app', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let admin: Tokens;
  let w: BoardWorld;
  const sql = (query: string, params: unknown[]): Promise<unknown> => t.dataSource.query(query, params);

  /** A browser context already signed in with these tokens (the sign-in form is tested on its own). */
  async function signedIn(tokens: Tokens): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await context.addInitScript({
      content: `sessionStorage.setItem('consilium.tokens', ${JSON.stringify(JSON.stringify(tokens))})`,
    });
    const page = watchErrors(await context.newPage());
    return { context, page };
  }
  // Every view: axe finds no serious or critical violation, nothing scrolls sideways, and a screenshot is saved.
  const shot = (page: Page, name: string): Promise<void> => checkView(page, name);

  beforeAll(async () => {
    await mkdir(SCREENS, { recursive: true });
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = baseUrlOf(t.http);
    admin = await login(t, await createUser(t, 'admin'));
    w = await boardWorld(t.http, admin, sql, { cases: 1 });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  // Taking in a referral typed in the form is walked in test/web-coordinator.e2e-spec.ts
  // (sign-in, errors in place, the diagnosis checked as typed, the case found again).

  it('should let a coordinator import a FHIR referral from the browser, and show every refused element of a malformed one', async () => {
    const coord = await createUser(t, 'coordinator');
    await addMember(t, admin, w.clinicId, coord.id);
    const { context, page } = await signedIn(await login(t, coord));
    const fixture = JSON.parse(
      await readFile(
        path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/fhir/referral-icd10cm.json'),
        'utf8',
      ),
    ) as { entry: { resource: Record<string, unknown> }[] };
    const entries = fixture.entry.map((e) => e.resource);
    (entries.find((r) => r.resourceType === 'ServiceRequest')!.identifier as { value: string }[])[0].value =
      'WEB-FHIR-1';
    const patient = entries.find((r) => r.resourceType === 'Patient')!;
    for (const id of patient.identifier as { value: string; type?: unknown }[])
      if (JSON.stringify(id.type ?? {}).includes('"MR"')) id.value = 'WEBFHIR0001';
    const family = String((patient.name as { family: string }[])[0].family);
    await page.goto(`${base}/#/cases/new`);
    await page.getByText("Import the referral from the referring hospital's system (FHIR) instead").click();
    await page.getByRole('heading', { name: 'Import a FHIR referral' }).waitFor();

    // A malformed Bundle: the ICD-10-CM code does not exist. Each bad element is named by its FHIRPath.
    const broken = structuredClone(fixture);
    const condition = broken.entry
      .map((e) => e.resource)
      .find((r) => JSON.stringify(r.meta ?? {}).includes('primary-cancer-condition'))!;
    (condition.code as { coding: { code: string }[] }).coding[0].code = 'C50.99X';
    await page.getByLabel('FHIR Bundle file').setInputFiles({
      name: 'broken.json',
      mimeType: 'application/fhir+json',
      buffer: Buffer.from(JSON.stringify(broken)),
    });
    await page.getByRole('button', { name: 'Import' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'not imported' });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Bundle\.entry\[\d+\]\.resource\.code/);
    expect(await alert.textContent()).toContain('nothing was saved');
    await shot(page, 'fhir-import-refused');

    await page.getByLabel('FHIR Bundle file').setInputFiles({
      name: 'referral.json',
      mimeType: 'application/fhir+json',
      buffer: Buffer.from(JSON.stringify(fixture)),
    });
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported as a new case' }).waitFor();
    await shot(page, 'fhir-import-done');
    await page.getByRole('link', { name: 'Open the case' }).click();
    // The case page names the imported patient in its banner.
    await page.getByRole('region', { name: 'Patient' }).getByText(family.toUpperCase()).waitFor();
    await page.getByText('C50.4').first().waitFor();
    await shot(page, 'fhir-imported-case');
    // Sent again: the same case, nothing added.
    await page.goto(`${base}/#/cases/new`);
    await page.getByText("Import the referral from the referring hospital's system (FHIR) instead").click();
    await page.getByLabel('FHIR Bundle file').setInputFiles({
      name: 'referral.json',
      mimeType: 'application/fhir+json',
      buffer: Buffer.from(JSON.stringify(fixture)),
    });
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('status').filter({ hasText: 'imported before' }).waitFor();
    await context.close();
  }, 60_000);

  it('should show a message from one board member to another within a second, and replay what a cut-off member missed', async () => {
    const a = await signedIn(w.doctors[0].tokens);
    const b = await signedIn(w.doctors[1].tokens);
    for (const { page } of [a, b]) {
      await page.goto(`${base}/#/board/${w.sessionId}/room`);
      await page.getByTestId('connection').filter({ hasText: 'connected' }).waitFor();
    }
    await a.page.getByLabel('Message', { exact: true }).fill('Slides show lobular features');
    const sentAt = Date.now();
    await a.page.getByRole('button', { name: 'Post' }).click();
    await b.page.getByTestId('stream').getByText('Slides show lobular features').waitFor({ timeout: 1000 });
    expect(Date.now() - sentAt).toBeLessThan(1000);

    await b.context.setOffline(true);
    await b.page.getByTestId('connection').filter({ hasNotText: 'connected' }).waitFor();
    for (const text of ['Missed one', 'Missed two']) {
      await a.page.getByLabel('Message', { exact: true }).fill(text);
      await a.page.getByRole('button', { name: 'Post' }).click();
      await a.page.getByTestId('stream').getByText(text).waitFor();
    }
    expect(await b.page.getByTestId('stream').getByText('Missed one').count()).toBe(0);
    await shot(b.page, 'board-room-offline');
    await b.context.setOffline(false);
    await b.page.getByTestId('connection').filter({ hasText: 'connected' }).waitFor({ timeout: 15_000 });
    await b.page.getByTestId('stream').getByText('Missed two').waitFor({ timeout: 5000 });
    const stream = await b.page.getByTestId('stream').locator('li').allTextContents();
    const first = stream.findIndex((s) => s.includes('Missed one'));
    expect(first).toBeGreaterThan(stream.findIndex((s) => s.includes('Slides show lobular features')));
    expect(stream.findIndex((s) => s.includes('Missed two'))).toBeGreaterThan(first);
    expect(stream.filter((s) => s.includes('Missed one'))).toHaveLength(1);
    await shot(b.page, 'board-room');
    await a.context.close();
    await b.context.close();
  }, 60_000);

  it('should show a booked itinerary on the coordinator day view, and the reports', async () => {
    // A small clinic whose one-day visit can be booked: a pathology review, then an oncology visit.
    const coord = await createUser(t, 'coordinator');
    const coordTokens = await login(t, coord);
    const clinic = await createClinic(t, admin, {
      ...breastClinicBody(),
      requiredDisciplines: [
        { discipline: 'pathology', minutes: 30, patientAttends: false },
        { discipline: 'medical_oncology', minutes: 45, patientAttends: true },
      ],
      precedence: [],
      quorumDisciplines: [],
    });
    await addMember(t, admin, clinic.id, coord.id);
    await request(t.http).post('/api/rooms').set(bearer(coordTokens)).send({ clinicId: clinic.id, name: 'Exam 1' });
    for (const discipline of ['pathology', 'medical_oncology']) {
      const doctor = await createUser(t, 'clinician');
      const sp = await request(t.http)
        .post('/api/specialists')
        .set(bearer(admin))
        .send({ userId: doctor.id, disciplines: [discipline], clinicIds: [clinic.id] });
      await request(t.http)
        .put(`/api/specialists/${sp.body.id}/availability`)
        .set(bearer(coordTokens))
        .send({ clinicId: clinic.id, windows: [{ weekday: 4, start: '09:00', end: '12:00' }] });
    }
    const c = await request(t.http).post('/api/cases').set(bearer(coordTokens)).send(referralBody(clinic.id));
    await sql(`UPDATE second_opinion_case SET status = 'ready' WHERE id = $1`, [c.body.id]);
    const booked = await request(t.http)
      .post(`/api/cases/${c.body.id}/itinerary`)
      .set(bearer(coordTokens))
      .send({ date: DATE });
    expect(booked.status).toBe(201);

    const { context, page } = await signedIn(coordTokens);
    await page.goto(`${base}/#/day`);
    await page.getByLabel('Clinic', { exact: true }).selectOption(clinic.id);
    await page.getByLabel('Day', { exact: true }).fill(DATE);
    // The timeline itself is walked in test/web-scheduling.e2e-spec.ts.
    const slots = page.locator(`.tl a[href="#/case/${String(c.body.id)}"]`);
    await slots.first().waitFor();
    expect(await slots.count()).toBe(2); // the review and the visit
    await shot(page, 'day-view');
    await page.goto(`${base}/#/reports`);
    await page.getByRole('heading', { name: 'Concordance with the referring diagnosis' }).waitFor();
    // The figures themselves are walked in test/web-reports.e2e-spec.ts.
    await page.getByRole('heading', { name: /Cancer conference/ }).waitFor();
    await shot(page, 'reports');
    await context.close();
  }, 60_000);

  it('should let attending specialists vote in the board room and the chair sign', async () => {
    const caseId = w.cases[0];
    const [pathologist, chair] = w.doctors;
    await sql(`UPDATE second_opinion_case SET status = 'evaluated' WHERE id = $1`, [caseId]);
    for (const [doctor, discipline] of [
      [pathologist, 'pathology'],
      [chair, 'medical_oncology'],
    ] as const) {
      const res = await request(t.http)
        .post(`/api/board-sessions/${w.sessionId}/attendance`)
        .set(bearer(doctor.tokens))
        .send({ discipline });
      expect([201, 409]).toContain(res.status);
    }
    await request(t.http)
      .post(`/api/board-sessions/${w.sessionId}/presenting`)
      .set(bearer(chair.tokens))
      .send({ caseId });
    const draft = await request(t.http)
      .post(`/api/cases/${caseId}/plans`)
      .set(bearer(chair.tokens))
      .send({ items: [{ modality: 'surgery', intent: 'curative', sequence: 1, description: 'lumpectomy' }] });
    await request(t.http).post(`/api/cases/${caseId}/plans/${draft.body.id}/proposal`).set(bearer(chair.tokens));

    const a = await signedIn(pathologist.tokens);
    const b = await signedIn(chair.tokens);
    for (const { page } of [a, b]) {
      await page.goto(`${base}/#/board/${w.sessionId}/room`);
      await page.getByText('Plan version 1').waitFor();
    }
    await a.page.getByRole('button', { name: 'disagree' }).click();
    await a.page.getByRole('alert').filter({ hasText: 'comment' }).waitFor(); // a dissent needs its rationale
    await a.page.getByRole('button', { name: 'Agree', exact: true }).click();
    expect(await a.page.getByRole('button', { name: 'Sign plan' }).count()).toBe(0); // only the chair signs
    await b.page.getByRole('button', { name: 'Agree', exact: true }).click();
    await b.page.getByText('consensus met').waitFor();
    await b.page.getByRole('button', { name: 'Sign plan' }).click();
    await b.page.getByRole('dialog').getByRole('button', { name: 'Sign the plan' }).click();
    await b.page.getByTestId('signed').getByText('Signed by').waitFor();
    // The other member's screen follows, through the plan.* events.
    await a.page.getByTestId('signed').getByText('Signed by').waitFor({ timeout: 5000 });
    await shot(b.page, 'board-room-plan');
    await a.context.close();
    await b.context.close();
  }, 60_000);

  it('should show the pathologist and the chair what the board changed, as clinicians write it', async () => {
    const created = await request(t.http).post('/api/cases').set(bearer(w.coord.tokens)).send(referralBody(w.clinicId));
    expect(created.status).toBe(201);
    const caseId = created.body.id as string;
    // The board re-reads HER2 1+ as 3+ and finds an axillary node (cN0 → cN1).
    const dx = await request(t.http)
      .post(`/api/cases/${caseId}/diagnoses`)
      .set(bearer(w.coord.tokens))
      .send({
        source: 'board',
        primarySite: 'C50.4',
        histology: '8500/3',
        laterality: 'left',
        grade: 'G2',
        clinicalStage: { t: 'cT2', n: 'cN1', m: 'cM0', stageGroup: 'IIB' },
        biomarkers: [{ name: 'HER2/neu', ihcScore: '3+' }],
        malignant: true,
      });
    expect(dx.status).toBe(201);
    const { context, page } = await signedIn(w.doctors[0].tokens);
    await page.goto(`${base}/#/case/${caseId}`);
    const changes = page.getByRole('list', { name: 'What changed' });
    await changes.waitFor();
    const lines = await changes.getByRole('listitem').allTextContents();
    expect(lines).toEqual(
      expect.arrayContaining([
        'Clinical N: N0 → cN1 (stage up)',
        'Clinical anatomic stage group: IIA → IIB (stage up)',
        'HER2: low (IHC 1+) → positive (IHC 3+)',
      ]),
    );
    // Stages with their basis and group type; markers by category, synonyms as one marker.
    await page.getByText('clinical: cT2 cN1 cM0, anatomic stage IIB').waitFor();
    await page.getByText('HER2 positive (IHC 3+)').waitFor();
    // What the board did not restate stands as the referral said it, and says so.
    // The result as the report gave it, then its category (ASCO/CAP), then where it comes from.
    await page.getByText('ER positive (90%) — positive (> 10%), from the referral').waitFor();
    await page.getByText('C50.4 Upper-outer quadrant of breast').first().waitFor();
    await page.getByText('management impact potential').waitFor();
    await shot(page, 'case-changes');
    await context.close();
  }, 60_000);
});
