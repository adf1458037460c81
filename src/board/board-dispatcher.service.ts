import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { AppConfig } from '../config/app-config.js';
import { EventLogService, type BoardEvent } from './event-log.service.js';

interface Subscriber {
  /** Highest event id this subscriber has been given. */
  cursor: bigint;
  send(event: BoardEvent): void;
}

interface Room {
  subscribers: Map<string, Subscriber>;
  /** Work on one session runs one step at a time, in order. */
  chain: Promise<void>;
  flushQueued: boolean;
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

  /**
   * Replays a session's events after `afterId` and subscribes to what
   * follows. The replay is what the caller sends first (the join ack); every
   * later event reaches `send` exactly once, in order, with no gap.
   */
  subscribe(
    sessionId: string,
    subscriberId: string,
    afterId: string,
    send: (e: BoardEvent) => void,
  ): Promise<BoardEvent[]> {
    const room = this.room(sessionId);
    return this.enqueue(room, async () => {
      const replay: BoardEvent[] = [];
      for (let page = await this.events.after(sessionId, afterId, PAGE); ;) {
        replay.push(...page);
        if (page.length < PAGE) break;
        page = await this.events.after(sessionId, page[page.length - 1].id, PAGE);
      }
      const cursor = BigInt(replay.length > 0 ? replay[replay.length - 1].id : afterId);
      room.subscribers.set(subscriberId, { cursor, send });
      return replay;
    });
  }

  unsubscribe(sessionId: string, subscriberId: string): void {
    const room = this.rooms.get(sessionId);
    room?.subscribers.delete(subscriberId);
  }

  /** Something was committed in this session: deliver it (coalesced per session). */
  announce(sessionId: string): void {
    const room = this.rooms.get(sessionId);
    if (room === undefined || room.subscribers.size === 0 || room.flushQueued) return;
    room.flushQueued = true;
    void this.enqueue(room, async () => {
      room.flushQueued = false;
      await this.flush(sessionId, room);
    }).catch((error: unknown) => this.log.error(`delivery failed for a session: ${String(error)}`));
  }

  private room(sessionId: string): Room {
    let room = this.rooms.get(sessionId);
    if (room === undefined) {
      room = { subscribers: new Map(), chain: Promise.resolve(), flushQueued: false };
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

  private async flush(sessionId: string, room: Room): Promise<void> {
    for (;;) {
      const subscribers = [...room.subscribers.values()];
      if (subscribers.length === 0) {
        this.rooms.delete(sessionId);
        return;
      }
      const from = subscribers.reduce((min, s) => (s.cursor < min ? s.cursor : min), subscribers[0].cursor);
      const page = await this.events.after(sessionId, from.toString(), PAGE);
      for (const event of page) {
        const id = BigInt(event.id);
        for (const s of room.subscribers.values()) {
          if (id > s.cursor) {
            s.cursor = id;
            s.send(event);
          }
        }
      }
      if (page.length < PAGE) return;
    }
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.config.database.url });
    client.on('notification', (n) => {
      const sessionId = n.payload?.split(':')[0];
      if (sessionId !== undefined) this.announce(sessionId);
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
      this.listener = client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (this.stopped) return;
      this.log.warn(`cannot listen for board events yet (${String(error)}); retrying`);
      this.retry = setTimeout(() => void this.listen(), 1000);
      return;
    }
    // Whatever committed while nobody listened is in the log: catch up.
    for (const sessionId of this.rooms.keys()) this.announce(sessionId);
  }
}
