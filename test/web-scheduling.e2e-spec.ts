import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { baseUrlOf } from './utils/board-fixtures.js';
import { launchChromium } from './utils/browser.js';
import { addMember, breastClinicBody, createClinic, referralBody } from './utils/factories.js';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';
import { checkView, signedIn } from './utils/web-app.js';

// 2026-12-03 is a Thursday (ISO weekday 4); Denver is UTC-7 (MST) then: 08:00 there is 15:00 UTC.
const DATE = '2026-12-03';
const denver = (iso: string): string =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'America/Denver',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));

interface Appointment {
  discipline: string;
  specialistId: string;
  start: string;
  end: string;
}

// The coordinator's scheduling job in the browser: propose a patient's day, move a
// visit, book it, export it; read the clinic day on its timeline; plan the rest of
// the day; and repair it when a specialist is off sick.
describe('Scheduling in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let coord: Tokens;
  let clinicId: string;
  const sp: Record<'ruiz' | 'okafor' | 'chen', string> = { ruiz: '', okafor: '', chen: '' };
  const cases: Record<'maja' | 'race' | 'ada' | 'rosa', { id: string; mrn: string }> = {
    maja: { id: '', mrn: '' },
    race: { id: '', mrn: '' },
    ada: { id: '', mrn: '' },
    rosa: { id: '', mrn: '' },
  };

  /** The surgical visit of Maja Lindqvist's booked day as the screen showed it ("11:00–11:30"). */
  let majaSurgical = '';

  const itinerary = async (caseId: string): Promise<{ status: number; appointments: Appointment[] }> => {
    const res = await request(t.http).get(`/api/cases/${caseId}/itinerary`).set(bearer(coord));
    return { status: res.status, appointments: (res.body as { appointments?: Appointment[] }).appointments ?? [] };
  };
  const caseStatus = async (caseId: string): Promise<string> =>
    (await request(t.http).get(`/api/cases/${caseId}`).set(bearer(coord))).body.status as string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = baseUrlOf(t.http);
    const admin = await login(t, await createUser(t, 'admin'));
    const coordinator = await createUser(t, 'coordinator');
    coord = await login(t, coordinator);
    const clinic = await createClinic(t, admin, {
      ...breastClinicBody('Breast Multidisciplinary Clinic'),
      requiredDisciplines: [
        { discipline: 'surgical_oncology', minutes: 30, patientAttends: true },
        { discipline: 'medical_oncology', minutes: 45, patientAttends: true },
      ],
      precedence: [],
      quorumDisciplines: [],
    });
    clinicId = clinic.id;
    await addMember(t, admin, clinicId, coordinator.id);
    for (const name of ['Exam 1', 'Exam 2'])
      expect((await request(t.http).post('/api/rooms').set(bearer(coord)).send({ clinicId, name })).status).toBe(201);
    const staff: [keyof typeof sp, string, string][] = [
      ['ruiz', 'Dr Ana Ruiz', 'medical_oncology'],
      ['okafor', 'Dr Ben Okafor', 'surgical_oncology'],
      ['chen', 'Dr Wei Chen', 'medical_oncology'],
    ];
    for (const [key, name, discipline] of staff) {
      const doctor = await createUser(t, 'clinician');
      await t.dataSource.query('UPDATE app_user SET display_name = $2 WHERE id = $1', [doctor.id, name]);
      const res = await request(t.http)
        .post('/api/specialists')
        .set(bearer(admin))
        .send({ userId: doctor.id, disciplines: [discipline], clinicIds: [clinicId] });
      expect(res.status).toBe(201);
      sp[key] = res.body.id as string;
      // Dr Chen comes in later: the planner and the repair have somewhere else to go.
      const window = key === 'chen' ? { start: '09:00', end: '13:00' } : { start: '08:00', end: '12:00' };
      expect(
        (
          await request(t.http)
            .put(`/api/specialists/${sp[key]}/availability`)
            .set(bearer(coord))
            .send({ clinicId, windows: [{ weekday: 4, ...window }] })
        ).status,
      ).toBe(204);
    }
    const people: [keyof typeof cases, string, string][] = [
      ['maja', 'Lindqvist', 'Maja'],
      ['race', 'Brennan', 'Siobhan'],
      ['ada', 'Okonkwo', 'Ada'],
      ['rosa', 'Garcia', 'Rosa'],
    ];
    for (const [key, familyName, givenName] of people) {
      const body = referralBody(clinicId);
      const patient = { ...(body.patient as Record<string, unknown>), familyName, givenName };
      const res = await request(t.http)
        .post('/api/cases')
        .set(bearer(coord))
        .send({ ...body, patient });
      expect(res.status).toBe(201);
      cases[key] = { id: res.body.id as string, mrn: (body.patient as { mrn: string }).mrn };
    }
    // Set-up: readiness has its own tests.
    await t.dataSource.query(`UPDATE second_opinion_case SET status = 'ready' WHERE id = ANY($1::uuid[])`, [
      Object.values(cases).map((c) => c.id),
    ]);
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  const visitDate = async (page: Page): Promise<void> => {
    await page.getByLabel('Day of the visit').fill(DATE);
  };

  it("should propose a patient's day, refuse it in words when another booking took it, move a visit, book it and export it", async () => {
    const { context, page } = await signedIn(browser, coord);
    await page.goto(`${base}/#/case/${cases.maja.id}`);
    const panel = page.locator('section.itinerary');
    await panel.getByRole('heading', { name: 'Clinic visit', level: 2 }).waitFor();
    await visitDate(page);
    await panel.getByRole('button', { name: 'Propose visits' }).click();
    await panel.getByText('Proposed, not booked').waitFor();
    await panel.getByText('Times in America/Denver (MST)').waitFor();
    const visits = panel.locator('ol.visits > li');
    expect(await visits.count()).toBe(2);
    const text = (await panel.locator('ol.visits').textContent()) ?? '';
    expect(text).toContain('Surgical oncology');
    expect(text).toContain('Medical oncology');
    expect(text).toContain('Dr Ben Okafor');
    expect(text).not.toMatch(/surgical_oncology|medical_oncology/);
    // The earliest day there is: 08:00 in Denver, not 15:00 (UTC).
    expect(text).toContain('08:00');
    expect(text).not.toContain('15:00');
    await checkView(page, 'scheduling-proposal');

    // Meanwhile another patient is booked into those very times (the same shortest day).
    const race = await request(t.http)
      .post(`/api/cases/${cases.race.id}/itinerary`)
      .set(bearer(coord))
      .send({ date: DATE });
    expect(race.status).toBe(201);
    expect((race.body.appointments as Appointment[]).map((a) => a.start).sort()[0]).toBe('2026-12-03T15:00:00.000Z');
    await panel.getByRole('button', { name: 'Book these visits' }).click();
    const refusal = panel.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/the specialist is not free then/);
    expect(await refusal.textContent()).not.toMatch(/_oncology/);
    expect((await itinerary(cases.maja.id)).status).toBe(404);
    await checkView(page, 'scheduling-proposal-refused');

    // A fresh proposal around the new booking; then the coordinator moves the surgical visit.
    await panel.getByRole('button', { name: 'Propose again' }).click();
    await panel.getByText('Proposed, not booked').waitFor();
    await panel.getByRole('alert').waitFor({ state: 'detached' });
    const move = panel.getByLabel('Another time for Surgical oncology');
    const options = await move.locator('option').allTextContents();
    const later = options.findIndex((o) => o.startsWith('11:00–11:30'));
    expect(later).toBeGreaterThan(0);
    await move.selectOption({ index: later });
    await panel.getByText('Changed by you').waitFor();
    expect(await panel.locator('ol.visits').textContent()).toContain('11:00–11:30');
    // The mini timeline moves a visit from the keyboard too: one step later for medical oncology, then back.
    const medical = panel.getByRole('button', { name: /, Medical oncology$/ });
    const before = await medical.getAttribute('title');
    await medical.focus();
    await page.keyboard.press('ArrowRight');
    await panel.locator(`.tl-movable[title="${before}"]`).waitFor({ state: 'detached' });
    await panel.getByRole('button', { name: /, Medical oncology$/ }).focus();
    await page.keyboard.press('ArrowLeft');
    await panel.getByRole('button', { name: before ?? '' }).waitFor();
    // And by dragging it along its row: about an hour later, it lands on the nearest free time.
    const box = await medical.boundingBox();
    const track = await panel.locator('.tl-lane-bg').first().boundingBox();
    expect(box).not.toBeNull();
    expect(track).not.toBeNull();
    const perHour = (track?.width ?? 0) / Number(await panel.locator('.tl-hour').count());
    const [x, y] = [(box?.x ?? 0) + (box?.width ?? 0) / 2, (box?.y ?? 0) + (box?.height ?? 0) / 2];
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + perHour / 2, y, { steps: 4 });
    await page.mouse.move(x + perHour, y, { steps: 4 });
    await page.mouse.up();
    await panel.locator(`.tl-movable[title="${before}"]`).waitFor({ state: 'detached' });
    const dragged = (await panel.getByRole('button', { name: /, Medical oncology$/ }).getAttribute('title')) ?? '';
    const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
    expect(minutes(dragged) - minutes(before ?? '')).toBeGreaterThanOrEqual(45);
    expect(minutes(dragged) - minutes(before ?? '')).toBeLessThanOrEqual(75);
    await checkView(page, 'scheduling-proposal-edited');
    // The surgical visit as the screen shows it now (the medical one's moves may have nudged it along).
    majaSurgical =
      /\d\d:\d\d–\d\d:\d\d/.exec((await visits.filter({ hasText: 'Surgical oncology' }).textContent()) ?? '')?.[0] ??
      '';
    expect(majaSurgical).not.toBe('');

    await panel.getByRole('button', { name: 'Book these visits' }).click();
    await page.getByText('Visits booked for 3 Dec 2026.').waitFor();
    await panel.getByText('Booked', { exact: true }).first().waitFor();
    const booked = await itinerary(cases.maja.id);
    expect(booked.status).toBe(200);
    const surgical = booked.appointments.find((a) => a.discipline === 'surgical_oncology');
    // What the screen showed is what was booked: its Denver time is the instant stored (MST is UTC−7).
    const denver = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'America/Denver',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    expect(denver.format(new Date(surgical?.start ?? 0))).toBe(majaSurgical.slice(0, 5));
    if (majaSurgical.startsWith('11:00')) expect(surgical?.start).toBe('2026-12-03T18:00:00.000Z');
    expect(await caseStatus(cases.maja.id)).toBe('scheduled');
    expect(await panel.locator('ol.visits').textContent()).toContain(majaSurgical);
    await checkView(page, 'scheduling-booked');

    const downloaded = page.waitForEvent('download');
    await panel.getByRole('button', { name: 'Download calendar (.ics)' }).click();
    const file = await downloaded;
    expect(file.suggestedFilename()).toMatch(/\.ics$/);
    const ics = await readFile((await file.path()) ?? '', 'utf8');
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    await context.close();
  }, 120_000);

  it('should show the booked patients on the clinic day at clinic-local times, by specialist and by room, and open a case', async () => {
    const { context, page } = await signedIn(browser, coord);
    await page.goto(`${base}/#/cases`);
    await page.getByRole('link', { name: 'Clinic day' }).click();
    await page.getByRole('heading', { name: 'Clinic day', level: 1 }).waitFor();
    await page.getByLabel('Clinic').selectOption({ label: 'Breast Multidisciplinary Clinic' });
    await page.getByLabel('Day', { exact: true }).fill(DATE);
    await page.getByRole('heading', { name: 'Breast Multidisciplinary Clinic, 3 Dec 2026' }).waitFor();
    await page.getByText('Times in America/Denver (MST)').first().waitFor();
    const timeline = page.getByRole('region', { name: /^Specialists on 3 Dec 2026/ });
    // Siobhan Brennan's day starts at 08:00 in Denver (15:00 UTC): the slot says 08:00 with her name and MRN.
    const first = timeline.getByRole('link', { name: /^08:00–\d\d:\d\d BRENNAN, Siobhan, MRN/ });
    await first.waitFor();
    const slot = (await first.textContent()) ?? '';
    expect(slot).toContain('BRENNAN, Siobhan');
    expect(slot).toContain(`MRN ${cases.race.mrn}`);
    expect(slot).toContain('08:00');
    expect(slot).not.toContain('15:00');
    // Maja Lindqvist's moved visit, at the time booked; every slot of hers names her.
    await timeline.getByRole('link', { name: new RegExp(`^${majaSurgical} LINDQVIST, Maja`) }).waitFor();
    for (const [name, id] of [
      ['Dr Ana Ruiz', sp.ruiz],
      ['Dr Ben Okafor', sp.okafor],
      ['Dr Wei Chen', sp.chen],
    ] as const) {
      expect(id).not.toBe('');
      await timeline.locator('.tl-head').getByText(name, { exact: true }).waitFor();
    }
    // Free time between and around the visits is marked, in words.
    expect(await timeline.locator('.tl-gap').count()).toBeGreaterThan(0);
    expect(await timeline.textContent()).toContain('Free');
    const legend = page.getByRole('list', { name: 'Patients this day' });
    expect(await legend.textContent()).toContain('LINDQVIST, Maja');
    expect(await legend.textContent()).toContain('BRENNAN, Siobhan');
    await checkView(page, 'scheduling-day');

    await page.getByRole('button', { name: 'Room' }).click();
    const rooms = page.getByRole('region', { name: /^Rooms on 3 Dec 2026/ });
    await rooms.getByText('Exam 1').waitFor();
    await rooms.getByRole('link', { name: /^08:00–\d\d:\d\d BRENNAN, Siobhan/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Room' }).getAttribute('aria-pressed')).toBe('true');
    await checkView(page, 'scheduling-day-rooms');

    await rooms
      .getByRole('link', { name: /LINDQVIST, Maja/ })
      .first()
      .click();
    await page.waitForURL(`**/#/case/${cases.maja.id}`);
    await page.locator('section.itinerary').getByText('Booked', { exact: true }).first().waitFor();
    await context.close();
  }, 90_000);

  it('should plan the rest of the day against the day as booked, and book the plan', async () => {
    const { context, page } = await signedIn(browser, coord);
    await page.goto(`${base}/#/day?clinic=${clinicId}&date=${DATE}`);
    const planner = page.locator('section[aria-labelledby=plan-h]');
    await planner.getByRole('heading', { name: 'Day planner' }).waitFor();
    await planner.getByLabel(new RegExp(`^OKONKWO, Ada, MRN ${cases.ada.mrn}`)).waitFor();
    expect(await planner.getByLabel(/^GARCIA, Rosa/).isChecked()).toBe(true);
    await planner.getByRole('button', { name: 'Plan this day' }).click();
    await planner.getByText('Proposal: 2 patients placed').waitFor();
    const figures = planner.getByRole('table', { name: 'The day as booked now and with this plan' });
    const seen = figures.getByRole('row', { name: /Patients seen/ });
    expect((await seen.allTextContents()).join(' ')).toMatch(/Patients seen\s*2\s*4/);
    expect(await figures.getByRole('row', { name: /Waiting between visits/ }).textContent()).toMatch(/min|h/);
    const proposed = planner.getByRole('table', { name: 'Proposed visits' });
    expect(await proposed.textContent()).toContain('OKONKWO, Ada');
    expect(await proposed.textContent()).toContain('GARCIA, Rosa');
    // Nothing is booked yet: the timeline marks their visits as proposed.
    const timeline = page.getByRole('region', { name: /^Specialists on 3 Dec 2026/ });
    expect(await timeline.locator('.tl-proposed').count()).toBe(4);
    expect(await timeline.getByRole('link', { name: /OKONKWO, Ada.*\(proposed\)/ }).count()).toBe(2);
    expect((await itinerary(cases.ada.id)).status).toBe(404);
    await checkView(page, 'scheduling-plan');

    await planner.getByRole('button', { name: 'Book this plan (2 patients)' }).click();
    await page.getByText('2 patients booked on 3 Dec 2026.').waitFor();
    await timeline.locator('.tl-proposed').first().waitFor({ state: 'detached' });
    await timeline
      .getByRole('link', { name: /OKONKWO, Ada/ })
      .first()
      .waitFor();
    expect(await caseStatus(cases.ada.id)).toBe('scheduled');
    expect(await caseStatus(cases.rosa.id)).toBe('scheduled');
    await planner.getByText('No case is ready to schedule').waitFor();
    await context.close();
  }, 90_000);

  it('should repair the day when Dr Ruiz is off sick: show what moves, confirm, and show where it went (tablet)', async () => {
    const { context, page } = await signedIn(browser, coord, 'tablet');
    await page.goto(`${base}/#/day?clinic=${clinicId}&date=${DATE}`);
    const repair = page.locator('section[aria-labelledby=repair-h]');
    await repair.getByRole('heading', { name: 'Sick-day repair' }).waitFor();
    await checkView(page, 'scheduling-day-tablet');
    const onRuiz = (
      await Promise.all(Object.values(cases).map(async (c) => ({ c, it: await itinerary(c.id) })))
    ).filter(({ it }) => it.appointments.some((a) => a.specialistId === sp.ruiz));
    expect(onRuiz.length).toBeGreaterThan(0);

    await repair.getByLabel('Specialist who is absent').selectOption({ label: 'Dr Ana Ruiz (Medical oncology)' });
    const preview = repair.getByRole('list', { name: 'Appointments to move' });
    await preview.waitFor();
    expect(await preview.locator('li').count()).toBe(onRuiz.length);
    expect(await preview.textContent()).toContain('Medical oncology with Dr Ana Ruiz');
    await repair.getByLabel('Reason (optional)').fill('off sick');
    await checkView(page, 'scheduling-repair-preview-tablet');
    await repair.getByRole('button', { name: 'Record the absence and repair…' }).click();
    const dialog = page.getByRole('dialog', { name: /Record Dr Ana Ruiz as away/ });
    await dialog.waitFor();
    await checkView(page, 'scheduling-repair-confirm-tablet');
    await dialog.getByRole('button', { name: 'Record the absence and move the visits' }).click();

    const moved = repair.getByRole('table', { name: 'Moved' });
    await moved.waitFor();
    expect(await moved.locator('tbody tr').count()).toBe(onRuiz.length);
    const rows = (await moved.locator('tbody tr').allTextContents()).join('\n');
    expect(rows).toContain('with Dr Ana Ruiz');
    expect(rows).toContain('with Dr Wei Chen');
    // Nobody is with Dr Ruiz any more; nobody lost their day.
    for (const { c } of onRuiz) {
      const now = await itinerary(c.id);
      expect(now.status).toBe(200);
      expect(now.appointments.some((a) => a.specialistId === sp.ruiz)).toBe(false);
      const medical = now.appointments.find((a) => a.discipline === 'medical_oncology')!;
      expect(rows).toContain(`${denver(medical.start)}–${denver(medical.end)} Medical oncology with Dr Wei Chen`);
    }
    const timeline = page.getByRole('region', { name: /^Specialists on 3 Dec 2026/ });
    await timeline.getByText('Not available this day').waitFor();
    await checkView(page, 'scheduling-repaired-tablet');
    await context.close();
  }, 90_000);

  it('should fit the clinic day and the case page on a phone', async () => {
    const { context, page } = await signedIn(browser, coord, 'phone');
    await page.goto(`${base}/#/day?clinic=${clinicId}&date=${DATE}`);
    await page.getByRole('heading', { name: 'Breast Multidisciplinary Clinic, 3 Dec 2026' }).waitFor();
    await page
      .getByRole('region', { name: /^Specialists on 3 Dec 2026/ })
      .getByRole('link')
      .first()
      .waitFor();
    await checkView(page, 'scheduling-day-phone');
    await page.goto(`${base}/#/case/${cases.maja.id}`);
    await page.locator('section.itinerary').getByText('Booked', { exact: true }).first().waitFor();
    await checkView(page, 'scheduling-booked-phone');
    await context.close();
  }, 60_000);
});
