/**
 * Mail in the browser app (issue 19): a clinician chooses which mail they
 * receive on their account page; an admin reads the outbox (here with no
 * mail server configured, so every message waits there); the referring
 * doctor opens the mailed letter link without an account and downloads the
 * PDF; a coordinator records the referring doctor's address at intake.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { baseUrlOf, boardWorld, type BoardWorld } from './utils/board-fixtures.js';
import { launchChromium } from './utils/browser.js';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';
import { checkView, signedIn, VIEWPORTS, watchErrors } from './utils/web-app.js';

describe('Notifications in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let admin: Tokens;
  let w: BoardWorld;
  const sql = <T = unknown>(query: string, params: unknown[] = []): Promise<T> => t.dataSource.query(query, params);

  beforeAll(async () => {
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

  it('should let a clinician turn a kind of mail off on their account page, and keep it off', async () => {
    const [, oncologist] = w.doctors;
    const { context, page } = await signedIn(browser, oncologist.tokens);
    await page.goto(`${base}/#/account`);
    await page.getByRole('heading', { name: 'E-mail notifications' }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'No mail server is configured' }).count()).toBe(1);
    const appointments = page.getByLabel('My clinic-day appointments, and changes to them');
    expect(await appointments.isChecked()).toBe(true);
    const save = page.getByRole('button', { name: 'Save mail settings' });
    expect(await save.isDisabled()).toBe(true);
    await appointments.uncheck();
    await save.click();
    await page.getByText('Mail settings saved').waitFor();
    await checkView(page, 'account-mail-settings');
    await page.reload();
    await page.getByRole('heading', { name: 'E-mail notifications' }).waitFor();
    expect(await page.getByLabel('My clinic-day appointments, and changes to them').isChecked()).toBe(false);
    expect(await page.getByLabel('The case packet before each board session I am a member of').isChecked()).toBe(true);
    const api = await request(t.http).get('/api/users/me/notification-preferences').set(bearer(oncologist.tokens));
    expect(api.body.preferences).toContainEqual(expect.objectContaining({ kind: 'appointment', email: false }));
    await context.close();
  });

  it("should show the admin the outbox, with a new account's set-password mail waiting", async () => {
    const created = await request(t.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ email: 'dr.waiting@example.org', displayName: 'Dr Waiting', role: 'clinician' });
    const { context, page } = await signedIn(browser, admin);
    await page.goto(`${base}/#/admin/outbox`);
    await page.getByRole('heading', { name: 'Outbox' }).waitFor();
    await page.getByText('No mail server is configured (SMTP_URL)').waitFor();
    const row = page.getByRole('row').filter({ hasText: 'dr.waiting@example.org' });
    expect(await row.getByRole('cell').nth(1).textContent()).toBe('Set-password link');
    expect(await row.getByText('Waiting', { exact: true }).count()).toBe(1);
    await row.getByRole('button', { name: 'Your Consilium account' }).click();
    expect(await row.locator('pre').textContent()).toContain(
      `/#/set-password/${created.body.setPasswordLink.token as string}`,
    );
    await page.getByLabel('Show').selectOption('sent');
    await page.getByText('Nothing has been written to the outbox with this status.').waitFor();
    await page.getByLabel('Show').selectOption('');
    await row.waitFor();
    await checkView(page, 'admin-outbox');
    await context.close();
  });

  it('should let the referring doctor download the letter from the mailed link, with no account', async () => {
    const [, chair] = w.doctors;
    const caseId = w.cases[0];
    await sql(`UPDATE second_opinion_case SET status = 'in_review' WHERE id = $1`, [caseId]);
    const draft = await request(t.http)
      .post(`/api/cases/${caseId}/plans`)
      .set(bearer(chair.tokens))
      .send({ items: [{ modality: 'surgery', intent: 'curative', sequence: 1, description: 'lumpectomy' }] });
    expect(draft.status).toBe(201);
    // The link as signing writes it (signing and its mail are tested in test/notifications.e2e-spec.ts).
    const token = 'b'.repeat(43);
    await sql(
      `INSERT INTO letter_link (case_id, plan_id, token_hash, to_address, expires_at)
       VALUES ($1, $2, $3, 'dr.jones@outside.test', now() + interval '14 days')`,
      [caseId, draft.body.id, createHash('sha256').update(token).digest('hex')],
    );
    const context = await browser.newContext({ ...VIEWPORTS.phone, acceptDownloads: true });
    const page = watchErrors(await context.newPage());
    await page.goto(`${base}/#/letter/${token}`);
    await page.getByRole('heading', { name: 'Second-opinion letter' }).waitFor();
    await checkView(page, 'letter-download-phone');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the letter (PDF)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('second-opinion-letter.pdf');
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).subarray(0, 5).toString()).toBe('%PDF-');
    await page.getByText('The letter was downloaded.').waitFor();

    await sql(`UPDATE letter_link SET expires_at = now() - interval '1 minute' WHERE case_id = $1`, [caseId]);
    await page.getByRole('button', { name: 'Download the letter (PDF)' }).click();
    expect(await page.getByRole('alert').textContent()).toBe(
      'This letter link has expired; ask the clinic for a new one',
    );
    await context.close();
  });

  it("should take the referring doctor's e-mail at intake and show where the letter link goes", async () => {
    const { context, page } = await signedIn(browser, w.coord.tokens);
    await page.goto(`${base}/#/cases/new`);
    const field = page.getByLabel("Referring doctor's e-mail");
    await field.waitFor();
    expect(await field.getAttribute('type')).toBe('email');
    await context.close();
    await sql(`UPDATE second_opinion_case SET referring_email = 'dr.jones@outside.test' WHERE id = $1`, [w.cases[0]]);
    const view = await signedIn(browser, w.coord.tokens);
    await view.page.goto(`${base}/#/case/${w.cases[0]}`);
    await view.page.getByText('Letter link mailed to dr.jones@outside.test').waitFor();
    await view.context.close();
  });
});
