import { Logger, type OnApplicationShutdown } from '@nestjs/common';
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
import { AuditService } from '../audit/audit.service.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { SessionsService } from '../auth/sessions.service.js';
import { HiddenResourceException } from '../common/hidden-resource.exception.js';
import { RequestValidationException, toProblem, type ProblemDetails } from '../common/problem.js';
import { assertStorableText } from '../common/validation.js';
import { AppConfig } from '../config/app-config.js';
import { TransactionContext } from '../database/transaction-context.js';
import { BoardDispatcher } from './board-dispatcher.service.js';
import { BoardSessionsService } from './board-sessions.service.js';
import { JoinSessionMessage, LeaveSessionMessage, PostMessage } from './dto/board-session.dto.js';
import type { BoardEvent } from '../events/event-log.service.js';

interface SocketData {
  user: AuthenticatedUser;
  /** Access token expiry (epoch seconds). */
  exp: number;
  joined: Set<string>;
}

type BoardSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, SocketData>;

/** How often sockets are checked against revoked sessions and disabled users (the limit is 5 s). */
const REVOCATION_SWEEP_MS = 2000;
const room = (sessionId: string): string => `session:${sessionId}`;

/**
 * The board room's socket (`/board`, DESIGN.md "Realtime"). The handshake
 * needs a live access token; joining and posting need membership of the
 * session's clinic, checked every time; every read and write of the log is
 * audited. Events come from the log through BoardDispatcher; presence is
 * ephemeral and crosses instances through the adapter.
 */
@WebSocketGateway({ namespace: '/board' })
export class BoardGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationShutdown {
  @WebSocketServer() private nsp!: Namespace;
  private readonly log = new Logger(BoardGateway.name);
  private readonly flood: RateLimiterMemory;
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
  }

  afterInit(nsp: Namespace): void {
    nsp.use((socket, next) => {
      this.authenticate(socket as BoardSocket).then(
        () => next(),
        (error: Error) => next(error),
      );
    });
    // Each event is encoded once for all the local sockets that need it (never sent to other instances: they read the log themselves).
    this.dispatcher.setDelivery((socketIds, event) => nsp.local.to(socketIds).emit('event', event));
    this.sweep = setInterval(() => void this.disconnectRevoked(), REVOCATION_SWEEP_MS);
    this.sweep.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
  }

  handleConnection(client: Socket): void {
    const socket = client as BoardSocket;
    if (socket.data.user === undefined) {
      socket.disconnect(true);
      return;
    }
    const untilExpiry = socket.data.exp * 1000 - Date.now();
    const expiry = setTimeout(
      () => this.cutOff(socket, 'token_expired', 'The access token expired'),
      Math.max(0, untilExpiry),
    );
    socket.once('disconnect', () => clearTimeout(expiry));

    socket.use((_packet, next) => {
      this.flood.consume(socket.id).then(
        () => next(),
        () => this.cutOff(socket, 'rate_limited', 'Too many messages: slow down'),
      );
    });
    this.handle(socket, 'session:join', JoinSessionMessage, (dto) => this.join(socket, dto));
    this.handle(socket, 'session:leave', LeaveSessionMessage, (dto) => this.leave(socket, dto.sessionId));
    this.handle(socket, 'message:post', PostMessage, (dto) =>
      this.audited(socket, 'board.message.post', () => this.boards.postMessage(socket.data.user, dto), true),
    );
  }

  handleDisconnect(client: Socket): void {
    const socket = client as BoardSocket;
    for (const sessionId of socket.data.joined ?? []) {
      this.dispatcher.unsubscribe(sessionId, socket.id);
      void this.presence(sessionId);
    }
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
      const error = new Error('unauthorized') as Error & { data?: unknown };
      error.data = { status: 401, detail: 'A valid access token is required (auth: { token })' };
      throw error;
    }
    socket.data = { user, exp: claims.exp ?? Math.floor(Date.now() / 1000) + 900, joined: new Set() };
  }

  private async join(socket: BoardSocket, dto: JoinSessionMessage): Promise<{ events: BoardEvent[] }> {
    return this.audited(
      socket,
      'board.session.join',
      async () => {
        const session = await this.boards.member(socket.data.user, dto.sessionId);
        AuditScope.describe({ disclosedPatientIds: await this.boards.patientsOf(session.id) });
        await socket.join(room(session.id));
        socket.data.joined.add(session.id);
        const events = await this.dispatcher.subscribe(session.id, socket.id, dto.afterId ?? '0');
        void this.presence(session.id);
        return { events };
      },
      false,
    );
  }

  private async leave(socket: BoardSocket, sessionId: string): Promise<{ left: boolean }> {
    const joined = socket.data.joined.delete(sessionId);
    this.dispatcher.unsubscribe(sessionId, socket.id);
    await socket.leave(room(sessionId));
    if (joined) void this.presence(sessionId);
    return { left: joined };
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
   * fields, never a crash), result or problem sent in the ack, or as an
   * `error` event when the client gave no ack.
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
    const { user } = socket.data;
    const subject: AuditSubject = {};
    const entry = (outcome: 'success' | 'failure' | 'denied', statusCode: number) => ({
      actorId: user.id,
      actorRole: user.role,
      action,
      entityType: 'board_session',
      entityId: subject.entityId ?? null,
      caseId: subject.caseId ?? null,
      patientId: subject.patientId ?? null,
      disclosedPatientIds: subject.disclosedPatientIds ?? null,
      outcome,
      statusCode,
      ip: socket.handshake.address,
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

  private cutOff(socket: BoardSocket, code: string, detail: string): void {
    if (!socket.connected) return;
    socket.emit('error', { code, status: code === 'rate_limited' ? 429 : 401, detail });
    socket.disconnect(true);
  }

  /** Sockets whose session was revoked or whose user was disabled go within REVOCATION_SWEEP_MS. */
  private async disconnectRevoked(): Promise<void> {
    const sockets = [...this.nsp.sockets.values()] as BoardSocket[];
    const sessions = [...new Set(sockets.flatMap((s) => (s.data.user === undefined ? [] : [s.data.user.sessionId])))];
    if (sessions.length === 0) return;
    try {
      const live = await this.tx.query<{ id: string }>(
        `SELECT s.id FROM auth_session s JOIN app_user u ON u.id = s.user_id
          WHERE s.id = ANY($1::uuid[]) AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`,
        [sessions],
      );
      const ok = new Set(live.map((r) => r.id));
      for (const s of sockets) {
        if (s.data.user !== undefined && !ok.has(s.data.user.sessionId))
          this.cutOff(s, 'session_revoked', 'The session ended or the account was disabled');
      }
    } catch (error) {
      this.log.warn(`revocation sweep failed: ${String(error)}`);
    }
  }
}
