import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { baseUrlOf, boardWorld, type BoardWorld, type Member } from './utils/board-fixtures.js';
import { launchChromium } from './utils/browser.js';
import { flatText, pdfPageTexts } from './utils/pdf-text.js';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';
import { checkView, signedIn } from './utils/web-app.js';

// CME attendance in the browser: a coordinator opens a past session and sees
// its roster (names, professions, each stay in and out in the clinic's zone,
// totals), downloads the roster PDF and a certificate, and opens the year's
// roster; a clinician who attended gets their own certificate; an
// administrator records a specialist's profession.

describe('Attendance rosters in the browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let admin: Tokens;
  let w: BoardWorld;
  let pathologist: Member;
  let oncologist: Member;
  let names: string[];
  const sql = <T>(q: string, p: unknown[] = []): Promise<T> => t.dataSource.query(q, p);

  const retime = async (userId: string, times: [string, string | null][]): Promise<void> => {
    const rows = await sql<{ id: string }[]>(
      'SELECT id FROM attendance WHERE session_id = $1 AND user_id = $2 ORDER BY joined_at, id',
      [w.sessionId, userId],
    );
    expect(rows).toHaveLength(times.length);
    for (const [i, [joined, left]] of times.entries())
      await sql('UPDATE attendance SET joined_at = $2, left_at = $3 WHERE id = $1', [rows[i]?.id, joined, left]);
  };
  const pdfText = async (page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> => {
    const downloaded = page.waitForEvent('download');
    await click();
    const file = await downloaded;
    const bytes = await readFile((await file.path()) ?? '');
    return { name: file.suggestedFilename(), text: flatText((await pdfPageTexts(bytes)).join('\n')) };
  };

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = baseUrlOf(t.http);
    admin = await login(t, await createUser(t, 'admin'));
    w = await boardWorld(t.http, admin, (q, p) => t.dataSource.query(q, p), { cases: 1 });
    [pathologist, oncologist] = w.doctors as [Member, Member];
    const specialists = await request(t.http).get(`/api/specialists?clinicId=${w.clinicId}`).set(bearer(admin));
    const spec = (specialists.body as { id: string; userId: string }[]).find((s) => s.userId === pathologist.id);
    await request(t.http)
      .patch(`/api/specialists/${spec?.id}`)
      .set(bearer(admin))
      .send({ profession: 'physician', credentials: 'MD, PhD' })
      .expect(200);
    // Attendance through the API, then set to fixed times (the API stamps "now").
    const path = `/api/board-sessions/${w.sessionId}/attendance`;
    const coord = bearer(w.coord.tokens);
    const p = bearer(pathologist.tokens);
    await request(t.http).post(path).set(p).send({ discipline: 'pathology' }).expect(201);
    await request(t.http).post(`${path}/check-out`).set(p).send({}).expect(200);
    await request(t.http).post(path).set(p).send({ discipline: 'pathology' }).expect(201);
    await request(t.http).post(`${path}/check-out`).set(p).send({}).expect(200);
    await request(t.http)
      .post(path)
      .set(coord)
      .send({ discipline: 'medical_oncology', userId: oncologist.id })
      .expect(201);
    await retime(pathologist.id, [
      ['2026-12-03T19:05:00Z', '2026-12-03T19:50:00Z'],
      ['2026-12-03T20:00:00Z', '2026-12-03T20:45:00Z'],
    ]);
    await retime(oncologist.id, [['2026-12-03T19:40:00Z', null]]);
    for (const status of ['in_progress', 'closed']) {
      const read = await request(t.http).get(`/api/board-sessions/${w.sessionId}`).set(coord);
      await request(t.http)
        .patch(`/api/board-sessions/${w.sessionId}`)
        .set(coord)
        .set('If-Match', String(read.headers.etag))
        .send({ status })
        .expect(200);
    }
    names = (
      await sql<{ display_name: string }[]>(
        'SELECT display_name FROM app_user WHERE id = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], id)',
        [[pathologist.id, oncologist.id]],
      )
    ).map((r) => r.display_name);
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('should show a past session’s roster with names, stays and totals, and download its PDF and a certificate', async () => {
    const { context, page } = await signedIn(browser, w.coord.tokens);
    try {
      await page.goto(`${base}/#/board/${w.sessionId}`);
      const roster = page.getByRole('region', { name: 'Roster' });
      const path = roster.getByRole('row', { name: new RegExp(`${names[0]}, MD, PhD`) });
      await expect(path.textContent()).resolves.toBeTruthy();
      const pathText = (await path.textContent()) ?? '';
      for (const text of ['Physician', 'Pathology', '12:05–12:50, 45 min', '13:00–13:45, 45 min', '90', '1.5'])
        expect(pathText).toContain(text);
      const onco = roster.getByRole('row', { name: new RegExp(names[1] ?? '') });
      const oncoText = (await onco.textContent()) ?? '';
      for (const text of [
        'Not recorded',
        'Medical oncology',
        '12:40–(13:30)',
        "counted to the session's end",
        '50',
        '0.75',
      ])
        expect(oncoText).toContain(text);
      await expect(roster.getByRole('columnheader', { name: 'In–out (MST)' }).count()).resolves.toBe(1);
      await expect(roster.textContent()).resolves.toContain('Times in America/Denver (MST)');
      await checkView(page, 'board-roster');

      const printed = await pdfText(page, () => roster.getByRole('button', { name: 'Download PDF' }).click());
      expect(printed.name).toBe('roster-2026-12-03-breast-tumor-board.pdf');
      for (const text of [
        'Attendance roster',
        `${names[0]}, MD, PhD`,
        'Physician',
        'Pathology',
        '12:05–12:50, 45 min',
        '13:00–13:45, 45 min',
        'Times are in America/Denver (MST)',
        '2 attendees; 140 minutes attended in all',
      ])
        expect(printed.text).toContain(text);

      const certificate = await pdfText(page, () =>
        roster.getByRole('button', { name: `Certificate for ${names[0]}` }).click(),
      );
      expect(certificate.name).toMatch(/^certificate-2026-12-03-.+\.pdf$/);
      for (const text of [
        'Certificate of attendance',
        `${names[0]}, MD, PhD`,
        'Attended 1.5 hours (90 minutes)',
        'records attendance only',
      ])
        expect(certificate.text).toContain(text);

      // The year's roster, one link away.
      await roster.getByRole('link', { name: 'Roster of 2026' }).click();
      await page.getByRole('heading', { name: 'Attendance roster 2026' }).waitFor();
      const row = page.getByRole('row', { name: new RegExp(`${names[0]}, MD, PhD`) });
      const rowText = (await row.textContent()) ?? '';
      for (const text of ['Physician', '3 Dec 2026 Breast tumor board (90 min)', '1.5'])
        expect(rowText).toContain(text);
      await expect(page.getByText('1 session with attendance, 2 people').count()).resolves.toBe(1);
      await checkView(page, 'board-year-roster');
      const year = await pdfText(page, () => page.getByRole('button', { name: 'Download PDF' }).click());
      expect(year.text).toContain('Attendance roster 2026');
      expect(year.text).toContain('3 Dec 2026 Breast tumor board (90 min)');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('should give a clinician who attended their own certificate, and no roster', async () => {
    const { context, page } = await signedIn(browser, pathologist.tokens);
    try {
      await page.goto(`${base}/#/board/${w.sessionId}`);
      const section = page.getByRole('region', { name: 'Continuing education' });
      await section.waitFor();
      await expect(page.getByRole('region', { name: 'Roster' }).count()).resolves.toBe(0);
      const mine = await pdfText(page, () => section.getByRole('button', { name: 'Download my certificate' }).click());
      expect(mine.text).toContain(`This certifies that ${names[0]}, MD, PhD`);
      await checkView(page, 'board-roster-clinician');
    } finally {
      await context.close();
    }
  }, 60_000);

  it("should let an administrator record a specialist's profession and credentials", async () => {
    const specialists = await request(t.http).get(`/api/specialists?clinicId=${w.clinicId}`).set(bearer(admin));
    const spec = (specialists.body as { id: string; userId: string }[]).find((s) => s.userId === oncologist.id);
    const { context, page } = await signedIn(browser, admin);
    try {
      await page.goto(`${base}/#/admin/specialists/${spec?.id}?clinic=${w.clinicId}`);
      const form = page.getByRole('region', { name: 'Profession' });
      await form.getByLabel('Profession').selectOption({ label: 'Nurse practitioner' });
      await form.getByLabel('Credentials').fill('  DNP, AOCNP ');
      await form.getByRole('button', { name: 'Save profession' }).click();
      await page.getByText(`The profession of ${names[1]} is saved.`).waitFor();
      await checkView(page, 'admin-specialist-profession');
      const after = await request(t.http).get(`/api/specialists/${spec?.id}`).set(bearer(admin));
      expect(after.body).toMatchObject({ profession: 'nurse_practitioner', credentials: 'DNP, AOCNP' });
      // And from the reports, the year's roster (administrators read rosters: no patient data on them).
      await page.goto(`${base}/#/reports`);
      await page.getByRole('link', { name: /Attendance roster \(CME\) of \d{4}/ }).click();
      await page.getByRole('heading', { name: /Attendance roster \d{4}/ }).waitFor();
    } finally {
      await context.close();
    }
  }, 60_000);
});
