import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { baseUrlOf, boardWorld, type BoardWorld } from './utils/board-fixtures.js';
import { launchChromium } from './utils/browser.js';
import { bearer, createTestApp, createUser, login, type TestApp } from './utils/test-app.js';
import { checkView, signedIn } from './utils/web-app.js';

// The reports in the browser: what a service lead reads to know how often the
// board changed the diagnosis, and whether its conferences meet CoC 2.5.
describe('The reports in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let w: BoardWorld;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = baseUrlOf(t.http);
    const admin = await login(t, await createUser(t, 'admin'));
    w = await boardWorld(t.http, admin, (q, p) => t.dataSource.query(q, p), { cases: 1 });
    const [pathologist, chair] = w.doctors;
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
      (await request(t.http).post(`/api/cases/${w.cases[0]}/diagnoses`).set(bearer(pathologist.tokens)).send(review))
        .status,
    ).toBe(201);
    // Lobular, not ductal; HER2 3+; node-positive: a major change that changes management.
    const board = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/diagnoses`)
      .set(bearer(chair.tokens))
      .send({
        ...review,
        source: 'board',
        clinicalStage: { t: 'T2', n: 'N1', m: 'M0', stageGroup: 'IIB' },
        biomarkers: [
          { name: 'ER', value: 'positive (90%)', method: 'IHC' },
          { name: 'HER2', value: '3+', method: 'IHC' },
        ],
        evidenceSources: ['slide_review', 'new_imaging'],
        drivingDiscipline: 'pathology',
        managementImpact: 'changed',
      });
    expect(board.status).toBe(201);
    expect(board.body.change).toMatchObject({ concordance: 'major' });
    // One presentation at the board, with no reason recorded: it counts against the CoC 2.5 target.
    const presented = await request(t.http)
      .post(`/api/board-sessions/${w.sessionId}/presenting`)
      .set(bearer(w.coord.tokens))
      .send({ caseId: w.cases[0] });
    expect(presented.status).toBeLessThan(300);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('should show the major change as a red badge with its word, the categories in words, and download the CSV', async () => {
    const { context, page } = await signedIn(browser, w.coord.tokens);
    await page.goto(`${base}/#/reports`);
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    await page.getByText('1 case reviewed; the board changed the diagnosis of 1 (100 %).').waitFor();
    const major = page.getByRole('row', { name: /Major change/ });
    expect(await major.textContent()).toContain('1 (100 %)');
    expect(await major.locator('.badge-danger').textContent()).toBe('Major change');
    expect(await page.getByRole('row', { name: /Management changed/ }).textContent()).toContain('1 (100 %)');
    // Potential impact is its own row, never folded into changed or unchanged.
    expect(await page.getByRole('row', { name: /Management may change/ }).textContent()).toContain('0 (0 %)');
    for (const category of ['Histology', 'Stage', 'Biomarkers'])
      await page.getByRole('rowheader', { name: category, exact: true }).waitFor();
    // Never the code lists' identifiers.
    expect(await page.locator('main').textContent()).not.toMatch(/primary_site|additional_cancer|medical_oncology/);
    await checkView(page, 'reports');

    const downloaded = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download as CSV' }).click();
    const file = await downloaded;
    expect(file.suggestedFilename()).toMatch(/\.csv$/);

    // The conference figures: sessions of this year, the target in words, not colour alone.
    await page.getByRole('heading', { name: /Cancer conference/ }).waitFor();
    await page.getByText(/Prospective: 0 % of 1 presentation \(target \d+ %\)/).waitFor();
    expect(await page.locator('.badge-danger', { hasText: 'Target not met' }).count()).toBe(1);
    await page.getByRole('rowheader', { name: 'Pathology' }).waitFor();
    await context.close();
  }, 60_000);

  it('should say so when a period has no reviewed case, at tablet size', async () => {
    const { context, page } = await signedIn(browser, w.coord.tokens, 'tablet');
    await page.goto(`${base}/#/reports`);
    await page.getByText('1 case reviewed', { exact: false }).waitFor();
    await page.getByLabel('Referred from').fill('2020-01-01');
    await page.getByLabel('Up to (not including)').fill('2021-01-01');
    await page.getByText('No case reviewed in this period').waitFor();
    // A year without presentations: the target is not judged (no red "not met" over nothing).
    await page.getByLabel('Year').fill('2020');
    await page
      .getByText('No presentation yet this year, so the prospective target (CoC 2.5) cannot be judged.')
      .waitFor();
    expect(await page.getByText('Target not met').count()).toBe(0);
    await checkView(page, 'reports-empty-tablet');
    await context.close();
  }, 60_000);
});
