import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
  PreconditionFailedException,
} from '@nestjs/common';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { EventLogService } from '../events/event-log.service.js';
import { CaseAccessService } from '../cases/case-access.service.js';
import { CasesService } from '../cases/cases.service.js';
import type { CaseEntity } from '../cases/entities/case.entity.js';
import { parseIfMatch } from '../common/if-match.js';
import { RequestValidationException } from '../common/problem.js';
import { TransactionContext } from '../database/transaction-context.js';
import { ReviewService } from '../diagnoses/review.service.js';
import { evaluateConsensus, type ConsensusRule, type ConsensusState } from './consensus.js';
import type { PlanBodyDto, ThirdOpinionDto, VoteDto } from './dto/plan.dto.js';
import { LetterLinksService } from './letter-links.service.js';
import { PlanVersionEntity, PlanVoteEntity, ThirdOpinionRequestEntity, type PlanItem } from './entities/plan.entity.js';

/** Where a case is discussed now: an open session with it on the agenda. */
interface Room {
  sessionId: string;
  chairId: string | null;
  rule: ConsensusRule;
  required: string[];
}

/**
 * Treatment plans: versions drafted under optimistic concurrency, proposed,
 * voted on by the specialists attending the board, and signed by the chair
 * when the clinic's consensus rule is met; then immutable.
 */
@Injectable()
export class PlansService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: CaseAccessService,
    private readonly cases: CasesService,
    private readonly review: ReviewService,
    private readonly events: EventLogService,
    private readonly letters: LetterLinksService,
  ) {}

  async list(user: AuthenticatedUser, caseId: string) {
    await this.access.load(user, caseId);
    const plans = await this.tx.manager.find(PlanVersionEntity, { where: { caseId }, order: { number: 'ASC' } });
    return Promise.all(plans.map((p) => this.view(p)));
  }

  async get(user: AuthenticatedUser, caseId: string, planId: string) {
    await this.access.load(user, caseId);
    return this.view(await this.plan(caseId, planId));
  }

  async draft(user: AuthenticatedUser, caseId: string, dto: PlanBodyDto) {
    const c = await this.access.load(user, caseId, { lock: true });
    await this.assertResponsibles(c, dto.items);
    const [last] = await this.tx.query<{ n: number }>(
      'SELECT coalesce(max(number), 0)::int AS n FROM plan_version WHERE case_id = $1',
      [c.id],
    );
    const plan = await this.tx.manager.save(
      this.tx.manager.create(PlanVersionEntity, {
        caseId: c.id,
        number: (last?.n ?? 0) + 1,
        status: 'draft',
        items: toItems(dto),
        summary: dto.summary ?? null,
        authorId: user.id,
      }),
    );
    AuditScope.describe({ entityId: plan.id });
    return this.view(plan);
  }

  /** Edits a draft; `ifMatch` names the version the client read (428 without, 412 when stale). */
  async update(user: AuthenticatedUser, caseId: string, planId: string, ifMatch: string | undefined, dto: PlanBodyDto) {
    const c = await this.access.load(user, caseId, { write: true });
    const version = parseIfMatch(ifMatch);
    await this.assertResponsibles(c, dto.items);
    const items = JSON.stringify(toItems(dto));
    // One statement: the version check and the write cannot be separated by a concurrent edit.
    const rows = await this.tx.query<{ id: string }>(
      `UPDATE plan_version SET items = $1, summary = $2, version = version + 1, updated_at = now()
        WHERE id = $3 AND case_id = $4 AND version = $5 AND status = 'draft' RETURNING id`,
      [items, dto.summary ?? null, planId, c.id, version],
    );
    if (rows.length === 0) {
      const plan = await this.plan(c.id, planId);
      if (plan.status !== 'draft') throw new ConflictException(`A ${plan.status} plan version cannot be edited`);
      throw new PreconditionFailedException(`The plan changed (version ${plan.version}); read it again`);
    }
    return this.view(await this.plan(c.id, planId));
  }

  async propose(user: AuthenticatedUser, caseId: string, planId: string) {
    const c = await this.access.load(user, caseId, { lock: true });
    const plan = await this.plan(c.id, planId);
    if (plan.status !== 'draft') throw new ConflictException(`A ${plan.status} plan version cannot be proposed`);
    // Only one version is before the board at a time.
    await this.tx.query(
      `UPDATE plan_version SET status = 'superseded', version = version + 1 WHERE case_id = $1 AND status = 'proposed'`,
      [c.id],
    );
    plan.status = 'proposed';
    plan.proposedAt = new Date();
    const saved = await this.tx.manager.save(plan);
    await this.events.append({
      type: 'plan.proposed',
      caseId: c.id,
      actorId: user.id,
      payload: { planId: saved.id, number: saved.number, items: saved.items },
    });
    return this.view(saved);
  }

  /** An attending specialist's vote (changeable until the version is signed). */
  async vote(user: AuthenticatedUser, caseId: string, planId: string, dto: VoteDto) {
    const c = await this.access.load(user, caseId, { write: true });
    const plan = await this.plan(c.id, planId);
    if (plan.status !== 'proposed')
      throw new ConflictException(`Votes are cast on a proposed version, not a ${plan.status} one`);
    const room = await this.room(c.id);
    const [attending] = await this.tx.query<{ discipline: string }>(
      'SELECT discipline FROM attendance WHERE session_id = $1 AND user_id = $2 AND left_at IS NULL',
      [room.sessionId, user.id],
    );
    if (attending === undefined) throw new ForbiddenException('Only specialists checked in to the board session vote');
    await this.tx.query(
      `INSERT INTO plan_vote (plan_version_id, voter_id, discipline, vote, comment) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ON CONSTRAINT "UQ_plan_vote_voter" DO UPDATE SET vote = EXCLUDED.vote, comment = EXCLUDED.comment,
         discipline = EXCLUDED.discipline, cast_at = now()`,
      [plan.id, user.id, attending.discipline, dto.vote, dto.comment ?? null],
    );
    const view = await this.view(plan);
    await this.events.append({
      type: 'plan.voted',
      caseId: c.id,
      sessionId: room.sessionId,
      actorId: user.id,
      payload: { planId: plan.id, vote: dto.vote, discipline: attending.discipline, consensus: view.consensus },
    });
    return view;
  }

  /** The chair signs once the rule is met: immutable from then on; the case reaches consensus. */
  async sign(user: AuthenticatedUser, caseId: string, planId: string) {
    const c = await this.access.load(user, caseId, { lock: true });
    const plan = await this.plan(c.id, planId);
    if (plan.status !== 'proposed') throw new ConflictException(`A ${plan.status} plan version cannot be signed`);
    const room = await this.room(c.id);
    if (room.chairId !== user.id) throw new ForbiddenException("Only the session's chair signs the plan");
    const view = await this.view(plan);
    if (view.consensus === null || !view.consensus.met)
      throw new ConflictException({ message: 'The consensus rule is not met', consensus: view.consensus });
    plan.status = 'signed';
    plan.signedAt = new Date();
    plan.signedBy = user.id;
    const saved = await this.tx.manager.save(plan);
    await this.cases.move(c, 'consensus', user.id, { planId: saved.id });
    await this.events.append({
      type: 'plan.signed',
      caseId: c.id,
      sessionId: room.sessionId,
      actorId: user.id,
      payload: { planId: saved.id, number: saved.number, consensus: view.consensus },
    });
    await this.review.reclassifyForSignedPlan(user, c, saved.items);
    await this.letters.issueOnSign(c, saved.id);
    return this.view(saved);
  }

  async thirdOpinion(user: AuthenticatedUser, caseId: string, dto: ThirdOpinionDto) {
    const c = await this.access.load(user, caseId, { lock: true });
    if (user.role !== 'coordinator') {
      const room = await this.room(c.id);
      if (room.chairId !== user.id)
        throw new ForbiddenException("A third opinion is requested by the session's chair or a coordinator");
    }
    const request = await this.tx.manager.save(
      this.tx.manager.create(ThirdOpinionRequestEntity, { caseId: c.id, ...dto, requestedBy: user.id }),
    );
    AuditScope.describe({ entityId: request.id });
    await this.cases.move(c, 'third_opinion_requested', user.id, { requestId: request.id });
    await this.events.append({
      type: 'third_opinion.requested',
      caseId: c.id,
      actorId: user.id,
      payload: { requestId: request.id, reviewer: dto.reviewer, institution: dto.institution, reason: dto.reason },
    });
    return { id: request.id, caseId: c.id, ...dto, createdAt: request.createdAt.toISOString() };
  }

  private async plan(caseId: string, planId: string): Promise<PlanVersionEntity> {
    const plan = await this.tx.manager.findOneBy(PlanVersionEntity, { id: planId, caseId });
    if (plan === null) throw new NotFoundException('Plan version not found');
    return plan;
  }

  /** The open session the case is discussed in (409 if none). */
  private async room(caseId: string): Promise<Room> {
    const room = await this.sessionOf(caseId, true);
    if (room === undefined) throw new ConflictException('The case is not on the agenda of an open board session');
    return room;
  }

  /**
   * The session whose board decides on the case: one in progress, else the
   * next scheduled one, else (when `openOnly` is false) the latest held.
   */
  private async sessionOf(caseId: string, openOnly: boolean): Promise<Room | undefined> {
    const [row] = await this.tx.query<{
      session_id: string;
      chair_id: string | null;
      rule: ConsensusRule;
      required: string[];
    }>(
      `SELECT s.id AS session_id, s.chair_id, cl.consensus_rule AS rule, cl.quorum_disciplines AS required
         FROM agenda_item a JOIN board_session s ON s.id = a.session_id JOIN clinic cl ON cl.id = s.clinic_id
        WHERE a.case_id = $1 AND ($2::boolean = false OR s.status IN ('scheduled', 'in_progress'))
        ORDER BY (s.status = 'in_progress') DESC, (s.status = 'scheduled') DESC,
                 CASE WHEN s.status = 'scheduled' THEN s.starts_at END ASC, s.starts_at DESC
        LIMIT 1`,
      [caseId, openOnly],
    );
    return row === undefined
      ? undefined
      : { sessionId: row.session_id, chairId: row.chair_id, rule: row.rule, required: row.required };
  }

  private async consensus(plan: PlanVersionEntity, votes: readonly PlanVoteEntity[]): Promise<ConsensusState | null> {
    if (plan.status === 'draft' || plan.status === 'superseded') return null;
    const cast = votes.map((v) => ({ userId: v.voterId, discipline: v.discipline, vote: v.vote }));
    const room = await this.sessionOf(plan.caseId, false);
    if (room === undefined) return evaluateConsensus('majority_without_required_dissent', [], [], cast);
    const attendees = await this.tx.query<{ user_id: string; discipline: string }>(
      'SELECT user_id, discipline FROM attendance WHERE session_id = $1 AND left_at IS NULL',
      [room.sessionId],
    );
    return evaluateConsensus(
      room.rule,
      room.required,
      attendees.map((a) => ({ userId: a.user_id, discipline: a.discipline })),
      cast,
    );
  }

  private async view(plan: PlanVersionEntity) {
    const votes = await this.tx.manager.find(PlanVoteEntity, {
      where: { planVersionId: plan.id },
      order: { castAt: 'ASC' },
    });
    return {
      id: plan.id,
      caseId: plan.caseId,
      number: plan.number,
      status: plan.status,
      items: plan.items,
      summary: plan.summary,
      authorId: plan.authorId,
      proposedAt: plan.proposedAt?.toISOString() ?? null,
      signedAt: plan.signedAt?.toISOString() ?? null,
      signedBy: plan.signedBy,
      version: plan.version,
      votes: votes.map((v) => ({ voterId: v.voterId, discipline: v.discipline, vote: v.vote, comment: v.comment })),
      consensus: await this.consensus(plan, votes),
    };
  }

  /** A responsible clinician must be a member of the case's clinic. */
  private async assertResponsibles(c: CaseEntity, items: PlanBodyDto['items']): Promise<void> {
    const ids = [
      ...new Set(items.flatMap((i) => (i.responsibleClinicianId === undefined ? [] : [i.responsibleClinicianId]))),
    ];
    if (ids.length === 0) return;
    const rows = await this.tx.query<{ user_id: string }>(
      'SELECT user_id FROM clinic_member WHERE clinic_id = $1 AND user_id = ANY($2::uuid[])',
      [c.clinicId, ids],
    );
    const found = new Set(rows.map((r) => r.user_id));
    const index = items.findIndex(
      (i) => i.responsibleClinicianId !== undefined && !found.has(i.responsibleClinicianId),
    );
    if (index >= 0)
      throw RequestValidationException.field(
        `items[${index}].responsibleClinicianId`,
        'the responsible clinician must be a member of the clinic',
      );
  }
}

function toItems(dto: PlanBodyDto): PlanItem[] {
  return [...dto.items]
    .sort((a, b) => a.sequence - b.sequence)
    .map((i) => Object.fromEntries(Object.entries(i).filter(([, v]) => v !== undefined)) as unknown as PlanItem);
}
