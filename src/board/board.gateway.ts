import { HttpException, HttpStatus, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { DefaultEventsMap, Namespace, Socket } from 'socket.io';
import { AuditScope, type AuditSubject } from '../audit/audit-scope.js';
import { AuditService, type AuditEntry } from '../audit/audit.service.js';
import type { AccessChange } from '../auth/access-changes.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import type { Role } from '../auth/roles.js';
import { SessionsService } from '../auth/sessions.service.js';
import { HiddenResourceException } from '../common/hidden-resource.exception.js';
import { RequestValidationException, toProblem, type ProblemDetails } from '../common/problem.js';
import { assertValueWithinLimits, type BodyLimits } from '../common/body-limits.js';
import { assertStorableText } from '../common/validation.js';
import { AppConfig } from '../config/app-config.js';
import { TransactionContext } from '../database/transaction-context.js';
import { BoardDispatcher } from './board-dispatcher.service.js';
import { BoardSessionsService } from './board-sessions.service.js';
import { JoinSessionMessage, LeaveSessionMessage, PostMessage, PresenterViewMessage } from './dto/board-session.dto.js';
import { accessVerdict, SocketAccessCache, type AccessGrant, type AccessVerdict } from './socket-access.js';
import { UserMessageLimit } from './user-message-limit.js';
import { UserSocketSlots } from './user-socket-slots.js';
import type { BoardEvent } from '../events/event-log.service.js';

/** Shared with other instances (presence reads it through the adapter): no functions, nothing secret. */
interface SocketData {
  user: AuthenticatedUser;
  /** Access token expiry (epoch seconds). */
  exp: number;
}

interface JoinedSession {
  clinicId: string;
  /** A guest's socket: the one case whose events it may have. */
  onlyCase?: string;
  /** Cases whose events this socket has been shown, each already named in an audit row for it. */
  cases: Set<string>;
}

/** What this instance keeps about one of its sockets. */
interface LocalSocket {
  joined: Map<string, JoinedSession>;
  /** The session last joined, kept after leaving it: what a cut-off is audited against. */
  lastJoined?: string;
  /** Unsubscribes it everywhere and gives the user's connection slot back (idempotent). */
  dispose: () => void;
}

type BoardSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketData>;
type Denial = Exclude<AccessVerdict, { ok: true }>;

/** Client → server events and their audit actions. */
const ACTIONS = new Map([
  ['session:join', 'board.session.join'],
  ['session:leave', 'board.session.leave'],
  ['message:post', 'board.message.post'],
  ['presenter:view', 'board_session.presenter_view'],
]);
/** What a guest's socket may do: be in the room, and talk about the invited case (no presenter's controls). */
const GUEST_ACTIONS = new Set(['session:join', 'session:leave', 'message:post']);
/** Events counted against the user's message limit (people's messages; not where the presenter looks). */
const USER_LIMITED = new Set(['message:post']);
/** Events that read or write the log are checked against the database itself, not the cached grant. */
const FRESH_CHECK = new Set(['session:join', 'message:post']);

/** Every socket's grant is read again this often (catches changes made outside the API, e.g. in SQL). */
const ACCESS_SWEEP_MS = 1000;
/** A grant older than this is read again before an event is delivered on it. */
const ACCESS_TTL_MS = 2000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const room = (sessionId: string): string => `session:${sessionId}`;

/**
 * The board room's socket (`/board`, DESIGN.md "Realtime"). The handshake
 * needs a live access token and a free connection slot of the user's (at
 * most BOARD_USER_SOCKET_LIMIT across instances). Every event a client sends
 * and every event delivered to it is checked against the socket's authority
 * (session live, user enabled, same role, still a member of each joined
 * session's clinic): from the database for joins and posts, from a short
 * cache otherwise, which access changes (NOTIFY on commit) drop at once and
 * whose sockets they cut. Messages are limited per socket (in memory) and
 * per user (in PostgreSQL). Every read and write of the log is audited, and
 * so is the first event about each case a socket is shown, every refused
 * payload and every cut-off.
 */
@WebSocketGateway({ namespace: '/board' })
export class BoardGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationShutdown {
  @WebSocketServer() private nsp!: Namespace;
  private readonly log = new Logger(BoardGateway.name);
  private readonly flood: RateLimiterMemory;
  private readonly limits: AppConfig['boardUserLimits'];
  private readonly messages: UserMessageLimit;
  private readonly slots: UserSocketSlots;
  private readonly access: SocketAccessCache;
  private readonly local = new Map<string, LocalSocket>();
  private readonly bodyLimits: BodyLimits;
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly auth: SessionsService,
    private readonly boards: BoardSessionsService,
    private readonly dispatcher: BoardDispatcher,
    private readonly audit: AuditService,
    private readonly tx: TransactionContext,
    config: AppConfig,
  ) {
    this.flood = new RateLimiterMemory({ points: config.boardFloodLimit, duration: 1 });
    this.bodyLimits = config.bodyLimits;
    this.limits = config.boardUserLimits;
    this.messages = new UserMessageLimit(
      (sql, params) => this.tx.query(sql, params),
      this.limits.messages,
      this.limits.windowSeconds * 1000,
    );
    this.slots = new UserSocketSlots(config.database.url, this.limits.sockets, (m) => this.log.warn(m));
    this.access = new SocketAccessCache((ids) => this.readGrants(ids), ACCESS_TTL_MS);
  }

  afterInit(nsp: Namespace): void {
    nsp.use((socket, next) => {
      this.admit(socket as BoardSocket).then(
        () => next(),
        (error: Error) => next(error),
      );
    });
    // Each event is encoded once for all the local sockets that may have it (never sent to other instances: they read the log themselves).
    this.dispatcher.setDelivery((socketIds, event) => this.deliver(socketIds, event));
    this.dispatcher.onAccessChange((change) => this.accessChanged(change));
    this.sweep = setInterval(() => void this.recheck(), ACCESS_SWEEP_MS);
    this.sweep.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweep);
    await this.slots.close();
  }

  handleConnection(client: Socket): void {
    const socket = client as BoardSocket;
    const state = this.local.get(socket.id);
    if (socket.data.user === undefined || state === undefined) {
      socket.disconnect(true);
      return;
    }
    const untilExpiry = socket.data.exp * 1000 - Date.now();
    const expiry = setTimeout(
      () => this.cutOff(socket, 'token_expired', 'The access token expired', 401),
      Math.max(0, untilExpiry),
    );
    socket.once('disconnect', () => clearTimeout(expiry));

    socket.use((packet, next) => {
      void this.screen(socket, packet).then((ok) => {
        if (ok && socket.connected) next();
      });
    });
    this.handle(socket, 'session:join', JoinSessionMessage, (dto) => this.join(socket, state, dto));
    this.handle(socket, 'session:leave', LeaveSessionMessage, (dto) => this.leave(socket, state, dto.sessionId));
    this.handle(socket, 'message:post', PostMessage, (dto) =>
      this.audited(socket, 'board.message.post', () => this.boards.postMessage(socket.data.user, dto), true),
    );
    // The presenter's view over the socket: a tile-heavy page's HTTP queue never holds the pointer back.
    this.handle(socket, 'presenter:view', PresenterViewMessage, (dto) =>
      this.audited(
        socket,
        'board_session.presenter_view',
        () => this.boards.presenterView(socket.data.user, dto.sessionId, dto),
        true,
      ),
    );
  }

  handleDisconnect(client: Socket): void {
    this.local.get(client.id)?.dispose();
  }

  /** The handshake: a live token, then one of the user's connection slots. */
  private async admit(socket: BoardSocket): Promise<void> {
    await this.authenticate(socket);
    const { user } = socket.data;
    let slot: number | undefined;
    try {
      slot = await this.slots.acquire(user.id);
    } catch (error) {
      this.log.warn(`board connection slots unavailable: ${String(error)}`);
      throw refusal('unavailable', 503, 'The board room is unavailable; retry shortly');
    }
    if (slot === undefined) {
      await this.record(socket, {
        action: 'board.connect',
        entityType: null,
        outcome: 'denied',
        statusCode: 429,
        reason: 'too_many_connections',
      });
      throw refusal(
        'too_many_connections',
        429,
        `At most ${this.limits.sockets} board connections may be open per account; close one first`,
      );
    }
    const state: LocalSocket = {
      joined: new Map(),
      dispose: () => {
        if (this.local.get(socket.id) !== state) return;
        this.local.delete(socket.id);
        for (const sessionId of state.joined.keys()) {
          this.dispatcher.unsubscribe(sessionId, socket.id);
          void this.presence(sessionId);
        }
        void this.slots.release(user.id, slot);
      },
    };
    this.local.set(socket.id, state);
    // A client that goes before the handshake completes never gets a 'disconnect'.
    socket.conn.once('close', state.dispose);
    if (socket.conn.readyState !== 'open') state.dispose(); // it went while the slot was being taken
  }

  private async authenticate(socket: BoardSocket): Promise<void> {
    const auth: unknown = socket.handshake.auth;
    const token = typeof auth === 'object' && auth !== null && 'token' in auth ? auth.token : undefined;
    const claims = typeof token === 'string' ? await this.auth.verifyAccessToken(token) : undefined;
    const user = claims === undefined ? undefined : await this.auth.principal(claims);
    if (claims === undefined || user === undefined) {
      await this.audit
        .record({
          action: 'board.connect',
          outcome: 'denied',
          statusCode: 401,
          reason: token === undefined ? 'no_token' : 'invalid_token',
          ip: socket.handshake.address,
        })
        .catch(() => undefined);
      throw refusal('unauthorized', 401, 'A valid access token is required (auth: { token })');
    }
    socket.data = { user, exp: claims.exp ?? Math.floor(Date.now() / 1000) + 900 };
  }

  /**
   * Every client → server event passes here first: the socket's flood limit,
   * a known event, the socket's authority, the user's message limit. A
   * refusal answers the ack (or an `error` event) and is audited.
   */
  private async screen(socket: BoardSocket, packet: unknown[]): Promise<boolean> {
    const [event] = packet;
    const last = packet[packet.length - 1];
    const ack = packet.length > 1 && typeof last === 'function' ? (last as (response: unknown) => void) : undefined;
    const refuse = (problem: ProblemDetails): void => {
      if (ack !== undefined) ack({ error: problem });
      else socket.emit('error', { event, ...problem });
    };
    try {
      const flooding = await this.flood.consume(socket.id).then(
        () => false,
        () => true,
      );
      if (flooding) {
        const entityId = this.firstJoined(socket);
        if (this.cutOff(socket, 'rate_limited', 'Too many messages: slow down', 429))
          await this.record(socket, {
            action: 'board.socket.cut_off',
            entityId,
            outcome: 'denied',
            statusCode: 429,
            reason: 'rate_limited_socket',
          });
        return false;
      }
      const action = typeof event === 'string' ? ACTIONS.get(event) : undefined;
      if (typeof event !== 'string' || action === undefined) {
        await this.record(socket, {
          action: 'board.event.unknown',
          outcome: 'failure',
          statusCode: 400,
          reason: 'unknown_event',
        });
        refuse(
          toProblem(
            RequestValidationException.field('event', `the board room takes ${[...ACTIONS.keys()].join(', ')} only`),
          ),
        );
        return false;
      }
      if (socket.data.user.role === 'guest' && !GUEST_ACTIONS.has(event)) {
        await this.record(socket, {
          action,
          entityId: this.firstJoined(socket),
          outcome: 'denied',
          statusCode: 403,
          reason: 'guest_not_allowed',
        });
        refuse(toProblem(new HttpException('A guest takes part in the discussion only', 403)));
        return false;
      }
      const [verdict, limited] = await Promise.all([
        this.verify(socket, FRESH_CHECK.has(event)),
        USER_LIMITED.has(event) ? this.overUserLimit(socket, action) : undefined,
      ]);
      if (!verdict.ok) {
        refuse(toProblem(new HttpException(verdict.detail, verdict.status)));
        await this.deny(socket, verdict);
        return false;
      }
      if (limited !== undefined) {
        refuse(limited);
        return false;
      }
      return true;
    } catch (error) {
      refuse(this.problem(error));
      return false;
    }
  }

  /** The socket's authority now: from the database, or from a grant read within ACCESS_TTL_MS. */
  private async verify(socket: BoardSocket, fresh: boolean): Promise<AccessVerdict> {
    const sessionId = socket.data.user.sessionId;
    const cached = fresh ? undefined : this.access.fresh(sessionId);
    const grant = cached !== undefined ? cached.grant : (await this.access.load([sessionId])).get(sessionId);
    return this.verdictOf(socket, grant);
  }

  private verdictOf(socket: BoardSocket, grant: AccessGrant | undefined): AccessVerdict {
    const joined = this.local.get(socket.id)?.joined.values() ?? [];
    return accessVerdict(grant, { role: socket.data.user.role, joinedClinics: [...joined].map((j) => j.clinicId) });
  }

  /** The user's messages across all their sockets and instances (one counter in PostgreSQL); a problem when over. */
  private async overUserLimit(socket: BoardSocket, action: string): Promise<ProblemDetails | undefined> {
    const verdict = await this.messages.hit(socket.data.user.id);
    if (verdict.allowed) return undefined;
    // One audit row per block and instance, not one per refused message.
    if (verdict.first)
      await this.record(socket, {
        action,
        entityId: this.firstJoined(socket),
        outcome: 'denied',
        statusCode: 429,
        reason: 'rate_limited_user',
      });
    return tooMany(verdict.retryMs);
  }

  private async join(
    socket: BoardSocket,
    state: LocalSocket,
    dto: JoinSessionMessage,
  ): Promise<{ events: BoardEvent[] }> {
    let shown: string[] = [];
    let sessionId: string | undefined;
    const result = await this.audited(
      socket,
      'board.session.join',
      async () => {
        const session = await this.boards.member(socket.data.user, dto.sessionId);
        const isNew = !state.joined.has(session.id);
        const onlyCase = session.guestCaseId;
        if (isNew) state.joined.set(session.id, { clinicId: session.clinicId, cases: new Set(), onlyCase });
        state.lastJoined = session.id;
        try {
          await socket.join(room(session.id));
          const all = await this.dispatcher.subscribe(session.id, socket.id, dto.afterId ?? '0');
          // A guest's replay holds the invited case's events only.
          const events = onlyCase === undefined ? all : all.filter((e) => e.caseId === onlyCase);
          // Shown now: the agenda's cases (a guest's one case), and any other case the replay names.
          const patients = await this.boards.agendaPatients(session.id);
          if (onlyCase !== undefined) for (const c of [...patients.keys()]) if (c !== onlyCase) patients.delete(c);
          const others = events.flatMap(casesNamedBy).filter((c) => !patients.has(c));
          for (const [c, p] of await this.boards.patientsOfCases(others)) patients.set(c, p);
          AuditScope.describe({ disclosedPatientIds: [...patients.values()] });
          shown = [...patients.keys()];
          sessionId = session.id;
          void this.presence(session.id);
          return { events };
        } catch (error) {
          if (isNew) {
            state.joined.delete(session.id);
            this.dispatcher.unsubscribe(session.id, socket.id);
            await socket.leave(room(session.id));
          }
          throw error;
        }
      },
      false,
    );
    // The join's audit row (stored by now) names these patients: their events need no row of their own.
    const joined = sessionId === undefined ? undefined : state.joined.get(sessionId);
    for (const c of shown) joined?.cases.add(c);
    return result;
  }

  private async leave(socket: BoardSocket, state: LocalSocket, sessionId: string): Promise<{ left: boolean }> {
    const joined = state.joined.delete(sessionId);
    this.dispatcher.unsubscribe(sessionId, socket.id);
    await socket.leave(room(sessionId));
    if (joined) void this.presence(sessionId);
    return { left: joined };
  }

  /**
   * Sends one event to local subscribers, each checked first: a socket that
   * lost its authority is cut off (it would replay on reconnect anyway), and
   * the first event about a case a socket sees is audited for it (one row
   * per socket and case) before it is sent. Never throws.
   */
  private async deliver(socketIds: string[], event: BoardEvent): Promise<void> {
    try {
      const targets: BoardSocket[] = [];
      for (const id of socketIds) {
        const s = this.nsp.sockets.get(id) as BoardSocket | undefined;
        if (s !== undefined && s.connected && this.local.has(id)) targets.push(s);
      }
      if (targets.length === 0) return;
      const stale = targets.map((s) => s.data.user.sessionId).filter((sid) => this.access.fresh(sid) === undefined);
      let loaded = new Map<string, AccessGrant | undefined>();
      if (stale.length > 0) {
        try {
          loaded = await this.access.load(stale);
        } catch (error) {
          this.log.warn(`access check before delivery failed: ${String(error)}`);
        }
      }
      const allowed: BoardSocket[] = [];
      for (const s of targets) {
        const sid = s.data.user.sessionId;
        const entry = loaded.has(sid) ? { grant: loaded.get(sid) } : this.access.fresh(sid);
        if (entry === undefined) {
          this.cutOff(s, 'unavailable', 'The board room could not check your access; reconnect', 503);
          continue;
        }
        const verdict = this.verdictOf(s, entry.grant);
        if (!verdict.ok) {
          void this.deny(s, verdict);
          continue;
        }
        const only = event.sessionId === null ? undefined : this.local.get(s.id)?.joined.get(event.sessionId)?.onlyCase;
        if (only === undefined || event.caseId === only) allowed.push(s);
      }
      const named = event.sessionId === null ? [] : casesNamedBy(event);
      const send = named.length === 0 ? allowed : await this.firstSight(allowed, event.sessionId!, named);
      if (send.length > 0) this.nsp.local.to(send.map((s) => s.id)).emit('event', event);
    } catch (error) {
      this.log.error(`delivery failed: ${String(error)}`);
      for (const id of socketIds) {
        const s = this.nsp.sockets.get(id) as BoardSocket | undefined;
        if (s !== undefined) this.cutOff(s, 'unavailable', 'The board room could not deliver an event; reconnect', 503);
      }
    }
  }

  /** Audits, per socket, the cases of an event it has not been shown yet; returns the sockets that may have it. */
  private async firstSight(sockets: BoardSocket[], sessionId: string, caseIds: string[]): Promise<BoardSocket[]> {
    const needs = sockets
      .map((s) => {
        const joined = this.local.get(s.id)?.joined.get(sessionId);
        return { s, joined, cases: caseIds.filter((c) => joined?.cases.has(c) !== true) };
      })
      .filter((n) => n.cases.length > 0);
    if (needs.length === 0) return sockets;
    const patients = await this.boards.patientsOfCases([...new Set(needs.flatMap((n) => n.cases))]);
    const failed = new Set<BoardSocket>();
    await Promise.all(
      needs.map(async ({ s, joined, cases }) => {
        try {
          for (const caseId of cases) {
            await this.audit.record({
              ...this.actorOf(s),
              action: 'board.event.disclose',
              entityType: 'board_session',
              entityId: sessionId,
              caseId,
              patientId: patients.get(caseId) ?? null,
              outcome: 'success',
              statusCode: 200,
              reason: 'first_live_event',
            });
            joined?.cases.add(caseId);
          }
        } catch (error) {
          this.log.error(`could not audit a live disclosure: ${String(error)}`);
          failed.add(s);
          this.cutOff(s, 'unavailable', 'The board room could not record this delivery; reconnect', 503);
        }
      }),
    );
    return sockets.filter((s) => !failed.has(s) && s.connected);
  }

  /** A committed access change (on every instance): forget the grants it touches and check their sockets now. */
  private accessChanged(change: AccessChange | undefined): void {
    this.access.invalidate(change);
    const affected =
      change === undefined
        ? undefined
        : (s: BoardSocket): boolean =>
            'userId' in change ? s.data.user.id === change.userId : s.data.user.sessionId === change.sessionId;
    void this.recheck(affected);
  }

  /** Reads the grants of local sockets (all, or those `only` picks) and cuts off those that lost their authority. */
  private async recheck(only?: (s: BoardSocket) => boolean): Promise<void> {
    const all = [...this.nsp.sockets.values()] as BoardSocket[];
    const mine = all.filter((s) => s.data.user !== undefined && this.local.has(s.id));
    if (only === undefined) {
      this.access.retain(new Set(mine.map((s) => s.data.user.sessionId)));
      this.messages.prune();
    }
    const sockets = only === undefined ? mine : mine.filter(only);
    if (sockets.length === 0) return;
    try {
      const grants = await this.access.load(sockets.map((s) => s.data.user.sessionId));
      for (const s of sockets) {
        const verdict = this.verdictOf(s, grants.get(s.data.user.sessionId));
        if (!verdict.ok) void this.deny(s, verdict);
      }
    } catch (error) {
      this.log.warn(`access re-check failed: ${String(error)}`);
    }
  }

  /** One query for many login sessions: live, enabled, role, clinics. */
  private async readGrants(sessionIds: string[]): Promise<Map<string, AccessGrant>> {
    const rows = await this.tx.query<{
      session_id: string;
      user_id: string;
      role: Role;
      live: boolean;
      clinics: string[];
    }>(
      `SELECT s.id AS session_id, s.user_id, u.role,
              (s.revoked_at IS NULL AND s.expires_at > now() AND u.active) AS live,
              ARRAY(SELECT m.clinic_id::text FROM clinic_member m WHERE m.user_id = s.user_id
                    UNION
                    -- A guest belongs to the invited session's clinic while the invitation holds (join checks the session).
                    SELECT b.clinic_id::text FROM guest_invitation g JOIN board_session b ON b.id = g.session_id
                     WHERE g.guest_user_id = s.user_id AND g.revoked_at IS NULL AND g.access_until > now()) AS clinics
         FROM auth_session s JOIN app_user u ON u.id = s.user_id
        WHERE s.id = ANY($1::uuid[])`,
      [sessionIds],
    );
    return new Map(
      rows.map((r) => [
        r.session_id,
        { userId: r.user_id, role: r.role, live: r.live, clinics: new Set(r.clinics) } satisfies AccessGrant,
      ]),
    );
  }

  /** Cuts a socket that lost its authority, and audits it once. */
  private async deny(socket: BoardSocket, verdict: Denial): Promise<void> {
    const entityId = this.firstJoined(socket);
    if (!this.cutOff(socket, verdict.code, verdict.detail, verdict.status)) return;
    await this.record(socket, {
      action: 'board.socket.cut_off',
      entityId,
      outcome: 'denied',
      statusCode: verdict.status,
      reason: verdict.code,
    });
  }

  /** Who is in the session's room now, on every instance (not logged). */
  private async presence(sessionId: string): Promise<void> {
    try {
      const sockets = await this.nsp.in(room(sessionId)).fetchSockets();
      const users = new Map<string, { id: string; displayName: string }>();
      for (const s of sockets) {
        const data = s.data as Partial<SocketData>;
        if (data.user !== undefined) users.set(data.user.id, { id: data.user.id, displayName: data.user.displayName });
      }
      this.nsp.to(room(sessionId)).emit('presence', { sessionId, users: [...users.values()] });
    } catch (error) {
      this.log.warn(`presence update failed: ${String(error)}`);
    }
  }

  /**
   * Registers a client → server event: payload validated (a 400 naming the
   * fields, never a crash, audited), result or problem sent in the ack, or as
   * an `error` event when the client gave no ack.
   */
  private handle<T extends object>(
    socket: BoardSocket,
    event: string,
    type: new () => T,
    work: (dto: T) => Promise<unknown>,
  ): void {
    socket.on(event, (payload: unknown, ack?: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (response: unknown) => void) : undefined;
      this.validated(type, payload)
        .catch(async (error: unknown) => {
          await this.record(socket, {
            action: ACTIONS.get(event) ?? event,
            outcome: 'failure',
            statusCode: 400,
            reason: 'invalid_payload',
          });
          throw error;
        })
        .then(work)
        .then(
          (result) => reply?.(result),
          (error: unknown) => {
            const problem = this.problem(error);
            if (reply !== undefined) reply({ error: problem });
            else socket.emit('error', { event, ...problem });
          },
        );
    });
  }

  private async validated<T extends object>(type: new () => T, payload: unknown): Promise<T> {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      throw RequestValidationException.field('payload', 'the payload must be an object');
    // Bounded before the walks and the transform below (64 kB can nest 30,000 deep).
    assertValueWithinLimits(payload, this.bodyLimits);
    assertStorableText(payload);
    const dto = plainToInstance(type, payload);
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
    if (errors.length > 0) throw RequestValidationException.fromValidationErrors(errors);
    return dto;
  }

  private problem(error: unknown): ProblemDetails {
    const problem = toProblem(error);
    if (problem.status >= 500) this.log.error(`board socket handler failed: ${String(error)}`);
    return problem;
  }

  /** Runs a socket action in one transaction with its audit row (a denied or failed one is audited too). */
  private async audited<T>(socket: BoardSocket, action: string, work: () => Promise<T>, write: boolean): Promise<T> {
    const subject: AuditSubject = {};
    const entry = (outcome: 'success' | 'failure' | 'denied', statusCode: number) => ({
      ...this.actorOf(socket),
      action,
      entityType: 'board_session',
      entityId: subject.entityId ?? null,
      caseId: subject.caseId ?? null,
      patientId: subject.patientId ?? null,
      disclosedPatientIds: subject.disclosedPatientIds ?? null,
      outcome,
      statusCode,
    });
    return AuditScope.run(subject, async () => {
      try {
        const run = async (): Promise<T> => {
          const result = await work();
          await this.audit.record(entry('success', write ? 201 : 200));
          return result;
        };
        return write ? await this.tx.run(run) : await run();
      } catch (error) {
        const status = toProblem(error).status;
        await this.audit
          .record({
            ...entry(error instanceof HiddenResourceException ? 'denied' : 'failure', status),
            reason: error instanceof HiddenResourceException ? 'not_in_scope' : 'request_failed',
          })
          .catch(() => undefined);
        throw error;
      }
    });
  }

  private actorOf(socket: BoardSocket): Pick<AuditEntry, 'actorId' | 'actorRole' | 'ip'> {
    return { actorId: socket.data.user.id, actorRole: socket.data.user.role, ip: socket.handshake.address };
  }

  /** An audit row about a socket (outside any transaction; a failure to write it is logged, not thrown). */
  private async record(
    socket: BoardSocket,
    entry: Pick<AuditEntry, 'action' | 'outcome' | 'statusCode' | 'reason'> & Partial<AuditEntry>,
  ): Promise<void> {
    await this.audit
      .record({ entityType: 'board_session', ...this.actorOf(socket), ...entry })
      .catch((error: unknown) => this.log.error(`could not record a board socket refusal: ${String(error)}`));
  }

  /** The session a socket's refusal is about: the first it is in, else the one it was last in. */
  private firstJoined(socket: BoardSocket): string | null {
    const state = this.local.get(socket.id);
    const joined = state?.joined.keys().next();
    return joined === undefined || joined.done === true ? (state?.lastJoined ?? null) : joined.value;
  }

  /** Sends the reason and disconnects; false when the socket was gone already. */
  private cutOff(socket: BoardSocket, code: string, detail: string, status: number): boolean {
    if (!socket.connected) return false;
    socket.emit('error', { code, status, detail });
    socket.disconnect(true);
    return true;
  }
}

/** A handshake refusal as the client sees it (`connect_error` with `data`). */
function refusal(message: string, status: number, detail: string): Error {
  const error = new Error(message) as Error & { data?: unknown };
  error.data = { status, detail };
  return error;
}

function tooMany(retryMs: number): ProblemDetails {
  const seconds = Math.max(1, Math.ceil(retryMs / 1000));
  return {
    ...toProblem(
      new HttpException(
        `Too many board messages from this account; retry in ${seconds} s`,
        HttpStatus.TOO_MANY_REQUESTS,
      ),
    ),
    retryAfterSeconds: seconds,
  };
}

/** The cases an event is about (its case, and the cases an agenda change names). */
function casesNamedBy(event: BoardEvent): string[] {
  const ids = new Set<string>();
  if (event.caseId !== null) ids.add(event.caseId);
  const p = event.payload;
  for (const value of [p.caseId, p.added]) if (typeof value === 'string') ids.add(value);
  if (Array.isArray(p.agenda))
    for (const item of p.agenda as unknown[])
      if (typeof item === 'object' && item !== null && typeof (item as { caseId?: unknown }).caseId === 'string')
        ids.add((item as { caseId: string }).caseId);
  return [...ids].filter((id) => UUID.test(id));
}
