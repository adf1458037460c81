/**
 * Mail through the durable outbox (issue 19 item 2), against a real SMTP
 * server started here (`smtp-server`): what each event mails and to whom,
 * users' choices, the case packet at its time, the referring doctor's letter
 * link, a server that fails and recovers, and two server processes on one
 * database delivering each message exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { boardWorld, until } from './utils/board-fixtures.js';
import { addMember, breastClinicBody, createClinic, referralBody } from './utils/factories.js';
import { flatText, pdfPageTexts } from './utils/pdf-text.js';
import { signInAdmin } from './utils/second-factor.js';
import { startServer, stopServer, type ServerProcess } from './utils/server-process.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from './utils/smtp-sink.js';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';
import { createTestDatabase } from './utils/test-database.js';

const PUBLIC_URL = 'https://consilium.hospital.test';

const mailTo = (sink: SmtpSink, address: string): ReceivedMail[] =>
  sink.mails.filter((m) => m.to.includes(address.toLowerCase()));

/** The patient's identifiers as a referral carries them: none may appear in any mail. */
function identifiers(body: Record<string, unknown>): string[] {
  const p = body.patient as Record<string, string>;
  return [p.mrn, p.familyName, p.givenName, p.birthDate].filter((x) => typeof x === 'string' && x !== '');
}

describe('Notifications by e-mail', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let admin: Tokens;
  const sql = <T = unknown>(query: string, params: unknown[] = []): Promise<T> => t.dataSource.query(query, params);

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await createTestApp({
      SMTP_URL: sink.url,
      MAIL_FROM: 'Consilium <no-reply@hospital.test>',
      PUBLIC_URL,
      OUTBOX_POLL_MS: '100',
      OUTBOX_RETRY_BASE_SECONDS: '1',
      CASE_PACKET_LEAD_HOURS: '24',
    });
    admin = await login(t, await createUser(t, 'admin'));
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
  });

  it("should mail a new account's set-password link, the same one the admin was shown", async () => {
    const email = `new-${Date.now()}@hospital.test`;
    const created = await request(t.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ email, displayName: 'Dr Nadia Osei', role: 'clinician' });
    expect(created.status).toBe(201);
    await until(() => mailTo(sink, email).length === 1, 5000, 'the set-password mail');
    const [mail] = mailTo(sink, email);
    expect(mail.from).toBe('no-reply@hospital.test');
    expect(mail.subject).toBe('Your Consilium account');
    expect(mail.text).toContain('Hello Dr Nadia Osei');
    expect(mail.text).toContain(`${PUBLIC_URL}/#/set-password/${created.body.setPasswordLink.token as string}`);
    // The Message-ID is the outbox row's, so a receiving server can tell a repeat.
    const [row] = await sql<{ id: string; sent_at: Date | null }[]>(
      `SELECT id, sent_at FROM notification_outbox WHERE to_address = $1`,
      [email],
    );
    expect(mail.messageId).toBe(`<${row.id}@consilium.hospital.test>`);
    expect(row.sent_at).not.toBeNull();
  });

  describe('clinic-day appointments', () => {
    const DATE = '2026-12-10'; // a Thursday
    let coord: Tokens;
    let clinicId: string;
    const doctors: { email: string; tokens: Tokens }[] = [];

    beforeAll(async () => {
      const coordinator = await createUser(t, 'coordinator');
      coord = await login(t, coordinator);
      const clinic = await createClinic(t, admin, {
        ...breastClinicBody(),
        requiredDisciplines: [
          { discipline: 'pathology', minutes: 30, patientAttends: false },
          { discipline: 'medical_oncology', minutes: 45, patientAttends: true },
        ],
        precedence: [],
        quorumDisciplines: [],
      });
      clinicId = clinic.id;
      await addMember(t, admin, clinicId, coordinator.id);
      await request(t.http).post('/api/rooms').set(bearer(coord)).send({ clinicId, name: 'Exam 4' });
      for (const discipline of ['pathology', 'medical_oncology']) {
        const doctor = await createUser(t, 'clinician');
        const sp = await request(t.http)
          .post('/api/specialists')
          .set(bearer(admin))
          .send({ userId: doctor.id, disciplines: [discipline], clinicIds: [clinicId] });
        await request(t.http)
          .put(`/api/specialists/${sp.body.id}/availability`)
          .set(bearer(coord))
          .send({ clinicId, windows: [{ weekday: 4, start: '09:00', end: '12:00' }] });
        doctors.push({ email: doctor.email, tokens: await login(t, doctor) });
      }
    });

    async function readyCase(): Promise<{ id: string; body: Record<string, unknown> }> {
      const body = referralBody(clinicId);
      const res = await request(t.http).post('/api/cases').set(bearer(coord)).send(body);
      expect(res.status).toBe(201);
      await sql(`UPDATE second_opinion_case SET status = 'ready' WHERE id = $1`, [res.body.id]);
      return { id: res.body.id as string, body };
    }

    it('should mail each specialist their appointments when booked and when cancelled, never naming the patient', async () => {
      const { id, body } = await readyCase();
      const booked = await request(t.http).post(`/api/cases/${id}/itinerary`).set(bearer(coord)).send({ date: DATE });
      expect(booked.status).toBe(201);
      await until(() => doctors.every((d) => mailTo(sink, d.email).length === 1), 5000, 'both appointment mails');
      const [pathology] = mailTo(sink, doctors[0].email);
      expect(pathology.subject).toMatch(/^New clinic-day appointment — Breast MDC/);
      // The clinic's own time zone, labelled (Denver: 09:00 local is 16:00 UTC).
      // The pathologist reads the slides without the patient: no room. The oncologist sees the patient in one.
      expect(pathology.text).toMatch(
        /- Thu 10 Dec 2026, 09:\d\d–\d\d:\d\d \(America\/Denver\), Pathology, case C-[0-9A-F]{8}\n/,
      );
      expect(mailTo(sink, doctors[1].email)[0].text).toMatch(
        /- Thu 10 Dec 2026, \d\d:\d\d–\d\d:\d\d \(America\/Denver\), Medical oncology, room Exam 4, case C-[0-9A-F]{8}\n/,
      );
      expect(pathology.text).toContain(`${PUBLIC_URL}/#/day`);
      for (const d of doctors)
        for (const word of identifiers(body)) expect(mailTo(sink, d.email)[0].text).not.toContain(word);

      expect((await request(t.http).delete(`/api/cases/${id}/itinerary`).set(bearer(coord))).status).toBe(204);
      await until(() => doctors.every((d) => mailTo(sink, d.email).length === 2), 5000, 'both cancellation mails');
      expect(mailTo(sink, doctors[1].email)[1].subject).toMatch(/^Cancelled clinic-day appointment/);
      expect(mailTo(sink, doctors[1].email)[1].text).toContain('Medical oncology');
    });

    it('should send nothing of a kind a specialist turned off, and keep their other choices', async () => {
      const [pathologist, oncologist] = doctors;
      const bad = await request(t.http)
        .put('/api/users/me/notification-preferences')
        .set(bearer(pathologist.tokens))
        .send({ preferences: [{ kind: 'account_link', email: false }] });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('preferences[0].kind');
      const off = await request(t.http)
        .put('/api/users/me/notification-preferences')
        .set(bearer(pathologist.tokens))
        .send({ preferences: [{ kind: 'appointment', email: false }] });
      expect(off.status).toBe(200);
      expect(off.body.preferences).toEqual([
        expect.objectContaining({ kind: 'appointment', email: false }),
        expect.objectContaining({ kind: 'case_packet', email: true }),
        expect.objectContaining({ kind: 'task_assigned', email: true }),
      ]);
      const before = mailTo(sink, pathologist.email).length;
      const { id } = await readyCase();
      expect(
        (await request(t.http).post(`/api/cases/${id}/itinerary`).set(bearer(coord)).send({ date: DATE })).status,
      ).toBe(201);
      await until(() => mailTo(sink, oncologist.email).length === 3, 5000, "the oncologist's mail");
      // Mail is delivered in the order it was written: had the pathologist's been written, it would be here by now.
      await new Promise((r) => setTimeout(r, 300));
      expect(mailTo(sink, pathologist.email)).toHaveLength(before);
      const read = await request(t.http).get('/api/users/me/notification-preferences').set(bearer(pathologist.tokens));
      expect(read.body).toMatchObject({ email: pathologist.email.toLowerCase(), deliveryConfigured: true });
    });
  });

  describe('the case packet', () => {
    let w: Awaited<ReturnType<typeof boardWorld>>;
    let doctorEmails: string[];
    let coordEmail: string;

    beforeAll(async () => {
      w = await boardWorld(t.http, admin, sql, { cases: 2 });
      const rows = await sql<{ id: string; email: string }[]>(
        `SELECT id, email FROM app_user WHERE id = ANY($1::uuid[])`,
        [[...w.doctors.map((d) => d.id), w.coord.id]],
      );
      doctorEmails = w.doctors.map((d) => rows.find((r) => r.id === d.id)!.email);
      coordEmail = rows.find((r) => r.id === w.coord.id)!.email;
    });

    it('should send each board member the agenda once, at the configured time before the session, naming no patient', async () => {
      const hours = (h: number): string => new Date(Date.now() + h * 3_600_000).toISOString();
      const later = await request(t.http)
        .post('/api/board-sessions')
        .set(bearer(w.coord.tokens))
        .send({
          clinicId: w.clinicId,
          title: 'Next week',
          startsAt: hours(48),
          endsAt: hours(49),
          chairId: w.doctors[1].id,
        });
      expect(later.status).toBe(201);
      for (const caseId of w.cases)
        await request(t.http)
          .post(`/api/board-sessions/${later.body.id}/agenda`)
          .set(bearer(w.coord.tokens))
          .send({ caseId });
      await new Promise((r) => setTimeout(r, 600));
      expect(sink.mails.filter((m) => m.subject.startsWith('Case packet'))).toHaveLength(0);

      // Moved to tomorrow: now within 24 hours of its start, its packet goes out.
      const moved = await request(t.http)
        .patch(`/api/board-sessions/${later.body.id}`)
        .set(bearer(w.coord.tokens))
        .set('If-Match', `"${later.body.version}"`)
        .send({ startsAt: hours(20), endsAt: hours(21) });
      expect(moved.status).toBe(200);
      await until(
        () => doctorEmails.every((e) => mailTo(sink, e).some((m) => m.subject.startsWith('Case packet'))),
        5000,
        'the packets',
      );
      await new Promise((r) => setTimeout(r, 500));
      for (const email of doctorEmails) {
        const packets = mailTo(sink, email).filter((m) => m.subject.startsWith('Case packet'));
        expect(packets).toHaveLength(1);
        expect(packets[0].subject).toMatch(
          /^Case packet: Breast MDC \w+ board, \w+day \d+ December 2026, \d\d:\d\d \(America\/Denver\)$/,
        );
        expect(packets[0].text).toContain('The agenda (2 cases)');
        expect(packets[0].text).toMatch(
          /1\. Case C-[0-9A-F]{8} — for discussion; reason for presentation not yet recorded/,
        );
        expect(packets[0].text).toContain(`${PUBLIC_URL}/#/board/${later.body.id as string}`);
        expect(packets[0].text).not.toMatch(/Testpatient|Synthetic|MRN/);
      }
      // Coordinators prepare the board; the packet is for its members.
      expect(mailTo(sink, coordEmail).filter((m) => m.subject.startsWith('Case packet'))).toHaveLength(0);
      const [queued] = await sql<{ packet_queued_at: Date | null }[]>(
        `SELECT packet_queued_at FROM board_session WHERE id = $1`,
        [later.body.id],
      );
      expect(queued.packet_queued_at).not.toBeNull();
    });
  });

  describe("the referring doctor's letter", () => {
    let w: Awaited<ReturnType<typeof boardWorld>>;
    const referringEmail = `dr.jones.${Date.now()}@outside-hospital.test`;
    let token: string;

    beforeAll(async () => {
      w = await boardWorld(t.http, admin, sql, { cases: 1 });
      await sql(`UPDATE second_opinion_case SET status = 'in_review', referring_email = $2 WHERE id = $1`, [
        w.cases[0],
        referringEmail,
      ]);
    });

    it('should take the address with the referral, and refuse one that is not an address', async () => {
      const bad = await request(t.http)
        .post('/api/cases')
        .set(bearer(w.coord.tokens))
        .send(referralBody(w.clinicId, { referringEmail: 'dr jones at hospital' }));
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0]).toMatchObject({ field: 'referringEmail' });
      expect(bad.body.errors[0].messages[0]).toMatch(/referring doctor's e-mail address/);
      const good = await request(t.http)
        .post('/api/cases')
        .set(bearer(w.coord.tokens))
        .send(referralBody(w.clinicId, { referringEmail: 'dr.lee@outside-hospital.test' }));
      expect(good.status).toBe(201);
      expect(good.body.referringEmail).toBe('dr.lee@outside-hospital.test');
    });

    it('should mail a time-limited link when the plan is signed, which downloads the letter and nothing else', async () => {
      const [pathologist, chair] = w.doctors;
      const caseId = w.cases[0];
      const draft = await request(t.http)
        .post(`/api/cases/${caseId}/plans`)
        .set(bearer(chair.tokens))
        .send({ items: [{ modality: 'surgery', intent: 'curative', sequence: 1, description: 'lumpectomy' }] });
      const planUrl = `/api/cases/${caseId}/plans/${draft.body.id as string}`;
      await request(t.http).post(`${planUrl}/proposal`).set(bearer(chair.tokens));
      for (const [doctor, discipline] of [
        [pathologist, 'pathology'],
        [chair, 'medical_oncology'],
      ] as const) {
        await request(t.http)
          .post(`/api/board-sessions/${w.sessionId}/attendance`)
          .set(bearer(doctor.tokens))
          .send({ discipline });
        await request(t.http).put(`${planUrl}/votes/me`).set(bearer(doctor.tokens)).send({ vote: 'agree' });
      }
      expect(mailTo(sink, referringEmail)).toHaveLength(0);
      const signed = await request(t.http).post(`${planUrl}/signature`).set(bearer(chair.tokens));
      expect(signed.status).toBe(200);

      await until(() => mailTo(sink, referringEmail).length === 1, 5000, "the referring doctor's mail");
      const [mail] = mailTo(sink, referringEmail);
      expect(mail.subject).toBe('A second-opinion letter is ready for you');
      expect(mail.text).toMatch(/^Dear Dr\. /);
      expect(mail.text).not.toMatch(/Testpatient|Synthetic|MRN/);
      const link = /https:\/\/consilium\.hospital\.test\/#\/letter\/([A-Za-z0-9_-]+)/.exec(mail.text);
      expect(link).not.toBeNull();
      token = link![1];

      const pdf = await request(t.http)
        .post('/api/letters/download')
        .send({ token })
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(pdf.status).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      const text = flatText((await pdfPageTexts(pdf.body as Buffer)).join(' '));
      expect(text).toContain('lumpectomy');
      const audit = await sql<{ outcome: string; case_id: string; actor_id: string | null; reason: string }[]>(
        `SELECT outcome, case_id, actor_id, reason FROM audit_event WHERE action = 'letter.download' ORDER BY at`,
      );
      expect(audit).toEqual([{ outcome: 'success', case_id: caseId, actor_id: null, reason: 'referring_doctor_link' }]);
    });

    it('should refuse an expired or unknown link in words, and audit the refusal against the case', async () => {
      const unknown = await request(t.http)
        .post('/api/letters/download')
        .send({ token: 'x'.repeat(43) });
      expect(unknown.status).toBe(404);
      expect(unknown.body.detail).toMatch(/unknown/);
      const badShape = await request(t.http).post('/api/letters/download').send({ token: 'short' });
      expect(badShape.status).toBe(400);
      expect(badShape.body.errors[0].field).toBe('token');

      await sql(`UPDATE letter_link SET expires_at = now() - interval '1 minute' WHERE case_id = $1`, [w.cases[0]]);
      const expired = await request(t.http).post('/api/letters/download').send({ token });
      expect(expired.status).toBe(410);
      expect(expired.body.detail).toBe('This letter link has expired; ask the clinic for a new one');
      const [row] = await sql<{ outcome: string; reason: string }[]>(
        `SELECT outcome, reason FROM audit_event WHERE action = 'letter.download' AND case_id = $1 AND outcome = 'denied'`,
        [w.cases[0]],
      );
      expect(row).toEqual({ outcome: 'denied', reason: 'link_expired' });
    });
  });

  describe('a mail server that fails, then recovers', () => {
    async function newUser(): Promise<string> {
      const email = `retry-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@hospital.test`;
      const res = await request(t.http)
        .post('/api/users')
        .set(bearer(admin))
        .send({ email, displayName: 'Dr Retry', role: 'coordinator' });
      expect(res.status).toBe(201);
      return email;
    }

    it('should retry temporary refusals with a back-off and deliver the message once', async () => {
      sink.failNext(2);
      const refusedBefore = sink.refused;
      const email = await newUser();
      await until(() => mailTo(sink, email).length === 1, 10_000, 'the mail after two refusals');
      expect(sink.refused - refusedBefore).toBe(2);
      await new Promise((r) => setTimeout(r, 300));
      expect(mailTo(sink, email)).toHaveLength(1);
      const [row] = await sql<{ attempts: number; sent_at: Date | null }[]>(
        `SELECT attempts, sent_at FROM notification_outbox WHERE to_address = $1`,
        [email],
      );
      expect(row.attempts).toBe(3);
      expect(row.sent_at).not.toBeNull();
    });

    it('should keep mail while the server is down, show why to the admin, and send it when the server is back', async () => {
      const port = sink.port;
      const mails = sink.mails;
      await sink.close();
      const email = await newUser();
      let tried = false;
      const deadline = Date.now() + 5000;
      while (!tried && Date.now() < deadline) {
        const [row] = await sql<{ last_error: string | null }[]>(
          `SELECT last_error FROM notification_outbox WHERE to_address = $1`,
          [email],
        );
        tried = row?.last_error != null;
        if (!tried) await new Promise((r) => setTimeout(r, 100));
      }
      expect(tried).toBe(true);
      const outbox = await request(t.http)
        .get('/api/notifications/outbox')
        .query({ status: 'pending' })
        .set(bearer(admin));
      expect(outbox.status).toBe(200);
      const pending = (
        outbox.body.items as { to: string; status: string; lastError: string | null; attempts: number }[]
      ).find((i) => i.to === email.toLowerCase());
      expect(pending).toMatchObject({ status: 'pending' });
      expect(pending!.attempts).toBeGreaterThanOrEqual(1);
      expect(pending!.lastError).toMatch(/ECONNREFUSED|ESOCKET|connect/i);

      sink = await startSmtpSink(port);
      sink.mails.push(...mails);
      await until(() => mailTo(sink, email).length === 1, 10_000, 'the mail once the server is back');
      const sent = await request(t.http).get('/api/notifications/outbox').query({ status: 'sent' }).set(bearer(admin));
      expect((sent.body.items as { to: string }[]).some((i) => i.to === email.toLowerCase())).toBe(true);
    });

    it('should show the outbox to admins only', async () => {
      const coordinator = await login(t, await createUser(t, 'coordinator'));
      expect((await request(t.http).get('/api/notifications/outbox').set(bearer(coordinator))).status).toBe(403);
      const bad = await request(t.http).get('/api/notifications/outbox').query({ status: 'lost' }).set(bearer(admin));
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('status');
    });
  });
});

describe('No mail server configured', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ OUTBOX_POLL_MS: '100' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('should keep every message in the outbox for the admin, and say that nothing is sent', async () => {
    const admin = await login(t, await createUser(t, 'admin'));
    const email = `kept-${Date.now()}@hospital.test`;
    const created = await request(t.http)
      .post('/api/users')
      .set(bearer(admin))
      .send({ email, displayName: 'Dr Kept', role: 'clinician' });
    await new Promise((r) => setTimeout(r, 400));
    const outbox = await request(t.http).get('/api/notifications/outbox').set(bearer(admin));
    expect(outbox.body.deliveryConfigured).toBe(false);
    const kept = (outbox.body.items as { to: string; status: string; attempts: number; body: string }[]).find(
      (i) => i.to === email,
    );
    expect(kept).toMatchObject({ status: 'pending', attempts: 0 });
    expect(kept!.body).toContain(`/#/set-password/${created.body.setPasswordLink.token as string}`);
  });
});

describe('Two instances delivering one outbox', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sink: SmtpSink;
  const servers: ServerProcess[] = [];
  const dirs: string[] = [];
  let client: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startSmtpSink();
    for (const name of ['a', 'b']) dirs.push(await mkdtemp(path.join(tmpdir(), `consilium-mail-${name}-`)));
    const env = (dataDir: string): Record<string, string> => ({
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      JWT_ACCESS_SECRET: 'outbox-test-secret-long-enough-for-hs256',
      ADMIN_EMAIL: 'admin@outbox.example.org',
      ADMIN_PASSWORD: 'a-long-outbox-passphrase',
      SMTP_URL: sink.url,
      PUBLIC_URL,
      OUTBOX_POLL_MS: '50',
      SHUTDOWN_GRACE_MS: '0',
      LOG_LEVEL: 'warn',
      DEMO_DATA: 'false',
    });
    servers.push(...(await Promise.all(dirs.map((d) => startServer(env(d))))));
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await Promise.all(servers.map((s) => stopServer(s)));
    await sink.close();
    await db.drop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('should send each of 300 committed messages exactly once', async () => {
    const admin = await signInAdmin(servers[0].baseUrl, {
      email: 'admin@outbox.example.org',
      password: 'a-long-outbox-passphrase',
    });
    // Written as the app writes them (committed rows), all at once, so both instances find them due together.
    await client.query(
      `INSERT INTO notification_outbox (kind, to_address, subject, body)
       SELECT 'letter_ready', 'doctor' || n || '@outside.test', 'Message ' || n, 'Body ' || n FROM generate_series(1, 300) n`,
    );
    await until(() => sink.mails.length >= 300, 30_000, 'all 300 mails');
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.mails).toHaveLength(300);
    expect(new Set(sink.mails.map((m) => m.messageId)).size).toBe(300);
    expect(new Set(sink.mails.map((m) => m.subject)).size).toBe(300);
    const { rows } = await client.query<{ unsent: string; instances: string }>(
      `SELECT count(*) FILTER (WHERE sent_at IS NULL) AS unsent, count(DISTINCT claimed_by) AS instances FROM notification_outbox`,
    );
    expect(rows[0].unsent).toBe('0');
    // Both took part (each claims at most 20 at a time, so one alone could not have been first to all 300).
    expect(Number(rows[0].instances)).toBe(2);
    const outbox = await request(servers[1].baseUrl)
      .get('/api/notifications/outbox')
      .query({ status: 'sent', limit: 5 })
      .set(bearer(admin));
    expect(outbox.status).toBe(200);
    expect(outbox.body.items).toHaveLength(5);
  });
});
