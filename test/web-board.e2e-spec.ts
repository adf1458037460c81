import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import type { Browser, Locator, Page } from 'playwright-core';
import request from 'supertest';
import { baseUrlOf, boardWorld, type BoardWorld } from './utils/board-fixtures.js';
import { launchChromium } from './utils/browser.js';
import { bearer, createTestApp, createUser, login, type TestApp } from './utils/test-app.js';
import { checkView, signedIn, type ViewportName } from './utils/web-app.js';

// A coordinator's board work in the browser: scheduling a session, building
// its agenda (names and MRNs, never ids), ordering it by keyboard and by drag,
// presenting, attendance and quorum, the transcript, editing against someone
// else's change, cancelling; then the case page's board panel and the trials.

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

const PATIENTS = [
  { family: 'Holmes', given: 'Ada' },
  { family: 'Watson', given: 'Mary' },
  { family: 'Hudson', given: 'Martha' },
];

describe('Board sessions in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let w: BoardWorld;
  let mrns: string[];
  let newSessionId: string;
  let doctorNames: string[];
  const sql = <T>(q: string, p: unknown[] = []): Promise<T> => t.dataSource.query(q, p);

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = baseUrlOf(t.http);
    const admin = await login(t, await createUser(t, 'admin'));
    w = await boardWorld(t.http, admin, (q, p) => t.dataSource.query(q, p), { cases: 3 });
    // Patients a coordinator tells apart by name (the factory names every one alike).
    mrns = [];
    for (const [i, p] of PATIENTS.entries()) {
      await sql(
        `UPDATE patient SET family_name = $2, given_name = $3
          WHERE id = (SELECT patient_id FROM second_opinion_case WHERE id = $1)`,
        [w.cases[i], p.family, p.given],
      );
      const [row] = await sql<{ mrn: string }[]>(
        'SELECT p.mrn FROM patient p JOIN second_opinion_case c ON c.patient_id = p.id WHERE c.id = $1',
        [w.cases[i]],
      );
      mrns.push(row.mrn);
    }
    // The third case has been before the board, which could not agree: a third opinion is due.
    await sql(`UPDATE second_opinion_case SET status = 'in_review' WHERE id = $1`, [w.cases[2]]);
    doctorNames = (
      await sql<{ display_name: string }[]>(
        'SELECT display_name FROM app_user WHERE id = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], id)',
        [w.doctors.map((d) => d.id)],
      )
    ).map((r) => r.display_name);
    // A trial on the clinic's list whose menopausal criterion the case does not answer.
    const trial = await request(t.http)
      .post('/api/trials')
      .set(bearer(w.coord.tokens))
      .send({
        clinicId: w.clinicId,
        nctId: 'NCT09990001',
        title: 'Adjuvant CDK4/6 inhibition in ER-positive early breast cancer',
        phase: '3',
        status: 'recruiting',
        eligibility: {
          sites: ['C50'],
          stageMin: 'II',
          stageMax: 'IIIC',
          requiredBiomarkers: [{ name: 'ER', value: 'positive' }],
          menopausalStatus: ['postmenopausal'],
        },
      });
    expect(trial.status).toBe(201);
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  const items = (page: Page): Locator => page.locator('.agenda-item');
  const item = (page: Page, family: string): Locator => items(page).filter({ hasText: family.toUpperCase() });
  const names = async (page: Page): Promise<string[]> =>
    (await items(page).locator('.agenda-name').allTextContents()).map((s) => s.trim());
  /** Waits (up to 5 s) for the agenda on screen to be in this order. */
  const shownInOrder = async (page: Page, expected: string[]): Promise<void> => {
    const deadline = Date.now() + 5000;
    while ((await names(page)).join('|') !== expected.join('|') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(await names(page)).toEqual(expected);
  };
  const agendaOrder = async (sessionId: string): Promise<string[]> => {
    const res = await request(t.http).get(`/api/board-sessions/${sessionId}/agenda`).set(bearer(w.coord.tokens));
    return (res.body as { caseId: string }[]).map((a) => a.caseId);
  };

  it('should let a coordinator schedule a session, build and order its agenda, present, take attendance and read the transcript', async () => {
    const { context, page } = await signedIn(browser, w.coord.tokens);
    await page.goto(`${base}/#/board`);
    await page.getByRole('heading', { name: 'Board sessions', level: 1 }).waitFor();
    // The fixture's session: its time in the clinic's zone, labelled; status and cases in words.
    const row = page.getByRole('row', { name: /Breast tumor board/ });
    expect(await row.textContent()).toContain('3 Dec 2026, 12:00–13:30 MST');
    expect(await row.textContent()).toContain('Scheduled');
    expect(await row.textContent()).toContain('3 cases');
    await checkView(page, 'board-sessions');

    await page.getByRole('link', { name: 'New session' }).click();
    await page.getByRole('heading', { name: 'New board session' }).waitFor();
    await page.getByLabel('Title').fill('Thursday breast board');
    await page.getByLabel('Date').fill('2026-12-10');
    await page.getByLabel(/Starts at/).fill('12:00');
    await page.getByLabel(/Ends at/).fill('11:00');
    expect(await page.getByLabel(/Starts at/).getAttribute('id')).toBeTruthy();
    await page.getByText('Times are in the clinic’s time zone, America/Denver (MST).').waitFor();
    await page.getByLabel('Place').fill('Conference room 2');
    await page.getByRole('button', { name: 'Schedule the session' }).click();
    // Refused beside the field that caused it.
    await page.locator('#f-session-end-error').getByText('The session must end after it starts').waitFor();
    expect(await page.getByLabel(/Ends at/).getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel(/Ends at/).fill('13:30');
    await checkView(page, 'board-new');
    await page.getByRole('button', { name: 'Schedule the session' }).click();
    await page.getByRole('heading', { name: 'Thursday breast board', level: 1 }).waitFor();
    await page.getByText('“Thursday breast board” is scheduled.').waitFor();
    newSessionId = /#\/board\/([0-9a-f-]{36})$/.exec(page.url())?.[1] ?? '';
    expect(newSessionId).toMatch(UUID);
    // Noon in Denver is 19:00 UTC: typed in the clinic's zone, stored as the instant.
    const stored = await request(t.http).get(`/api/board-sessions/${newSessionId}`).set(bearer(w.coord.tokens));
    expect(stored.body).toMatchObject({ startsAt: '2026-12-10T19:00:00.000Z', endsAt: '2026-12-10T20:30:00.000Z' });
    await page.locator('.session-facts').getByText('10 Dec 2026, 12:00–13:30 MST').waitFor();
    await page.getByText('No case on the agenda yet').waitFor();

    // Two cases, chosen by patient name and MRN.
    const chooser = page.getByLabel('Case', { exact: true });
    // The clinic's cases arrive after the page: wait for them before reading every option.
    await chooser.locator('option', { hasText: 'HOLMES, Ada' }).waitFor({ state: 'attached' });
    const options = await chooser.locator('option').allTextContents();
    expect(options).toContain(`HOLMES, Ada — MRN ${mrns[0]} (Ready to schedule)`);
    expect(options.join()).not.toMatch(UUID);
    await chooser.selectOption({ label: `HOLMES, Ada — MRN ${mrns[0]} (Ready to schedule)` });
    await page.getByRole('button', { name: 'Add to the agenda' }).click();
    await item(page, 'Holmes').waitFor();
    await chooser.selectOption({ label: `WATSON, Mary — MRN ${mrns[1]} (Ready to schedule)` });
    await page.locator('#f-add-reason').selectOption({ label: 'Newly diagnosed, before treatment' });
    await page.getByRole('button', { name: 'Add to the agenda' }).click();
    await item(page, 'Watson').waitFor();
    expect(await names(page)).toEqual(['HOLMES, Ada', 'WATSON, Mary']);
    const holmes = await item(page, 'Holmes').locator('.agenda-facts').allTextContents();
    expect(holmes.join(' ')).toContain(`MRN ${mrns[0]}`);
    expect(holmes.join(' ')).toContain(
      'C50.4 Upper-outer quadrant of breast · 8500/3 Infiltrating duct carcinoma, NOS (referring diagnosis)',
    );
    expect(holmes.join(' ')).toContain('Discussed by the board');
    expect(holmes.join(' ')).toContain('Reason: not recorded');
    expect((await item(page, 'Watson').locator('.agenda-facts').allTextContents()).join(' ')).toContain(
      'Reason: Newly diagnosed, before treatment',
    );
    expect(await page.locator('main').textContent()).not.toMatch(UUID);
    await checkView(page, 'board-session');

    // By keyboard: Move up, announced, the focus kept on the moved case.
    await page.getByRole('button', { name: 'Move up: WATSON, Mary' }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('agenda-announce').getByText('WATSON, Mary moved to position 1 of 2.').waitFor();
    await shownInOrder(page, ['WATSON, Mary', 'HOLMES, Ada']);
    await expect(agendaOrder(newSessionId)).resolves.toEqual([w.cases[1], w.cases[0]]);
    await page.waitForFunction(`document.activeElement?.getAttribute('aria-label')?.includes('WATSON') === true`);

    // By drag and drop: Holmes dropped onto Watson takes first place.
    await item(page, 'Holmes').locator('.agenda-pos').dragTo(item(page, 'Watson').locator('.agenda-pos'));
    await page.getByTestId('agenda-announce').getByText('HOLMES, Ada moved to position 1 of 2.').waitFor();
    await shownInOrder(page, ['HOLMES, Ada', 'WATSON, Mary']);
    await expect(agendaOrder(newSessionId)).resolves.toEqual([w.cases[0], w.cases[1]]);

    // Holmes is standard of care; Watson is presented.
    await item(page, 'Holmes').getByLabel('Mode').selectOption({ label: 'Standard of care, not discussed' });
    await page.getByText('HOLMES, Ada: mode set to “Standard of care, not discussed”.').waitFor();
    await item(page, 'Holmes').locator('.agenda-facts', { hasText: 'Standard of care, not discussed' }).waitFor();
    await page.getByRole('button', { name: 'Present now: WATSON, Mary' }).click();
    await item(page, 'Watson').getByText('Now presenting').waitFor();
    await page.locator('.page-head').getByText('In progress').waitFor();
    expect(await item(page, 'Holmes').getByText('Now presenting').count()).toBe(0);

    // Attendance: the quorum needs pathology and medical oncology.
    const attendance = page.locator('section.attendance');
    await attendance.getByText('Quorum not met').waitFor();
    expect(await attendance.getByRole('status').textContent()).toContain('Missing: Pathology, Medical oncology.');
    await attendance.getByLabel('Specialist').selectOption({ label: `${doctorNames[0]} (Pathology)` });
    expect(await attendance.getByLabel('Attending for').inputValue()).toBe('pathology');
    await attendance.getByRole('button', { name: 'Check in' }).click();
    await attendance.locator('.attendee', { hasText: doctorNames[0] }).getByText('Present').waitFor();
    expect(await attendance.locator('.attendee', { hasText: doctorNames[0] }).textContent()).toContain('Pathology');
    await attendance.getByText('Missing: Medical oncology.').waitFor();
    await attendance.getByLabel('Specialist').selectOption({ label: `${doctorNames[1]} (Medical oncology)` });
    await attendance.getByRole('button', { name: 'Check in' }).click();
    await attendance.getByText('Quorum met').waitFor();
    await attendance.getByRole('button', { name: `Check out ${doctorNames[0]}` }).click();
    await attendance.getByText('Missing: Pathology.').waitFor();
    expect(await attendance.locator('.attendees').textContent()).not.toMatch(/medical_oncology|check_in/);
    await checkView(page, 'board-session-running');

    // The transcript, readable, with people and patients by name; then as Markdown.
    await page.getByRole('button', { name: 'Show the transcript' }).click();
    const transcript = page.getByTestId('transcript');
    await transcript.getByText('Now presenting WATSON, Mary').waitFor();
    const minutes = (await transcript.textContent()) ?? '';
    expect(minutes).toContain('HOLMES, Ada added to the agenda');
    expect(minutes).toContain('Agenda reordered');
    expect(minutes).toContain(`${doctorNames[0]} checked in for Pathology`);
    expect(minutes).toContain(`${doctorNames[0]} checked out`);
    expect(minutes).toMatch(/\d\d:\d\d MST/);
    expect(minutes).not.toMatch(UUID);
    await checkView(page, 'board-transcript');
    const downloaded = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download as Markdown' }).click();
    const file = await downloaded;
    expect(file.suggestedFilename()).toMatch(/\.md$/);
    const markdown = await readFile((await file.path()) ?? '', 'utf8');
    expect(markdown).toContain('# Thursday breast board');
    expect(markdown).toContain('## Attendance');

    // Editing while someone else changed the session: told in words, with Reload.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByLabel('Title').fill('Thursday breast tumour board');
    const current = await request(t.http).get(`/api/board-sessions/${newSessionId}`).set(bearer(w.coord.tokens));
    const other = await request(t.http)
      .patch(`/api/board-sessions/${newSessionId}`)
      .set(bearer(w.coord.tokens))
      .set('if-match', String(current.headers.etag))
      .send({ location: 'Room 5, level 2' });
    expect(other.status).toBe(200);
    await page.getByRole('button', { name: 'Save changes' }).click();
    const stale = page.getByRole('alert').filter({ hasText: 'Someone else changed this session since you opened it' });
    await stale.waitFor();
    await checkView(page, 'board-session-stale');
    await stale.getByRole('button', { name: 'Reload' }).click();
    await page.locator('.session-facts').getByText('Room 5, level 2').waitFor();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    expect(await page.getByLabel('Place').inputValue()).toBe('Room 5, level 2');
    await page.getByLabel('Title').fill('Thursday breast tumour board');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Thursday breast tumour board', level: 1 }).waitFor();
    await page.getByText('The session is saved.').waitFor();

    // The live room, one link away, with the agenda by name.
    await page.getByRole('link', { name: 'Open the live room' }).click();
    await page.waitForURL(/#\/board\/[0-9a-f-]+\/room$/);
    await page.getByRole('heading', { name: 'Thursday breast tumour board', level: 1 }).waitFor();
    await page.getByTestId('connection').getByText('connected').waitFor();
    await page.getByRole('region', { name: 'Agenda' }).getByText('WATSON, Mary').waitFor();
    await checkView(page, 'board-room');
    await context.close();
  }, 180_000);

  it('should cancel another session only after the confirmation', async () => {
    const { context, page } = await signedIn(browser, w.coord.tokens);
    await page.goto(`${base}/#/board`);
    await page.getByRole('link', { name: 'Breast tumor board' }).click();
    await page.getByRole('heading', { name: 'Breast tumor board', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Cancel session' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this session?' });
    await dialog.waitFor();
    expect((await dialog.textContent())?.replace(/\s+/g, ' ')).toContain('cannot be held or scheduled again');
    await checkView(page, 'board-cancel-confirm');
    // Keeping it changes nothing.
    await dialog.getByRole('button', { name: 'Keep as it is' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(
      (await request(t.http).get(`/api/board-sessions/${w.sessionId}`).set(bearer(w.coord.tokens))).body.status,
    ).toBe('scheduled');
    await page.getByRole('button', { name: 'Cancel session' }).click();
    await dialog.getByRole('button', { name: 'Cancel the session' }).click();
    await page.locator('.page-head').getByText('Cancelled').waitFor();
    await page.getByText('The session is cancelled.').waitFor();
    expect(await page.getByRole('button', { name: 'Cancel session' }).count()).toBe(0);
    expect(
      (await request(t.http).get(`/api/board-sessions/${w.sessionId}`).set(bearer(w.coord.tokens))).body.status,
    ).toBe('cancelled');
    await page.getByRole('link', { name: '← Board sessions' }).click();
    expect(await page.getByRole('row', { name: /Breast tumor board/ }).textContent()).toContain('Cancelled');
    await context.close();
  }, 60_000);

  it('should show on the case page the sessions of the case, its trial options, and request a third opinion', async () => {
    const { context, page } = await signedIn(browser, w.coord.tokens);
    await page.goto(`${base}/#/case/${w.cases[2]}`);
    const panel = page.getByRole('region', { name: 'Board', exact: true });
    await panel.waitFor();
    await panel.getByRole('link', { name: 'Breast tumor board' }).waitFor();
    // The clinic's trial, ranked for the case, in words, with what is left to check.
    const trial = panel.locator('.trial-match', { hasText: 'NCT09990001' });
    await trial.waitFor();
    expect(await trial.textContent()).toContain('Possibly eligible');
    expect(await trial.locator('.trial-check').textContent()).toContain('To check: Menopausal status');
    await trial.getByText('Every criterion').click();
    await trial.getByRole('row', { name: /Site/ }).getByText('Met').waitFor();
    await checkView(page, 'case-board-panel');

    await panel.getByLabel('Reviewer').fill('Dr Irene Adler');
    await panel.getByLabel('Institution').fill('University Breast Centre');
    await panel.getByLabel('Why a third opinion').fill('Surgery and medical oncology disagree on neoadjuvant therapy.');
    await panel.getByRole('button', { name: 'Request a third opinion' }).click();
    const dialog = page.getByRole('dialog', { name: 'Request a third opinion?' });
    await dialog.getByText('This cannot be undone.').waitFor();
    await dialog.getByRole('button', { name: 'Request the third opinion' }).click();
    await panel
      .getByRole('status')
      .getByText('A third opinion was requested from Dr Irene Adler (University Breast Centre).')
      .waitFor();
    const kase = await request(t.http).get(`/api/cases/${w.cases[2]}`).set(bearer(w.coord.tokens));
    expect(kase.body.status).toBe('third_opinion_requested');
    // Asked once: the form is gone.
    expect(await panel.getByLabel('Reviewer').count()).toBe(0);

    // A case the board has not yet reviewed says when a third opinion can be asked for.
    await page.goto(`${base}/#/case/${w.cases[0]}`);
    await page.getByText('A third opinion can be asked for once the board has discussed the case').waitFor();
    expect(await page.getByRole('button', { name: 'Request a third opinion' }).count()).toBe(0);
    await context.close();
  }, 60_000);

  it('should let a coordinator add, edit and withdraw a trial', async () => {
    const { context, page } = await signedIn(browser, w.coord.tokens);
    await page.goto(`${base}/#/trials`);
    await page.getByRole('heading', { name: 'Clinical trials', level: 1 }).waitFor();
    const listed = page.locator('.trial', { hasText: 'NCT09990001' });
    expect(await listed.textContent()).toContain('Phase 3');
    expect(await listed.textContent()).toContain('Recruiting');
    expect(await listed.textContent()).toContain('sites C50; stage II to IIIC; needs ER positive');
    await checkView(page, 'trials');

    await page.getByRole('button', { name: 'Add a trial' }).click();
    await page.getByLabel('NCT number').fill('NCT123');
    await page.getByLabel('Phase').selectOption({ label: 'Phase 2' });
    await page.getByLabel('Title').fill('Neoadjuvant HER2-directed therapy');
    await page.getByLabel('Primary sites').fill('C50');
    await page.getByLabel('Biomarkers required').fill('HER2 positive');
    await page.getByRole('button', { name: 'Add the trial' }).click();
    // The refusal beside the field it names.
    await page.locator('#f-trial-nct-error').waitFor();
    expect(await page.getByLabel('NCT number').getAttribute('aria-invalid')).toBe('true');
    await checkView(page, 'trials-form');
    await page.getByLabel('NCT number').fill('NCT09990002');
    await page.getByRole('button', { name: 'Add the trial' }).click();
    await page.getByText('NCT09990002 is on the list.').waitFor();
    const added = page.locator('.trial', { hasText: 'NCT09990002' });
    expect(await added.textContent()).toContain('needs HER2 positive');

    await page.getByRole('button', { name: 'Edit NCT09990002' }).click();
    await page.getByLabel('Status').selectOption({ label: 'Active, not recruiting' });
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('NCT09990002 is saved.').waitFor();
    await added.getByText('Active, not recruiting').waitFor();

    await added.getByRole('button', { name: 'Withdraw' }).click();
    const dialog = page.getByRole('dialog', { name: 'Withdraw NCT09990002?' });
    await dialog.getByLabel('Why it is withdrawn').fill('Listed in error: it does not enrol in our region');
    await dialog.getByRole('button', { name: 'Withdraw the trial' }).click();
    await page.getByText('NCT09990002 is withdrawn: no longer offered.').waitFor();
    await added.getByText('Withdrawn', { exact: true }).waitFor();
    expect(await added.textContent()).toContain('Listed in error: it does not enrol in our region');
    expect(await added.getByRole('button').count()).toBe(0);
    await context.close();
  }, 90_000);

  for (const viewport of ['tablet', 'phone'] satisfies ViewportName[]) {
    it(`should fit and pass the checks at ${viewport} size`, async () => {
      const { context, page } = await signedIn(browser, w.coord.tokens, viewport);
      await page.goto(`${base}/#/board`);
      await page.getByRole('row', { name: /Thursday breast tumour board/ }).waitFor();
      await checkView(page, `board-sessions-${viewport}`);
      await page.goto(`${base}/#/board/new`);
      await page.getByRole('heading', { name: 'New board session' }).waitFor();
      await checkView(page, `board-new-${viewport}`);
      await page.goto(`${base}/#/board/${newSessionId}`);
      await item(page, 'Watson').waitFor();
      // The keyboard controls work by touch too.
      await page.getByRole('button', { name: 'Move down: HOLMES, Ada' }).tap();
      await page.getByTestId('agenda-announce').getByText('HOLMES, Ada moved to position 2 of 2.').waitFor();
      await page.getByRole('button', { name: 'Show the transcript' }).click();
      await page.getByTestId('transcript').getByText('Agenda reordered').first().waitFor();
      // The two edits of the session's details, not a status change.
      expect(await page.getByTestId('transcript').getByText('Session details changed').count()).toBe(2);
      await checkView(page, `board-session-${viewport}`);
      await page.getByRole('button', { name: 'Move up: HOLMES, Ada' }).tap();
      await page.getByTestId('agenda-announce').getByText('HOLMES, Ada moved to position 1 of 2.').waitFor();
      await page.goto(`${base}/#/board/${newSessionId}/room`);
      await page.getByTestId('connection').getByText('connected').waitFor();
      await checkView(page, `board-room-${viewport}`);
      await page.goto(`${base}/#/case/${w.cases[2]}`);
      await page.locator('.trial-match', { hasText: 'NCT09990001' }).waitFor();
      await checkView(page, `case-board-panel-${viewport}`);
      await page.goto(`${base}/#/trials`);
      await page.locator('.trial', { hasText: 'NCT09990002' }).waitFor();
      await checkView(page, `trials-${viewport}`);
      await context.close();
    }, 120_000);
  }
});
