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

/**
 * Appends to `board_event` inside the caller's transaction, so an event
 * exists exactly when the change it reports was committed. Every module
 * publishes through this; live delivery reads the log.
 */
@Injectable()
export class EventLogService {
  constructor(private readonly tx: TransactionContext) {}

  async append(event: NewBoardEvent, manager?: EntityManager): Promise<string> {
    const m = manager ?? this.tx.manager;
    if (manager === undefined && !this.tx.inTransaction) {
      throw new Error('EventLogService.append must run inside the transaction of the change it reports');
    }
    const rows = await m.query<{ id: string }[]>(
      `INSERT INTO board_event (session_id, case_id, type, payload, actor_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [event.sessionId ?? null, event.caseId ?? null, event.type, JSON.stringify(event.payload), event.actorId ?? null],
    );
    const id = rows[0]?.id;
    if (id === undefined) throw new Error('board_event insert returned no id');
    return id;
  }
}
