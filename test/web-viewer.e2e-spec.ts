import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { bigImage, twoPagePdf } from './bench/viewer-images.js';
import { baseUrlOf, boardWorld, type BoardWorld } from './utils/board-fixtures.js';
import { launchChromium } from './utils/browser.js';
import { bearer, createTestApp, createUser, login, type TestApp } from './utils/test-app.js';
import { checkView, signedIn, type ViewportName } from './utils/web-app.js';

// A clinician reads a case's records in the app: a pathology report page by
// page, and a 10,000 × 10,000 slide scan in deep zoom, its first tiles on
// screen within a second.
describe('The record viewer in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let w: BoardWorld;
  let caseId: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = baseUrlOf(t.http);
    const admin = await login(t, await createUser(t, 'admin'));
    w = await boardWorld(t.http, admin, (q, p) => t.dataSource.query(q, p), { cases: 1 });
    caseId = w.cases[0];
    const pdf = await request(t.http)
      .post(`/api/cases/${caseId}/records`)
      .set(bearer(w.coord.tokens))
      .field('type', 'pathology_report')
      .field('documentDate', '2026-10-14')
      .field('source', 'St Mary pathology')
      .attach('file', await twoPagePdf(), 'report.pdf');
    expect(pdf.status).toBe(201);
    const image = await request(t.http)
      .post(`/api/cases/${caseId}/records`)
      .set(bearer(w.coord.tokens))
      .field('type', 'imaging_other')
      .field('documentDate', '2026-10-15')
      .field('source', 'Slide scanner')
      .attach('file', await bigImage(), 'slide.jpg');
    expect(image.status).toBe(201);
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it.each<ViewportName>(['desktop', 'tablet'])(
    'should show the report page by page and the slide in deep zoom (%s)',
    async (viewport) => {
      const doctor = w.doctors[0];
      const { context, page } = await signedIn(browser, doctor.tokens, viewport);
      await page.goto(`${base}/#/case/${caseId}`);
      await page.getByRole('heading', { name: 'Records' }).waitFor();

      await page.getByRole('link', { name: 'Open Pathology report, PDF, of 14 Oct 2026' }).click();
      await page.getByRole('heading', { name: 'Pathology report', level: 1 }).waitFor();
      const facts = page.locator('.record-facts');
      expect(await facts.textContent()).toContain('St Mary pathology');
      expect(await facts.textContent()).toContain('PDF');
      await page.getByText('Page 1 of 2').waitFor();
      expect(await page.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);
      await checkView(page, `record-viewer-pdf-${viewport}`);
      await page.getByRole('button', { name: 'Next page' }).click();
      await page.getByText('Page 2 of 2').waitFor();
      expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
      await page.getByRole('button', { name: 'Zoom in' }).click();
      await page.getByText('125 %').waitFor();

      await page.getByRole('link', { name: 'Back to the case' }).click();
      await page.getByRole('heading', { name: 'Records' }).waitFor();
      const firstTile = page.waitForResponse((r) => /\/tiles\/\d+\/\d+_\d+$/.test(r.url()) && r.status() === 200);
      const opened = Date.now();
      await page.getByRole('link', { name: 'Open Other imaging, JPEG image, of 15 Oct 2026' }).click();
      await firstTile;
      const ms = Date.now() - opened;
      // eslint-disable-next-line no-console -- the figure the issue asks for
      console.log(`first tile of the 10,000 × 10,000 image ${ms} ms after opening it (${viewport})`);
      // The figure is 1 s on an idle machine (measured 526–944 ms here). This suite runs beside other
      // jest workers on 2 cores, where it has taken up to 2.3 s, so it fails only well beyond that; the
      // 1 s figure is for bench:viewer, which runs alone.
      expect(ms).toBeLessThan(4000);
      await page.getByRole('heading', { name: 'Other imaging', level: 1 }).waitFor();
      await page.getByText('10,000 × 10,000 pixels').waitFor();
      expect(await page.locator('.record-facts').textContent()).toContain('JPEG image');
      // OpenSeadragon draws on its canvas once tiles arrive.
      await page.locator('.osd-frame canvas').first().waitFor();
      await page.waitForTimeout(500);
      await checkView(page, `record-viewer-image-${viewport}`);
      await context.close();
    },
    60_000,
  );
});
