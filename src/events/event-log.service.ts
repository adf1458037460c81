import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionContext } from '../database/transaction-context.js';

export interface NewBoardEvent {
  type: string;
  sessionId?: string | null;
  caseId?: string | null;
  actorId?: string | null;
  payload: Record<string, unknown>;
}

/** An event as stored and as sent to clients (`event` on the `/board` socket). */
export interface BoardEvent {
  id: string;
  sessionId: string | null;
  caseId: string | null;
  type: string;
  payload: Record<string, unknown>;
  actor: string | null;
  at: string;
}

interface EventRow {
  id: string;
  session_id: string | null;
  case_id: string | null;
  type: string;
  payload: Record<string, unknown>;
  actor_id: string | null;
  at: Date;
}

/** Ids go out as text (bigint); order by `board_event.id`, not the text alias. */
export const EVENT_COLUMNS = 'id::text AS id, session_id, case_id, type, payload, actor_id, at';

export function toBoardEvent(r: EventRow): BoardEvent {
  return {
    id: r.id,
    sessionId: r.session_id,
    caseId: r.case_id,
    type: r.type,
    payload: r.payload,
    actor: r.actor_id,
    at: r.at.toISOString(),
  };
}

/**
 * Appends to `board_event` inside the caller's transaction, so an event
 * exists exactly when the change it reports was committed. Every module
 * publishes through this; live delivery reads the log.
 *
 * An event about a case on the agenda of an open board session (in progress
 * first, else the next one) belongs to that session too, so the room sees
 * REST changes made elsewhere. Appends to one session hold a transaction
 * lock on it until commit, so a session's events commit in id order: a
 * reader who has seen id n will never later find an id below n appear.
 */
@Injectable()
export class EventLogService {
  constructor(private readonly tx: TransactionContext) {}

  async append(event: NewBoardEvent, manager?: EntityManager): Promise<string> {
    const { id } = await this.insert(event, manager, false);
    return id!;
  }

  /**
   * A chat message, stored once per (session, author, clientMsgId): a repeat
   * returns the stored id with `duplicate: true` and writes nothing.
   */
  async appendMessage(
    event: NewBoardEvent & { sessionId: string; actorId: string; payload: { clientMsgId: string } },
    manager?: EntityManager,
  ): Promise<{ id: string; duplicate: boolean }> {
    const inserted = await this.insert(event, manager, true);
    if (inserted.id !== undefined) return { id: inserted.id, duplicate: false };
    const rows = await inserted.manager.query<{ id: string }[]>(
      `SELECT id::text AS id FROM board_event
        WHERE type = 'message.posted' AND session_id = $1 AND actor_id = $2 AND payload->>'clientMsgId' = $3`,
      [event.sessionId, event.actorId, event.payload.clientMsgId],
    );
    const id = rows[0]?.id;
    if (id === undefined) throw new Error('message conflict without a stored message');
    return { id, duplicate: true };
  }

  private async insert(
    event: NewBoardEvent,
    manager: EntityManager | undefined,
    onceByClientMsgId: boolean,
  ): Promise<{ id: string | undefined; manager: EntityManager }> {
    const m = manager ?? this.tx.manager;
    if (manager === undefined && !this.tx.inTransaction) {
      throw new Error('EventLogService.append must run inside the transaction of the change it reports');
    }
    let sessionId = event.sessionId ?? null;
    if (sessionId === null && event.caseId != null) {
      const open = await m.query<{ session_id: string }[]>(
        `SELECT a.session_id FROM agenda_item a JOIN board_session s ON s.id = a.session_id
          WHERE a.case_id = $1 AND s.status IN ('scheduled', 'in_progress')
          ORDER BY (s.status = 'in_progress') DESC, s.starts_at, s.id LIMIT 1`,
        [event.caseId],
      );
      sessionId = open[0]?.session_id ?? null;
    }
    // The session lock is taken in the same statement, before the row is made.
    const rows = await m.query<{ id: string }[]>(
      `INSERT INTO board_event (session_id, case_id, type, payload, actor_id)
       SELECT $1::uuid, $2::uuid, $3, $4::jsonb, $5::uuid
         ${sessionId === null ? '' : 'FROM (SELECT pg_advisory_xact_lock(hashtextextended($1::uuid::text, 7))) AS session_lock'}
       ${onceByClientMsgId ? `ON CONFLICT (session_id, actor_id, (payload->>'clientMsgId')) WHERE type = 'message.posted' DO NOTHING` : ''}
       RETURNING id::text AS id`,
      [sessionId, event.caseId ?? null, event.type, JSON.stringify(event.payload), event.actorId ?? null],
    );
    const id = rows[0]?.id;
    if (id === undefined && !onceByClientMsgId) throw new Error('board_event insert returned no id');
    return { id, manager: m };
  }

  /** A session's events after `afterId`, in id order (at most `limit`). */
  async after(sessionId: string, afterId: string, limit = 10_000): Promise<BoardEvent[]> {
    const rows = await this.tx.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM board_event WHERE session_id = $1 AND id > $2 ORDER BY board_event.id LIMIT $3`,
      [sessionId, afterId, limit],
    );
    return rows.map(toBoardEvent);
  }
}
