/**
 * What happened next, in the browser: the coordinator adds an action item
 * from the signed plan with its responsible clinician; that clinician finds
 * it under My tasks, records the treatment start and marks it done; the
 * coordinator records the outcome of the recommendation (modified, with the
 * reason) and postpones another case to a later session; the conference
 * report shows the follow-up figures.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { baseUrlOf, boardWorld, type BoardWorld } from './utils/board-fixtures.js';
import { launchChromium } from './utils/browser.js';
import { signPlan } from './utils/follow-up-fixtures.js';
import { bearer, createTestApp, createUser, login, type TestApp } from './utils/test-app.js';
import { checkView, signedIn } from './utils/web-app.js';

describe('Follow-up in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let w: BoardWorld;
  let pathologistName: string;
  let laterId: string;
  const sql = <T = unknown>(query: string, params: unknown[] = []): Promise<T> => t.dataSource.query(query, params);

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = baseUrlOf(t.http);
    const admin = await login(t, await createUser(t, 'admin'));
    w = await boardWorld(t.http, admin, sql, { cases: 2 });
    await signPlan(t.http, w, sql, w.cases[0], [
      { modality: 'systemic_therapy', intent: 'curative', sequence: 1, description: 'neoadjuvant TCHP' },
      { modality: 'surgery', intent: 'curative', sequence: 2, description: 'lumpectomy after response' },
    ]);
    const me = await request(t.http).get('/api/users/me').set(bearer(w.doctors[0].tokens));
    pathologistName = me.body.displayName as string;
    const later = await request(t.http).post('/api/board-sessions').set(bearer(w.coord.tokens)).send({
      clinicId: w.clinicId,
      title: 'Breast tumor board (January)',
      startsAt: '2027-01-07T19:00:00Z',
      endsAt: '2027-01-07T20:30:00Z',
    });
    expect(later.status).toBe(201);
    laterId = later.body.id as string;
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('should let the coordinator add an action item from the signed plan, naming the responsible clinician', async () => {
    const { context, page } = await signedIn(browser, w.coord.tokens);
    await page.goto(`${base}/#/case/${w.cases[0]}`);
    await page.getByRole('heading', { name: 'Follow-up', level: 2 }).waitFor();
    await page.getByText('Add an action from the signed plan (version 1)').waitFor();
    await page.getByLabel('Plan item').selectOption({ label: '1. Systemic therapy — neoadjuvant TCHP' });
    const action = page.locator('[name="action-description"]');
    expect(await action.inputValue()).toBe('neoadjuvant TCHP');
    await action.fill('Book neoadjuvant TCHP, cycle 1');
    await page.getByRole('button', { name: 'Add action item' }).click();
    // Without a responsible clinician and a due date, the fields say so.
    await page
      .getByText(/responsible clinician/i, { exact: false })
      .first()
      .waitFor();
    await page.locator('[name="action-responsible"]').selectOption({ label: pathologistName });
    await page.locator('[name="action-due"]').fill('2026-12-18');
    await page.getByRole('button', { name: 'Add action item' }).click();
    const row = page.getByRole('row', { name: /Book neoadjuvant TCHP, cycle 1/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(pathologistName);
    expect(await row.textContent()).toContain('18 Dec 2026');
    await checkView(page, 'case-follow-up');
    const mails = await sql<{ recipient_user_id: string }[]>(
      `SELECT recipient_user_id FROM notification_outbox WHERE kind = 'task_assigned'`,
    );
    expect(mails.map((m) => m.recipient_user_id)).toEqual([w.doctors[0].id]);
    await context.close();
  });

  it('should show the responsible clinician the task under My tasks, take the treatment start and mark it done', async () => {
    const { context, page } = await signedIn(browser, w.doctors[0].tokens);
    await page.goto(`${base}/#/cases`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My tasks' }).click();
    await page.getByRole('heading', { name: 'My tasks', level: 1 }).waitFor();
    const card = page.locator('li.task').filter({ hasText: 'Book neoadjuvant TCHP, cycle 1' });
    await card.waitFor();
    expect(await card.textContent()).toContain('Due 18 Dec 2026');
    expect(await card.textContent()).toContain('Treatment start not recorded');
    const [today] = await sql<{ d: string }[]>(`SELECT (now() AT TIME ZONE 'America/Denver')::date::text AS d`);
    await card.getByLabel('Treatment started on').fill(today?.d ?? '');
    await checkView(page, 'my-tasks');
    await card.getByRole('button', { name: 'Record treatment start: Book neoadjuvant TCHP, cycle 1' }).click();
    await page.getByText('Treatment start recorded').waitFor();
    await card.getByText(/^Treatment started \d/).waitFor();
    await page.locator('li.task').getByRole('button', { name: 'Mark done: Book neoadjuvant TCHP, cycle 1' }).click();
    await page.getByText('No open task').waitFor();
    const items = await request(t.http).get(`/api/cases/${w.cases[0]}/action-items`).set(bearer(w.doctors[0].tokens));
    expect(items.body[0]).toMatchObject({ status: 'done', treatmentStartedOn: today?.d });
    await context.close();
  });

  it('should let the coordinator record the outcome "modified", with the reason it asks for', async () => {
    const { context, page } = await signedIn(browser, w.coord.tokens);
    await page.goto(`${base}/#/case/${w.cases[0]}`);
    await page.getByRole('heading', { name: 'Outcome of the recommendation' }).waitFor();
    await page.getByLabel('Outcome', { exact: true }).selectOption('modified');
    await page.getByRole('button', { name: 'Record outcome' }).click();
    await page.locator('#f-outcome-reason-error').waitFor();
    await page.locator('[name="outcome-reason"]').fill('Dose reduced for neuropathy');
    await page.getByRole('button', { name: 'Record outcome' }).click();
    await page.getByText('Modified: Dose reduced for neuropathy').waitFor();
    await page.getByText(/Board to first treatment start/).waitFor();
    await checkView(page, 'case-follow-up-outcome');
    await context.close();
  });

  it('should postpone another case from the agenda to a later session, with the reason', async () => {
    const { context, page } = await signedIn(browser, w.coord.tokens);
    await page.goto(`${base}/#/board/${w.sessionId}`);
    const item = page.locator('li.agenda-item').filter({ has: page.locator(`a[href="#/case/${w.cases[1]}"]`) });
    await item.waitFor();
    await item.locator('summary').click();
    await item.locator(`[name="postpone-${w.cases[1]}-to"]`).selectOption({ index: 1 });
    await item.locator(`[name="postpone-${w.cases[1]}-reason"]`).fill('Awaiting the outside pathology slides');
    await checkView(page, 'agenda-postpone');
    await item.getByRole('button', { name: /^Postpone: / }).click();
    await page.getByText(/postponed to Breast tumor board \(January\)/).waitFor();
    await page.locator(`li.agenda-item a[href="#/case/${w.cases[1]}"]`).waitFor({ state: 'detached' });
    const agenda = await request(t.http).get(`/api/board-sessions/${laterId}/agenda`).set(bearer(w.coord.tokens));
    expect((agenda.body as { caseId: string }[]).map((a) => a.caseId)).toEqual([w.cases[1]]);
    await page.goto(`${base}/#/case/${w.cases[1]}`);
    await page.getByText(/to Breast tumor board \(January\).*Awaiting the outside pathology slides/).waitFor();
    await context.close();
  });

  it('should show the follow-up figures in the conference report', async () => {
    const { context, page } = await signedIn(browser, w.coord.tokens);
    await page.goto(`${base}/#/reports`);
    await page.getByRole('heading', { name: /Cancer conference/ }).waitFor();
    const year = new Date().getFullYear();
    await page.getByLabel('Year').fill('2026');
    await page.getByText('What happened next: the 1 case first presented this year').waitFor();
    const cell = async (name: string): Promise<string | null> =>
      page
        .getByRole('row', { name: new RegExp(name) })
        .getByRole('cell')
        .textContent();
    expect(await cell('Postponed to a later session')).toBe('1 case (1 postponement)');
    expect((await cell('Outcome of the recommendation'))?.trim()).toBe(
      'carried out 0, modified 1, declined 0, not recorded 0',
    );
    expect((await cell('Action items'))?.trim()).toBe('0 open (0 overdue), 1 done, 0 cancelled');
    expect(await cell('Referral to first board presentation')).toMatch(/^median \d+ days? \(1 case\)$/);
    expect(await cell('Board to first treatment start')).toMatch(/^median \d+ days? \(1 case\)$/);
    const api = await request(t.http)
      .get('/api/reports/conference')
      .query({ clinicId: w.clinicId, year: 2026 })
      .set(bearer(w.coord.tokens));
    expect(await cell('Board to first treatment start')).toBe(
      `median ${api.body.followUp.boardToTreatmentDays.median} day${api.body.followUp.boardToTreatmentDays.median === 1 ? '' : 's'} (1 case)`,
    );
    expect(year).toBeGreaterThan(2000);
    await checkView(page, 'reports-follow-up');
    await context.close();
  });
});
