import { ConflictException, Injectable, NotFoundException, PreconditionFailedException } from '@nestjs/common';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { PostponementsService } from '../board/postponements.service.js';
import { CaseAccessService } from '../cases/case-access.service.js';
import type { CaseEntity } from '../cases/entities/case.entity.js';
import { parseIfMatch } from '../common/if-match.js';
import { RequestValidationException } from '../common/problem.js';
import { TransactionContext } from '../database/transaction-context.js';
import { caseReference, taskAssignedMail } from '../notifications/mail-templates.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { PlanVersionEntity } from '../plans/entities/plan.entity.js';
import type {
  ActionItemDto,
  ClinicianChoiceDto,
  CreateActionItemDto,
  FollowUpDto,
  ListActionItemsQuery,
  OutcomeEntryDto,
  RecommendationOutcomeDto,
  RecordOutcomeDto,
  SignedPlanDto,
  TaskDto,
  UpdateActionItemDto,
} from './dto/follow-up.dto.js';
import { ActionItemEntity, RecommendationOutcomeEntity } from './entities/follow-up.entity.js';
import { calendarDaysBetween, isOverdue, localDate } from './follow-up-math.js';

interface ItemRow {
  id: string;
  case_id: string;
  plan_id: string;
  plan_item_sequence: number | null;
  description: string;
  responsible_user_id: string;
  responsible_name: string;
  due_date: string;
  status: ActionItemDto['status'];
  treatment_started_on: string | null;
  note: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
  time_zone: string;
  today: string;
}

interface TaskRow extends ItemRow {
  patient_id: string;
  family_name: string;
  given_name: string;
}

const ITEM_COLUMNS = `i.id, i.case_id, i.plan_id, i.plan_item_sequence, i.description, i.responsible_user_id,
  u.display_name AS responsible_name, i.due_date::text AS due_date, i.status,
  i.treatment_started_on::text AS treatment_started_on, i.note, i.created_by, i.created_at, i.updated_at, i.version,
  cl.time_zone, (now() AT TIME ZONE cl.time_zone)::date::text AS today`;
const ITEM_JOINS = `FROM action_item i
  JOIN app_user u ON u.id = i.responsible_user_id
  JOIN second_opinion_case c ON c.id = i.case_id
  JOIN clinic cl ON cl.id = c.clinic_id`;

/**
 * What happened after the board: the signed plan's actions, each with a
 * named responsible clinician (mailed when assigned) and a due date, the
 * treatment start recorded against them, and the outcome of the
 * recommendation. Access is the case's: members of its clinic.
 */
@Injectable()
export class FollowUpService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: CaseAccessService,
    private readonly notifications: NotificationsService,
    private readonly postponements: PostponementsService,
  ) {}

  async list(user: AuthenticatedUser, caseId: string): Promise<ActionItemDto[]> {
    const c = await this.access.load(user, caseId);
    return this.itemsOf(c.id);
  }

  async create(user: AuthenticatedUser, caseId: string, dto: CreateActionItemDto): Promise<ActionItemDto> {
    const c = await this.access.load(user, caseId, { lock: true });
    const plan = await this.tx.manager.findOneBy(PlanVersionEntity, { id: dto.planId, caseId: c.id });
    if (plan === null) throw RequestValidationException.field('planId', 'planId must name a plan version of this case');
    if (plan.status !== 'signed')
      throw new ConflictException(
        `Action items come from a signed plan; version ${plan.number} is ${plan.status}. Sign it at the board first`,
      );
    if (dto.planItemSequence !== undefined && !plan.items.some((i) => i.sequence === dto.planItemSequence))
      throw RequestValidationException.field(
        'planItemSequence',
        `planItemSequence must be the sequence of one of the plan's items (${plan.items.map((i) => i.sequence).join(', ')})`,
      );
    await this.assertResponsible(c, dto.responsibleClinicianId);
    const saved = await this.tx.manager.save(
      this.tx.manager.create(ActionItemEntity, {
        caseId: c.id,
        planId: plan.id,
        planItemSequence: dto.planItemSequence ?? null,
        description: dto.description,
        responsibleUserId: dto.responsibleClinicianId,
        dueDate: dto.dueDate,
        status: 'open',
        treatmentStartedOn: null,
        note: dto.note ?? null,
        createdBy: user.id,
      }),
    );
    AuditScope.describe({ entityId: saved.id });
    await this.mailResponsible(saved, 'assigned');
    return this.item(saved.id);
  }

  /** Edits an item; `ifMatch` names the version the client read (428 without, 412 when stale). */
  async update(
    user: AuthenticatedUser,
    itemId: string,
    ifMatch: string | undefined,
    dto: UpdateActionItemDto,
  ): Promise<ActionItemDto> {
    const version = parseIfMatch(ifMatch);
    const found = await this.tx.manager.findOneBy(ActionItemEntity, { id: itemId });
    if (found === null) throw new NotFoundException('Action item not found');
    const c = await this.access.load(user, found.caseId, { lock: true });
    AuditScope.describe({ entityId: found.id });
    // Locked after the case (the order every writer of a case's items takes).
    const item = await this.tx.manager.findOneOrFail(ActionItemEntity, {
      where: { id: itemId },
      lock: { mode: 'pessimistic_write' },
    });
    if (item.version !== version)
      throw new PreconditionFailedException(`The action item changed (version ${item.version}); read it again`);
    const reassigned =
      dto.responsibleClinicianId !== undefined && dto.responsibleClinicianId !== item.responsibleUserId;
    if (reassigned && dto.responsibleClinicianId !== undefined) {
      await this.assertResponsible(c, dto.responsibleClinicianId);
      item.responsibleUserId = dto.responsibleClinicianId;
    }
    if (dto.treatmentStartedOn !== undefined) {
      if (dto.treatmentStartedOn !== null) await this.assertTreatmentStart(c, item, dto.treatmentStartedOn);
      item.treatmentStartedOn = dto.treatmentStartedOn;
    }
    if (dto.status !== undefined) item.status = dto.status;
    if (dto.dueDate !== undefined) item.dueDate = dto.dueDate;
    if (dto.description !== undefined) item.description = dto.description;
    if (dto.note !== undefined) item.note = dto.note;
    if (item.status === 'cancelled' && item.treatmentStartedOn !== null)
      throw new ConflictException(
        'A cancelled action has no treatment start: clear treatmentStartedOn or keep it open',
      );
    await this.tx.manager.save(item);
    if (reassigned) await this.mailResponsible(item, 'reassigned');
    return this.item(item.id);
  }

  /** "My tasks": the caller's items (or, with assignee=all, everyone's) across the clinics they are a member of. */
  async tasks(user: AuthenticatedUser, query: ListActionItemsQuery): Promise<TaskDto[]> {
    const clinics = await this.access.visibleClinicIds(user);
    if (clinics.length === 0) return [];
    const mine = (query.assignee ?? 'me') === 'me';
    const rows = await this.tx.query<TaskRow>(
      `SELECT ${ITEM_COLUMNS}, c.patient_id, p.family_name, p.given_name
         ${ITEM_JOINS} JOIN patient p ON p.id = c.patient_id
        WHERE c.clinic_id = ANY($1::uuid[])
          AND ($2::uuid IS NULL OR i.responsible_user_id = $2)
          AND ($3::text IS NULL OR i.status = $3)
        ORDER BY i.due_date, i.created_at, i.id
        LIMIT 500`,
      [clinics, mine ? user.id : null, query.status ?? null],
    );
    AuditScope.describe({ disclosedPatientIds: [...new Set(rows.map((r) => r.patient_id))] });
    return rows.map((r) => ({
      ...toItemDto(r),
      patientName: `${r.family_name}, ${r.given_name}`,
      timeZone: r.time_zone,
    }));
  }

  async outcome(user: AuthenticatedUser, caseId: string): Promise<RecommendationOutcomeDto> {
    const c = await this.access.load(user, caseId);
    return this.outcomeOf(c.id);
  }

  /** Appends an outcome; the latest is current (the history is never rewritten). */
  async recordOutcome(
    user: AuthenticatedUser,
    caseId: string,
    dto: RecordOutcomeDto,
  ): Promise<RecommendationOutcomeDto> {
    const c = await this.access.load(user, caseId, { lock: true });
    const plan = await this.latestSignedPlan(c.id);
    if (plan === null)
      throw new ConflictException('The outcome of a recommendation is recorded once the board has signed a plan');
    const saved = await this.tx.manager.save(
      this.tx.manager.create(RecommendationOutcomeEntity, {
        caseId: c.id,
        planId: plan.id,
        outcome: dto.outcome,
        reason: dto.reason === undefined || dto.reason === '' ? null : dto.reason,
        recordedBy: user.id,
      }),
    );
    AuditScope.describe({ entityId: saved.id });
    return this.outcomeOf(c.id);
  }

  async followUp(user: AuthenticatedUser, caseId: string): Promise<FollowUpDto> {
    const c = await this.access.load(user, caseId);
    const [clinic] = await this.tx.query<{ time_zone: string }>('SELECT time_zone FROM clinic WHERE id = $1', [
      c.clinicId,
    ]);
    const zone = clinic?.time_zone ?? 'UTC';
    const items = await this.itemsOf(c.id);
    const [first] = await this.tx.query<{ at: Date | null }>(
      'SELECT min(presented_at) AS at FROM agenda_item WHERE case_id = $1',
      [c.id],
    );
    const presentedAt = first?.at ?? null;
    const starts = items
      .filter((i) => i.status !== 'cancelled' && i.treatmentStartedOn !== null)
      .map((i) => i.treatmentStartedOn as string)
      .sort();
    const firstStart = starts[0] ?? null;
    const plan = await this.latestSignedPlan(c.id);
    return {
      caseId: c.id,
      timeZone: zone,
      signedPlan: plan === null ? null : toSignedPlan(plan),
      clinicians: await this.clinicians(c.clinicId),
      actionItems: items,
      outcome: await this.outcomeOf(c.id),
      postponements: await this.postponements.forCase(c.id),
      times: {
        referredOn: localDate(c.createdAt, zone),
        firstPresentedOn: presentedAt === null ? null : localDate(presentedAt, zone),
        firstTreatmentStartedOn: firstStart,
        referralToBoardDays: calendarDaysBetween(c.createdAt, presentedAt, zone),
        boardToTreatmentDays: calendarDaysBetween(presentedAt, firstStart, zone),
      },
    };
  }

  private async clinicians(clinicId: string): Promise<ClinicianChoiceDto[]> {
    const rows = await this.tx.query<{ id: string; display_name: string }>(
      `SELECT u.id, u.display_name FROM clinic_member m JOIN app_user u ON u.id = m.user_id
        WHERE m.clinic_id = $1 AND u.active AND u.role = 'clinician' ORDER BY u.display_name, u.id`,
      [clinicId],
    );
    return rows.map((r) => ({ id: r.id, displayName: r.display_name }));
  }

  private latestSignedPlan(caseId: string): Promise<PlanVersionEntity | null> {
    return this.tx.manager.findOne(PlanVersionEntity, {
      where: { caseId, status: 'signed' },
      order: { number: 'DESC' },
    });
  }

  private async outcomeOf(caseId: string): Promise<RecommendationOutcomeDto> {
    const rows = await this.tx.query<{
      id: string;
      plan_id: string;
      outcome: OutcomeEntryDto['outcome'];
      reason: string | null;
      recorded_by: string | null;
      recorded_by_name: string | null;
      recorded_at: Date;
    }>(
      `SELECT o.id, o.plan_id, o.outcome, o.reason, o.recorded_by, u.display_name AS recorded_by_name, o.recorded_at
         FROM recommendation_outcome o LEFT JOIN app_user u ON u.id = o.recorded_by
        WHERE o.case_id = $1 ORDER BY o.recorded_at, o.id`,
      [caseId],
    );
    const history = rows.map((r) => ({
      id: r.id,
      planId: r.plan_id,
      outcome: r.outcome,
      reason: r.reason,
      recordedBy: r.recorded_by,
      recordedByName: r.recorded_by_name,
      recordedAt: r.recorded_at.toISOString(),
    }));
    return { current: history.at(-1) ?? null, history };
  }

  private async itemsOf(caseId: string): Promise<ActionItemDto[]> {
    const rows = await this.tx.query<ItemRow>(
      `SELECT ${ITEM_COLUMNS} ${ITEM_JOINS} WHERE i.case_id = $1 ORDER BY i.created_at, i.id`,
      [caseId],
    );
    return rows.map(toItemDto);
  }

  private async item(id: string): Promise<ActionItemDto> {
    const [row] = await this.tx.query<ItemRow>(`SELECT ${ITEM_COLUMNS} ${ITEM_JOINS} WHERE i.id = $1`, [id]);
    if (row === undefined) throw new NotFoundException('Action item not found');
    return toItemDto(row);
  }

  /** NHS England MDT streamlining: every action has a named responsible clinician of the case's clinic. */
  private async assertResponsible(c: CaseEntity, userId: string): Promise<void> {
    const rows = await this.tx.query<{ role: string; active: boolean }>(
      `SELECT u.role, u.active FROM clinic_member m JOIN app_user u ON u.id = m.user_id
        WHERE m.clinic_id = $1 AND m.user_id = $2`,
      [c.clinicId, userId],
    );
    const who = rows[0];
    if (who === undefined || who.role !== 'clinician' || !who.active)
      throw RequestValidationException.field(
        'responsibleClinicianId',
        'the responsible clinician must be an active clinician who is a member of the case’s clinic',
      );
  }

  /** Not in the future and not before the plan was signed, both in the clinic's calendar. */
  private async assertTreatmentStart(c: CaseEntity, item: ActionItemEntity, date: string): Promise<void> {
    const [row] = await this.tx.query<{ today: string; signed_on: string | null; referred_on: string }>(
      `SELECT (now() AT TIME ZONE cl.time_zone)::date::text AS today,
              (pv.signed_at AT TIME ZONE cl.time_zone)::date::text AS signed_on,
              (c.created_at AT TIME ZONE cl.time_zone)::date::text AS referred_on
         FROM second_opinion_case c JOIN clinic cl ON cl.id = c.clinic_id
         JOIN plan_version pv ON pv.id = $2
        WHERE c.id = $1`,
      [c.id, item.planId],
    );
    if (row === undefined) throw new NotFoundException('Case not found');
    if (date > row.today)
      throw RequestValidationException.field(
        'treatmentStartedOn',
        `treatmentStartedOn must not be in the future (today is ${row.today} in the clinic's time zone); record it once treatment has started`,
      );
    if (date < row.referred_on)
      throw RequestValidationException.field(
        'treatmentStartedOn',
        `treatmentStartedOn must not be before the referral (${row.referred_on})`,
      );
    if (row.signed_on !== null && date < row.signed_on)
      throw RequestValidationException.field(
        'treatmentStartedOn',
        `treatmentStartedOn must not be before the plan was signed (${row.signed_on}); a treatment begun before the board is the case's first treatment date`,
      );
  }

  private async mailResponsible(item: ActionItemEntity, change: 'assigned' | 'reassigned'): Promise<void> {
    const link = this.notifications.appLink('/tasks');
    await this.notifications.toUsers(
      'task_assigned',
      [item.responsibleUserId],
      (u) => taskAssignedMail({ displayName: u.displayName, caseId: item.caseId, dueDate: item.dueDate, change, link }),
      this.tx.manager,
    );
  }
}

function toItemDto(r: ItemRow): ActionItemDto {
  return {
    id: r.id,
    caseId: r.case_id,
    caseReference: caseReference(r.case_id),
    planId: r.plan_id,
    planItemSequence: r.plan_item_sequence,
    description: r.description,
    responsibleClinicianId: r.responsible_user_id,
    responsibleClinicianName: r.responsible_name,
    dueDate: r.due_date,
    status: r.status,
    overdue: isOverdue(r.status, r.due_date, r.today),
    treatmentStartedOn: r.treatment_started_on,
    note: r.note,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    version: r.version,
  };
}

function toSignedPlan(plan: PlanVersionEntity): SignedPlanDto {
  return {
    id: plan.id,
    number: plan.number,
    signedAt: plan.signedAt?.toISOString() ?? plan.updatedAt.toISOString(),
    items: plan.items.map((i) => ({
      sequence: i.sequence,
      modality: i.modality,
      intent: i.intent,
      description: i.description ?? null,
      responsibleClinicianId: i.responsibleClinicianId ?? null,
    })),
  };
}
