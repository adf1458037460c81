import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { bigImage, twoPagePdf } from './bench/viewer-images.js';
import { addSpecialist, baseUrlOf, boardWorld, uploadRecord, type BoardWorld } from './utils/board-fixtures.js';
import { launchChromium } from './utils/browser.js';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';
import { checkView, signedIn } from './utils/web-app.js';

interface Annotation {
  id: string;
  recordId: string;
  version: number;
  supersedesId: string | null;
  findingType: string;
  values: Record<string, unknown>;
  selector: { type: string; conformsTo?: string; value: string; refinedBy?: { type: string; value: string } } | null;
  target: { source: string };
}

// The pathologist marks findings on the document itself: a region on a PDF
// page and a freehand outline on a slide scan, each with its coded finding,
// then amends one (a new version). In the board room the chair and a
// radiologist see a new finding appear on the slide being presented within a
// second, and again after reloading.
describe('Marking findings on a record, and seeing them live in the board room', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let w: BoardWorld;
  let radiologist: Tokens;
  let caseId: string;
  const ids: Record<'pdf' | 'slide', string> = { pdf: '', slide: '' };

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = baseUrlOf(t.http);
    const admin = await login(t, await createUser(t, 'admin'));
    w = await boardWorld(t.http, admin, (q, p) => t.dataSource.query(q, p), { cases: 1 });
    caseId = w.cases[0]!;
    radiologist = (await addSpecialist(t.http, admin, w, 'radiology')).tokens;
    ids.pdf = await uploadRecord(t.http, w.coord.tokens, caseId, {
      type: 'pathology_report',
      documentDate: '2026-10-14',
      file: await twoPagePdf(),
      filename: 'report.pdf',
    });
    ids.slide = await uploadRecord(t.http, w.coord.tokens, caseId, {
      type: 'pathology_report',
      documentDate: '2026-10-15',
      file: await bigImage(),
      filename: 'slide.jpg',
    });
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const annotations = async (): Promise<Annotation[]> =>
    (await request(t.http).get(`/api/cases/${caseId}/annotations`).set(bearer(w.doctors[0].tokens)))
      .body as Annotation[];

  /** Drags the mouse across `box` from (fx0, fy0) to (fx1, fy1), in fractions of it, through `via` points. */
  const drag = async (page: Page, selector: string, path: [number, number][]) => {
    const el = page.locator(selector);
    await el.scrollIntoViewIfNeeded();
    const b = (await el.boundingBox())!;
    const at = ([fx, fy]: [number, number]) => [b.x + b.width * fx, b.y + b.height * fy] as const;
    await page.mouse.move(...at(path[0]));
    await page.mouse.down();
    for (const p of path.slice(1)) await page.mouse.move(...at(p), { steps: 6 });
    await page.mouse.up();
  };

  it('should let the pathologist draw on a PDF page and a slide, attach coded findings and amend one as a new version', async () => {
    const path = await signedIn(browser, w.doctors[0].tokens, 'desktop');
    const page = path.page;

    // The report: a rectangle on page 1, "Histologic type" 8520/3.
    await page.goto(`${base}/#/case/${caseId}/record/${ids.pdf}`);
    await page.getByText('Page 1 of 2').waitFor();
    await page.locator('.pdf-anno[data-annotations="0"]').waitFor();
    // The page shows through the drawing layer: what is on top at the page's text is the page, not a blank sheet.
    expect(
      await page.evaluate(`(() => {
        const c = document.querySelector('.pdf-page > canvas');
        const r = c.getBoundingClientRect();
        return document.elementsFromPoint(r.left + 100, r.top + 100)
          .filter((e) => e !== c && c.parentElement.contains(e) && getComputedStyle(e).backgroundColor !== 'rgba(0, 0, 0, 0)')
          .length;
      })()`),
    ).toBe(0);
    await page.getByRole('button', { name: 'Rectangle' }).click();
    await drag(page, '.pdf-anno', [
      [0.2, 0.2],
      [0.5, 0.35],
    ]);
    const form = page.getByRole('form', { name: 'The finding here' });
    await form.waitFor();
    await form.getByLabel('Histology (ICD-O-3 morphology)').fill('8520/3');
    await form.getByText(/Lobular carcinoma/i).waitFor();
    await form.getByLabel('Note').fill('Single-file infiltration; no tubules.');
    await checkView(page, 'record-finding-form');
    await form.getByRole('button', { name: 'Save finding' }).click();
    const list = page.getByTestId('annotation-list');
    await list.getByText(/Histologic type/).waitFor();
    await list.getByText(/Pathology · .* · version 1 · page 1/).waitFor();
    await page.locator('.pdf-anno[data-annotations="1"]').waitFor();
    let saved = await annotations();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({
      recordId: ids.pdf,
      findingType: 'histologic_type',
      values: { histology: '8520/3' },
      target: { source: `urn:uuid:${ids.pdf}` },
    });
    expect(saved[0].selector).toMatchObject({
      type: 'FragmentSelector',
      conformsTo: 'http://tools.ietf.org/rfc/rfc3778',
      value: 'page=1',
      refinedBy: { type: 'FragmentSelector' },
    });
    // The region is in PDF units (an A4 page is 595 × 842): about 0.2–0.5 across, 0.2–0.35 down.
    const [x, y, wd, ht] = saved[0].selector!.refinedBy!.value.replace('xywh=pixel:', '').split(',').map(Number) as [
      number,
      number,
      number,
      number,
    ];
    expect(x / 595.28).toBeCloseTo(0.2, 1);
    expect(y / 841.89).toBeCloseTo(0.2, 1);
    expect(wd / 595.28).toBeCloseTo(0.3, 1);
    expect(ht / 841.89).toBeCloseTo(0.15, 1);

    // Amend it: a new version; the first stays as it was.
    await list.getByRole('button', { name: 'Amend' }).click();
    const amend = page.getByRole('form', { name: 'Amend: a new version after version 1' });
    await amend.getByLabel('Histology (ICD-O-3 morphology)').fill('8522/3');
    await amend.getByLabel('Note').fill('Mixed ductal and lobular on review of the second block.');
    await amend.getByRole('button', { name: 'Save new version' }).click();
    await list.getByText(/version 2 \(amended\)/).waitFor();
    saved = await annotations();
    expect(saved.map((a) => [a.version, a.values.histology])).toEqual([
      [1, '8520/3'],
      [2, '8522/3'],
    ]);
    expect(saved[1].supersedesId).toBe(saved[0].id);
    expect(saved[1].selector).toEqual(saved[0].selector);

    // A point on page 2: "Tumour size" 22 mm.
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Page 2 of 2').waitFor();
    await page.locator('.pdf-anno[data-annotations="0"]').waitFor();
    await page.getByRole('button', { name: 'Point' }).click();
    await page.locator('.pdf-anno').scrollIntoViewIfNeeded();
    const pageBox = (await page.locator('.pdf-anno').boundingBox())!;
    // A place on the page that is on the screen (the page at this zoom is taller than the window).
    await page.mouse.click(pageBox.x + pageBox.width * 0.5, Math.max(pageBox.y, 0) + 120);
    const pointForm = page.getByRole('form', { name: 'The finding here' });
    await pointForm.getByLabel('Finding').selectOption({ label: 'Tumour size' });
    await pointForm.getByLabel('Size (mm)').fill('22');
    await pointForm.getByLabel('Note').fill('Largest focus measured here.');
    await pointForm.getByRole('button', { name: 'Save finding' }).click();
    await list.getByText(/Tumour size — Size \(mm\) 22/).waitFor();
    await list.getByText(/version 1 · page 2/).waitFor();
    const point = (await annotations()).find((a) => a.findingType === 'tumor_size');
    expect(point?.selector).toMatchObject({ value: 'page=2', refinedBy: { type: 'SvgSelector' } });
    expect(point?.selector?.refinedBy?.value).toMatch(
      /^<svg><circle cx="[\d.]+" cy="[\d.]+" r="[\d.]+"><\/circle><\/svg>$/,
    );

    // The slide: a freehand outline, "Receptor status" HER2 3+.
    await page.goto(`${base}/#/case/${caseId}/record/${ids.slide}`);
    await page.locator('.osd-frame[data-open=true]').waitFor();
    await page.getByRole('button', { name: 'Freehand' }).click();
    await drag(page, '.osd-frame', [
      [0.3, 0.3],
      [0.6, 0.32],
      [0.62, 0.6],
      [0.35, 0.62],
      [0.3, 0.35],
    ]);
    const slideForm = page.getByRole('form', { name: 'The finding here' });
    await slideForm.getByLabel('Finding').selectOption({ label: 'Receptor status' });
    await slideForm.getByLabel('Marker').fill('HER2');
    await slideForm.getByLabel('Result').fill('3+');
    await slideForm.getByLabel('Note').fill('Complete intense membranous staining in >10% of cells.');
    await slideForm.getByRole('button', { name: 'Save finding' }).click();
    await list.getByText(/Receptor status — Marker HER2 · Result 3\+/).waitFor();
    await page.locator('.osd-frame[data-annotations="1"]').waitFor();
    const onSlide = (await annotations()).find((a) => a.recordId === ids.slide)!;
    expect(onSlide.selector?.type).toBe('SvgSelector');
    expect(onSlide.selector?.value).toMatch(/^<svg><polygon points="[\d., ]+"><\/polygon><\/svg>$/);
    await checkView(page, 'record-slide-annotated');

    // The pathology review beside the viewer, resting on both findings.
    const review = page.getByRole('form', { name: 'Record the pathology review' });
    await review.scrollIntoViewIfNeeded();
    expect(await review.getByLabel('Primary site (ICD-O-3 topography)').inputValue()).toBe('C50.4'); // from the referral
    await review.getByLabel('Histology (ICD-O-3 morphology)').fill('8520/3');
    await review.getByLabel('Grade').selectOption('G2');
    await review.getByLabel('Laterality').selectOption({ label: 'Left' });
    await review.getByLabel('pT', { exact: true }).fill('T2');
    await review.getByLabel('HER2', { exact: true }).fill('3+');
    // The evidence: both findings, ticked by the pathologist.
    await review.getByRole('checkbox', { name: /^Histologic type: Histology 8522\/3/ }).check();
    await review.getByRole('checkbox', { name: /^Receptor status: Marker HER2/ }).check();
    await checkView(page, 'record-review-form');
    await review.getByRole('button', { name: 'Record the review' }).click();
    await page.getByTestId('review-recorded').filter({ hasText: 'resting on 2 findings' }).waitFor();
    const diagnoses = (await request(t.http).get(`/api/cases/${caseId}/diagnoses`).set(bearer(w.doctors[0].tokens)))
      .body as { source: string; histology: string; evidenceAnnotationIds: string[] }[];
    const pathReview = diagnoses.filter((d) => d.source === 'pathology_review').pop();
    expect(pathReview?.histology).toBe('8520/3');
    expect([...(pathReview?.evidenceAnnotationIds ?? [])].sort()).toEqual([saved[1].id, onSlide.id].sort());

    // The case page shows the review and the findings, each linking to its place.
    await page.goto(`${base}/#/case/${caseId}`);
    await page.getByRole('heading', { name: 'Pathology review' }).waitFor();
    const findings = page.locator('section', { has: page.getByRole('heading', { name: 'Findings on the records' }) });
    await findings.getByText(/Histology 8522\/3/).waitFor();
    await findings.getByText(/page 1 · evidence for: Pathology review/).waitFor();
    await findings.getByText(/Marker HER2 · Result 3\+/).waitFor();
    await checkView(page, 'case-findings-and-review');

    // A finding's link opens the record at its place (the PDF at its page, the finding selected).
    await page.goto(`${base}/#/case/${caseId}/record/${ids.pdf}/annotation/${saved[1].id}`);
    await page.getByText('Page 1 of 2').waitFor();
    await page.locator(`[data-annotation="${saved[1].id}"].is-selected`).waitFor();
    await path.context.close();
  }, 120_000);

  it('should show a finding made during the session on the others’ viewers within a second, and after a reload', async () => {
    const chair = await signedIn(browser, w.doctors[1].tokens, 'desktop');
    const rad = await signedIn(browser, radiologist, 'tablet');
    for (const { page } of [chair, rad]) {
      await page.goto(`${base}/#/board/${w.sessionId}/room`);
      await page.getByTestId('connection').filter({ hasText: 'connected' }).waitFor();
    }
    await chair.page.getByRole('button', { name: /^First case:/ }).click();
    await chair.page.getByRole('button', { name: 'Pathology report, JPEG image, 15 Oct 2026' }).click();
    for (const { page } of [chair, rad])
      await page.locator('[data-testid=room-record] .osd-frame[data-annotations="1"]').waitFor();

    // When the viewers show two findings, by their own clocks.
    for (const { page } of [chair, rad])
      await page.evaluate(`(() => {
        const look = () => {
          if (window.twoAt === undefined && document.querySelector('[data-testid=room-record] .osd-frame[data-annotations="2"]'))
            window.twoAt = Date.now();
        };
        new MutationObserver(look).observe(document.body, { subtree: true, attributes: true, childList: true });
      })()`);
    const madeAt = Date.now();
    const made = await request(t.http)
      .post(`/api/cases/${caseId}/annotations`)
      .set(bearer(w.doctors[0].tokens))
      .send({
        recordId: ids.slide,
        anchor: { kind: 'slide', x: 5000, y: 5000 },
        selector: { type: 'SvgSelector', value: '<svg><circle cx="5000" cy="5000" r="40"></circle></svg>' },
        findingType: 'other',
        values: {},
        text: 'Lymphovascular invasion here.',
      });
    expect(made.status).toBe(201);
    for (const { page } of [chair, rad]) {
      await page.locator('[data-testid=room-record] .osd-frame[data-annotations="2"]').waitFor();
      await page.getByTestId('room-record').getByText('Lymphovascular invasion here.').waitFor();
    }
    const ms =
      Math.max(...(await Promise.all([chair, rad].map((c) => c.page.evaluate<number>('window.twoAt'))))) - madeAt;
    // eslint-disable-next-line no-console -- the figure the issue asks for
    console.log(`a new finding showed on the others' viewers ${ms} ms after it was saved`);
    expect(ms).toBeLessThan(1000);

    // Reconnecting: the radiologist reloads and the finding is still on her viewer.
    await rad.page.reload();
    await rad.page.getByTestId('connection').filter({ hasText: 'connected' }).waitFor();
    await rad.page.locator('[data-testid=room-record] .osd-frame[data-annotations="2"]').waitFor();
    await rad.page.getByTestId('room-record').getByText('Lymphovascular invasion here.').waitFor();
    // The radiologist may mark findings of her own, not amend the pathologist's.
    await rad.page.getByTestId('room-record').getByRole('button', { name: 'Freehand' }).waitFor();
    expect(await rad.page.getByTestId('room-record').getByRole('button', { name: 'Amend' }).count()).toBe(0);
    await checkView(rad.page, 'room-annotations-tablet');
    for (const c of [chair, rad]) await c.context.close();
  }, 120_000);
});
