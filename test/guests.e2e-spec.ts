/**
 * Outside participants (issue 19 item 3): a coordinator invites the
 * referring doctor to one board session for one case. The link is
 * single-use and time-limited; the guest sees that case only (its events,
 * its records), joins the live room, may post while the case is presented,
 * never votes; revoking cuts the guest off within a second. Every step is in
 * the audit trail. Real AppModule, real PostgreSQL, real socket.io clients.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import {
  baseUrlOf,
  boardWorld,
  collect,
  connectBoard,
  until,
  type BoardEventMessage,
  type BoardWorld,
} from './utils/board-fixtures.js';
import { referralBody } from './utils/factories.js';
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';

const GUEST_EMAIL = 'm.jones@outside-hospital.test';

describe('Guests in a board session', () => {
  let t: TestApp;
  let admin: Tokens;
  let w: BoardWorld;
  let base: string;
  const sockets: Socket[] = [];
  const sql = <T = unknown>(query: string, params: unknown[] = []): Promise<T> => t.dataSource.query(query, params);
  let invitation: { id: string; path: string };
  let guest: Tokens;
  let guestId: string;

  const tokenOf = (path: string): string => path.replace('/#/guest/', '');
  const post = (socket: Socket, body: Record<string, unknown>) =>
    socket
      .timeout(5000)
      .emitWithAck('message:post', { sessionId: w.sessionId, clientMsgId: `m-${Math.random()}`, ...body });

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = baseUrlOf(t.http);
    admin = await login(t, await createUser(t, 'admin'));
    w = await boardWorld(t.http, admin, sql, { cases: 2 });
    // The session is tomorrow, so that an invitation to it is live.
    await sql(
      `UPDATE board_session SET starts_at = now() + interval '1 day', ends_at = now() + interval '1 day 2 hours' WHERE id = $1`,
      [w.sessionId],
    );
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  it('should let only a coordinator invite, only for a case on the agenda, and mail the guest no patient data', async () => {
    const [pathologist] = w.doctors;
    const body = { caseId: w.cases[0], name: 'Dr. Maria Jones', email: GUEST_EMAIL, institution: 'St. Mary Regional' };
    const byClinician = await request(t.http)
      .post(`/api/board-sessions/${w.sessionId}/guest-invitations`)
      .set(bearer(pathologist.tokens))
      .send(body);
    expect(byClinician.status).toBe(403);
    const other = await request(t.http).post('/api/cases').set(bearer(w.coord.tokens)).send(referralBody(w.clinicId));
    const notOnAgenda = await request(t.http)
      .post(`/api/board-sessions/${w.sessionId}/guest-invitations`)
      .set(bearer(w.coord.tokens))
      .send({ ...body, caseId: other.body.id });
    expect(notOnAgenda.status).toBe(400);
    expect(notOnAgenda.body.errors[0].field).toBe('caseId');
    const badEmail = await request(t.http)
      .post(`/api/board-sessions/${w.sessionId}/guest-invitations`)
      .set(bearer(w.coord.tokens))
      .send({ ...body, email: 'maria jones' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.errors[0]).toMatchObject({ field: 'email' });

    const created = await request(t.http)
      .post(`/api/board-sessions/${w.sessionId}/guest-invitations`)
      .set(bearer(w.coord.tokens))
      .send(body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'invited', name: 'Dr. Maria Jones', caseId: w.cases[0] });
    expect(created.body.path).toMatch(/^\/#\/guest\/[A-Za-z0-9_-]{43}$/);
    invitation = created.body as { id: string; path: string };

    const [mail] = await sql<{ subject: string; body: string }[]>(
      `SELECT subject, body FROM notification_outbox WHERE kind = 'guest_invitation' AND to_address = $1`,
      [GUEST_EMAIL],
    );
    expect(mail.subject).toMatch(/^Invitation to the Breast MDC \w+ tumor board$/);
    expect(mail.body).toContain(`/#/guest/${tokenOf(invitation.path)}`);
    expect(mail.body).toMatch(/case C-[0-9A-F]{8}/);
    expect(mail.body).not.toMatch(/Testpatient|Synthetic/);

    const list = await request(t.http)
      .get(`/api/board-sessions/${w.sessionId}/guest-invitations`)
      .set(bearer(pathologist.tokens));
    expect(list.body).toEqual([expect.objectContaining({ id: invitation.id, status: 'invited' })]);
    expect(list.body[0]).not.toHaveProperty('path');
  });

  it('should open the link once, and refuse it after in words', async () => {
    const token = tokenOf(invitation.path);
    const opened = await request(t.http).post('/api/guest-invitations/redemption').send({ token });
    expect(opened.status).toBe(200);
    guest = opened.body as Tokens;
    const again = await request(t.http).post('/api/guest-invitations/redemption').send({ token });
    expect(again.status).toBe(410);
    expect(again.body.detail).toBe('This invitation was already used; ask the clinic’s coordinator for a new one');
    const unknown = await request(t.http)
      .post('/api/guest-invitations/redemption')
      .send({ token: 'z'.repeat(43) });
    expect(unknown.status).toBe(404);

    const me = await request(t.http).get('/api/users/me').set(bearer(guest));
    expect(me.body).toMatchObject({ role: 'guest', displayName: 'Dr. Maria Jones' });
    guestId = me.body.id as string;
    const view = await request(t.http).get('/api/guest/me').set(bearer(guest));
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      sessionId: w.sessionId,
      caseId: w.cases[0],
      presenting: false,
      patientName: 'Synthetic Testpatient',
    });
    // Not a staff account: not in the admin's list, not editable there.
    const users = await request(t.http).get('/api/users').query({ limit: 200 }).set(bearer(admin));
    expect((users.body.items as { id: string }[]).some((u) => u.id === guestId)).toBe(false);
    const promote = await request(t.http)
      .patch(`/api/users/${guestId}`)
      .set(bearer(admin))
      .set('If-Match', '"1"')
      .send({ role: 'admin' });
    expect(promote.status).toBe(404);

    const audit = await sql<
      { outcome: string; reason: string | null; actor_id: string | null; case_id: string | null }[]
    >(
      `SELECT outcome, reason, actor_id, case_id FROM audit_event WHERE action = 'guest.invitation.redeem' ORDER BY at, id`,
    );
    expect(audit).toEqual([
      { outcome: 'success', reason: null, actor_id: guestId, case_id: w.cases[0] },
      { outcome: 'denied', reason: 'invitation_used', actor_id: null, case_id: w.cases[0] },
    ]);
  });

  it('should let the guest read the invited case’s records only, and nothing else of the platform', async () => {
    expect((await request(t.http).get(`/api/cases/${w.cases[0]}/records`).set(bearer(guest))).status).toBe(200);
    expect((await request(t.http).get(`/api/cases/${w.cases[0]}/annotations`).set(bearer(guest))).status).toBe(200);
    expect((await request(t.http).get(`/api/cases/${w.cases[1]}/records`).set(bearer(guest))).status).toBe(404);
    for (const path of [
      '/api/cases',
      `/api/cases/${w.cases[0]}`,
      `/api/board-sessions/${w.sessionId}`,
      '/api/clinics',
    ]) {
      const res = await request(t.http).get(path).set(bearer(guest));
      expect([path, res.status]).toEqual([path, 403]);
    }
    const denied = await sql<{ reason: string }[]>(
      `SELECT reason FROM audit_event WHERE actor_id = $1 AND outcome = 'denied' AND reason = 'guest_not_allowed'`,
      [guestId],
    );
    expect(denied.length).toBeGreaterThanOrEqual(4);
  });

  it('should show the guest only the invited case’s events, live and on replay, and never let them vote', async () => {
    const [pathologist, chair] = w.doctors;
    const member = await connectBoard(base, pathologist.tokens.accessToken);
    sockets.push(member);
    await member.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId });
    await post(member, { body: 'before: about the invited case', caseId: w.cases[0] });
    await post(member, { body: 'before: about another patient', caseId: w.cases[1] });
    await post(member, { body: 'before: general' });

    const socket = await connectBoard(base, guest.accessToken);
    sockets.push(socket);
    const seen: BoardEventMessage[] = collect(socket);
    const joined = (await socket.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId })) as {
      events: BoardEventMessage[];
    };
    expect(joined.events.map((e) => e.payload.body)).toEqual(['before: about the invited case']);
    expect(joined.events.every((e) => e.caseId === w.cases[0])).toBe(true);

    // Not presented yet: the guest listens.
    const early = (await post(socket, { body: 'May I add something?', caseId: w.cases[0] })) as {
      error?: { status: number; detail: string };
    };
    expect(early.error).toMatchObject({ status: 409 });
    expect(early.error!.detail).toMatch(/not discussing your case/);

    await request(t.http)
      .post(`/api/board-sessions/${w.sessionId}/presenting`)
      .set(bearer(chair.tokens))
      .send({ caseId: w.cases[0] });
    await post(member, { body: 'live: another patient', caseId: w.cases[1] });
    await post(member, { body: 'live: invited case', caseId: w.cases[0] });
    await until(() => seen.some((e) => e.payload.body === 'live: invited case'), 5000, 'the live event');
    const ok = (await post(socket, { body: 'The patient prefers surgery close to home.', caseId: w.cases[0] })) as {
      id?: string;
    };
    expect(ok.id).toBeDefined();
    const other = (await post(socket, { body: 'About another case', caseId: w.cases[1] })) as {
      error?: { status: number };
    };
    expect(other.error).toMatchObject({ status: 400 });
    const general = (await post(socket, { body: 'General remark' })) as { error?: { status: number } };
    expect(general.error).toMatchObject({ status: 400 });
    const steer = (await socket.timeout(5000).emitWithAck('presenter:view', {
      sessionId: w.sessionId,
      caseId: w.cases[0],
      recordId: w.cases[0],
      view: {},
    })) as {
      error?: { status: number };
    };
    expect(steer.error).toMatchObject({ status: 403 });
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.every((e) => e.caseId === w.cases[0])).toBe(true);
    expect(seen.map((e) => e.payload.body).filter(Boolean)).toEqual([
      'live: invited case',
      'The patient prefers surgery close to home.',
    ]);
    // The board sees the guest's message, marked as a guest's.
    const boardSeen = collect(member);
    await post(socket, { body: 'Thank you.', caseId: w.cases[0] });
    await until(() => boardSeen.some((e) => e.payload.body === 'Thank you.'), 5000, "the guest's message at the board");
    expect(boardSeen.find((e) => e.payload.body === 'Thank you.')!.payload).toMatchObject({
      author: 'Dr. Maria Jones (guest)',
      guest: true,
    });

    // Votes belong to checked-in specialists: a guest never reaches the route.
    const vote = await request(t.http)
      .put(`/api/cases/${w.cases[0]}/plans/${w.cases[0]}/votes/me`)
      .set(bearer(guest))
      .send({ vote: 'agree' });
    expect(vote.status).toBe(403);
    const join2 = (await socket
      .timeout(5000)
      .emitWithAck('session:join', { sessionId: '00000000-0000-4000-8000-000000000000' })) as {
      error?: { status: number };
    };
    expect(join2.error?.status).toBe(404);
  });

  it('should cut the guest off within a second of revocation, everywhere, and record it all', async () => {
    const socket = sockets[sockets.length - 1];
    expect(socket.connected).toBe(true);
    const gone = new Promise<number>((resolve) => socket.once('disconnect', () => resolve(Date.now())));
    const clinician = await request(t.http)
      .post(`/api/guest-invitations/${invitation.id}/revocation`)
      .set(bearer(w.doctors[0].tokens));
    expect(clinician.status).toBe(403);
    const started = Date.now();
    const revoked = await request(t.http)
      .post(`/api/guest-invitations/${invitation.id}/revocation`)
      .set(bearer(w.coord.tokens));
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    const at = await gone;
    expect(at - started).toBeLessThan(1000);
    expect((await request(t.http).get('/api/guest/me').set(bearer(guest))).status).toBe(401);
    expect((await request(t.http).get(`/api/cases/${w.cases[0]}/records`).set(bearer(guest))).status).toBe(401);
    await expect(connectBoard(base, guest.accessToken)).rejects.toThrow();
    const refresh = await request(t.http).post('/api/auth/refresh').send({ refreshToken: guest.refreshToken });
    expect(refresh.status).toBe(401);

    const trail = await sql<{ action: string; outcome: string; actor_id: string | null }[]>(
      `SELECT action, outcome, actor_id FROM audit_event
        WHERE action LIKE 'guest.%' OR (actor_id = $1 AND action LIKE 'board.%')
        ORDER BY at, id`,
      [guestId],
    );
    const actions = trail.map((r) => `${r.action}:${r.outcome}`);
    for (const step of [
      'guest.invitation.create:success',
      'guest.invitation.list:success',
      'guest.invitation.redeem:success',
      'guest.view:success',
      'board.session.join:success',
      'board.message.post:success',
      'board.message.post:failure',
      'guest.invitation.revoke:denied',
      'guest.invitation.revoke:success',
      'board.socket.cut_off:denied',
    ])
      expect(actions).toContain(step);
  });
});
