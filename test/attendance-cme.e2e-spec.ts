import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse as parseCsvText } from 'csv-parse/sync';
import request from 'supertest';
import { addSpecialist, boardWorld, type BoardWorld, type Member } from './utils/board-fixtures.js';
import { flatText, pdfPageTexts } from './utils/pdf-text.js';
import {
  auditRowsAfter,
  bearer,
  createTestApp,
  createUser,
  lastAuditId,
  login,
  type TestApp,
  type Tokens,
} from './utils/test-app.js';

/*
 * CME attendance: the roster of a session and of a year (JSON, CSV, PDF) and
 * certificates, from attendance recorded through the check-in and check-out
 * API. The clinic is in America/Denver (MST in December); the world's
 * session is 3 Dec 2026, 19:00–20:30 UTC = 12:00–13:30 MST.
 */

const DESIGNATION =
  'Example Cancer Center is accredited by the ACCME to provide continuing medical education for physicians. It designates this live activity for a maximum of 1.5 AMA PRA Category 1 Credits™.';

interface Stay {
  discipline: string;
  joinedAt: string;
  leftAt: string | null;
  countedUntil: string;
  minutes: number;
}
interface Attendee {
  userId: string;
  displayName: string;
  profession: string | null;
  credentials: string | null;
  disciplines: string[];
  stays: Stay[];
  minutes: number;
  creditHours: number;
}

/** Reads CSV strictly as RFC 4180 (csv-parse): CRLF records, quoted fields, equal column counts. */
const parseCsv = (text: string): string[][] => parseCsvText(text, { record_delimiter: '\r\n' });

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void): void => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('CME attendance rosters and certificates', () => {
  let t: TestApp;
  let admin: Tokens;
  let w: BoardWorld;
  let pathologist: Member;
  let oncologist: Member;
  let second: string;
  const sql = (query: string, params: unknown[]): Promise<unknown> => t.dataSource.query(query, params);
  const get = (path: string, tokens: Tokens) => request(t.http).get(path).set(bearer(tokens));
  const pdf = async (path: string, tokens: Tokens): Promise<{ status: number; type: string; text: string }> => {
    const res = await get(path, tokens).buffer(true).parse(binary);
    const text = res.status === 200 ? flatText((await pdfPageTexts(res.body as Buffer)).join('\n')) : '';
    return { status: res.status, type: String(res.headers['content-type']), text };
  };
  /** Sets the stays of a person at a session, in check-in order, to fixed times (the API stamps "now"). */
  const retime = async (sessionId: string, userId: string, times: [string, string | null][]): Promise<void> => {
    const rows = (await sql('SELECT id FROM attendance WHERE session_id = $1 AND user_id = $2 ORDER BY joined_at, id', [
      sessionId,
      userId,
    ])) as { id: string }[];
    expect(rows).toHaveLength(times.length);
    for (const [i, [joined, left]] of times.entries())
      await sql('UPDATE attendance SET joined_at = $2, left_at = $3 WHERE id = $1', [rows[i]?.id, joined, left]);
  };
  const patchSession = async (sessionId: string, coord: Tokens, status: string): Promise<void> => {
    const read = await get(`/api/board-sessions/${sessionId}`, coord);
    const res = await request(t.http)
      .patch(`/api/board-sessions/${sessionId}`)
      .set(bearer(coord))
      .set('If-Match', String(read.headers.etag))
      .send({ status });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    t = await createTestApp({ CME_CREDIT_DESIGNATION: DESIGNATION, CME_PROVIDER: 'Example Cancer Center' });
    admin = await login(t, await createUser(t, 'admin'));
    w = await boardWorld(t.http, admin, sql, { cases: 1 });
    [pathologist, oncologist] = w.doctors as [Member, Member];
    const coord = bearer(w.coord.tokens);

    // Profession and credentials, as an administrator records them; the oncologist's stay unrecorded.
    const specialists = await get(`/api/specialists?clinicId=${w.clinicId}`, admin);
    const spec = (specialists.body as { id: string; userId: string }[]).find((s) => s.userId === pathologist.id);
    const patched = await request(t.http)
      .patch(`/api/specialists/${spec?.id}`)
      .set(bearer(admin))
      .send({ profession: 'physician', credentials: 'MD, PhD' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ profession: 'physician', credentials: 'MD, PhD', disciplines: ['pathology'] });
    // A name a spreadsheet would run as a formula.
    await sql(`UPDATE app_user SET display_name = '=HYPERLINK("x") Onco' WHERE id = $1`, [oncologist.id]);

    // The pathologist checks in, out, and in again (checked out by the coordinator); the oncologist is
    // checked in by the coordinator and never checks out.
    const path = `/api/board-sessions/${w.sessionId}/attendance`;
    const p = bearer(pathologist.tokens);
    expect((await request(t.http).post(path).set(p).send({ discipline: 'pathology' })).status).toBe(201);
    expect((await request(t.http).post(`${path}/check-out`).set(p).send({})).status).toBe(200);
    expect((await request(t.http).post(path).set(p).send({ discipline: 'pathology' })).status).toBe(201);
    expect(
      (await request(t.http).post(path).set(coord).send({ discipline: 'medical_oncology', userId: oncologist.id }))
        .status,
    ).toBe(201);
    expect((await request(t.http).post(`${path}/check-out`).set(coord).send({ userId: pathologist.id })).status).toBe(
      200,
    );
    await retime(w.sessionId, pathologist.id, [
      ['2026-12-03T19:05:00Z', '2026-12-03T19:50:00Z'], // 45 min
      ['2026-12-03T20:00:00Z', '2026-12-03T20:45:00Z'], // 45 min, past the scheduled end: checked out, so counted
    ]);
    await retime(w.sessionId, oncologist.id, [['2026-12-03T19:40:00Z', null]]); // open: to the end, 50 min
    await patchSession(w.sessionId, w.coord.tokens, 'in_progress');
    await patchSession(w.sessionId, w.coord.tokens, 'closed');

    // A second session the same year, and one the year before (not on the 2026 roster).
    const make = async (startsAt: string, endsAt: string, title: string): Promise<string> => {
      const res = await request(t.http)
        .post('/api/board-sessions')
        .set(coord)
        .send({ clinicId: w.clinicId, title, startsAt, endsAt });
      expect(res.status).toBe(201);
      const id = res.body.id as string;
      expect(
        (await request(t.http).post(`/api/board-sessions/${id}/attendance`).set(p).send({ discipline: 'pathology' }))
          .status,
      ).toBe(201);
      return id;
    };
    second = await make('2026-06-10T18:00:00Z', '2026-06-10T19:00:00Z', 'June board');
    await retime(second, pathologist.id, [['2026-06-10T18:10:00Z', '2026-06-10T18:50:00Z']]); // 40 min → 0.5 h
    const old = await make('2025-12-31T20:00:00Z', '2025-12-31T21:00:00Z', 'Last year');
    await retime(old, pathologist.id, [['2025-12-31T20:00:00Z', '2025-12-31T21:00:00Z']]);
  });
  afterAll(async () => {
    await t.close();
  });

  it("should give each attendee's profession, disciplines, every stay and the totals", async () => {
    const res = await get(`/api/board-sessions/${w.sessionId}/roster`, w.coord.tokens);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      clinicId: w.clinicId,
      timeZone: 'America/Denver',
      session: { id: w.sessionId, status: 'closed' },
      creditDesignation: DESIGNATION,
    });
    const attendees = res.body.attendees as Attendee[];
    const path = attendees.find((a) => a.userId === pathologist.id);
    const onco = attendees.find((a) => a.userId === oncologist.id);
    expect(path).toMatchObject({
      profession: 'physician',
      credentials: 'MD, PhD',
      disciplines: ['pathology'],
      minutes: 90,
      creditHours: 1.5,
    });
    expect(path?.stays).toEqual([
      expect.objectContaining({
        joinedAt: '2026-12-03T19:05:00.000Z',
        leftAt: '2026-12-03T19:50:00.000Z',
        minutes: 45,
        countedUntil: 'checked_out',
      }),
      expect.objectContaining({
        joinedAt: '2026-12-03T20:00:00.000Z',
        leftAt: '2026-12-03T20:45:00.000Z',
        minutes: 45,
        countedUntil: 'checked_out',
      }),
    ]);
    // Never checked out, the session closed a day later: counted to its scheduled end, no further.
    expect(onco).toMatchObject({ profession: null, credentials: null, minutes: 50, creditHours: 0.75 });
    expect(onco?.stays).toEqual([
      expect.objectContaining({ leftAt: null, countedUntil: 'session_end', countedTo: '2026-12-03T20:30:00.000Z' }),
    ]);
    // People and sessions only: nothing of the agenda's cases or patients.
    expect(JSON.stringify(res.body)).not.toMatch(/caseId|patient|mrn/i);
  });

  it('should give the roster as RFC 4180 CSV with times in the clinic zone and formula cells defused', async () => {
    const res = await get(`/api/board-sessions/${w.sessionId}/roster?format=csv`, w.coord.tokens).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(
      /attachment; filename="roster-2026-12-03-breast-tumor-board\.csv"/,
    );
    expect(res.text.startsWith('\uFEFF')).toBe(true);
    expect(res.text).toContain('"MD, PhD"');
    const [head, ...rows] = parseCsv(res.text.slice(1));
    expect(head).toEqual([
      'session',
      'session_start (America/Denver)',
      'name',
      'credentials',
      'profession',
      'discipline',
      'time_in (America/Denver)',
      'time_out (America/Denver)',
      'counted_to (America/Denver)',
      'counted_until',
      'stay_minutes',
      'total_minutes',
      'credit_hours',
    ]);
    const col = (name: string): number => (head ?? []).indexOf(name);
    const mine = rows.filter((r) => r[col('credentials')] === 'MD, PhD');
    expect(
      mine.map((r) => [
        r[col('time_in (America/Denver)')],
        r[col('time_out (America/Denver)')],
        r[col('stay_minutes')],
      ]),
    ).toEqual([
      ['2026-12-03 12:05', '2026-12-03 12:50', '45'],
      ['2026-12-03 13:00', '2026-12-03 13:45', '45'],
    ]);
    expect(mine[0]?.[col('profession')]).toBe('Physician');
    expect(mine[0]?.[col('total_minutes')]).toBe('90');
    expect(mine[0]?.[col('credit_hours')]).toBe('1.5');
    const onco = rows.find((r) => r[col('name')]?.includes('HYPERLINK'));
    expect(onco?.[col('name')]).toBe(`'=HYPERLINK("x") Onco`);
    expect(onco?.[col('profession')]).toBe('Not recorded');
    expect(onco?.[col('time_out (America/Denver)')]).toBe('');
    expect(onco?.[col('counted_until')]).toBe('session_end');
    // Accept: text/csv works as well as ?format=csv.
    const byAccept = await get(`/api/board-sessions/${w.sessionId}/roster`, w.coord.tokens).set('Accept', 'text/csv');
    expect(byAccept.headers['content-type']).toMatch(/^text\/csv/);
  });

  it('should print the roster as a PDF with names, professions, disciplines, times and totals', async () => {
    const res = await pdf(`/api/board-sessions/${w.sessionId}/roster?format=pdf`, w.coord.tokens);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/pdf');
    for (const text of [
      'Attendance roster',
      'Breast tumor board',
      '3 Dec 2026, 12:00–13:30 MST',
      'Times are in America/Denver (MST)',
      'MD, PhD',
      'Physician',
      'Pathology',
      '12:05–12:50, 45 min',
      '13:00–13:45, 45 min',
      '=HYPERLINK("x") Onco',
      'Not recorded',
      'Medical oncology',
      "counted to the session's end",
      '90',
      '1.5',
      '0.75',
      '2 attendees; 140 minutes attended in all',
      'no patient data',
    ])
      expect(res.text).toContain(text);
  });

  it('should give the year per person: sessions attended and hours, that year only', async () => {
    const res = await get(`/api/attendance-rosters/2026?clinicId=${w.clinicId}`, w.coord.tokens);
    expect(res.status).toBe(200);
    expect((res.body.sessions as { id: string }[]).map((s) => s.id)).toEqual([second, w.sessionId]);
    const path = (res.body.people as { userId: string }[]).find((p) => p.userId === pathologist.id);
    expect(path).toMatchObject({
      sessionsAttended: 2,
      minutes: 130,
      creditHours: 2,
      sessions: [
        { sessionId: second, minutes: 40, creditHours: 0.5 },
        { sessionId: w.sessionId, minutes: 90, creditHours: 1.5 },
      ],
    });
    const csv = await get(`/api/attendance-rosters/2026?clinicId=${w.clinicId}&format=csv`, w.coord.tokens).buffer(
      true,
    );
    const [head, ...rows] = parseCsv(csv.text.slice(1));
    const row = rows.find((r) => r[(head ?? []).indexOf('credentials')] === 'MD, PhD');
    expect(row).toEqual([
      '2026',
      expect.any(String),
      'MD, PhD',
      'Physician',
      'Pathology',
      '2',
      '10 Jun 2026; 3 Dec 2026',
      '130',
      '2',
    ]);
    const printed = await pdf(`/api/attendance-rosters/2026?clinicId=${w.clinicId}&format=pdf`, w.coord.tokens);
    expect(printed.status).toBe(200);
    for (const text of [
      'Attendance roster 2026',
      '10 Jun 2026 June board (40 min)',
      '3 Dec 2026 Breast tumor board (90 min)',
      '130',
    ])
      expect(printed.text).toContain(text);
    const before = await get(`/api/attendance-rosters/2025?clinicId=${w.clinicId}`, w.coord.tokens);
    expect((before.body.sessions as unknown[]).length).toBe(1);
  });

  it('should give a person their certificate, stating the hours attended and the configured designation', async () => {
    const mine = await pdf(`/api/board-sessions/${w.sessionId}/certificates/${pathologist.id}`, pathologist.tokens);
    expect(mine.status).toBe(200);
    expect(mine.type).toBe('application/pdf');
    for (const text of [
      'Certificate of attendance',
      'Example Cancer Center',
      'MD, PhD',
      'Profession: Physician',
      'Breast tumor board',
      '3 Dec 2026, 12:00–13:30 MST',
      'Attended 1.5 hours (90 minutes)',
      '12:05–12:50, 45 min',
      // pdf.js text is NFKC-normalised (™ → TM).
      DESIGNATION.normalize('NFKC'),
      'Physicians should claim only the credit commensurate with the extent of their participation in the activity.',
    ])
      expect(mine.text).toContain(text);
    expect(mine.text.replace('no patient data', '')).not.toMatch(/patient|MRN/i);
    const year = await pdf(
      `/api/attendance-rosters/2026/certificates/${pathologist.id}?clinicId=${w.clinicId}`,
      pathologist.tokens,
    );
    expect(year.status).toBe(200);
    for (const text of [
      'attended 2 multidisciplinary tumor board sessions',
      'in 2026',
      'Attended 2 hours (130 minutes)',
      'June board',
    ])
      expect(year.text).toContain(text);
    // A coordinator prints anyone's.
    expect(
      (await pdf(`/api/board-sessions/${w.sessionId}/certificates/${oncologist.id}`, w.coord.tokens)).text,
    ).toContain('Attended 0.75 hours (50 minutes)');
  });

  it('should refuse other readers, and audit every read and refusal', async () => {
    const since = await lastAuditId(t);
    const roster = `/api/board-sessions/${w.sessionId}/roster`;
    // A clinician of the clinic: not a roster reader, nor of someone else's certificate.
    expect((await get(roster, oncologist.tokens)).status).toBe(403);
    expect(
      (await get(`/api/board-sessions/${w.sessionId}/certificates/${pathologist.id}`, oncologist.tokens)).status,
    ).toBe(403);
    expect((await get(`/api/attendance-rosters/2026?clinicId=${w.clinicId}`, oncologist.tokens)).status).toBe(403);
    // A clinician of another clinic: the session and the clinic do not exist for them.
    expect((await get(roster, w.outsider.tokens)).status).toBe(404);
    expect(
      (await get(`/api/board-sessions/${w.sessionId}/certificates/${w.outsider.id}`, w.outsider.tokens)).status,
    ).toBe(404);
    expect((await get(`/api/attendance-rosters/2026?clinicId=${w.clinicId}`, w.outsider.tokens)).status).toBe(404);
    // Someone of the clinic who did not attend has no certificate.
    const radiologist = await addSpecialist(t.http, admin, w, 'radiology');
    expect(
      (await get(`/api/board-sessions/${w.sessionId}/certificates/${radiologist.id}`, radiologist.tokens)).status,
    ).toBe(404);
    expect(
      (await get(`/api/board-sessions/${w.sessionId}/certificates/${radiologist.id}`, w.coord.tokens)).status,
    ).toBe(404);
    // Administrators read rosters (no patient data on them).
    expect((await get(roster, admin)).status).toBe(200);
    expect((await get(`/api/attendance-rosters/1999?clinicId=${w.clinicId}`, admin)).status).toBe(400);

    const rows = await auditRowsAfter(t, since);
    const of = (action: string, actor: string) =>
      rows
        .filter((r) => r.action === action && r.actor_id === actor)
        .map((r) => [r.outcome, r.status_code, r.entity_id]);
    // A refusal by the service is a failed request (403); one hidden from the caller is denied (404).
    expect(of('board_session.roster', oncologist.id)).toEqual([['failure', 403, w.sessionId]]);
    expect(of('board_session.certificate', oncologist.id)).toEqual([['failure', 403, w.sessionId]]);
    expect(of('attendance_roster.year', oncologist.id)).toEqual([['failure', 403, w.clinicId]]);
    expect(of('board_session.roster', w.outsider.id)).toEqual([['denied', 404, w.sessionId]]);
    expect(of('attendance_roster.year', w.outsider.id)).toEqual([['denied', 404, w.clinicId]]);
    const adminActor = rows.find((r) => r.action === 'board_session.roster' && r.outcome === 'success');
    expect(adminActor?.entity_id).toBe(w.sessionId);
  });
});
