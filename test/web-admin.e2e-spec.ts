import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { baseUrlOf } from './utils/board-fixtures.js';
import { launchChromium } from './utils/browser.js';
import { referralBody } from './utils/factories.js';
import { bearer, createTestApp, createUser, login, type TestApp, type TestUser } from './utils/test-app.js';
import { checkView, watchErrors, signedIn, VIEWPORTS, type ViewportName } from './utils/web-app.js';

// Administration in the browser: an admin signs in with their second factor,
// sets up a clinic (time zone and rules), a room and a specialist with weekly
// hours and time away, invites a coordinator, makes them a member and hands
// over their set-password link; the coordinator sets a password and sees the
// clinic; the audit trail shows what they did, and break-glass with its reason.

const CLINIC = 'Northern Breast Clinic';
const NEW_PASSWORD = 'copper-lighthouse-meadow-58';
const GLASS_REASON = 'Patient in the emergency department; treating team unreachable';

/** The date `days` from today, YYYY-MM-DD (for the date inputs). */
const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('Administration in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let admin: TestUser;
  let doctor: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = baseUrlOf(t.http);
    admin = await createUser(t, 'admin');
    // Someone who already has an account, to be made a specialist.
    doctor = await createUser(t, 'clinician');
    await t.dataSource.query(`UPDATE app_user SET display_name = 'Dr. Petra Stein' WHERE id = $1`, [doctor.id]);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  // The tests run in order: the later ones check what the admin's walk set up.

  /** The toast a change shows. */
  const toast = (page: Page, text: string | RegExp) => page.locator('.toast-success', { hasText: text }).waitFor();

  it("should do an admin's whole job: clinic, room, specialist, invite, membership, link, and the audit trail", async () => {
    const context = await browser.newContext({ ...VIEWPORTS.desktop, timezoneId: 'America/Denver', locale: 'en-US' });
    const page = watchErrors(await context.newPage());

    // Sign in with the password and the authenticator code.
    await t.dataSource.query(`UPDATE app_user SET totp_last_step = NULL WHERE id = $1`, [admin.id]);
    await page.goto(`${base}/`);
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Authentication code').fill(await generate({ secret: admin.totpSecret ?? '' }));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toContain(
      'Administration',
    );
    for (const section of ['Users', 'Clinics', 'Specialists', 'Audit trail'])
      await page.getByRole('main').getByRole('heading', { name: section, level: 2 }).waitFor();
    await checkView(page, 'admin-home');

    // A new clinic: empty list first, then the form.
    await page.getByRole('main').getByRole('link', { name: 'Clinics' }).first().click();
    await page.getByRole('heading', { name: 'Clinics', level: 1 }).waitFor();
    await page.getByText('No clinic yet').waitFor();
    await checkView(page, 'admin-clinics-empty');
    await page.getByRole('link', { name: 'New clinic' }).click();
    await page.getByRole('heading', { name: 'New clinic', level: 1 }).waitFor();
    await page.getByLabel('Name').fill(CLINIC);
    await page.getByLabel('Time zone').selectOption('Europe/Berlin');
    // The day's labels carry the clinic's zone.
    await page.getByLabel(/^Day starts \((GMT\+1|GMT\+2|CET|CEST)\)/).fill('09:00');
    await page.getByLabel(/^Day ends/).fill('08:30');
    await page.getByLabel('Add a site').selectOption('C50');
    await page.getByText('C50 Breast').waitFor();
    await page.getByRole('checkbox', { name: 'Pathology required' }).check();
    await page.getByRole('checkbox', { name: 'Medical oncology required' }).check();
    await page.getByLabel('Medical oncology: minutes with the patient').fill('45');
    await page.getByRole('checkbox', { name: 'Pathology: patient attends' }).uncheck();
    await page.getByRole('checkbox', { name: 'Pathology counts for quorum' }).check();
    await page.getByRole('checkbox', { name: 'Medical oncology counts for quorum' }).check();
    // The rule: pathology sees the case before medical oncology.
    await page.getByRole('button', { name: 'Add an order rule' }).click();
    await page.getByLabel('Rule 1: first').selectOption('pathology');
    await page.getByLabel('Rule 1: then').selectOption('medical_oncology');
    await page.getByRole('checkbox', { name: 'Pathology report required' }).check();
    await page.getByLabel('Pathology report: at most this many days old').fill('90');
    await page
      .getByLabel('Consensus rule')
      .selectOption({ label: 'A majority, with no required discipline dissenting' });
    // The day ends before it starts: the server's refusal is shown under the field, in words.
    await page.getByRole('button', { name: 'Create clinic' }).click();
    const dayEndError = page.locator('#f-clinic-day-end-error');
    await dayEndError.waitFor();
    expect(await dayEndError.textContent()).toBe('Must be later than the start of the day');
    expect(await page.getByLabel(/^Day ends/).getAttribute('aria-invalid')).toBe('true');
    await checkView(page, 'admin-clinic-new');
    await page.getByLabel(/^Day ends/).fill('16:00');
    await page.getByRole('button', { name: 'Create clinic' }).click();
    await page.getByRole('heading', { name: CLINIC, level: 1 }).waitFor();
    await toast(page, `${CLINIC} was created.`);
    const [saved] = await t.dataSource.query<
      {
        id: string;
        time_zone: string;
        day_start: string;
        precedence: unknown;
        readiness_rules: unknown;
        consensus_rule: string;
      }[]
    >(`SELECT id, time_zone, day_start, precedence, readiness_rules, consensus_rule FROM clinic WHERE name = $1`, [
      CLINIC,
    ]);
    expect(saved).toMatchObject({
      time_zone: 'Europe/Berlin',
      precedence: [{ before: 'pathology', after: 'medical_oncology' }],
      readiness_rules: [{ recordType: 'pathology_report', maxAgeDays: 90 }],
      consensus_rule: 'majority_without_required_dissent',
    });
    expect(String(saved?.day_start)).toMatch(/^09:00/);
    const clinicId = saved?.id ?? '';
    // The clinic page shows the rules as saved.
    expect(await page.getByLabel('Time zone').inputValue()).toBe('Europe/Berlin');
    expect(await page.getByLabel('Rule 1: first').inputValue()).toBe('pathology');

    // A room.
    await page.getByText('No rooms yet').waitFor();
    await page.getByLabel('New room').fill('Consult room 1');
    await page.getByRole('button', { name: 'Add room' }).click();
    await toast(page, 'Room Consult room 1 was added.');
    await page
      .getByRole('list', { name: `Rooms of ${CLINIC}` })
      .getByText('Consult room 1')
      .waitFor();
    await checkView(page, 'admin-clinic');

    // A specialist: the doctor, chosen by name, with a discipline.
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Specialists' }).click();
    await page.getByRole('heading', { name: 'Specialists', level: 1 }).waitFor();
    await page.getByText('No specialist in this clinic yet').waitFor();
    await page.getByLabel('Person').selectOption({ label: `Dr. Petra Stein (${doctor.email}), clinician` });
    await page.getByRole('checkbox', { name: 'Pathology', exact: true }).check();
    await checkView(page, 'admin-specialists');
    await page.getByRole('button', { name: 'Add specialist' }).click();
    await page.getByRole('heading', { name: 'Dr. Petra Stein', level: 1 }).waitFor();
    await toast(page, `Dr. Petra Stein is now a specialist of ${CLINIC}.`);

    // Weekly hours in the clinic's zone: Tuesday morning and Thursday.
    await page.getByRole('heading', { name: `Weekly hours in ${CLINIC}` }).waitFor();
    expect(await page.getByRole('row', { name: /Tuesday/ }).textContent()).toContain('Not available');
    await page.getByRole('button', { name: 'Add hours on Tuesday' }).click();
    await page.getByLabel('Tuesday 1: from').fill('09:00');
    await page.getByLabel('Tuesday 1: to').fill('12:30');
    await page.getByRole('button', { name: 'Add hours on Thursday' }).click();
    expect(await page.getByLabel('Thursday 1: from').inputValue()).toBe('09:00');
    expect(await page.getByLabel('Thursday 1: to').inputValue()).toBe('16:00');
    await page.getByRole('button', { name: 'Save weekly hours' }).click();
    await toast(page, `The weekly hours of Dr. Petra Stein in ${CLINIC} are saved.`);
    // Time away over three days, with its reason.
    await page.getByLabel('First day').fill(inDays(30));
    await page.getByLabel('Last day').fill(inDays(32));
    await page.getByLabel('Reason').fill('Oncology congress');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await toast(page, 'Away recorded for 3 days.');
    const away = page.getByRole('region', { name: /Time away/ }).getByRole('row', { name: /Oncology congress/ });
    await away.first().waitFor();
    expect(await away.count()).toBe(3);
    expect(await away.first().textContent()).toContain('Whole day');
    // And another discipline.
    await page.getByRole('checkbox', { name: 'Radiology', exact: true }).check();
    await page.getByRole('button', { name: 'Save disciplines' }).click();
    await toast(page, 'The disciplines of Dr. Petra Stein are saved.');
    await page.getByText('Pathology, Radiology.').waitFor();
    // What was saved is what a reload shows.
    await page.reload();
    await page.getByRole('heading', { name: `Weekly hours in ${CLINIC}` }).waitFor();
    await page.getByLabel('Tuesday 1: from').waitFor();
    expect(await page.getByLabel('Tuesday 1: to').inputValue()).toBe('12:30');
    expect(await page.getByLabel('Thursday 1: from').inputValue()).toBe('09:00');
    expect(await page.getByRole('row', { name: /Monday/ }).textContent()).toContain('Not available');
    await checkView(page, 'admin-specialist');

    // Invite a coordinator: the one-time link is shown with a copy button.
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByLabel('Name').fill('Nora Lindqvist');
    await page.getByLabel('E-mail').fill('not-an-address');
    await page.getByLabel('Role').selectOption({ label: 'Coordinator' });
    await page.getByRole('button', { name: 'Invite user' }).click();
    const emailError = page.locator('#f-invite-email-error');
    await emailError.waitFor();
    expect(await emailError.textContent()).toBe('Needs an e-mail address');
    await page.getByLabel('E-mail').fill('nora.lindqvist@example.org');
    await page.getByRole('button', { name: 'Invite user' }).click();
    await toast(page, 'Nora Lindqvist was invited.');
    await page.getByRole('heading', { name: 'Set-password link for Nora Lindqvist' }).waitFor();
    expect(await page.getByLabel('Link', { exact: true }).inputValue()).toMatch(new RegExp(`^${base}/#/set-password/`));
    await page.getByRole('button', { name: 'Copy link' }).waitFor();
    const row = page.getByRole('row', { name: /Nora Lindqvist/ });
    expect(await row.textContent()).toContain('Coordinator');
    expect(await row.textContent()).toContain('No password yet');
    expect(await row.textContent()).toContain('Not set up');
    await checkView(page, 'admin-users');

    // Make her a member of the new clinic, choosing her by name.
    await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Clinics' }).click();
    await page.getByRole('link', { name: CLINIC }).click();
    await page.getByRole('heading', { name: 'Members' }).waitFor();
    // The specialist became a member when made one.
    await page
      .getByRole('region', { name: 'Members' })
      .getByRole('row', { name: /Dr. Petra Stein/ })
      .waitFor();
    await page
      .getByLabel('Add a member')
      .selectOption({ label: 'Nora Lindqvist (nora.lindqvist@example.org), coordinator' });
    await page.getByRole('button', { name: 'Add member' }).click();
    await toast(page, `Nora Lindqvist is now a member of ${CLINIC}.`);
    await page
      .getByRole('region', { name: 'Members' })
      .getByRole('row', { name: /Nora Lindqvist/ })
      .waitFor();

    // Her account: a fresh set-password link (the invitation's stops working).
    await page.getByRole('region', { name: 'Members' }).getByRole('link', { name: 'Nora Lindqvist' }).click();
    await page.getByRole('heading', { name: 'Nora Lindqvist', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Get a set-password link' }).click();
    await toast(page, 'A new set-password link is ready.');
    const link = await page.getByLabel('Link', { exact: true }).inputValue();
    expect(link).toMatch(/\/#\/set-password\/[A-Za-z0-9_-]+$/);
    await checkView(page, 'admin-user');

    // In a browser of her own: the link, a password, sign-in, and her clinic.
    const hers = await browser.newContext({ ...VIEWPORTS.desktop, timezoneId: 'Europe/Berlin', locale: 'en-GB' });
    const her = await hers.newPage();
    await her.goto(link);
    await her.getByRole('heading', { name: 'Choose your password' }).waitFor();
    await her.getByLabel('New password').fill(NEW_PASSWORD);
    await her.getByLabel('Repeat the password').fill(NEW_PASSWORD);
    await her.getByRole('button', { name: 'Set password' }).click();
    await her.getByRole('heading', { name: 'Password set' }).waitFor();
    await her.getByRole('link', { name: 'Sign in' }).click();
    await her.getByLabel('Email').fill('nora.lindqvist@example.org');
    await her.getByLabel('Password').fill(NEW_PASSWORD);
    await her.getByRole('button', { name: 'Sign in' }).click();
    await her.getByText('Nora Lindqvist').first().waitFor();
    await her.getByRole('link', { name: 'Reports' }).click();
    await her.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    const clinicChoice = her.getByLabel('Clinic', { exact: true });
    // The list arrives after the heading: wait for it before reading every option.
    await clinicChoice.locator('option', { hasText: CLINIC }).waitFor({ state: 'attached' });
    expect(await clinicChoice.locator('option').allTextContents()).toEqual([CLINIC]);
    await hers.close();

    // Preconditions for the trail: she refers a patient; the admin breaks the glass to read the case.
    const nora = await login(t, { email: 'nora.lindqvist@example.org', password: NEW_PASSWORD });
    const referral = await request(t.http).post('/api/cases').set(bearer(nora)).send(referralBody(clinicId));
    expect(referral.status).toBe(201);
    const caseId = referral.body.id as string;
    const adminTokens = await login(t, admin);
    const glass = await request(t.http)
      .post(`/api/cases/${caseId}/break-glass`)
      .set(bearer(adminTokens))
      .send({ reason: GLASS_REASON, minutes: 30 });
    expect(glass.status).toBe(201);
    expect((await request(t.http).get(`/api/cases/${caseId}`).set(bearer(adminTokens))).status).toBe(200);

    // Her events, from her account page.
    await page.getByRole('link', { name: 'What Nora Lindqvist did (audit trail)' }).click();
    await page.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Events of Nora Lindqvist' }).waitFor();
    const trail = page.getByRole('region', { name: 'Events of Nora Lindqvist' });
    for (const what of ['Set a password from a link', 'Signed in', 'Created a case'])
      await trail
        .getByRole('row', { name: new RegExp(what) })
        .first()
        .waitFor();
    // Nobody else's events.
    const who = await trail.locator('tbody tr td:nth-child(2) a').allTextContents();
    expect(new Set(who)).toEqual(new Set(['Nora Lindqvist']));
    // Times in words with their zone, never ISO.
    expect(await trail.locator('tbody tr td').first().textContent()).toMatch(/^\d{1,2} \w{3} \d{4}, \d\d:\d\d M[SD]T$/);
    await checkView(page, 'admin-audit-user');

    // Who saw this case: her referral, and the admin's break-glass with its reason and expiry.
    await trail
      .getByRole('row', { name: /Created a case/ })
      .first()
      .getByRole('button', { name: 'Who saw this case' })
      .click();
    await page.getByRole('heading', { name: 'Who saw this case' }).waitFor();
    expect(await page.getByLabel('Case id').inputValue()).toBe(caseId);
    const grant = page.getByRole('row', { name: /Break-glass access granted/ });
    await grant.waitFor();
    expect(await grant.textContent()).toContain(`Reason: ${GLASS_REASON}`);
    expect(await grant.textContent()).toMatch(/Access until: \d{1,2} \w{3} \d{4}, \d\d:\d\d M[SD]T/);
    expect(await grant.locator('.badge-danger').textContent()).toBe('Break-glass access granted');
    const read = page.getByRole('row', { name: /Read under break-glass/ });
    await read.first().waitFor();
    expect(await read.first().textContent()).toContain(GLASS_REASON);
    await checkView(page, 'admin-audit-case');
    await context.close();
  }, 180_000);

  it('should fit the main admin views on a tablet and a phone', async () => {
    const tokens = await login(t, admin);
    const [clinic] = await t.dataSource.query<{ id: string }[]>(`SELECT id FROM clinic WHERE name = $1`, [CLINIC]);
    const [specialist] = await t.dataSource.query<{ id: string }[]>(`SELECT id FROM specialist WHERE user_id = $1`, [
      doctor.id,
    ]);
    expect(clinic).toBeDefined();
    expect(specialist).toBeDefined();
    const views: [string, string, string][] = [
      ['home', '#/admin', 'Administration'],
      ['users', '#/admin/users', 'Users'],
      ['clinics', '#/admin/clinics', 'Clinics'],
      ['clinic', `#/admin/clinics/${clinic?.id}`, CLINIC],
      ['specialist', `#/admin/specialists/${specialist?.id}`, 'Dr. Petra Stein'],
      ['audit', '#/admin/audit', 'Audit trail'],
    ];
    for (const viewport of ['tablet', 'phone'] as ViewportName[]) {
      const { context, page } = await signedIn(browser, tokens, viewport);
      for (const [name, hash, heading] of views) {
        await page.goto(`${base}/${hash}`);
        await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
        await page.locator('[role=status]', { hasText: /^Loading/ }).waitFor({ state: 'detached' });
        await checkView(page, `admin-${name}-${viewport}`);
      }
      await context.close();
    }
  }, 120_000);

  // The routes this area added, at the API edge: who may use them and what they refuse.
  it('should let only admins change disciplines, and read hours and time away only where the specialist works', async () => {
    const tokens = await login(t, admin);
    const nora = await login(t, { email: 'nora.lindqvist@example.org', password: NEW_PASSWORD });
    const [row] = await t.dataSource.query<{ id: string; clinic_id: string }[]>(
      `SELECT s.id, sc.clinic_id FROM specialist s JOIN specialist_clinic sc ON sc.specialist_id = s.id WHERE s.user_id = $1`,
      [doctor.id],
    );
    const id = row?.id ?? '';
    const clinicId = row?.clinic_id ?? '';
    // A coordinator of the clinic may not assign disciplines.
    const byCoordinator = await request(t.http)
      .patch(`/api/specialists/${id}`)
      .set(bearer(nora))
      .send({ disciplines: ['pathology'] });
    expect(byCoordinator.status).toBe(403);
    // The doctor may not give themselves one.
    const self = await request(t.http)
      .patch(`/api/specialists/${id}`)
      .set(bearer(await login(t, doctor)))
      .send({ disciplines: ['medical_oncology'] });
    expect(self.status).toBe(403);
    const empty = await request(t.http).patch(`/api/specialists/${id}`).set(bearer(tokens)).send({ disciplines: [] });
    expect(empty.status).toBe(400);
    const changed = await request(t.http)
      .patch(`/api/specialists/${id}`)
      .set(bearer(tokens))
      .send({ disciplines: ['pathology'] });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id, disciplines: ['pathology'] });
    // Weekly hours in the clinic's own zone, as the coordinator of the clinic reads them.
    const weekly = await request(t.http)
      .get(`/api/specialists/${id}/weekly-availability`)
      .query({ clinicId })
      .set(bearer(nora));
    expect(weekly.status).toBe(200);
    expect(weekly.body).toEqual({
      clinicId,
      timeZone: 'Europe/Berlin',
      windows: [
        { weekday: 2, start: '09:00', end: '12:30' },
        { weekday: 4, start: '09:00', end: '16:00' },
      ],
    });
    // Time away from a date on: the first congress day is left out.
    const away = await request(t.http)
      .get(`/api/specialists/${id}/exceptions`)
      .query({ clinicId, from: inDays(31) })
      .set(bearer(nora));
    expect(away.status).toBe(200);
    expect(
      (away.body as { date: string; reason: string; start: null }[]).map((x) => [x.date, x.reason, x.start]),
    ).toEqual([
      [inDays(31), 'Oncology congress', null],
      [inDays(32), 'Oncology congress', null],
    ]);
    // Another clinic: the specialist does not work there.
    const other = await request(t.http)
      .post('/api/clinics')
      .set(bearer(tokens))
      .send({
        name: 'Elsewhere Clinic',
        timeZone: 'America/Denver',
        dayStart: '08:00',
        dayEnd: '17:00',
        cancerTypes: ['C61'],
        requiredDisciplines: [{ discipline: 'pathology', minutes: 30, patientAttends: false }],
        precedence: [],
        requiredRecordTypes: [],
        readinessRules: [],
        quorumDisciplines: [],
        consensusRule: 'unanimous_required_disciplines',
      });
    expect(other.status).toBe(201);
    for (const path of ['weekly-availability', 'exceptions'])
      expect(
        (
          await request(t.http)
            .get(`/api/specialists/${id}/${path}`)
            .query({ clinicId: other.body.id as string })
            .set(bearer(tokens))
        ).status,
      ).toBe(404);
    // An event that no break-glass allowed carries none.
    const trail = await request(t.http).get('/api/audit-events').query({ actorId: doctor.id }).set(bearer(tokens));
    expect(trail.status).toBe(200);
    expect((trail.body.items as { breakGlass: unknown }[]).every((e) => e.breakGlass === null)).toBe(true);
  });
});
