import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
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
import { bearer, createTestApp, createUser, login, type TestApp, type Tokens } from './utils/test-app.js';

describe('Board sessions and the /board socket', () => {
  let t: TestApp;
  let admin: Tokens;
  let baseUrl: string;
  const sockets: Socket[] = [];
  const sql = (query: string, params: unknown[]): Promise<unknown> => t.dataSource.query(query, params);
  const open = async (token: string | undefined, origin?: string): Promise<Socket> => {
    const s = await connectBoard(baseUrl, token, { origin });
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    t = await createTestApp({ BOARD_FLOOD_LIMIT: '20', CORS_ORIGINS: 'https://board.example.org' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = baseUrlOf(t.http);
    admin = await login(t, await createUser(t, 'admin'));
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  describe('REST', () => {
    let w: BoardWorld;
    beforeAll(async () => {
      w = await boardWorld(t.http, admin, sql, { cases: 3 });
    });

    it('should keep an ordered agenda, mark standard-of-care cases, and hide the session from non-members', async () => {
      const coord = bearer(w.coord.tokens);
      const reordered = await request(t.http)
        .put(`/api/board-sessions/${w.sessionId}/agenda/order`)
        .set(coord)
        .send({ caseIds: [w.cases[2], w.cases[0], w.cases[1]] });
      expect(reordered.status).toBe(200);
      expect((reordered.body as { caseId: string }[]).map((a) => a.caseId)).toEqual([
        w.cases[2],
        w.cases[0],
        w.cases[1],
      ]);
      const partial = await request(t.http)
        .put(`/api/board-sessions/${w.sessionId}/agenda/order`)
        .set(coord)
        .send({ caseIds: [w.cases[0]] });
      expect(partial.status).toBe(400);
      expect(partial.body.errors[0].field).toBe('caseIds');
      const soc = await request(t.http)
        .patch(`/api/board-sessions/${w.sessionId}/agenda/${w.cases[1]}`)
        .set(coord)
        .send({ mode: 'standard_of_care' });
      expect(soc.status).toBe(200);
      expect((soc.body as { caseId: string; mode: string }[]).find((a) => a.caseId === w.cases[1])?.mode).toBe(
        'standard_of_care',
      );
      const twice = await request(t.http)
        .post(`/api/board-sessions/${w.sessionId}/agenda`)
        .set(coord)
        .send({ caseId: w.cases[0] });
      expect(twice.status).toBe(409);

      const hidden = await request(t.http).get(`/api/board-sessions/${w.sessionId}`).set(bearer(w.outsider.tokens));
      expect(hidden.status).toBe(404);
      const byAdmin = await request(t.http).get(`/api/board-sessions/${w.sessionId}`).set(bearer(admin));
      expect(byAdmin.status).toBe(403); // admins read patient data only under break-glass, never in a board room
      const byClinician = await request(t.http)
        .put(`/api/board-sessions/${w.sessionId}/agenda/order`)
        .set(bearer(w.doctors[0].tokens))
        .send({ caseIds: w.cases });
      expect(byClinician.status).toBe(403);
      const list = await request(t.http)
        .get('/api/board-sessions')
        .query({ clinicId: w.clinicId })
        .set(bearer(w.doctors[0].tokens));
      expect(list.status).toBe(200);
      expect((list.body.items as { id: string }[]).map((s) => s.id)).toEqual([w.sessionId]);
    });

    it('should track attendance and quorum live, and record whether each presented case was prospective', async () => {
      const [pathologist, oncologist] = w.doctors;
      const wrong = await request(t.http)
        .post(`/api/board-sessions/${w.sessionId}/attendance`)
        .set(bearer(pathologist.tokens))
        .send({ discipline: 'radiation_oncology' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.errors[0].field).toBe('discipline');
      const first = await request(t.http)
        .post(`/api/board-sessions/${w.sessionId}/attendance`)
        .set(bearer(pathologist.tokens))
        .send({ discipline: 'pathology' });
      expect(first.status).toBe(201);
      expect(first.body.quorum).toEqual({
        required: ['pathology', 'medical_oncology'],
        present: ['pathology'],
        missing: ['medical_oncology'],
        met: false,
      });
      const again = await request(t.http)
        .post(`/api/board-sessions/${w.sessionId}/attendance`)
        .set(bearer(pathologist.tokens))
        .send({ discipline: 'pathology' });
      expect(again.status).toBe(409);
      // A coordinator checks the oncologist in.
      const second = await request(t.http)
        .post(`/api/board-sessions/${w.sessionId}/attendance`)
        .set(bearer(w.coord.tokens))
        .send({ discipline: 'medical_oncology', userId: oncologist.id });
      expect(second.body.quorum.met).toBe(true);
      const out = await request(t.http)
        .post(`/api/board-sessions/${w.sessionId}/attendance/check-out`)
        .set(bearer(pathologist.tokens))
        .send({});
      expect(out.status).toBe(200);
      expect(out.body.quorum).toMatchObject({ met: false, missing: ['pathology'] });
      expect(out.body.entries).toHaveLength(2);
      const twice = await request(t.http)
        .post(`/api/board-sessions/${w.sessionId}/attendance/check-out`)
        .set(bearer(pathologist.tokens))
        .send({});
      expect(twice.status).toBe(409);

      // Both newly diagnosed, before treatment (CoC 2.5): the first is treated after the board, prospective;
      // the second was already treated before it, not prospective; the third is not presented.
      for (const caseId of [w.cases[0], w.cases[1]]) {
        const reason = await request(t.http)
          .patch(`/api/board-sessions/${w.sessionId}/agenda/${caseId}`)
          .set(bearer(w.coord.tokens))
          .send({ presentationReason: 'newly_diagnosed_pretreatment' });
        expect(reason.status).toBe(200);
      }
      await sql(`UPDATE second_opinion_case SET first_treatment_date = '2099-01-15' WHERE id = $1`, [w.cases[0]]);
      await sql(`UPDATE second_opinion_case SET first_treatment_date = '2026-01-15' WHERE id = $1`, [w.cases[1]]);
      await sql(`UPDATE second_opinion_case SET status = 'evaluated' WHERE id = $1`, [w.cases[0]]);
      const byClinician = await request(t.http)
        .post(`/api/board-sessions/${w.sessionId}/presenting`)
        .set(bearer(pathologist.tokens))
        .send({ caseId: w.cases[0] });
      expect(byClinician.status).toBe(403);
      for (const caseId of [w.cases[0], w.cases[1]]) {
        const res = await request(t.http)
          .post(`/api/board-sessions/${w.sessionId}/presenting`)
          .set(bearer(oncologist.tokens)) // the chair
          .send({ caseId });
        expect(res.status).toBe(200);
      }
      const detail = await request(t.http).get(`/api/board-sessions/${w.sessionId}`).set(bearer(w.coord.tokens));
      expect(detail.body.status).toBe('in_progress');
      expect(detail.body.presentingCaseId).toBe(w.cases[1]);
      const byCase = Object.fromEntries(
        (detail.body.agenda as { caseId: string; prospective: boolean | null }[]).map((a) => [a.caseId, a.prospective]),
      );
      expect(byCase).toEqual({ [w.cases[0]]: true, [w.cases[1]]: false, [w.cases[2]]: null });
      // Presenting an evaluated case puts it in review.
      const c = await request(t.http).get(`/api/cases/${w.cases[0]}`).set(bearer(w.coord.tokens));
      expect(c.body.status).toBe('in_review');
      const notOnAgenda = await request(t.http)
        .post(`/api/board-sessions/${w.sessionId}/presenting`)
        .set(bearer(w.coord.tokens))
        .send({ caseId: '00000000-0000-4000-8000-000000000000' });
      expect(notOnAgenda.status).toBe(400);
    });

    it('should change session status only along its workflow, with If-Match', async () => {
      const s = await request(t.http).get(`/api/board-sessions/${w.sessionId}`).set(bearer(w.coord.tokens));
      const etag = s.headers.etag;
      const missing = await request(t.http)
        .patch(`/api/board-sessions/${w.sessionId}`)
        .set(bearer(w.coord.tokens))
        .send({ status: 'closed' });
      expect(missing.status).toBe(428);
      const illegal = await request(t.http)
        .patch(`/api/board-sessions/${w.sessionId}`)
        .set(bearer(w.coord.tokens))
        .set('If-Match', etag)
        .send({ status: 'cancelled' });
      expect(illegal.status).toBe(409);
      const bad = await request(t.http)
        .patch(`/api/board-sessions/${w.sessionId}`)
        .set(bearer(w.coord.tokens))
        .set('If-Match', etag)
        .send({ endsAt: '2020-01-01T00:00:00Z' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('endsAt');
    });
  });

  describe('socket', () => {
    let w: BoardWorld;
    beforeAll(async () => {
      w = await boardWorld(t.http, admin, sql, { cases: 2, consent: [true, false] });
    });

    it('should refuse handshakes without a valid token or from a foreign origin', async () => {
      await expect(open(undefined)).rejects.toThrow('unauthorized');
      await expect(open('not-a-token')).rejects.toThrow('unauthorized');
      const claims = t.app
        .get(JwtService)
        .decode<{ sub: string; sid: string; role: string }>(w.doctors[0].tokens.accessToken);
      const expired = await t.app
        .get(JwtService)
        .signAsync({ sub: claims.sub, sid: claims.sid, role: claims.role }, { expiresIn: -10 });
      await expect(open(expired)).rejects.toThrow('unauthorized');
      const leaving = await login(t, { email: await emailOf(w.doctors[0].id), password: 'a-long-test-password' });
      await request(t.http).post('/api/auth/logout').set(bearer(leaving)).send({ refreshToken: leaving.refreshToken });
      await expect(open(leaving.accessToken)).rejects.toThrow('unauthorized');
      await expect(open(w.doctors[0].tokens.accessToken, 'https://evil.example.org')).rejects.toThrow();
      const allowed = await open(w.doctors[0].tokens.accessToken, 'https://board.example.org');
      expect(allowed.connected).toBe(true);
      const denied = await t.dataSource.query<{ n: number }[]>(
        // Anonymous denials are counted in the aggregate; those that name a user are rows.
        `SELECT ((SELECT count(*) FROM audit_event WHERE action = 'board.connect' AND outcome = 'denied')
               + (SELECT coalesce(sum(count), 0) FROM audit_refusal_aggregate WHERE action = 'board.connect'))::int AS n`,
      );
      expect(denied[0].n).toBeGreaterThanOrEqual(4);
    });

    it('should let only members join, deliver live events to members, and store a repeated clientMsgId once', async () => {
      const outsider = await open(w.outsider.tokens.accessToken);
      const refused = await outsider.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId });
      expect(refused.error).toMatchObject({ status: 404 });

      const pathologist = await open(w.doctors[0].tokens.accessToken);
      const oncologist = await open(w.doctors[1].tokens.accessToken);
      const seen = collect(pathologist);
      const presence: { users: { id: string }[] }[] = [];
      pathologist.on('presence', (p: { users: { id: string }[] }) => presence.push(p));
      const joined = await pathologist.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId });
      expect(joined.events.length).toBeGreaterThan(0); // the session's history so far
      await oncologist.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId });
      await until(() => presence.some((p) => p.users.length === 2), 5000, 'presence of two');

      const post = {
        sessionId: w.sessionId,
        caseId: w.cases[0],
        body: 'Margins look clear on re-review.',
        clientMsgId: 'm-1',
      };
      const first = await oncologist.timeout(5000).emitWithAck('message:post', post);
      const repeat = await oncologist.timeout(5000).emitWithAck('message:post', post);
      expect(repeat).toEqual({ id: first.id, duplicate: true });
      await request(t.http)
        .post(`/api/board-sessions/${w.sessionId}/attendance`)
        .set(bearer(w.doctors[1].tokens))
        .send({ discipline: 'medical_oncology' });
      await until(() => seen.some((e) => e.type === 'attendance.changed'), 5000, 'the REST change');
      // A change made through another module, to a case on the agenda, reaches the room too.
      const moved = await request(t.http)
        .post(`/api/cases/${w.cases[0]}/transitions`)
        .set(bearer(w.coord.tokens))
        .send({ to: 'records_pending', reason: 'outside slides still missing' });
      expect(moved.status).toBe(200);
      await until(() => seen.some((e) => e.type === 'case.transitioned'), 5000, "the cases module's event");
      expect(seen.find((e) => e.type === 'case.transitioned')).toMatchObject({
        sessionId: w.sessionId,
        caseId: w.cases[0],
        payload: { from: 'ready', to: 'records_pending' },
      });
      const messages = seen.filter((e) => e.type === 'message.posted');
      expect(messages).toHaveLength(1);
      expect(seen.map((e) => e.type)).toContain('attendance.changed');
      expect(messages[0]).toMatchObject({
        id: first.id,
        sessionId: w.sessionId,
        caseId: w.cases[0],
        actor: w.doctors[1].id,
        payload: { body: post.body, clientMsgId: 'm-1' },
      });
      const stored = await t.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM board_event WHERE type = 'message.posted' AND payload->>'clientMsgId' = 'm-1'`,
      );
      expect(stored[0].n).toBe(1);
      // An event too large for a notification is read from the log instead, and arrives all the same.
      const long = '€'.repeat(3000);
      const big = await oncologist
        .timeout(5000)
        .emitWithAck('message:post', { sessionId: w.sessionId, body: long, clientMsgId: 'big-1' });
      await until(() => seen.some((e) => e.id === big.id), 5000, 'the large event');
      // Live events are exactly as stored: a fresh replay shows the same.
      const replayer = await open(w.doctors[0].tokens.accessToken);
      const replay = (await replayer.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId }))
        .events as BoardEventMessage[];
      for (const e of seen) expect(replay.find((r) => r.id === e.id)).toEqual(e);
      expect(seen.find((e) => e.id === big.id)?.payload.body).toBe(long);
      // In id order, as stored.
      const ids = seen.map((e) => BigInt(e.id));
      expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
      const audit = await t.dataSource.query<{ action: string; outcome: string }[]>(
        `SELECT action, outcome FROM audit_event WHERE action LIKE 'board.%' AND actor_id = $1 ORDER BY id`,
        [w.doctors[1].id],
      );
      expect(audit).toEqual(
        expect.arrayContaining([
          { action: 'board.session.join', outcome: 'success' },
          { action: 'board.message.post', outcome: 'success' },
        ]),
      );
    });

    it("should share the presenter's view with the room live and on replay, from the chair or a coordinator only", async () => {
      const chair = bearer(w.doctors[1].tokens); // the oncologist chairs
      const url = `/api/board-sessions/${w.sessionId}/presenter-view`;
      const view = { caseId: w.cases[0], recordId: null, zoom: 2.5, x: 0.4, y: 0.3, pointerX: 0.41, pointerY: 0.33 };
      // Nothing on screen yet: the view belongs to the case being presented.
      const notOnScreen = await request(t.http).put(url).set(chair).send(view);
      expect(notOnScreen.status).toBe(409);
      const presented = await request(t.http)
        .post(`/api/board-sessions/${w.sessionId}/presenting`)
        .set(chair)
        .send({ caseId: w.cases[0] });
      expect(presented.status).toBe(200);
      const member = await open(w.doctors[0].tokens.accessToken);
      const seen = collect(member);
      await member.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId });

      const byMember = await request(t.http).put(url).set(bearer(w.doctors[0].tokens)).send(view);
      expect(byMember.status).toBe(403);
      const byOutsider = await request(t.http).put(url).set(bearer(w.outsider.tokens)).send(view);
      expect(byOutsider.status).toBe(404);
      const otherCase = await request(t.http)
        .put(url)
        .set(chair)
        .send({ ...view, caseId: w.cases[1] });
      expect(otherCase.status).toBe(409);
      const foreignRecord = await request(t.http)
        .put(url)
        .set(chair)
        .send({ ...view, recordId: '00000000-0000-4000-8000-000000000000' });
      expect(foreignRecord.status).toBe(400);
      expect(foreignRecord.body.errors[0].field).toBe('recordId');
      const halfPointer = await request(t.http)
        .put(url)
        .set(chair)
        .send({ ...view, pointerY: undefined });
      expect(halfPointer.status).toBe(400);
      expect(halfPointer.body.errors[0].field).toBe('pointerY');
      const badZoom = await request(t.http)
        .put(url)
        .set(chair)
        .send({ ...view, zoom: 0 });
      expect(badZoom.status).toBe(400);
      expect(badZoom.body.errors[0].field).toBe('zoom');

      const sentAt = Date.now();
      const ok = await request(t.http).put(url).set(chair).send(view);
      expect(ok.status).toBe(200);
      await until(() => seen.some((e) => e.id === ok.body.eventId), 1000, 'the view, within a second');
      expect(Date.now() - sentAt).toBeLessThan(1000);
      expect(seen.find((e) => e.id === ok.body.eventId)).toMatchObject({
        type: 'presenter.view',
        caseId: w.cases[0],
        payload: { recordId: null, page: null, zoom: 2.5, x: 0.4, y: 0.3, pointer: { x: 0.41, y: 0.33 } },
      });
      // A member who joins later is put on the same view from the log.
      const late = await open(w.doctors[0].tokens.accessToken);
      const replay = (await late.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId }))
        .events as BoardEventMessage[];
      expect(replay.filter((e) => e.type === 'presenter.view').pop()?.id).toBe(ok.body.eventId);
      // The transcript is the discussion's record, not where the view moved.
      const transcript = await request(t.http).get(`/api/board-sessions/${w.sessionId}/transcript`).set(chair);
      expect((transcript.body.events as { type: string }[]).map((e) => e.type)).not.toContain('presenter.view');
      const audit = await t.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM audit_event WHERE action = 'board_session.presenter_view' AND outcome = 'success'`,
      );
      expect(audit[0].n).toBe(1);

      // The same view over the room's socket (how the app sends it): the same checks, the same event.
      const chairSocket = await open(w.doctors[1].tokens.accessToken);
      await chairSocket.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId });
      const viaSocket = (await chairSocket
        .timeout(5000)
        .emitWithAck('presenter:view', { sessionId: w.sessionId, ...view, zoom: 3 })) as { eventId: string };
      await until(() => seen.some((e) => e.id === viaSocket.eventId), 1000, 'the socket view, within a second');
      expect(seen.find((e) => e.id === viaSocket.eventId)).toMatchObject({
        type: 'presenter.view',
        payload: { zoom: 3 },
      });
      const wrongCase = (await chairSocket
        .timeout(5000)
        .emitWithAck('presenter:view', { sessionId: w.sessionId, ...view, caseId: w.cases[1] })) as {
        error: { status: number };
      };
      expect(wrongCase.error.status).toBe(409);
      const memberSays = (await late
        .timeout(5000)
        .emitWithAck('presenter:view', { sessionId: w.sessionId, ...view })) as { error: { status: number } };
      expect(memberSays.error.status).toBe(403);
      const halfOverSocket = (await chairSocket
        .timeout(5000)
        .emitWithAck('presenter:view', { sessionId: w.sessionId, ...view, pointerX: undefined })) as {
        error: { status: number; errors: { field: string }[] };
      };
      expect(halfOverSocket.error.status).toBe(400);
      expect(halfOverSocket.error.errors[0]?.field).toBe('pointerY');
      const outcomes = await t.dataSource.query<{ outcome: string; n: number }[]>(
        `SELECT outcome, count(*)::int AS n FROM audit_event WHERE action = 'board_session.presenter_view'
         GROUP BY outcome ORDER BY outcome`,
      );
      expect(outcomes).toEqual(expect.arrayContaining([{ outcome: 'success', n: 2 }]));
      // Give the connection slots back for the tests that follow.
      member.close();
      late.close();
      chairSocket.close();
    });

    it('should answer a bad payload with a 400 naming the field, and keep the socket', async () => {
      const s = await open(w.doctors[0].tokens.accessToken);
      const noBody = await s.timeout(5000).emitWithAck('message:post', { sessionId: w.sessionId, clientMsgId: 'x' });
      expect(noBody.error.status).toBe(400);
      expect((noBody.error.errors as { field: string }[]).map((e) => e.field)).toContain('body');
      const notObject = await s.timeout(5000).emitWithAck('session:join', 'hello');
      expect(notObject.error).toMatchObject({ status: 400, errors: [{ field: 'payload' }] });
      const extra = await s.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId, admin: true });
      expect(extra.error.errors[0].field).toBe('admin');
      const errors: { event: string; status: number }[] = [];
      s.on('error', (e: { event: string; status: number }) => errors.push(e));
      s.emit('message:post', { sessionId: 'nope' }); // no ack: an error event
      await until(() => errors.length > 0, 5000, 'error event');
      expect(errors[0]).toMatchObject({ event: 'message:post', status: 400 });
      const notOnAgenda = await s
        .timeout(5000)
        .emitWithAck('message:post', { sessionId: w.sessionId, caseId: w.clinicId, body: 'x', clientMsgId: 'y' });
      expect(notOnAgenda.error.errors[0].field).toBe('caseId');
      expect(s.connected).toBe(true);
    });

    it('should cut off a flooding socket with an error event', async () => {
      const s = await open(w.doctors[0].tokens.accessToken);
      const errors: { code: string }[] = [];
      s.on('error', (e: { code: string }) => errors.push(e));
      const gone = new Promise<void>((resolve) => s.once('disconnect', () => resolve()));
      for (let i = 0; i < 60; i++) s.emit('session:leave', { sessionId: w.sessionId });
      await gone;
      expect(errors.some((e) => e.code === 'rate_limited')).toBe(true);
    });

    it('should disconnect a socket when its access token expires', async () => {
      const jwt = t.app.get(JwtService);
      const claims = jwt.decode<{ sub: string; sid: string; role: string }>(w.doctors[1].tokens.accessToken);
      const shortLived = await jwt.signAsync({ sub: claims.sub, sid: claims.sid, role: claims.role }, { expiresIn: 2 });
      const s = await open(shortLived);
      const errors: { code: string }[] = [];
      s.on('error', (e: { code: string }) => errors.push(e));
      const connectedAt = Date.now();
      await new Promise<void>((resolve) => s.once('disconnect', () => resolve()));
      expect(Date.now() - connectedAt).toBeLessThan(5000);
      expect(errors.map((e) => e.code)).toEqual(['token_expired']);
    });

    it('should disconnect a socket within 5 s of its session being revoked or its user disabled', async () => {
      const tokens = await login(t, { email: await emailOf(w.doctors[0].id), password: 'a-long-test-password' });
      const s = await open(tokens.accessToken);
      const gone = new Promise<number>((resolve) => s.once('disconnect', () => resolve(Date.now())));
      const revokedAt = Date.now();
      await request(t.http).post('/api/auth/logout').set(bearer(tokens)).send({ refreshToken: tokens.refreshToken });
      expect((await gone) - revokedAt).toBeLessThan(5000);

      const temp = await createUser(t, 'clinician');
      const tempTokens = await login(t, temp);
      const s2 = await open(tempTokens.accessToken);
      const gone2 = new Promise<number>((resolve) => s2.once('disconnect', () => resolve(Date.now())));
      const disabledAt = Date.now();
      await sql('UPDATE app_user SET active = false WHERE id = $1', [temp.id]);
      expect((await gone2) - disabledAt).toBeLessThan(5000);
    });

    it('should export a transcript in order, leaving out messages about patients who did not consent', async () => {
      const s = await open(w.doctors[1].tokens.accessToken);
      await s.timeout(5000).emitWithAck('session:join', { sessionId: w.sessionId });
      await s.timeout(5000).emitWithAck('message:post', {
        sessionId: w.sessionId,
        caseId: w.cases[1],
        body: 'Not for the record',
        clientMsgId: 'secret-1',
      });
      await s
        .timeout(5000)
        .emitWithAck('message:post', { sessionId: w.sessionId, body: 'General note', clientMsgId: 'g-1' });
      const json = await request(t.http)
        .get(`/api/board-sessions/${w.sessionId}/transcript`)
        .set(bearer(w.coord.tokens));
      expect(json.status).toBe(200);
      const events = json.body.events as BoardEventMessage[];
      const bodies = events.map((e) => e.payload.body as string | undefined).filter((b) => b !== undefined);
      expect(bodies.filter((b) => !b.startsWith('€'))).toEqual(['Margins look clear on re-review.', 'General note']);
      expect(bodies).toHaveLength(3);
      expect(json.body.omittedMessages).toBe(1);
      expect(events.map((e) => BigInt(e.id))).toEqual(
        [...events.map((e) => BigInt(e.id))].sort((a, b) => (a < b ? -1 : 1)),
      );
      const md = await request(t.http)
        .get(`/api/board-sessions/${w.sessionId}/transcript`)
        .query({ format: 'markdown' })
        .set(bearer(w.coord.tokens));
      expect(md.headers['content-type']).toMatch(/^text\/markdown/);
      expect(md.text).toContain('# Breast tumor board');
      expect(md.text).toContain('General note');
      expect(md.text).not.toContain('Not for the record');
      // Kept in the record all the same.
      const kept = await t.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM board_event WHERE payload->>'clientMsgId' = 'secret-1'`,
      );
      expect(kept[0].n).toBe(1);
    });
  });

  async function emailOf(id: string): Promise<string> {
    const rows = await t.dataSource.query<{ email: string }[]>('SELECT email FROM app_user WHERE id = $1', [id]);
    return rows[0].email;
  }
});
