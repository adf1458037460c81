import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CaseAccessService } from '../cases/case-access.service.js';
import { TransactionContext } from '../database/transaction-context.js';
import { BoardSessionsService } from './board-sessions.service.js';
import type { PostponeCaseDto, PostponementDto } from './dto/postponement.dto.js';
import { AgendaItemEntity } from './entities/board-session.entity.js';
import { CasePostponementEntity } from './entities/case-postponement.entity.js';

interface PostponementRow {
  id: string;
  case_id: string;
  reason: string;
  created_by: string | null;
  created_by_name: string | null;
  created_at: Date;
  from_id: string;
  from_title: string;
  from_starts_at: Date;
  to_id: string;
  to_title: string;
  to_starts_at: Date;
}

/**
 * Moving a case to a later session of the same clinic, with the reason. The
 * agenda item moves (mode and reason for presentation go with it); the
 * postponement is kept, append-only, so the case stays in the record of the
 * session it was first listed for. Both agendas log the change.
 */
@Injectable()
export class PostponementsService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly sessions: BoardSessionsService,
    private readonly caseAccess: CaseAccessService,
  ) {}

  async postpone(
    user: AuthenticatedUser,
    fromId: string,
    caseId: string,
    dto: PostponeCaseDto,
  ): Promise<PostponementDto> {
    const from = await this.sessions.load(user, fromId, true);
    if (user.role !== 'coordinator') throw new ForbiddenException("Only the clinic's coordinators manage its sessions");
    if (from.status === 'closed' || from.status === 'cancelled')
      throw new ConflictException(`The session is ${from.status}`);
    const item = await this.tx.manager.findOneBy(AgendaItemEntity, { sessionId: fromId, caseId });
    if (item === null) throw new NotFoundException('The case is not on this agenda');
    if (item.presentedAt !== null)
      throw new ConflictException(
        'The case was already presented at this session: its presentation stays on record; put it on a later agenda instead',
      );
    const c = await this.caseAccess.load(user, caseId, { write: true });
    if (dto.toSessionId === fromId)
      throw new ConflictException('A case is postponed to another, later session than the one it is on');
    const to = await this.sessions.load(user, dto.toSessionId, true);
    if (to.clinicId !== from.clinicId)
      throw new ConflictException("A case is postponed to a later session of the same clinic, not another clinic's");
    if (to.startsAt <= from.startsAt)
      throw new ConflictException(
        `The session chosen starts ${to.startsAt.toISOString()}, not after this one (${from.startsAt.toISOString()}): a case is postponed to a later session`,
      );
    if (to.status === 'closed' || to.status === 'cancelled')
      throw new ConflictException(`The later session is ${to.status}`);
    const there = await this.tx.manager.findOneBy(AgendaItemEntity, { sessionId: to.id, caseId });
    if (there !== null) throw new ConflictException('The case is already on the later session’s agenda');
    await this.tx.query(
      `UPDATE agenda_item SET session_id = $2,
              position = (SELECT coalesce(max(position) + 1, 0) FROM agenda_item WHERE session_id = $2)
        WHERE session_id = $1 AND case_id = $3`,
      [from.id, to.id, caseId],
    );
    // Close the gap the case leaves, so positions stay 0..n-1.
    await this.tx.query(
      `UPDATE agenda_item a SET position = o.n - 1
         FROM (SELECT case_id, row_number() OVER (ORDER BY position, created_at) AS n FROM agenda_item WHERE session_id = $1) o
        WHERE a.session_id = $1 AND a.case_id = o.case_id`,
      [from.id],
    );
    const saved = await this.tx.manager.save(
      this.tx.manager.create(CasePostponementEntity, {
        caseId,
        fromSessionId: from.id,
        toSessionId: to.id,
        reason: dto.reason,
        createdBy: user.id,
      }),
    );
    await this.sessions.agendaChanged(user, to, { added: caseId, postponedFrom: from.id });
    await this.sessions.agendaChanged(user, from, { postponed: caseId, toSessionId: to.id, reason: dto.reason });
    AuditScope.describe({ entityId: from.id, caseId, patientId: c.patientId });
    const [row] = await this.rows('p.id = $1', [saved.id]);
    if (row === undefined) throw new Error('postponement not found after insert');
    return toDto(row);
  }

  /** A case's postponements, oldest first (the caller has checked access to the case). */
  async forCase(caseId: string): Promise<PostponementDto[]> {
    return (await this.rows('p.case_id = $1', [caseId])).map(toDto);
  }

  private rows(where: string, params: unknown[]): Promise<PostponementRow[]> {
    return this.tx.query<PostponementRow>(
      `SELECT p.id, p.case_id, p.reason, p.created_by, u.display_name AS created_by_name, p.created_at,
              f.id AS from_id, f.title AS from_title, f.starts_at AS from_starts_at,
              t.id AS to_id, t.title AS to_title, t.starts_at AS to_starts_at
         FROM case_postponement p
         JOIN board_session f ON f.id = p.from_session_id
         JOIN board_session t ON t.id = p.to_session_id
         LEFT JOIN app_user u ON u.id = p.created_by
        WHERE ${where}
        ORDER BY p.created_at, p.id`,
      params,
    );
  }
}

function toDto(r: PostponementRow): PostponementDto {
  return {
    id: r.id,
    caseId: r.case_id,
    from: { id: r.from_id, title: r.from_title, startsAt: r.from_starts_at.toISOString() },
    to: { id: r.to_id, title: r.to_title, startsAt: r.to_starts_at.toISOString() },
    reason: r.reason,
    postponedBy: r.created_by,
    postponedByName: r.created_by_name,
    postponedAt: r.created_at.toISOString(),
  };
}
