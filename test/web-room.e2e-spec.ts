import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { baseUrlOf, boardWorld, type BoardWorld } from './utils/board-fixtures.js';
import { launchChromium } from './utils/browser.js';
import { bearer, createTestApp, createUser, login, type TestApp } from './utils/test-app.js';
import { checkView, signedIn } from './utils/web-app.js';

// The live board room, as its people use it at once: the chair presents and
// signs (desktop), the pathologist discusses and votes (tablet, and drops
// off the network), the coordinator checks specialists in (phone).

describe('The board room in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let w: BoardWorld;
  let names: string[];
  const sql = <T>(q: string, p: unknown[] = []): Promise<T> => t.dataSource.query(q, p);

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = baseUrlOf(t.http);
    const admin = await login(t, await createUser(t, 'admin'));
    w = await boardWorld(t.http, admin, (q, p) => t.dataSource.query(q, p), { cases: 2 });
    for (const [i, [family, given]] of [
      ['Holmes', 'Ada'],
      ['Watson', 'Mary'],
    ].entries())
      await sql(
        `UPDATE patient SET family_name = $2, given_name = $3
          WHERE id = (SELECT patient_id FROM second_opinion_case WHERE id = $1)`,
        [w.cases[i], family, given],
      );
    await sql(`UPDATE second_opinion_case SET status = 'evaluated' WHERE id = ANY($1::uuid[])`, [w.cases]);
    names = (
      await sql<{ display_name: string }[]>(
        'SELECT display_name FROM app_user WHERE id = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], id)',
        [w.doctors.map((d) => d.id)],
      )
    ).map((r) => r.display_name);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const pinnedToNewest = (page: Page): Promise<boolean> =>
    page
      .getByTestId('stream')
      .evaluate((ul) => ul.scrollHeight - ul.scrollTop - ul.clientHeight < 30 || ul.scrollHeight <= ul.clientHeight);

  it('should present, discuss, keep an offline message, check in, vote, sign and move on', async () => {
    const [pathologist, chairMember] = w.doctors;
    const chair = await signedIn(browser, chairMember.tokens, 'desktop');
    const path = await signedIn(browser, pathologist.tokens, 'tablet');
    for (const { page } of [chair, path]) {
      await page.goto(`${base}/#/board/${w.sessionId}/room`);
      await page.getByTestId('connection').filter({ hasText: 'connected' }).waitFor();
    }
    // Only the chair (or a coordinator) presents.
    expect(await path.page.getByRole('region', { name: 'Presenting' }).count()).toBe(0);
    await chair.page.getByRole('button', { name: 'First case: HOLMES, Ada' }).click();
    for (const { page } of [chair, path]) {
      await page.getByRole('region', { name: 'Patient' }).getByText('HOLMES').waitFor();
      await page.getByTestId('stream').getByText('Now presenting HOLMES, Ada').waitFor();
    }
    expect(await chair.page.getByRole('region', { name: 'Presenting' }).textContent()).toContain(
      'Case 1 of 2, on screen for under a minute.',
    );
    expect(await chair.page.getByTestId('stream').textContent()).not.toMatch(/case\.presenting|agenda\.changed/);

    // The board re-reads case 1's diagnosis: one banner naming the patient, new to those in the room.
    const dx = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/diagnoses`)
      .set(bearer(w.coord.tokens))
      .send({
        source: 'board',
        primarySite: 'C50.4',
        histology: '8500/3',
        laterality: 'left',
        clinicalStage: { t: 'cT2', n: 'cN1', m: 'cM0', stageGroup: 'IIB' },
        biomarkers: [{ name: 'HER2/neu', ihcScore: '3+' }],
        malignant: true,
      });
    expect(dx.status).toBe(201);
    for (const { page } of [chair, path]) {
      await page.getByTestId('diagnosis-banner').getByText('New: diagnosis changed for HOLMES, Ada').waitFor();
      expect(await page.getByTestId('diagnosis-banner').count()).toBe(1);
    }

    // The coordinator joins late (phone): the change is shown, not as news; they check the specialists in.
    const coord = await signedIn(browser, w.coord.tokens, 'phone');
    await coord.page.goto(`${base}/#/board/${w.sessionId}/room`);
    await coord.page.getByTestId('connection').filter({ hasText: 'connected' }).waitFor();
    const late = coord.page.getByTestId('diagnosis-banner');
    await late.getByText('Diagnosis changed for HOLMES, Ada').waitFor();
    expect(await late.textContent()).not.toContain('New');
    const attendance = coord.page.locator('section.attendance');
    expect(await attendance.getByRole('status').textContent()).toContain('Missing: Pathology, Medical oncology.');
    for (const [name, discipline] of [
      [names[0], 'Pathology'],
      [names[1], 'Medical oncology'],
    ]) {
      await attendance.getByLabel('Specialist').selectOption({ label: `${name} (${discipline})` });
      await attendance.getByRole('button', { name: 'Check in', exact: true }).click();
      await attendance.locator('.attendee', { hasText: name }).getByText('Present').waitFor();
    }
    await attendance.getByRole('status').getByText('Quorum met').waitFor();
    await chair.page.locator('section.attendance').getByText(names[0]).waitFor();
    expect(await chair.page.locator('section.attendance').textContent()).toContain('Pathology');
    await chair.page.getByTestId('stream').getByText(`${names[0]} checked in for Pathology`).waitFor();
    // The message box is in reach on the phone without scrolling.
    expect(await coord.page.getByLabel('Message', { exact: true }).isVisible()).toBe(true);
    const box = await coord.page.getByLabel('Message', { exact: true }).boundingBox();
    expect(box !== null && box.y + box.height <= 844).toBe(true);
    await checkView(coord.page, 'room-phone');

    // A message from the pathologist reaches the chair, scrolled into view and announced.
    await path.page.getByLabel('Message', { exact: true }).fill('Slides show lobular features');
    await path.page.getByRole('button', { name: 'Post' }).click();
    const line = chair.page.getByTestId('stream').locator('li.msg', { hasText: 'Slides show lobular features' });
    await line.waitFor({ timeout: 2000 });
    expect(await line.textContent()).toContain(names[0]);
    expect(await line.locator('time').textContent()).toMatch(/^\d{1,2}:\d{2}/);
    expect(await pinnedToNewest(chair.page)).toBe(true);
    await chair.page.getByTestId('announce').getByText('Slides show lobular features').waitFor();
    expect(await chair.page.getByTestId('announce').getAttribute('aria-live')).toBe('polite');
    await checkView(chair.page, 'room-desktop');

    // Offline: the message is kept, marked pending, and sent on reconnect.
    await path.context.setOffline(true);
    await path.page.getByTestId('connection').filter({ hasNotText: 'connected' }).waitFor();
    await path.page.getByText('You are offline.').waitFor();
    await path.page.getByLabel('Message', { exact: true }).fill('Written in the lift');
    await path.page.getByRole('button', { name: 'Post' }).click();
    const pending = path.page.getByTestId('stream').locator('li[data-pending]', { hasText: 'Written in the lift' });
    await pending.getByText('Pending, not sent yet').waitFor();
    expect(await chair.page.getByTestId('stream').getByText('Written in the lift').count()).toBe(0);
    await path.context.setOffline(false);
    await path.page.getByTestId('connection').filter({ hasText: 'connected' }).waitFor({ timeout: 15_000 });
    await chair.page.getByTestId('stream').getByText('Written in the lift').waitFor({ timeout: 5000 });
    await pending.waitFor({ state: 'detached' });
    expect(await path.page.getByTestId('stream').getByText('Written in the lift').count()).toBe(1);
    expect(await chair.page.getByTestId('stream').getByText('Written in the lift').count()).toBe(1);

    // The plan is proposed; the specialists vote, the dissent needs its reason.
    const draft = await request(t.http)
      .post(`/api/cases/${w.cases[0]}/plans`)
      .set(bearer(chairMember.tokens))
      .send({ items: [{ modality: 'surgery', intent: 'curative', sequence: 1, description: 'lumpectomy' }] });
    expect(draft.status).toBe(201);
    await request(t.http)
      .post(`/api/cases/${w.cases[0]}/plans/${draft.body.id}/proposal`)
      .set(bearer(chairMember.tokens))
      .expect(200);
    await path.page.getByText('Plan version 1').waitFor();
    await path.page.getByText('Surgery, curative: lumpectomy').waitFor();
    await path.page.getByRole('button', { name: 'Disagree' }).click();
    await path.page.getByRole('alert').filter({ hasText: 'needs a comment' }).waitFor();
    await path.page.getByLabel('Comment (needed to disagree)').fill('Margins may be close');
    await path.page.getByRole('button', { name: 'Agree with reservations' }).click();
    await chair.page.getByRole('button', { name: 'Agree', exact: true }).click();
    const plan = chair.page.getByRole('region', { name: 'Plan' });
    await plan.getByText('Consensus met').waitFor();
    expect(await plan.locator('.votes').textContent()).toMatch(
      /Pathology: Agree with reservations\s*“Margins may be close”/,
    );
    expect(await plan.locator('.votes').textContent()).toContain('Medical oncology: Agree');
    expect(await path.page.getByRole('button', { name: 'Sign plan' }).count()).toBe(0); // only the chair signs
    await checkView(path.page, 'room-tablet');

    // The signature, confirmed in a dialog, then who signed and when.
    await plan.getByRole('button', { name: 'Sign plan' }).click();
    const dialog = chair.page.getByRole('dialog', { name: 'Sign version 1 of the plan?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Sign the plan' }).click();
    await plan.getByTestId('signed').waitFor();
    expect(await plan.getByTestId('signed').textContent()).toMatch(
      new RegExp(`Signed by ${names[1]} at \\d{1,2} \\w{3} 2026, \\d{1,2}:\\d{2}`),
    );
    await path.page.getByTestId('signed').getByText(`Signed by ${names[1]}`).waitFor({ timeout: 5000 });

    // The next case: its patient on screen, case 1's banner gone.
    await chair.page.getByRole('button', { name: 'Next case: WATSON, Mary' }).click();
    for (const { page } of [chair, path, coord]) {
      await page.getByRole('region', { name: 'Patient' }).getByText('WATSON').waitFor();
      await page.getByTestId('diagnosis-banner').waitFor({ state: 'detached' });
      await page.getByTestId('stream').getByText('Now presenting WATSON, Mary').waitFor();
    }
    await checkView(chair.page, 'room-desktop-next');
    for (const c of [chair, path, coord]) await c.context.close();
  }, 120_000);
});
