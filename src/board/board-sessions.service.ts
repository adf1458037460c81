import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
  PreconditionFailedException,
} from '@nestjs/common';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { HiddenResourceException } from '../common/hidden-resource.exception.js';
import { decodeCursor, encodeCursor, toPage, type Page } from '../common/pagination.js';
import { RequestValidationException } from '../common/problem.js';
import { CaseAccessService } from '../cases/case-access.service.js';
import { CasesService } from '../cases/cases.service.js';
import { ClinicAccessService } from '../clinics/clinic-access.service.js';
import { ClinicEntity } from '../clinics/entities/clinic.entity.js';
import { TransactionContext } from '../database/transaction-context.js';
import type {
  AddAgendaItemDto,
  AgendaItemDto,
  AttendanceDto,
  BoardSessionDetailDto,
  BoardSessionDto,
  BoardSessionListItemDto,
  CheckInDto,
  CreateBoardSessionDto,
  ListBoardSessionsQuery,
  PresenterViewAckDto,
  PresenterViewDto,
  UpdateAgendaItemDto,
  UpdateBoardSessionDto,
} from './dto/board-session.dto.js';
import {
  AgendaItemEntity,
  AttendanceEntity,
  BoardSessionEntity,
  type PresentationReason,
  type SessionStatus,
} from './entities/board-session.entity.js';
import { presentationStatus, treatmentTiming } from './presentation.js';
import { EventLogService, EVENT_COLUMNS, toBoardEvent, type BoardEvent } from '../events/event-log.service.js';

const NEXT_STATUS: Record<SessionStatus, readonly SessionStatus[]> = {
  scheduled: ['in_progress', 'cancelled'],
  in_progress: ['closed'],
  closed: [],
  cancelled: [],
};

/** Statuses in which a case may be put on a board's agenda. */
const AGENDA_CASE_STATUSES = ['ready', 'scheduled', 'evaluated', 'in_review', 'consensus', 'third_opinion_requested'];

interface AgendaRow {
  case_id: string;
  position: number;
  mode: AgendaItemDto['mode'];
  presented_at: Date | null;
  presented_on: string | null;
  presentation_reason: PresentationReason | null;
  first_treatment_date: string | null;
  case_status: string;
  patient_id: string;
  consent_to_record: boolean;
  family_name: string;
  given_name: string;
  mrn: string;
  birth_date: string;
  synthetic: boolean;
  dx_source: string | null;
  dx_site: string | null;
  dx_histology: string | null;
}

export interface Transcript {
  session: BoardSessionDto;
  attendance: AttendanceDto;
  agenda: AgendaItemDto[];
  /** Messages and decisions in order; messages about a patient who did not consent to recording are left out. */
  events: BoardEvent[];
  omittedMessages: number;
}

/**
 * Board sessions: agenda, "now presenting", attendance and quorum, and the
 * transcript. A session's members are its clinic's members; anyone else is
 * told it does not exist. Every change is written with its event in one
 * transaction; the sockets deliver the events from the log.
 */
@Injectable()
export class BoardSessionsService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly clinicAccess: ClinicAccessService,
    private readonly caseAccess: CaseAccessService,
    private readonly cases: CasesService,
    private readonly events: EventLogService,
  ) {}

  /** The session, if the user is a member of its clinic (admins are not: sessions carry patient data). */
  async load(user: Pick<AuthenticatedUser, 'id' | 'role'>, id: string, lock = false): Promise<BoardSessionEntity> {
    await this.member(user, id);
    return this.tx.manager.findOneOrFail(BoardSessionEntity, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  /**
   * The session's id, clinic and status in one read, if the user is a member
   * of its clinic: the board room's hot path (every join and post).
   */
  async member(
    user: Pick<AuthenticatedUser, 'id' | 'role'>,
    id: string,
  ): Promise<{ id: string; clinicId: string; status: SessionStatus; guestCaseId?: string }> {
    const guest = user.role === 'guest';
    const rows = await this.tx.query<{
      clinic_id: string;
      status: SessionStatus;
      member: boolean;
      guest_case: string | null;
    }>(
      `SELECT s.clinic_id, s.status,
              EXISTS (SELECT 1 FROM clinic_member m WHERE m.clinic_id = s.clinic_id AND m.user_id = $2) AS member,
              CASE WHEN $3::boolean THEN
                (SELECT g.case_id FROM guest_invitation g
                  WHERE g.session_id = s.id AND g.guest_user_id = $2 AND g.revoked_at IS NULL AND g.access_until > now()
                  LIMIT 1)
              END AS guest_case
         FROM board_session s WHERE s.id = $1`,
      [id, user.id, guest],
    );
    const row = rows[0];
    if (row === undefined) throw new NotFoundException('Board session not found');
    AuditScope.describe({ entityId: id });
    // A guest is a member of the one session they were invited to, for the one case.
    if (guest && row.guest_case !== null)
      return { id, clinicId: row.clinic_id, status: row.status, guestCaseId: row.guest_case };
    if (user.role === 'admin' || guest || !row.member) throw new HiddenResourceException('Board session');
    return { id, clinicId: row.clinic_id, status: row.status };
  }

  private async loadForManage(user: AuthenticatedUser, id: string): Promise<BoardSessionEntity> {
    const session = await this.load(user, id, true);
    if (user.role !== 'coordinator') throw new ForbiddenException("Only the clinic's coordinators manage its sessions");
    return session;
  }

  async create(user: AuthenticatedUser, dto: CreateBoardSessionDto): Promise<BoardSessionDto> {
    await this.clinicAccess.assertCanManage(user, dto.clinicId);
    if (user.role === 'admin') throw new ForbiddenException("Only the clinic's coordinators schedule its sessions");
    const startsAt = new Date(dto.startsAt);
    const endsAt = new Date(dto.endsAt);
    if (endsAt <= startsAt) throw RequestValidationException.field('endsAt', 'endsAt must be after startsAt');
    if (dto.chairId !== undefined) await this.assertChair(dto.clinicId, dto.chairId);
    const session = await this.tx.manager.save(
      this.tx.manager.create(BoardSessionEntity, {
        clinicId: dto.clinicId,
        title: dto.title,
        startsAt,
        endsAt,
        chairId: dto.chairId ?? null,
        location: dto.location ?? null,
        videoUrl: dto.videoUrl ?? null,
        status: 'scheduled',
        presentingCaseId: null,
        createdBy: user.id,
      }),
    );
    AuditScope.describe({ entityId: session.id });
    await this.events.append({
      type: 'session.changed',
      sessionId: session.id,
      actorId: user.id,
      payload: { status: session.status },
    });
    return toSessionDto(session);
  }

  async list(user: AuthenticatedUser, query: ListBoardSessionsQuery): Promise<Page<BoardSessionListItemDto>> {
    const clinics = user.role === 'admin' ? [] : await this.clinicAccess.clinicIdsOf(user.id);
    const visible = query.clinicId === undefined ? clinics : clinics.filter((c) => c === query.clinicId);
    if (visible.length === 0) return { items: [], nextCursor: null };
    const qb = this.tx.manager
      .createQueryBuilder(BoardSessionEntity, 's')
      .where('s.clinic_id = ANY(:visible)', { visible })
      .orderBy('s.starts_at', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .take(query.limit + 1);
    if (query.from !== undefined) qb.andWhere('s.starts_at >= :from', { from: new Date(query.from) });
    if (query.to !== undefined) qb.andWhere('s.starts_at < :to', { to: new Date(query.to) });
    if (query.caseId !== undefined)
      qb.andWhere('EXISTS (SELECT 1 FROM agenda_item a WHERE a.session_id = s.id AND a.case_id = :caseId)', {
        caseId: query.caseId,
      });
    if (query.cursor !== undefined) {
      const c = decodeCursor(query.cursor, { t: 'timestamp', id: 'uuid' });
      qb.andWhere('(s.starts_at, s.id) > (:t, :id)', { t: new Date(c.t), id: c.id });
    }
    const rows = await qb.getMany();
    const counts = await this.tx.query<{ session_id: string; n: number }>(
      'SELECT session_id, count(*)::int AS n FROM agenda_item WHERE session_id = ANY($1::uuid[]) GROUP BY session_id',
      [rows.map((r) => r.id)],
    );
    const caseCount = new Map(counts.map((c) => [c.session_id, c.n]));
    return toPage(
      rows,
      query.limit,
      (s) => ({ ...toSessionDto(s), caseCount: caseCount.get(s.id) ?? 0 }),
      (s) => encodeCursor({ t: s.startsAt.toISOString(), id: s.id }),
    );
  }

  async detail(user: AuthenticatedUser, id: string): Promise<BoardSessionDetailDto> {
    const session = await this.load(user, id);
    const agenda = await this.agendaRows(session.id);
    AuditScope.describe({ disclosedPatientIds: agenda.map((a) => a.patient_id) });
    return {
      ...toSessionDto(session),
      agenda: agenda.map(toAgendaDto),
      attendance: await this.attendanceOf(session),
    };
  }

  async update(
    user: AuthenticatedUser,
    id: string,
    version: number,
    dto: UpdateBoardSessionDto,
  ): Promise<BoardSessionDto> {
    const session = await this.loadForManage(user, id);
    if (session.version !== version)
      throw new PreconditionFailedException(`The session changed (version ${session.version}); read it again`);
    if (dto.status !== undefined && dto.status !== session.status) {
      if (!NEXT_STATUS[session.status].includes(dto.status)) {
        throw new ConflictException({
          message: `A ${session.status} session cannot become ${dto.status}`,
          allowed: NEXT_STATUS[session.status],
        });
      }
      session.status = dto.status;
      if (dto.status === 'closed' || dto.status === 'cancelled') session.presentingCaseId = null;
    }
    if (dto.title !== undefined) session.title = dto.title;
    if (dto.startsAt !== undefined && Date.parse(dto.startsAt) !== session.startsAt.getTime()) {
      session.startsAt = new Date(dto.startsAt);
      // A moved session's members get the packet again, ahead of the new time.
      session.packetQueuedAt = null;
    }
    if (dto.endsAt !== undefined) session.endsAt = new Date(dto.endsAt);
    if (session.endsAt <= session.startsAt)
      throw RequestValidationException.field('endsAt', 'endsAt must be after startsAt');
    if (dto.chairId !== undefined) {
      if (dto.chairId !== null) await this.assertChair(session.clinicId, dto.chairId);
      session.chairId = dto.chairId;
    }
    if (dto.location !== undefined) session.location = dto.location;
    if (dto.videoUrl !== undefined) session.videoUrl = dto.videoUrl;
    const saved = await this.tx.manager.save(session);
    await this.events.append({
      type: 'session.changed',
      sessionId: session.id,
      actorId: user.id,
      payload: { status: saved.status, changed: Object.keys(dto) },
    });
    return toSessionDto(saved);
  }

  async addToAgenda(user: AuthenticatedUser, id: string, dto: AddAgendaItemDto): Promise<AgendaItemDto[]> {
    const session = await this.loadForManage(user, id);
    this.assertOpen(session);
    const c = await this.caseAccess.load(user, dto.caseId, { write: true });
    if (c.clinicId !== session.clinicId)
      throw RequestValidationException.field('caseId', "the case belongs to another clinic than the session's");
    if (!AGENDA_CASE_STATUSES.includes(c.status))
      throw new ConflictException(`A ${c.status} case cannot be put on a board's agenda`);
    const exists = await this.tx.manager.findOneBy(AgendaItemEntity, { sessionId: id, caseId: c.id });
    if (exists !== null) throw new ConflictException('The case is already on this agenda');
    const last = await this.tx.query<{ n: number }>(
      'SELECT coalesce(max(position) + 1, 0)::int AS n FROM agenda_item WHERE session_id = $1',
      [id],
    );
    await this.tx.manager.insert(AgendaItemEntity, {
      sessionId: id,
      caseId: c.id,
      position: last[0]?.n ?? 0,
      mode: dto.mode ?? 'discuss',
      presentedAt: null,
      presentationReason: dto.presentationReason ?? null,
      addedBy: user.id,
    });
    return this.agendaChanged(user, session, {
      added: c.id,
      ...(dto.presentationReason == null ? {} : { presentationReason: dto.presentationReason }),
    });
  }

  /**
   * Changes an item's mode and/or its reason for presentation. The reason
   * (CoC 2.5) may still be recorded or corrected once the session is closed,
   * for the year's conference report; the mode only while it is open.
   */
  async updateAgendaItem(
    user: AuthenticatedUser,
    id: string,
    caseId: string,
    dto: UpdateAgendaItemDto,
  ): Promise<AgendaItemDto[]> {
    if (dto.mode === undefined && dto.presentationReason === undefined) {
      throw RequestValidationException.field('presentationReason', 'give mode, presentationReason or both');
    }
    const session = await this.loadForManage(user, id);
    if (dto.mode !== undefined || session.status === 'cancelled') this.assertOpen(session);
    const change: Partial<Pick<AgendaItemEntity, 'mode' | 'presentationReason'>> = {};
    if (dto.mode !== undefined) change.mode = dto.mode;
    if (dto.presentationReason !== undefined) change.presentationReason = dto.presentationReason;
    const result = await this.tx.manager.update(AgendaItemEntity, { sessionId: id, caseId }, change);
    if (result.affected !== 1) throw new NotFoundException('The case is not on this agenda');
    return this.agendaChanged(user, session, { caseId, ...change });
  }

  async reorder(user: AuthenticatedUser, id: string, caseIds: string[]): Promise<AgendaItemDto[]> {
    const session = await this.loadForManage(user, id);
    this.assertOpen(session);
    const current = await this.tx.manager.findBy(AgendaItemEntity, { sessionId: id });
    const known = new Set(current.map((a) => a.caseId));
    if (caseIds.length !== known.size || caseIds.some((c) => !known.has(c)))
      throw RequestValidationException.field('caseIds', 'caseIds must list every case on the agenda exactly once');
    await this.tx.query(
      `UPDATE agenda_item a SET position = o.position - 1
         FROM unnest($2::uuid[]) WITH ORDINALITY AS o(case_id, position)
        WHERE a.session_id = $1 AND a.case_id = o.case_id`,
      [id, caseIds],
    );
    return this.agendaChanged(user, session, { order: caseIds });
  }

  /** "Now presenting": the pointer moves, the first presentation is dated, an evaluated case goes to review. */
  async present(user: AuthenticatedUser, id: string, caseId: string): Promise<AgendaItemDto[]> {
    const session = await this.load(user, id, true);
    if (user.role !== 'coordinator' && user.id !== session.chairId)
      throw new ForbiddenException("Only the session's chair or a coordinator moves the agenda on");
    this.assertOpen(session);
    const item = await this.tx.manager.findOneBy(AgendaItemEntity, { sessionId: id, caseId });
    if (item === null) throw RequestValidationException.field('caseId', 'the case is not on this agenda');
    const c = await this.caseAccess.load(user, caseId, { lock: true });
    if (item.presentedAt === null) {
      await this.tx.manager.update(AgendaItemEntity, { sessionId: id, caseId }, { presentedAt: new Date() });
    }
    if (session.status === 'scheduled') session.status = 'in_progress';
    session.presentingCaseId = caseId;
    await this.tx.manager.save(session);
    await this.events.append({
      type: 'case.presenting',
      sessionId: id,
      caseId,
      actorId: user.id,
      payload: { caseId, mode: item.mode },
    });
    if (c.status === 'evaluated') await this.cases.move(c, 'in_review', user.id, { sessionId: id });
    const agenda = await this.agendaRows(id);
    AuditScope.describe({ caseId, patientId: c.patientId, entityId: id });
    return agenda.map(toAgendaDto);
  }

  /**
   * "Follow the presenter": what the chair or coordinator presenting has on
   * screen, logged (so a member who joins late or reconnects is put on the
   * same view) and delivered to the room like every other event.
   */
  async presenterView(user: AuthenticatedUser, id: string, dto: PresenterViewDto): Promise<PresenterViewAckDto> {
    const session = await this.load(user, id);
    if (user.role !== 'coordinator' && user.id !== session.chairId)
      throw new ForbiddenException("Only the session's chair or a coordinator presents");
    this.assertOpen(session);
    if (session.presentingCaseId !== dto.caseId)
      throw new ConflictException('This case is not the one on screen: present it first');
    const recordId = dto.recordId ?? null;
    if (recordId !== null) {
      const rows = await this.tx.query<{ id: string }>('SELECT id FROM case_record WHERE id = $1 AND case_id = $2', [
        recordId,
        dto.caseId,
      ]);
      if (rows.length === 0) throw RequestValidationException.field('recordId', 'the record is not one of this case');
    }
    const pointerX = dto.pointerX ?? null;
    const pointerY = dto.pointerY ?? null;
    if ((pointerX === null) !== (pointerY === null))
      throw RequestValidationException.field('pointerY', 'the pointer needs both pointerX and pointerY, or neither');
    const c = await this.caseAccess.load(user, dto.caseId);
    AuditScope.describe({ caseId: c.id, patientId: c.patientId, entityId: id });
    const eventId = await this.events.append({
      type: 'presenter.view',
      sessionId: id,
      caseId: dto.caseId,
      actorId: user.id,
      payload: {
        recordId,
        page: dto.page ?? null,
        zoom: dto.zoom,
        x: dto.x,
        y: dto.y,
        pointer: pointerX === null || pointerY === null ? null : { x: pointerX, y: pointerY },
      },
    });
    return { eventId };
  }

  async attendance(user: AuthenticatedUser, id: string): Promise<AttendanceDto> {
    return this.attendanceOf(await this.load(user, id));
  }

  async checkIn(user: AuthenticatedUser, id: string, dto: CheckInDto): Promise<AttendanceDto> {
    const session = await this.load(user, id, true);
    this.assertOpen(session);
    const who = await this.attendee(user, session, dto.userId);
    const disciplines = await this.tx.query<{ disciplines: string[] }>(
      'SELECT disciplines FROM specialist WHERE user_id = $1',
      [who],
    );
    if (!disciplines.some((d) => d.disciplines.includes(dto.discipline)))
      throw RequestValidationException.field('discipline', `the attendee is not a specialist in ${dto.discipline}`);
    const open = await this.tx.query<{ id: string }>(
      'SELECT id FROM attendance WHERE session_id = $1 AND user_id = $2 AND left_at IS NULL',
      [id, who],
    );
    if (open.length > 0) throw new ConflictException('Already checked in; check out first to change discipline');
    await this.tx.manager.insert(AttendanceEntity, {
      sessionId: id,
      userId: who,
      discipline: dto.discipline,
      joinedAt: new Date(),
      leftAt: null,
    });
    return this.attendanceChanged(user, session, { userId: who, discipline: dto.discipline, action: 'check_in' });
  }

  async checkOut(user: AuthenticatedUser, id: string, userId: string | undefined): Promise<AttendanceDto> {
    const session = await this.load(user, id, true);
    const who = await this.attendee(user, session, userId);
    const rows = await this.tx.query<{ id: string }>(
      `UPDATE attendance SET left_at = greatest(now(), joined_at) WHERE session_id = $1 AND user_id = $2 AND left_at IS NULL RETURNING id`,
      [id, who],
    );
    if (rows.length === 0) throw new ConflictException('Not checked in');
    return this.attendanceChanged(user, session, { userId: who, action: 'check_out' });
  }

  /**
   * A chat message from the board room, once per clientMsgId. Membership is
   * checked on every post; a case named must be on the session's agenda.
   */
  async postMessage(
    user: AuthenticatedUser,
    msg: { sessionId: string; caseId?: string; body: string; clientMsgId: string },
  ): Promise<{ id: string; duplicate: boolean }> {
    const session = await this.member(user, msg.sessionId);
    if (session.status === 'closed' || session.status === 'cancelled')
      throw new ConflictException(`The session is ${session.status}`);
    if (session.guestCaseId !== undefined) {
      // A guest speaks about the invited case, while the board has it on screen.
      if (msg.caseId !== session.guestCaseId)
        throw RequestValidationException.field('caseId', 'a guest posts about the case they were invited for');
      const [on] = await this.tx.query<{ presenting: boolean }>(
        `SELECT presenting_case_id IS NOT DISTINCT FROM $2::uuid AS presenting FROM board_session WHERE id = $1`,
        [session.id, msg.caseId],
      );
      if (on?.presenting !== true)
        throw new ConflictException(
          'The board is not discussing your case at the moment; you can post while it is presented',
        );
    }
    let patientId: string | undefined;
    if (msg.caseId !== undefined) {
      const rows = await this.tx.query<{ patient_id: string }>(
        `SELECT c.patient_id FROM agenda_item a JOIN second_opinion_case c ON c.id = a.case_id
          WHERE a.session_id = $1 AND a.case_id = $2`,
        [session.id, msg.caseId],
      );
      if (rows[0] === undefined) throw RequestValidationException.field('caseId', 'the case is not on this agenda');
      patientId = rows[0].patient_id;
    }
    AuditScope.describe({ entityId: session.id, caseId: msg.caseId, patientId });
    return this.events.appendMessage({
      type: 'message.posted',
      sessionId: session.id,
      caseId: msg.caseId ?? null,
      actorId: user.id,
      payload: {
        body: msg.body,
        clientMsgId: msg.clientMsgId,
        // A guest's words are marked as a guest's wherever the discussion is shown or transcribed.
        author: session.guestCaseId === undefined ? user.displayName : `${user.displayName} (guest)`,
        ...(session.guestCaseId === undefined ? {} : { guest: true }),
      },
    });
  }

  /** Patients whose data the session's log shows (its agenda), for audit rows. */
  async patientsOf(sessionId: string): Promise<string[]> {
    const rows = await this.agendaRows(sessionId);
    return rows.map((r) => r.patient_id);
  }

  /** Case → patient for the cases on the session's agenda (what a joined socket is shown). */
  async agendaPatients(sessionId: string): Promise<Map<string, string>> {
    const rows = await this.tx.query<{ case_id: string; patient_id: string }>(
      `SELECT a.case_id, c.patient_id FROM agenda_item a JOIN second_opinion_case c ON c.id = a.case_id
        WHERE a.session_id = $1`,
      [sessionId],
    );
    return new Map(rows.map((r) => [r.case_id, r.patient_id]));
  }

  /** Case → patient, for the audit rows of live disclosures (unknown ids are left out). */
  async patientsOfCases(caseIds: readonly string[]): Promise<Map<string, string>> {
    if (caseIds.length === 0) return new Map();
    const rows = await this.tx.query<{ id: string; patient_id: string }>(
      'SELECT id, patient_id FROM second_opinion_case WHERE id = ANY($1::uuid[])',
      [[...new Set(caseIds)]],
    );
    return new Map(rows.map((r) => [r.id, r.patient_id]));
  }

  async transcript(user: AuthenticatedUser, id: string): Promise<Transcript> {
    const session = await this.load(user, id);
    const agenda = await this.agendaRows(id);
    AuditScope.describe({ disclosedPatientIds: agenda.map((a) => a.patient_id) });
    const noConsent = new Set(agenda.filter((a) => !a.consent_to_record).map((a) => a.case_id));
    const rows = await this.tx.query<Parameters<typeof toBoardEvent>[0]>(
      `SELECT ${EVENT_COLUMNS} FROM board_event WHERE session_id = $1 ORDER BY board_event.id`,
      [id],
    );
    // Where the presenter's view moved is the room's, not the record of the discussion.
    const all = rows.map(toBoardEvent).filter((e) => e.type !== 'presenter.view');
    const events = all.filter((e) => !(e.type === 'message.posted' && e.caseId !== null && noConsent.has(e.caseId)));
    return {
      session: toSessionDto(session),
      attendance: await this.attendanceOf(session),
      agenda: agenda.map(toAgendaDto),
      events,
      omittedMessages: all.length - events.length,
    };
  }

  private assertOpen(session: BoardSessionEntity): void {
    if (session.status === 'closed' || session.status === 'cancelled')
      throw new ConflictException(`The session is ${session.status}`);
  }

  private async assertChair(clinicId: string, chairId: string): Promise<void> {
    const rows = await this.tx.query<{ role: string }>(
      `SELECT u.role FROM clinic_member m JOIN app_user u ON u.id = m.user_id WHERE m.clinic_id = $1 AND m.user_id = $2 AND u.active`,
      [clinicId, chairId],
    );
    if (rows[0]?.role !== 'clinician')
      throw RequestValidationException.field('chairId', 'the chair must be an active clinician of the clinic');
  }

  /** Yourself, or (coordinators) another member of the clinic. */
  private async attendee(
    user: AuthenticatedUser,
    session: BoardSessionEntity,
    userId: string | undefined,
  ): Promise<string> {
    if (userId === undefined || userId === user.id) return user.id;
    if (user.role !== 'coordinator') throw new ForbiddenException('Only coordinators check others in or out');
    if (!(await this.clinicAccess.isMember(userId, session.clinicId)))
      throw RequestValidationException.field('userId', 'the attendee must be a member of the clinic');
    return userId;
  }

  /** Logs an agenda change with the agenda as it is now (also used by postponements); the agenda, in order. */
  async agendaChanged(
    user: AuthenticatedUser,
    session: BoardSessionEntity,
    change: Record<string, unknown>,
  ): Promise<AgendaItemDto[]> {
    const agenda = await this.agendaRows(session.id);
    AuditScope.describe({ disclosedPatientIds: agenda.map((a) => a.patient_id) });
    await this.events.append({
      type: 'agenda.changed',
      sessionId: session.id,
      actorId: user.id,
      payload: {
        ...change,
        agenda: agenda.map((a) => ({
          caseId: a.case_id,
          position: a.position,
          mode: a.mode,
          presentationReason: a.presentation_reason,
        })),
      },
    });
    return agenda.map(toAgendaDto);
  }

  private async attendanceChanged(
    user: AuthenticatedUser,
    session: BoardSessionEntity,
    change: Record<string, unknown>,
  ): Promise<AttendanceDto> {
    const attendance = await this.attendanceOf(session);
    await this.events.append({
      type: 'attendance.changed',
      sessionId: session.id,
      actorId: user.id,
      payload: { ...change, quorum: attendance.quorum },
    });
    return attendance;
  }

  private async agendaRows(sessionId: string): Promise<AgendaRow[]> {
    return this.tx.query<AgendaRow>(
      `SELECT a.case_id, a.position, a.mode, a.presented_at, a.presentation_reason,
              (a.presented_at AT TIME ZONE cl.time_zone)::date::text AS presented_on,
              c.first_treatment_date::text AS first_treatment_date,
              c.status AS case_status, c.patient_id, p.consent_to_record,
              p.family_name, p.given_name, p.mrn, p.birth_date::text AS birth_date, c.synthetic,
              dx.source AS dx_source, dx.primary_site AS dx_site, dx.histology AS dx_histology
         FROM agenda_item a
         JOIN second_opinion_case c ON c.id = a.case_id
         JOIN patient p ON p.id = c.patient_id
         JOIN clinic cl ON cl.id = c.clinic_id
         -- The cancer as last assessed: the board's, else a review's, else the referring one.
         LEFT JOIN LATERAL (
           SELECT d.source, d.primary_site, d.histology FROM diagnosis_assessment d
            WHERE d.case_id = c.id AND (d.primary_site IS NOT NULL OR d.histology IS NOT NULL)
            ORDER BY CASE d.source WHEN 'board' THEN 0 WHEN 'pathology_review' THEN 1
                                   WHEN 'radiology_review' THEN 2 ELSE 3 END,
                     d.recorded_at DESC, d.id DESC
            LIMIT 1
         ) dx ON true
        WHERE a.session_id = $1
        ORDER BY a.position, a.created_at`,
      [sessionId],
    );
  }

  private async attendanceOf(session: BoardSessionEntity): Promise<AttendanceDto> {
    const rows = await this.tx.query<{
      user_id: string;
      display_name: string;
      discipline: string;
      joined_at: Date;
      left_at: Date | null;
    }>(
      `SELECT a.user_id, u.display_name, a.discipline, a.joined_at, a.left_at
         FROM attendance a JOIN app_user u ON u.id = a.user_id
        WHERE a.session_id = $1 ORDER BY a.joined_at, a.id`,
      [session.id],
    );
    const clinic = await this.tx.manager.findOneByOrFail(ClinicEntity, { id: session.clinicId });
    const required = [...clinic.quorumDisciplines];
    const present = [...new Set(rows.filter((r) => r.left_at === null).map((r) => r.discipline))].sort();
    const missing = required.filter((d) => !present.includes(d));
    return {
      entries: rows.map((r) => ({
        userId: r.user_id,
        displayName: r.display_name,
        discipline: r.discipline,
        joinedAt: r.joined_at.toISOString(),
        leftAt: r.left_at?.toISOString() ?? null,
      })),
      quorum: { required, present, missing, met: missing.length === 0 },
    };
  }
}

export function toSessionDto(s: BoardSessionEntity): BoardSessionDto {
  return {
    id: s.id,
    clinicId: s.clinicId,
    title: s.title,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    chairId: s.chairId,
    location: s.location,
    videoUrl: s.videoUrl,
    status: s.status,
    presentingCaseId: s.presentingCaseId,
    version: s.version,
  };
}

function toAgendaDto(a: AgendaRow): AgendaItemDto {
  // Computed when read, so a reason or treatment date recorded later counts.
  const status =
    a.presented_on === null
      ? null
      : presentationStatus(a.presentation_reason, treatmentTiming(a.presented_on, a.first_treatment_date));
  return {
    caseId: a.case_id,
    patient: {
      familyName: a.family_name,
      givenName: a.given_name,
      mrn: a.mrn,
      birthDate: a.birth_date,
      synthetic: a.synthetic,
    },
    diagnosis: a.dx_source === null ? null : { source: a.dx_source, primarySite: a.dx_site, histology: a.dx_histology },
    position: a.position,
    mode: a.mode,
    caseStatus: a.case_status,
    presentedAt: a.presented_at?.toISOString() ?? null,
    presentationReason: a.presentation_reason,
    prospectiveStatus: status,
    prospective: status === null || status === 'unknown' ? null : status === 'prospective',
  };
}
