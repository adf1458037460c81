import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionContext } from '../database/transaction-context.js';
import { RequestValidationException } from '../common/problem.js';
import { decodeCursor, encodeCursor, toPage, type Page } from '../common/pagination.js';
import { AuditEventEntity, type AuditOutcome } from './entities/audit-event.entity.js';
import type { AuditEventResponseDto, ListAuditEventsQuery } from './dto/audit-event.dto.js';

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
  requestId?: string | null;
  ip?: string | null;
}

@Injectable()
export class AuditService {
  constructor(private readonly tx: TransactionContext) {}

  /**
   * Appends one row, inside the current transaction when there is one, so
   * that a change and its audit row commit together. If the insert fails,
   * the error propagates and the change rolls back.
   */
  async record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    // Plain SQL: this runs on every request, and needs nothing back.
    const run = <T>(sql: string, params: unknown[]) =>
      manager !== undefined ? manager.query<T[]>(sql, params) : this.tx.query<T>(sql, params);
    await run(
      `INSERT INTO audit_event
         (actor_id, actor_role, action, entity_type, entity_id, patient_id, case_id, outcome, status_code, reason, request_id, ip, severity, disclosed_patient_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        entry.actorId ?? null,
        entry.actorRole ?? null,
        entry.action,
        entry.entityType ?? null,
        entry.entityId ?? null,
        entry.patientId ?? null,
        entry.caseId ?? null,
        entry.outcome,
        entry.statusCode ?? null,
        entry.reason ?? null,
        entry.requestId ?? null,
        entry.ip ?? null,
        entry.severity ?? 'normal',
        entry.disclosedPatientIds === undefined ||
        entry.disclosedPatientIds === null ||
        entry.disclosedPatientIds.length === 0
          ? null
          : [...new Set(entry.disclosedPatientIds)],
      ],
    );
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
      const { id } = decodeCursor(query.cursor, { id: 'string' });
      if (!/^\d{1,19}$/.test(String(id))) {
        throw RequestValidationException.field('cursor', 'cursor must be a cursor returned by a previous page');
      }
      qb.andWhere('a.id < :cursorId', { cursorId: id });
    }
    const rows = await qb
      .orderBy('a.id', 'DESC')
      .limit(query.limit + 1)
      .getMany();
    return toPage(rows, query.limit, toAuditEventResponse, (row) => encodeCursor({ id: row.id }));
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
    ip: row.ip,
  };
}
