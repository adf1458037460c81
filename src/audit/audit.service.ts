import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionContext } from '../database/transaction-context.js';
import { RequestValidationException } from '../common/problem.js';
import { decodeCursor, encodeCursor, toPage, type Page } from '../common/pagination.js';
import { AuditEventEntity, type AuditOutcome } from './entities/audit-event.entity.js';
import type { AuditEventResponseDto, ListAuditEventsQuery } from './dto/audit-event.dto.js';
import { AUDIT_TEXT_MAX as MAX, storableText } from './audit-text.js';
import { RequestLedger } from './request-ledger.js';

export interface AuditEntry {
  actorId?: string | null;
  actorRole?: string | null;
  action: string;
  entityType?: string | null;
  entityId?: string | null;
  patientId?: string | null;
  disclosedPatientIds?: readonly string[] | null;
  caseId?: string | null;
  outcome: AuditOutcome;
  statusCode?: number | null;
  reason?: string | null;
  severity?: 'normal' | 'high';
  /** The server's id of the HTTP request (never the client's X-Request-Id). */
  requestId?: string | null;
  /** The client's X-Request-Id; found from `requestId` when not given. */
  clientRequestId?: string | null;
  ip?: string | null;
  /** `METHOD /api/pattern` of an anonymous refusal's aggregate; found from `requestId` when not given. */
  route?: string | null;
}

/**
 * A refusal that names no one: no valid user, and no account, case or
 * patient it was about. Such rows are counted, not appended one by one,
 * so that anonymous traffic cannot flood the trail.
 */
export function isAnonymousRefusal(entry: AuditEntry): boolean {
  return (
    entry.outcome !== 'success' &&
    (entry.actorId ?? null) === null &&
    (entry.entityId ?? null) === null &&
    (entry.patientId ?? null) === null &&
    (entry.caseId ?? null) === null &&
    (entry.disclosedPatientIds ?? []).length === 0 &&
    (entry.severity ?? 'normal') === 'normal'
  );
}

@Injectable()
export class AuditService {
  /** The HTTP requests in flight, for their route and client id (see the audit hooks in app setup). */
  readonly requests = new RequestLedger();

  constructor(private readonly tx: TransactionContext) {}

  /**
   * Appends one row, inside the current transaction when there is one, so
   * that a change and its audit row commit together. If the insert fails,
   * the error propagates and the change rolls back. An anonymous refusal
   * (see isAnonymousRefusal) adds to its minute's aggregate count instead.
   * Text from the request is made storable first (NUL, broken Unicode and
   * control characters replaced, lengths bounded), so a crafted path cannot
   * make the insert fail.
   */
  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    // Plain SQL: this runs on every request, and needs nothing back.
    const run = <T>(sql: string, params: unknown[]) =>
      manager !== undefined ? manager.query<T[]>(sql, params) : this.tx.query<T>(sql, params);
    const request = this.requests.get(entry.requestId);
    if (isAnonymousRefusal(entry)) {
      await run(
        `INSERT INTO audit_refusal_aggregate AS a (minute, ip, action, route, status_code, reason, count, last_request_id)
         VALUES (date_trunc('minute', now()), $1, $2, $3, $4, $5, 1, $6)
         ON CONFLICT ON CONSTRAINT "UQ_audit_refusal_aggregate_key"
         DO UPDATE SET count = a.count + 1, last_at = greatest(a.last_at, now()), last_request_id = EXCLUDED.last_request_id`,
        [
          storableText(entry.ip ?? '', MAX.ip),
          storableText(entry.action, MAX.action),
          storableText(entry.route ?? request?.route ?? '', MAX.route),
          entry.statusCode ?? 0,
          storableText(entry.reason ?? '', MAX.reason),
          storableText(entry.requestId, MAX.requestId),
        ],
      );
      this.requests.markAudited(entry.requestId);
      return;
    }
    await run(
      `INSERT INTO audit_event
         (actor_id, actor_role, action, entity_type, entity_id, patient_id, case_id, outcome, status_code, reason, request_id, ip, severity, disclosed_patient_ids, client_request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        entry.actorId ?? null,
        storableText(entry.actorRole, MAX.role),
        storableText(entry.action, MAX.action),
        storableText(entry.entityType, MAX.entityType),
        storableText(entry.entityId, MAX.entityId),
        entry.patientId ?? null,
        entry.caseId ?? null,
        entry.outcome,
        entry.statusCode ?? null,
        storableText(entry.reason, MAX.reason),
        storableText(entry.requestId, MAX.requestId),
        storableText(entry.ip, MAX.ip),
        entry.severity ?? 'normal',
        entry.disclosedPatientIds === undefined ||
        entry.disclosedPatientIds === null ||
        entry.disclosedPatientIds.length === 0
          ? null
          : [...new Set(entry.disclosedPatientIds)],
        storableText(entry.clientRequestId ?? request?.clientRequestId, MAX.clientRequestId),
      ],
    );
    this.requests.markAudited(entry.requestId);
  }

  async list(query: ListAuditEventsQuery): Promise<Page<AuditEventResponseDto>> {
    const qb = this.tx.manager.createQueryBuilder(AuditEventEntity, 'a');
    if (query.actorId !== undefined) qb.andWhere('a.actor_id = :actorId', { actorId: query.actorId });
    if (query.patientId !== undefined) {
      qb.andWhere('(a.patient_id = :patientId OR a.disclosed_patient_ids @> ARRAY[:patientId]::uuid[])', {
        patientId: query.patientId,
      });
    }
    if (query.caseId !== undefined) qb.andWhere('a.case_id = :caseId', { caseId: query.caseId });
    if (query.action !== undefined) qb.andWhere('a.action = :action', { action: query.action });
    if (query.outcome !== undefined) qb.andWhere('a.outcome = :outcome', { outcome: query.outcome });
    if (query.entityType !== undefined) qb.andWhere('a.entity_type = :entityType', { entityType: query.entityType });
    if (query.entityId !== undefined) qb.andWhere('a.entity_id = :entityId', { entityId: query.entityId });
    if (query.severity !== undefined) qb.andWhere('a.severity = :severity', { severity: query.severity });
    if (query.from !== undefined) qb.andWhere('a.at >= :from', { from: query.from });
    if (query.to !== undefined) qb.andWhere('a.at < :to', { to: query.to });
    if (query.cursor !== undefined) {
      const { id } = decodeCursor(query.cursor, { id: 'bigint' });
      if (!/^\d{1,19}$/.test(String(id))) {
        throw RequestValidationException.field('cursor', 'cursor must be a cursor returned by a previous page');
      }
      qb.andWhere('a.id < :cursorId', { cursorId: id });
    }
    const rows = await qb
      .orderBy('a.id', 'DESC')
      .limit(query.limit + 1)
      .getMany();
    const page = toPage(rows, query.limit, toAuditEventResponse, (row) => encodeCursor({ id: row.id }));
    const grants = await this.breakGlassGrants(page.items);
    for (const item of page.items) item.breakGlass = grants.get(item.id) ?? null;
    return page;
  }

  /**
   * The break-glass grant behind each event that was allowed by one: the
   * grant event names it (entity id); a read under it is matched by admin,
   * case and time. The grant's reason is the admin's free text, so it stays
   * in its own table and is joined here, never copied into the trail.
   */
  private async breakGlassGrants(
    items: readonly AuditEventResponseDto[],
  ): Promise<Map<string, { grantId: string; reason: string; expiresAt: string }>> {
    const under = items.filter((i) => i.reason === 'break_glass' && i.actorId !== null && i.caseId !== null);
    if (under.length === 0) return new Map();
    const rows = await this.tx.query<{ event_id: string; id: string; reason: string; expires_at: Date }>(
      `SELECT e.id::text AS event_id, g.id, g.reason, g.expires_at
         FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::text[]) AS e(id, actor_id, case_id, at, entity_id)
         CROSS JOIN LATERAL (
           SELECT x.id, x.reason, x.expires_at FROM break_glass_grant x
            WHERE x.user_id = e.actor_id AND x.case_id = e.case_id
              AND (x.id::text = e.entity_id OR (x.created_at <= e.at AND e.at <= x.expires_at))
            ORDER BY (x.id::text = e.entity_id) DESC, x.created_at DESC
            LIMIT 1) g`,
      [
        under.map((i) => i.id),
        under.map((i) => i.actorId),
        under.map((i) => i.caseId),
        under.map((i) => i.at),
        under.map((i) => i.entityId),
      ],
    );
    return new Map(
      rows.map((r) => [r.event_id, { grantId: r.id, reason: r.reason, expiresAt: r.expires_at.toISOString() }]),
    );
  }
}

function toAuditEventResponse(row: AuditEventEntity): AuditEventResponseDto {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorRole: row.actorRole,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    patientId: row.patientId,
    disclosedPatientIds: row.disclosedPatientIds ?? [],
    caseId: row.caseId,
    outcome: row.outcome,
    statusCode: row.statusCode,
    reason: row.reason,
    severity: row.severity,
    requestId: row.requestId,
    clientRequestId: row.clientRequestId,
    ip: row.ip,
    breakGlass: null,
  };
}
