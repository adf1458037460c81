import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { baseUrlOf } from './utils/board-fixtures.js';
import { launchChromium } from './utils/browser.js';
import { addMember, breastClinicBody, createClinic, referralBody } from './utils/factories.js';
import {
  bearer,
  createTestApp,
  createUser,
  login,
  TEST_PASSWORD,
  type TestApp,
  type TestUser,
  type Tokens,
} from './utils/test-app.js';
import { checkView, VIEWPORTS, watchErrors, type ViewportName } from './utils/web-app.js';

/** A week from today in Denver (a day still to come whenever the suite runs), and the board the day after. */
const dayIn = (days: number): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Denver' }).format(new Date(Date.now() + days * 86_400_000));
const VISIT_DAY = dayIn(7);
const BOARD_DAY = dayIn(8);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

// The coordinator's job in the browser, from sign-in: a referral typed into
// the form (nothing filled in for them, errors in place and in words), the
// case found again by name, its records uploaded and gaps waived until it is
// ready, its clinic visit booked and the case on a board's agenda. The same
// walk runs on a desktop, a 1024×768 touch tablet and a 390×844 phone.
describe('The coordinator in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let admin: Tokens;
  let coordinator: TestUser;
  let clinicId: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = baseUrlOf(t.http);
    admin = await login(t, await createUser(t, 'admin'));
    coordinator = await createUser(t, 'coordinator');
    // Two visits a patient: a surgeon and an oncologist, each in every day of the week, and a room.
    clinicId = (
      await createClinic(t, admin, {
        ...breastClinicBody(),
        requiredDisciplines: [
          { discipline: 'surgical_oncology', minutes: 30, patientAttends: true },
          { discipline: 'medical_oncology', minutes: 45, patientAttends: true },
        ],
        precedence: [],
      })
    ).id;
    await addMember(t, admin, clinicId, coordinator.id);
    const coord = await login(t, coordinator);
    expect(
      (await request(t.http).post('/api/rooms').set(bearer(coord)).send({ clinicId, name: 'Exam 1' })).status,
    ).toBe(201);
    for (const [name, discipline] of [
      ['Dr Lena Brandt', 'surgical_oncology'],
      ['Dr Omar Haddad', 'medical_oncology'],
    ]) {
      const doctor = await createUser(t, 'clinician');
      await t.dataSource.query('UPDATE app_user SET display_name = $2 WHERE id = $1', [doctor.id, name]);
      const sp = await request(t.http)
        .post('/api/specialists')
        .set(bearer(admin))
        .send({ userId: doctor.id, disciplines: [discipline], clinicIds: [clinicId] });
      expect(sp.status).toBe(201);
      const windows = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '16:00' }));
      expect(
        (
          await request(t.http)
            .put(`/api/specialists/${String(sp.body.id)}/availability`)
            .set(bearer(coord))
            .send({ clinicId, windows })
        ).status,
      ).toBe(204);
    }
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  async function signIn(viewport: ViewportName): Promise<Page> {
    const context = await browser.newContext({ ...VIEWPORTS[viewport], timezoneId: 'America/Denver', locale: 'en-US' });
    const page = watchErrors(await context.newPage());
    await page.goto(`${base}/`);
    await page.getByLabel('Email').fill(coordinator.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
    return page;
  }

  const errorOf = (page: Page, name: string) => page.locator(`#f-${name.replace(/\W/g, '-')}-error`);

  describe.each(Object.keys(VIEWPORTS) as ViewportName[])('on a %s', (viewport) => {
    it('should take a referral typed in the form to a booked clinic visit and a board session with the case on its agenda', async () => {
      const family = `Intake${viewport[0].toUpperCase()}${viewport.slice(1)}`;
      const mrn = `WEB-${viewport.toUpperCase()}-${Date.now().toString(36).toUpperCase()}`;
      const page = await signIn(viewport);
      await checkView(page, `coordinator-cases-${viewport}`);
      await page.getByRole('button', { name: 'New referral' }).click();
      await page.getByRole('heading', { name: 'New referral', level: 1 }).waitFor();

      // Nothing is chosen for the coordinator: sex, urgency, who asked and consent start empty.
      for (const label of ['Sex', 'Urgency', 'Who asked for the second opinion', 'Reason for the referral'])
        expect(await page.getByLabel(label).inputValue()).toBe('');
      expect(await page.getByLabel('Consent to record the board discussion').inputValue()).toBe('');
      expect(await page.getByText('None entered.').count()).toBeGreaterThan(0);
      await checkView(page, `coordinator-intake-empty-${viewport}`);

      // Submitting the empty form names each missing field in words, next to it.
      await page.getByRole('button', { name: 'Take in the referral' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: /Some fields need attention/ })
        .waitFor();
      expect(await errorOf(page, 'patient.familyName').textContent()).toMatch(/^[A-Z]/);
      expect(await errorOf(page, 'patient.familyName').textContent()).not.toContain('patient.familyName');
      expect(await page.getByLabel('Family name').getAttribute('aria-invalid')).toBe('true');
      await errorOf(page, 'patient.sex').waitFor();
      await errorOf(page, 'urgency').waitFor();

      await page.getByLabel('Family name').fill(family);
      await page.getByLabel('Given name').fill('Ada');
      await page.getByLabel('MRN').fill(mrn);
      await page.getByLabel('Birth date').fill('1961-05-04');
      await page.getByLabel('Sex').selectOption({ label: 'Female' });
      await page.getByLabel('Consent to record the board discussion').selectOption({ label: 'Yes' });
      await page.getByLabel('Clinic', { exact: true }).selectOption(clinicId);
      await page.getByLabel('Urgency').selectOption({ label: 'Urgent' });
      await page.getByLabel('Referring clinician').fill('Dr. R. Referrer');
      await page.getByLabel('Referring institution').fill('Community Hospital');
      await page.getByLabel('Who asked for the second opinion').selectOption({ label: 'The referring physician' });
      await page.getByLabel('Reason for the referral').selectOption({ label: 'Referred for expertise' });
      await page.getByLabel("The referring doctor's question to the board").fill('Is breast conservation possible?');

      // The diagnosis is checked as it is typed, by the server's own rules, and codes show their names.
      await page.getByLabel('Primary site (ICD-O-3 topography)').fill('C50.4');
      await page.getByText('C50.4 Upper-outer quadrant of breast').waitFor();
      await page.getByLabel('Histology (ICD-O-3 morphology)').fill('8500/6');
      await errorOf(page, 'referringDiagnosis.histology')
        .filter({ hasText: /metastasis/ })
        .waitFor();
      await page.getByLabel('Histology (ICD-O-3 morphology)').fill('8500/3');
      await page.getByText(/8500\/3 Infiltrating duct carcinoma/i).waitFor();
      expect(await errorOf(page, 'referringDiagnosis.histology').count()).toBe(0);
      await page.getByLabel('Malignant').selectOption({ label: 'Yes' });
      await page.getByLabel('Laterality', { exact: true }).selectOption({ label: 'Left' });
      // A left-sided code with the right side chosen contradicts itself.
      await page.getByLabel('Primary site (ICD-O-3 topography)').fill('C50.412');
      await page.getByLabel('Laterality', { exact: true }).selectOption({ label: 'Right' });
      await errorOf(page, 'referringDiagnosis.laterality')
        .filter({ hasText: /contradicts/ })
        .waitFor();
      await page.getByLabel('Laterality', { exact: true }).selectOption({ label: 'Left' });
      await page.getByLabel('Primary site (ICD-O-3 topography)').fill('C50.4');
      await page.getByLabel('Grade', { exact: true }).selectOption('G2');
      await page.getByLabel('T', { exact: true }).first().fill('cT2');
      await page.getByLabel('N', { exact: true }).first().fill('cN0');
      await page.getByLabel('M', { exact: true }).first().fill('cM0');
      await page.getByRole('button', { name: 'Add a biomarker' }).click();
      await page.getByLabel('Marker (1)').fill('ER');
      await page.getByLabel('Result as reported (1)').fill('positive (90%)');
      await page.getByLabel('Method (1)').fill('IHC');
      await page.getByRole('button', { name: 'Add a treatment step' }).click();
      await page.getByLabel('Order (1)').fill('1');
      await page.getByLabel('Treatment (1)', { exact: true }).first().selectOption({ label: 'Surgery' });
      await page.getByLabel('Intent (1)').selectOption({ label: 'Curative' });
      await page.getByRole('button', { name: 'Add a medication' }).click();
      await page.getByLabel('Medication (1)').fill('metformin');
      await page.getByLabel('Dose (1)').fill('500 mg');
      await checkView(page, `coordinator-intake-filled-${viewport}`);

      await page.getByRole('button', { name: 'Take in the referral' }).click();
      // The case page names the patient: the banner carries name, MRN, birth date and age, sex, site, clinic.
      const banner = page.getByRole('region', { name: 'Patient' });
      await banner.getByText(family.toUpperCase()).waitFor();
      const bannerText = (await banner.textContent()) ?? '';
      expect(bannerText).toContain(mrn);
      expect(bannerText).toContain('4 May 1961');
      expect(bannerText).toMatch(/Female/);
      expect(bannerText).toContain('Upper-outer quadrant of breast');
      await page
        .getByRole('status')
        .filter({ hasText: `Referral of ${family.toUpperCase()}, Ada taken in.` })
        .waitFor();
      const referral = page.getByRole('region', { name: 'Referral' });
      expect(await referral.textContent()).toContain('Is breast conservation possible?');
      expect(await referral.textContent()).toContain('Given');
      // The recommendation and the history as entered, and what was not entered said so.
      expect(await referral.textContent()).toContain('1. Surgery, curative');
      expect(await referral.textContent()).toContain('metformin 500 mg');
      expect(await referral.textContent()).toMatch(/AllergiesNone recorded/);
      const caseId = /#\/case\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';
      expect(caseId).not.toBe('');
      // What was sent is what was typed: the recommendation is the one step entered, no invented defaults.
      const stored = await request(t.http)
        .get(`/api/cases/${caseId}`)
        .set(bearer(await login(t, coordinator)));
      expect(stored.body).toMatchObject({
        urgency: 'urgent',
        initiator: 'physician',
        reason: 'referral_expertise',
        patient: { sex: 'female' },
        patientDetail: { consentToRecord: true },
      });
      expect(stored.body.referringRecommendation).toEqual([
        expect.objectContaining({ sequence: 1, modality: 'surgery', intent: 'curative' }),
      ]);

      // Readiness lists the gaps in words; marking ready early is refused with the server's reasons.
      const readiness = page.getByRole('region', { name: 'Readiness' });
      await readiness.getByText('Pathology report', { exact: true }).waitFor();
      expect(await readiness.textContent()).toContain('Missing');
      await checkView(page, `coordinator-case-new-${viewport}`);
      await page.getByRole('button', { name: 'Mark ready to schedule' }).click();
      await page
        .getByRole('region', { name: 'Workflow' })
        .getByRole('alert')
        .filter({ hasText: /not ready/ })
        .waitFor();

      // Records: uploaded with their kind and date; the other gaps waived with a reason.
      const records = page.getByRole('region', { name: 'Records' });
      await records.getByRole('button', { name: 'Upload' }).click();
      await errorOf(page, 'record-type').filter({ hasText: 'Choose the kind of record' }).waitFor();
      await records.getByLabel('Kind of record').selectOption({ label: 'Pathology report' });
      await records.getByLabel('Date of the document').fill('2026-11-20');
      await records
        .getByLabel('File')
        .setInputFiles({ name: 'pathology.pdf', mimeType: 'application/pdf', buffer: PDF });
      await records.getByRole('button', { name: 'Upload' }).click();
      await records.getByRole('cell', { name: '20 Nov 2026', exact: true }).waitFor();
      for (const item of ['MRI', 'Medication list', 'Lab result']) {
        await readiness.getByLabel(`Why ${item} can be waived`).fill('Outside study judged sufficient by radiology');
        await readiness
          .getByRole('listitem')
          .filter({ has: page.getByLabel(`Why ${item} can be waived`) })
          .getByRole('button', { name: 'Waive this gap' })
          .click();
        await readiness
          .getByText(/Waived on \d{1,2} \w{3} \d{4}: Outside study judged sufficient by radiology/)
          .nth(0)
          .waitFor();
        await page.getByLabel(`Why ${item} can be waived`).waitFor({ state: 'detached' });
      }
      await readiness.getByText(/the case can be scheduled/).waitFor();
      await page.getByRole('button', { name: 'Mark ready to schedule' }).click();
      await page.getByRole('status').filter({ hasText: 'The case is now: Ready to schedule.' }).waitFor();
      await page.getByRole('region', { name: 'Patient' }).getByText('Ready to schedule').waitFor();
      await checkView(page, `coordinator-case-ready-${viewport}`);

      // The clinic visit: proposed for a day, booked; the case moves to scheduled by itself.
      const visit = page.locator('section.itinerary');
      await visit.getByLabel('Day of the visit').fill(VISIT_DAY);
      await visit.getByRole('button', { name: 'Propose visits' }).click();
      await visit.getByText('Proposed, not booked').waitFor();
      await visit.getByText(/Times in America\/Denver/).waitFor();
      const proposed = (await visit.locator('ol.visits').textContent()) ?? '';
      expect(proposed).toContain('Surgical oncology');
      expect(proposed).toContain('Dr Omar Haddad');
      await checkView(page, `coordinator-visit-proposed-${viewport}`);
      await visit.getByRole('button', { name: 'Book these visits' }).click();
      await visit.getByText('Booked', { exact: true }).first().waitFor();
      await page.getByRole('region', { name: 'Patient' }).getByText('Scheduled').waitFor();
      await checkView(page, `coordinator-visit-booked-${viewport}`);

      // A board session the next day, with this case on its agenda, chosen by name and MRN.
      await page.getByRole('link', { name: 'Board sessions' }).first().click();
      await page.getByRole('heading', { name: 'Board sessions', level: 1 }).waitFor();
      await page.getByRole('link', { name: 'New session' }).click();
      const title = `Breast board for ${family}`;
      await page.getByLabel('Title').fill(title);
      await page.getByLabel('Date').fill(BOARD_DAY);
      await page.getByLabel(/Starts at/).fill('12:00');
      await page.getByLabel(/Ends at/).fill('13:00');
      await page.getByRole('button', { name: 'Schedule the session' }).click();
      await page.getByRole('heading', { name: title, level: 1 }).waitFor();
      await page
        .getByLabel('Case', { exact: true })
        .selectOption({ label: `${family.toUpperCase()}, Ada — MRN ${mrn} (Scheduled)` });
      await page.getByRole('button', { name: 'Add to the agenda' }).click();
      const agendaItem = page.locator('.agenda-item').filter({ hasText: `${family.toUpperCase()}, Ada` });
      await agendaItem.waitFor();
      expect(await agendaItem.textContent()).toContain(`MRN ${mrn}`);
      expect(await agendaItem.textContent()).toContain('Infiltrating duct carcinoma');
      await checkView(page, `coordinator-agenda-${viewport}`);
      // The case page's board panel lists the session.
      await page.goto(`${base}/#/case/${caseId}`);
      await page.locator(`section[aria-labelledby="board-${caseId}"]`).getByText(title).waitFor();

      // Back in the list, found by name: identifiers, diagnosis in words, status.
      await page.getByRole('link', { name: 'Cases' }).first().click();
      await page.getByLabel('Family name or MRN').fill(family);
      await page.getByRole('button', { name: 'Search' }).click();
      const row = page.getByRole('row').filter({ hasText: mrn });
      await row.waitFor();
      const rowText = (await row.textContent()) ?? '';
      expect(rowText).toContain(`${family.toUpperCase()}, Ada`);
      expect(rowText).toContain('Infiltrating duct carcinoma');
      expect(rowText).toContain('Scheduled');
      expect(rowText).toContain('Urgent');
      // The next date is the booked visit's, in the clinic's zone.
      expect(rowText).toMatch(/Visit \d{1,2} \w{3} \d{4}, \d\d:\d\d M[SD]T/);
      expect(rowText).toMatch(/Board \d{1,2} \w{3} \d{4}, 12:00 M[SD]T/);
      await checkView(page, `coordinator-cases-found-${viewport}`);
      await page.context().close();
    });
  });

  it('should refuse an MRN that belongs to another patient with a 409 in words, keeping what was typed', async () => {
    const coord = await login(t, coordinator);
    const taken = referralBody(clinicId);
    expect((await request(t.http).post('/api/cases').set(bearer(coord)).send(taken)).status).toBe(201);
    const page = await signIn('desktop');
    await page.goto(`${base}/#/cases/new`);
    await page.getByLabel('Family name').fill('Someoneelse');
    await page.getByLabel('Given name').fill('Bea');
    await page.getByLabel('MRN').fill(String((taken.patient as { mrn: string }).mrn));
    await page.getByLabel('Birth date').fill('1970-01-02');
    await page.getByLabel('Sex').selectOption({ label: 'Female' });
    await page.getByLabel('Consent to record the board discussion').selectOption({ label: 'No' });
    await page.getByLabel('Clinic', { exact: true }).selectOption(clinicId);
    await page.getByLabel('Urgency').selectOption({ label: 'Routine' });
    await page.getByLabel('Referring clinician').fill('Dr. Other');
    await page.getByLabel('Referring institution').fill('Other Hospital');
    await page.getByLabel('Who asked for the second opinion').selectOption({ label: 'The patient' });
    await page.getByLabel('Reason for the referral').selectOption({ label: 'The patient asked for a second opinion' });
    await page.getByLabel('Primary site (ICD-O-3 topography)').fill('C50.4');
    await page.getByLabel('Malignant').selectOption({ label: 'Yes' });
    await page.getByRole('button', { name: 'Take in the referral' }).click();
    const alert = page.locator('form .alert-danger');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/MRN/);
    // Also beside the MRN, which has the focus: the form is long and the field is at its top.
    await errorOf(page, 'patient.mrn').filter({ hasText: /MRN/ }).waitFor();
    expect(await page.evaluate('document.activeElement?.getAttribute("name")')).toBe('patient.mrn');
    expect(await page.getByLabel('Family name').inputValue()).toBe('Someoneelse');
    await checkView(page, 'coordinator-intake-mrn-conflict');
    await page.context().close();
  });
});
