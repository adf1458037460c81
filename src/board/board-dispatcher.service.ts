import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { ACCESS_CHANNEL, parseAccessChange, type AccessChange } from '../auth/access-changes.js';
import { AppConfig } from '../config/app-config.js';
import { EventLogService, type BoardEvent } from '../events/event-log.service.js';

interface Subscriber {
  /** Highest event id this subscriber has been given. */
  cursor: bigint;
}

/**
 * Sends one event to several local subscribers at once (encoded once). It is
 * awaited: a session's next event waits until this one is delivered, so an
 * access check on the way keeps the order. A subscriber it does not send to
 * must be dropped (its cursor has moved on).
 */
export type Deliver = (subscriberIds: string[], event: BoardEvent) => void | Promise<void>;

/** Told of every committed access change, in commit order with the events; `undefined` = anything may have changed. */
export type AccessListener = (change: AccessChange | undefined) => void;

interface Room {
  subscribers: Map<string, Subscriber>;
  /** Joins whose replay is still being read: the room must outlive them. */
  joining: number;
  /** Work on one session runs one step at a time, in order. */
  chain: Promise<void>;
  flushQueued: boolean;
  /** Events that came with their notification, in commit (= id) order. */
  pending: BoardEvent[];
  /** Something may have been missed (a notification without the event, or a lost listener): read the log. */
  gap: boolean;
}

const PAGE = 1000;

/**
 * Live delivery from the event log. Every instance LISTENs on `board_event`
 * (the insert trigger NOTIFYs `<session>:<id>`, which PostgreSQL delivers only
 * after commit), then reads the session's log past what its local sockets
 * have seen and sends each socket, in id order, exactly the stored rows it
 * has not had. Because delivery reads the log rather than trusting the
 * notification, a missed or coalesced notification loses nothing: the next
 * one, or the catch-up after the listening connection comes back, sends it.
 * It does not matter which instance committed the change.
 */
@Injectable()
export class BoardDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(BoardDispatcher.name);
  private readonly rooms = new Map<string, Room>();
  private listener: pg.Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  /** Consecutive failed attempts to LISTEN (the database is away). */
  private listenFailures = 0;
  private deliver: Deliver = () => undefined;
  private accessListener: AccessListener = () => undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly events: EventLogService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.listener;
    this.listener = undefined;
    await client?.end().catch(() => undefined);
    await Promise.all([...this.rooms.values()].map((r) => r.chain));
  }

  /** How events reach subscribers (the gateway's sockets). */
  setDelivery(deliver: Deliver): void {
    this.deliver = deliver;
  }

  /**
   * Access changes (ACCESS_CHANNEL) arrive on the same listening connection
   * as the events, so a change committed before an event is always heard
   * before that event is delivered.
   */
  onAccessChange(listener: AccessListener): void {
    this.accessListener = listener;
  }

  /**
   * Replays a session's events after `afterId` and subscribes to what
   * follows. The replay is what the caller sends first (the join ack); every
   * later event is delivered to it exactly once, in order, with no gap.
   */
  subscribe(sessionId: string, subscriberId: string, afterId: string): Promise<BoardEvent[]> {
    const room = this.room(sessionId);
    room.joining++;
    return this.enqueue(room, async () => {
      const replay: BoardEvent[] = [];
      for (let page = await this.events.after(sessionId, afterId, PAGE); ;) {
        replay.push(...page);
        if (page.length < PAGE) break;
        page = await this.events.after(sessionId, page[page.length - 1].id, PAGE);
      }
      const cursor = BigInt(replay.length > 0 ? replay[replay.length - 1].id : afterId);
      room.subscribers.set(subscriberId, { cursor });
      return replay;
    }).finally(() => {
      room.joining--;
      this.dropIfIdle(sessionId, room);
    });
  }

  unsubscribe(sessionId: string, subscriberId: string): void {
    const room = this.rooms.get(sessionId);
    if (room === undefined) return;
    room.subscribers.delete(subscriberId);
    this.dropIfIdle(sessionId, room);
  }

  /**
   * Something was committed in this session: deliver it (coalesced per
   * session). With the event itself (it fitted in the notification) no read
   * is needed; without it, the log is read from the lowest cursor.
   */
  announce(sessionId: string, event?: BoardEvent): void {
    const room = this.rooms.get(sessionId);
    if (room === undefined) return;
    if (event === undefined) room.gap = true;
    else room.pending.push(event);
    if (room.flushQueued) return;
    room.flushQueued = true;
    void this.enqueue(room, async () => {
      room.flushQueued = false;
      await this.flush(sessionId, room);
    }).catch((error: unknown) => this.log.error(`delivery failed for a session: ${String(error)}`));
  }

  private room(sessionId: string): Room {
    let room = this.rooms.get(sessionId);
    if (room === undefined) {
      room = {
        subscribers: new Map(),
        joining: 0,
        chain: Promise.resolve(),
        flushQueued: false,
        pending: [],
        gap: false,
      };
      this.rooms.set(sessionId, room);
    }
    return room;
  }

  private enqueue<T>(room: Room, work: () => Promise<T>): Promise<T> {
    const result = room.chain.then(work);
    room.chain = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private dropIfIdle(sessionId: string, room: Room): void {
    if (room.subscribers.size === 0 && room.joining === 0 && this.rooms.get(sessionId) === room)
      this.rooms.delete(sessionId);
  }

  private async flush(sessionId: string, room: Room): Promise<void> {
    const pending = room.pending;
    const gap = room.gap;
    room.pending = [];
    room.gap = false;
    if (!gap) {
      // Notifications arrive in commit order, and a session's events commit
      // in id order, so these are all that is new, in order.
      for (const event of pending) await this.send(room, event);
      return;
    }
    for (;;) {
      const subscribers = [...room.subscribers.values()];
      if (subscribers.length === 0) return;
      const from = subscribers.reduce((min, s) => (s.cursor < min ? s.cursor : min), subscribers[0].cursor);
      const page = await this.events.after(sessionId, from.toString(), PAGE);
      for (const event of page) await this.send(room, event);
      if (page.length < PAGE) return;
    }
  }

  /** To every subscriber that has not had it (ids only grow per subscriber). */
  private async send(room: Room, event: BoardEvent): Promise<void> {
    const id = BigInt(event.id);
    const to: string[] = [];
    for (const [subscriberId, s] of room.subscribers) {
      if (id > s.cursor) {
        s.cursor = id;
        to.push(subscriberId);
      }
    }
    if (to.length === 0) return;
    try {
      await this.deliver(to, event);
    } catch (error) {
      // The delivery drops (disconnects) whom it cannot serve; it should never throw.
      this.log.error(`delivering an event failed: ${String(error)}`);
    }
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.config.database.url });
    client.on('notification', (n) => {
      if (n.channel === ACCESS_CHANNEL) {
        const change = parseAccessChange(n.payload);
        if (change !== undefined) this.accessListener(change);
        return;
      }
      const note = parseNotification(n.payload);
      if (note !== undefined) this.announce(note.sessionId, note.event);
    });
    const lost = (): void => {
      if (this.listener !== client) return;
      this.listener = undefined;
      void client.end().catch(() => undefined);
      if (!this.stopped) {
        this.log.warn('lost the event-log listener connection; reconnecting');
        this.retry = setTimeout(() => void this.listen(), 1000);
      }
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      await client.query('LISTEN board_event');
      await client.query(`LISTEN ${ACCESS_CHANNEL}`);
      this.listener = client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (this.stopped) return;
      this.listenFailures += 1;
      // One warning when the database goes away, a reminder every minute or so, not a line a second.
      if (this.listenFailures % 60 === 1) {
        this.log.warn(
          `cannot listen for board events (${String(error)}); retrying every second` +
            (this.listenFailures > 1 ? ` (${this.listenFailures} attempts so far)` : ''),
        );
      } else {
        this.log.debug(`cannot listen for board events (${String(error)}); attempt ${this.listenFailures}`);
      }
      this.retry = setTimeout(() => void this.listen(), 1000);
      return;
    }
    if (this.listenFailures > 0) {
      this.log.log(`listening for board events again after ${this.listenFailures} failed attempts`);
      this.listenFailures = 0;
    }
    // Whatever committed while nobody listened is in the log: catch up;
    // and access changes may have been missed: check every socket again.
    this.accessListener(undefined);
    for (const sessionId of this.rooms.keys()) this.announce(sessionId);
  }
}

/**
 * `{"s": session, "e": event}` when the event fits in a notification,
 * `<session>:<id>` when it does not (see the board-sessions migration).
 */
function parseNotification(payload: string | undefined): { sessionId: string; event?: BoardEvent } | undefined {
  if (payload === undefined) return undefined;
  if (!payload.startsWith('{')) {
    const sessionId = payload.split(':')[0];
    return sessionId === undefined || sessionId === '' ? undefined : { sessionId };
  }
  try {
    const parsed = JSON.parse(payload) as { s?: unknown; e?: BoardEvent };
    return typeof parsed.s === 'string' ? { sessionId: parsed.s, event: parsed.e } : undefined;
  } catch {
    return undefined;
  }
}
