/**
 * Guests in the browser (issue 19 item 3): the coordinator invites the
 * referring doctor from the session page; the doctor opens the link with no
 * account, waits in their room, discusses their patient's case when the
 * board presents it, and is cut off the moment the coordinator withdraws the
 * invitation.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { baseUrlOf, boardWorld, type BoardWorld } from './utils/board-fixtures.js';
import { launchChromium } from './utils/browser.js';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';
import { checkView, signedIn, VIEWPORTS, watchErrors } from './utils/web-app.js';

describe('Guests in the browser', () => {
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
    w = await boardWorld(t.http, admin, sql, { cases: 2 });
    await sql(
      `UPDATE board_session SET starts_at = now() + interval '1 hour', ends_at = now() + interval '3 hours' WHERE id = $1`,
      [w.sessionId],
    );
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('should take a guest from the invitation to the discussion and out again when it is withdrawn', async () => {
    const coordinator = await signedIn(browser, w.coord.tokens);
    const page = coordinator.page;
    await page.goto(`${base}/#/board/${w.sessionId}`);
    await page.getByRole('heading', { name: 'Guests' }).waitFor();
    await page.getByText('No guest is invited.').waitFor();
    const form = page.getByRole('form', { name: 'Invite a guest' });
    // Nothing chosen: the form says what is missing, where.
    await form.getByRole('button', { name: 'Invite and mail the link' }).click();
    await form.locator('#f-caseId-error').waitFor();
    const options = await form.getByLabel('For the case').locator('option').allTextContents();
    await form.getByLabel('For the case').selectOption({ label: options[1] });
    await form.getByLabel("Guest's name").fill('Dr. Maria Jones');
    await form.getByLabel("Guest's e-mail").fill('m.jones@outside-hospital.test');
    await form.getByLabel('Institution').fill('St. Mary Regional');
    await form.getByRole('button', { name: 'Invite and mail the link' }).click();
    const link = (await page.locator('code.guest-link').textContent()) ?? '';
    expect(link).toMatch(/\/#\/guest\/[A-Za-z0-9_-]{43}$/);
    await page
      .getByRole('listitem')
      .filter({ hasText: 'Dr. Maria Jones' })
      .getByText('Invited', { exact: true })
      .waitFor();
    await checkView(page, 'session-guests');

    // The doctor opens the mailed link on a phone, with no account.
    const guestContext = await browser.newContext({ ...VIEWPORTS.phone });
    const guest = watchErrors(await guestContext.newPage());
    await guest.goto(link);
    await guest.getByRole('heading', { name: 'Invitation to a tumor board' }).waitFor();
    await guest.getByRole('button', { name: 'Join the board session' }).click();
    await guest.getByRole('heading', { name: /tumor board$/ }).waitFor();
    await guest.getByText('Connected to the room').waitFor();
    expect(await guest.getByRole('heading', { name: /^Your patient: / }).textContent()).toMatch(
      /^Your patient: Synthetic Testpatient \(case C-[0-9A-F]{8}\)$/,
    );
    expect(await guest.getByRole('status').first().textContent()).toContain(
      'Waiting: the board will bring your case on screen',
    );
    expect(await guest.getByLabel('Your message to the board').isDisabled()).toBe(true);
    // The rest of the app is not theirs.
    expect(await guest.getByRole('link', { name: 'Cases' }).count()).toBe(0);
    await checkView(guest, 'guest-waiting-phone');

    // The chair puts the case on screen: the guest's page says so, and the guest can speak.
    const [invited] = await sql<{ case_id: string }[]>(`SELECT case_id FROM guest_invitation WHERE session_id = $1`, [
      w.sessionId,
    ]);
    const [, chair] = w.doctors;
    const presented = await request(t.http)
      .post(`/api/board-sessions/${w.sessionId}/presenting`)
      .set(bearer(chair.tokens))
      .send({ caseId: invited.case_id });
    expect(presented.status).toBe(200);
    await guest.getByText('The board is discussing your case now.').waitFor({ timeout: 5000 });
    await guest.getByLabel('Your message to the board').fill('She would rather have surgery close to home.');
    await guest.getByRole('button', { name: 'Send' }).click();
    await guest.getByRole('listitem').filter({ hasText: 'She would rather have surgery close to home.' }).waitFor();
    expect(
      await guest
        .getByRole('listitem')
        .filter({ hasText: 'She would rather have surgery close to home.' })
        .textContent(),
    ).toContain('Dr. Maria Jones (guest)');
    await checkView(guest, 'guest-discussing-phone');

    // The coordinator withdraws the invitation: the guest is out at once.
    await page.reload();
    const row = page.getByRole('listitem').filter({ hasText: 'Dr. Maria Jones' });
    await row.getByText('Joined', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Withdraw invitation: Dr. Maria Jones' }).click();
    const started = Date.now();
    await page.getByRole('dialog').getByRole('button', { name: 'Withdraw' }).click();
    await guest.getByRole('heading', { name: 'The board session has ended for you' }).waitFor({ timeout: 3000 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(1500);
    await row.getByText('Withdrawn', { exact: true }).waitFor();
    await guestContext.close();
    await coordinator.context.close();
  });
});
