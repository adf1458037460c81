import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { EventLogService } from '../events/event-log.service.js';
import { CaseAccessService } from '../cases/case-access.service.js';
import { CasesService } from '../cases/cases.service.js';
import { canTransition } from '../cases/case-workflow.js';
import type { CaseEntity } from '../cases/entities/case.entity.js';
import { ClinicAccessService } from '../clinics/clinic-access.service.js';
import { ClinicsService } from '../clinics/clinics.service.js';
import type { ClinicEntity } from '../clinics/entities/clinic.entity.js';
import { minutesOfDay } from '../common/clinical-codes.js';
import { RequestValidationException } from '../common/problem.js';
import { hhmm } from '../common/transforms.js';
import { TransactionContext } from '../database/transaction-context.js';
import { appointmentMail, disciplineWords } from '../notifications/mail-templates.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { SpecialistsService } from '../specialists/specialists.service.js';
import type { DayPlanDto, DayViewDto, EditedAppointmentDto, ItineraryDto, RepairDto } from './dto/itinerary.dto.js';
import { AppointmentEntity, ItineraryEntity } from './entities/appointment.entity.js';
import { DayPlanner, improveWithin } from './day-planner.js';
import {
  itineraryViolations,
  solveItinerary,
  without,
  type Appointment,
  type SolverInput,
  type Window,
} from './solver.js';

const EXCLUSION_VIOLATION = '23P01';
/** How long a day plan may search for better plans (it stops sooner when proven optimal). */
const PLAN_BUDGET_MS = 1000;
const RESOURCE: Record<string, string> = {
  EXCL_appointment_specialist: 'specialist',
  EXCL_appointment_room: 'room',
  EXCL_appointment_patient: 'patient',
};

interface DayPatientRow {
  case_id: string;
  patient_id: string;
  family_name: string;
  given_name: string;
  mrn: string;
  synthetic: boolean;
}

interface AppointmentRow {
  id: string;
  itinerary_id: string;
  case_id: string;
  discipline: string;
  specialist_id: string;
  room_id: string | null;
  starts_at: Date;
  ends_at: Date;
  patient_attends: boolean;
}

interface BusyRow {
  specialist_id: string;
  room_id: string | null;
  starts_at: Date;
  ends_at: Date;
}

/** Computes and books one-day itineraries; the database refuses any overlap. */
@Injectable()
export class SchedulingService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: CaseAccessService,
    private readonly cases: CasesService,
    private readonly clinics: ClinicsService,
    private readonly specialists: SpecialistsService,
    private readonly events: EventLogService,
    private readonly clinicAccess: ClinicAccessService,
    private readonly notifications: NotificationsService,
  ) {}

  /**
   * Plans the shortest day for the patient on `date` and books it. If another
   * booking takes a slot first, it tries once more with fresh availability,
   * then answers 409 naming the resource.
   */
  async book(
    user: AuthenticatedUser,
    caseId: string,
    date: string,
    edited?: EditedAppointmentDto[],
    arrival: { from?: string; by?: string } = {},
  ): Promise<ItineraryDto> {
    const manager = this.tx.manager;
    const c = await this.access.load(user, caseId, { lock: true });
    if (!canTransition(c.status, 'scheduled')) {
      throw new ConflictException(`A ${c.status} case cannot be scheduled; it must be ready`);
    }
    const clinic = await this.clinics.find(c.clinicId);
    for (let attempt = 1; ; attempt++) {
      await manager.query('SAVEPOINT book_itinerary');
      try {
        const dto = await this.planAndInsert(user, c, clinic, date, edited, arrival);
        await manager.query('RELEASE SAVEPOINT book_itinerary');
        await this.cases.move(c, 'scheduled', user.id, { itineraryId: dto.id, date });
        await this.events.append({
          type: 'itinerary.booked',
          caseId: c.id,
          actorId: user.id,
          payload: { itineraryId: dto.id, date },
        });
        await this.mailSpecialists(clinic, [dto.id], 'booked');
        AuditScope.describe({ entityId: dto.id });
        return dto;
      } catch (error) {
        const e = error as { code?: unknown; constraint?: unknown };
        if (e.code !== EXCLUSION_VIOLATION) throw error;
        await manager.query('ROLLBACK TO SAVEPOINT book_itinerary');
        // An edited itinerary is the coordinator's choice: no re-planning on a lost race.
        if (attempt >= 2 || edited !== undefined) {
          const resource = RESOURCE[String(e.constraint)] ?? 'resource';
          throw new ConflictException({
            message: `Another booking took this ${resource}'s time first; try another day`,
            resource,
          });
        }
      }
    }
  }

  async get(user: AuthenticatedUser, caseId: string): Promise<ItineraryDto> {
    await this.access.load(user, caseId);
    const itinerary = await this.tx.manager.findOne(ItineraryEntity, { where: { caseId, status: 'booked' } });
    if (itinerary === null) throw new NotFoundException('This case has no booked itinerary');
    return this.toDto(itinerary);
  }

  /** Cancels every appointment of the case's itinerary; the case is ready again. */
  async cancel(user: AuthenticatedUser, caseId: string): Promise<void> {
    const manager = this.tx.manager;
    const c = await this.access.load(user, caseId, { lock: true });
    const itinerary = await manager.findOne(ItineraryEntity, { where: { caseId, status: 'booked' } });
    if (itinerary === null) throw new NotFoundException('This case has no booked itinerary');
    await manager.update(AppointmentEntity, { itineraryId: itinerary.id }, { status: 'cancelled' });
    await manager.update(ItineraryEntity, { id: itinerary.id }, { status: 'cancelled' });
    await this.mailSpecialists(await this.clinics.find(c.clinicId), [itinerary.id], 'cancelled');
    if (c.status === 'scheduled')
      await this.cases.move(c, 'ready', user.id, { itineraryId: itinerary.id, cancelled: true });
    await this.events.append({
      type: 'itinerary.cancelled',
      caseId,
      actorId: user.id,
      payload: { itineraryId: itinerary.id },
    });
    AuditScope.describe({ entityId: itinerary.id });
  }

  /**
   * Plans several patients on one clinic day jointly, without booking: most
   * urgent cases placed, then most cases, then least total time in clinic,
   * then specialists finishing earliest (see DayPlanner). Unplaced cases come
   * back with a reason; `provenOptimal` says when no plan can be better.
   */
  async planDay(user: AuthenticatedUser, date: string, clinicId: string, caseIds: string[]): Promise<DayPlanDto> {
    const clinic = await this.clinics.find(clinicId);
    const cases: CaseEntity[] = [];
    const unplaced: DayPlanDto['unplaced'] = [];
    for (const id of caseIds) {
      const c = await this.access.load(user, id);
      if (c.clinicId !== clinicId) unplaced.push({ caseId: id, reason: 'the case belongs to another clinic' });
      else if (!canTransition(c.status, 'scheduled'))
        unplaced.push({ caseId: id, reason: `the case is ${c.status}, not ready` });
      else cases.push(c);
    }
    const { input, origin } = await this.solverInput(clinic, date);
    const iso = (minutes: number): string => new Date(origin + minutes * 60_000).toISOString();
    // Referral order within each urgency.
    cases.sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime());
    const planner = new DayPlanner(
      input,
      cases.map((c) => ({ id: c.id, urgent: c.urgency === 'urgent' })),
    );
    await improveWithin(planner, PLAN_BUDGET_MS);
    const result = planner.plan();
    const placed: DayPlanDto['placed'] = result.placed.map((p) => ({
      caseId: p.id,
      timeInClinic: p.timeInClinic,
      appointments: p.appointments.map((a) => ({
        discipline: a.discipline,
        specialistId: a.specialistId,
        roomId: a.roomId,
        patientAttends: a.patientAttends,
        start: iso(a.start),
        end: iso(a.end),
      })),
    }));
    unplaced.push(...result.unplaced.map((u) => ({ caseId: u.id, reason: `${u.discipline}: ${u.reason}` })));
    return {
      date,
      clinicId,
      placed,
      unplaced,
      totalTimeInClinic: result.totalTimeInClinic,
      lowerBound: result.lowerBound,
      provenOptimal: result.provenOptimal && unplaced.length === 0,
    };
  }

  /**
   * After availability shrank (a sick day), re-plans only the itineraries
   * whose specialist is no longer free, around every other booking, which
   * stays where it is. Returns what moved and what could not be placed.
   */
  async repair(user: AuthenticatedUser, date: string, clinicId: string): Promise<RepairDto> {
    await this.clinicAccess.assertCanManage(user, clinicId);
    const clinic = await this.clinics.find(clinicId);
    const affected = await this.affected(clinic, date);
    const itineraryIds = [...new Set(affected.map((a) => a.itinerary_id))];
    const moved: RepairDto['moved'] = [];
    const unplaced: RepairDto['unplaced'] = [];
    for (const itineraryId of itineraryIds) {
      const itinerary = await this.tx.manager.findOneByOrFail(ItineraryEntity, { id: itineraryId });
      const c = await this.access.load(user, itinerary.caseId, { lock: true });
      const before = await this.toDto(itinerary);
      await this.tx.manager.update(AppointmentEntity, { itineraryId }, { status: 'cancelled' });
      await this.tx.manager.update(ItineraryEntity, { id: itineraryId }, { status: 'cancelled' });
      try {
        await this.tx.manager.query('SAVEPOINT repair_itinerary');
        const after = await this.planAndInsert(user, c, clinic, date);
        await this.tx.manager.query('RELEASE SAVEPOINT repair_itinerary');
        moved.push({ caseId: c.id, before: before.appointments, after: after.appointments });
        await this.mailSpecialists(clinic, [after.id], 'moved', [itineraryId]);
        await this.events.append({
          type: 'itinerary.repaired',
          caseId: c.id,
          actorId: user.id,
          payload: { from: itineraryId, to: after.id, date },
        });
      } catch (error) {
        if (!(error instanceof ConflictException)) throw error;
        await this.tx.manager.query('ROLLBACK TO SAVEPOINT repair_itinerary');
        await this.cases.move(c, 'ready', user.id, { itineraryId, unplacedBy: 'repair' });
        await this.mailSpecialists(clinic, [itineraryId], 'cancelled');
        unplaced.push({ caseId: c.id, reason: error.message });
      }
    }
    return { date, clinicId, moved, unplaced };
  }

  /**
   * Tells each specialist of the itineraries what changed for them, in the
   * transaction of the change. `dropped`: itineraries replaced by these ones,
   * whose specialists who are not in the new ones hear of a cancellation.
   */
  private async mailSpecialists(
    clinic: ClinicEntity,
    itineraryIds: string[],
    change: 'booked' | 'cancelled' | 'moved',
    dropped: string[] = [],
  ): Promise<void> {
    const rows = await this.tx.manager.query<
      {
        itinerary_id: string;
        case_id: string;
        user_id: string;
        discipline: string;
        room: string | null;
        starts_at: Date;
        ends_at: Date;
      }[]
    >(
      `SELECT a.itinerary_id, a.case_id, s.user_id, a.discipline, r.name AS room, a.starts_at, a.ends_at
         FROM appointment a JOIN specialist s ON s.id = a.specialist_id LEFT JOIN room r ON r.id = a.room_id
        WHERE a.itinerary_id = ANY($1::uuid[]) ORDER BY a.starts_at`,
      [[...itineraryIds, ...dropped]],
    );
    const when = (from: Date, to: Date): string => {
      const start = DateTime.fromJSDate(from, { zone: clinic.timeZone });
      const end = DateTime.fromJSDate(to, { zone: clinic.timeZone });
      return `${start.toFormat('ccc d LLL yyyy, HH:mm')}–${end.toFormat('HH:mm')} (${clinic.timeZone})`;
    };
    const current = rows.filter((r) => itineraryIds.includes(r.itinerary_id));
    const byUser = (list: typeof rows): Map<string, typeof rows> => {
      const map = new Map<string, typeof rows>();
      for (const r of list) map.set(r.user_id, [...(map.get(r.user_id) ?? []), r]);
      return map;
    };
    const send = async (list: typeof rows, kind: 'booked' | 'cancelled' | 'moved'): Promise<void> => {
      const mine = byUser(list);
      await this.notifications.toUsers('appointment', [...mine.keys()], (u) =>
        appointmentMail({
          displayName: u.displayName,
          clinicName: clinic.name,
          change: kind,
          lines: (mine.get(u.id) ?? []).map((r) => ({
            when: when(r.starts_at, r.ends_at),
            discipline: disciplineWords(r.discipline),
            room: r.room,
            caseId: r.case_id,
          })),
          link: this.notifications.appLink('/day'),
        }),
      );
    };
    await send(current, change);
    const still = new Set(current.map((r) => r.user_id));
    await send(
      rows.filter((r) => dropped.includes(r.itinerary_id) && !still.has(r.user_id)),
      'cancelled',
    );
  }

  /** Booked appointments of the day whose specialist is no longer free at that time. */
  private async affected(clinic: ClinicEntity, date: string): Promise<AppointmentRow[]> {
    const rows = await this.appointmentsOn(clinic.id, date);
    const freeBySpecialist = await this.specialists.freeOnMany(
      [...new Set(rows.map((r) => r.specialist_id))],
      clinic.id,
      date,
      clinic.timeZone,
    );
    return conflicting(rows, freeBySpecialist);
  }

  private appointmentsOn(clinicId: string, date: string): Promise<AppointmentRow[]> {
    return this.tx.query<AppointmentRow>(
      `SELECT a.id, a.itinerary_id, a.case_id, a.discipline, a.specialist_id, a.room_id, a.starts_at, a.ends_at, a.patient_attends
         FROM appointment a JOIN itinerary i ON i.id = a.itinerary_id
        WHERE i.clinic_id = $1 AND i.date = $2 AND a.status = 'booked'
        ORDER BY a.starts_at, a.discipline`,
      [clinicId, date],
    );
  }

  /** The coordinator's view of a clinic day: each specialist's and room's booked time. */
  async day(user: AuthenticatedUser, date: string, clinicId: string): Promise<DayViewDto> {
    await this.clinicAccess.assertCanRead(user, clinicId);
    const clinic = await this.clinics.find(clinicId);
    const rows = await this.appointmentsOn(clinicId, date);
    const roster = await this.specialists.roster(clinicId);
    const free = await this.specialists.freeOnMany(
      [...new Set([...roster.map((r) => r.id), ...rows.map((r) => r.specialist_id)])],
      clinicId,
      date,
      clinic.timeZone,
    );
    const conflicts = new Set(conflicting(rows, free).map((r) => r.id));
    const slot = (r: AppointmentRow) => ({
      appointmentId: r.id,
      conflict: conflicts.has(r.id),
      caseId: r.case_id,
      discipline: r.discipline,
      patientAttends: r.patient_attends,
      start: r.starts_at.toISOString(),
      end: r.ends_at.toISOString(),
    });
    const rooms = await this.clinics.roomsOf(clinicId);
    const patients =
      user.role === 'admin' || rows.length === 0
        ? []
        : await this.tx.query<DayPatientRow>(
            `SELECT c.id AS case_id, p.id AS patient_id, p.family_name, p.given_name, p.mrn, c.synthetic
               FROM second_opinion_case c JOIN patient p ON p.id = c.patient_id
              WHERE c.id = ANY($1::uuid[])
              ORDER BY p.family_name, p.given_name`,
            [[...new Set(rows.map((r) => r.case_id))]],
          );
    // Names and MRNs leave with the day: each patient shown is in the audit row ("who saw this patient").
    AuditScope.describe({ disclosedPatientIds: patients.map((p) => p.patient_id) });
    return {
      date,
      clinicId,
      timeZone: clinic.timeZone,
      patients: patients.map((p) => ({
        caseId: p.case_id,
        patientId: p.patient_id,
        familyName: p.family_name,
        givenName: p.given_name,
        mrn: p.mrn,
        synthetic: p.synthetic,
      })),
      bySpecialist: roster.map((s) => ({
        specialistId: s.id,
        disciplines: s.disciplines,
        free: (free.get(s.id) ?? []).map((i) => ({ start: i.start.toISOString(), end: i.end.toISOString() })),
        appointments: rows.filter((r) => r.specialist_id === s.id).map(slot),
      })),
      byRoom: rooms.map((room) => ({
        roomId: room.id,
        name: room.name,
        appointments: rows.filter((r) => r.room_id === room.id).map(slot),
      })),
    };
  }

  private async planAndInsert(
    user: AuthenticatedUser,
    c: CaseEntity,
    clinic: ClinicEntity,
    date: string,
    edited?: EditedAppointmentDto[],
    arrival: { from?: string; by?: string } = {},
  ): Promise<ItineraryDto> {
    const manager = this.tx.manager;
    const prepared = await this.solverInput(clinic, date);
    const { origin } = prepared;
    // The patient's arrival window, in clinic time, as minutes from the day's opening.
    const opening = minutesOfDay(hhmm(clinic.dayStart));
    const input: SolverInput = {
      ...prepared.input,
      arrival: {
        start: arrival.from === undefined ? prepared.input.day.start : minutesOfDay(arrival.from) - opening,
        end: arrival.by === undefined ? prepared.input.day.end : minutesOfDay(arrival.by) - opening,
      },
    };
    const at = (minutes: number): Date => new Date(origin + minutes * 60_000);
    let appointments: Appointment[];
    if (edited === undefined) {
      const result = solveItinerary(input);
      if (!result.ok) {
        throw new ConflictException({
          message: `No itinerary fits on ${date}: ${result.reason}`,
          discipline: result.discipline,
        });
      }
      appointments = result.appointments;
    } else {
      const minutes = (iso: string): number => (Date.parse(iso) - origin) / 60_000;
      appointments = edited.map((a) => ({
        discipline: a.discipline,
        specialistId: a.specialistId,
        roomId: a.roomId ?? null,
        start: minutes(a.start),
        end: minutes(a.end),
        patientAttends: input.tasks.find((t) => t.discipline === a.discipline)?.patientAttends ?? true,
      }));
      const problems = itineraryViolations(input, appointments);
      if (problems.length > 0) throw new RequestValidationException([{ field: 'appointments', messages: problems }]);
    }
    const itinerary = await manager.save(
      manager.create(ItineraryEntity, {
        caseId: c.id,
        clinicId: clinic.id,
        date,
        status: 'booked' as const,
        createdBy: user.id,
      }),
    );
    await manager.insert(
      AppointmentEntity,
      appointments.map((a) => ({
        itineraryId: itinerary.id,
        caseId: c.id,
        patientId: c.patientId,
        discipline: a.discipline,
        specialistId: a.specialistId,
        roomId: a.roomId,
        patientAttends: a.patientAttends,
        startsAt: at(a.start),
        endsAt: at(a.end),
        status: 'booked' as const,
      })),
    );
    return this.toDto(itinerary);
  }

  /** The clinic day as solver input: minutes from the day's opening, busy time removed. */
  private async solverInput(
    clinic: ClinicEntity,
    date: string,
    tentative: readonly Appointment[] = [],
  ): Promise<{ input: SolverInput; origin: number }> {
    const zone = clinic.timeZone;
    const open = DateTime.fromISO(`${date}T${hhmm(clinic.dayStart)}`, { zone });
    const close = DateTime.fromISO(`${date}T${hhmm(clinic.dayEnd)}`, { zone });
    const origin = open.toMillis();
    const toMinutes = (d: Date): number => Math.round((d.getTime() - origin) / 60_000);
    const day: Window = { start: 0, end: Math.round((close.toMillis() - origin) / 60_000) };
    const roster = await this.specialists.roster(clinic.id);
    const rooms = await this.clinics.roomsOf(clinic.id);
    const busy = await this.tx.query<BusyRow>(
      `SELECT specialist_id, room_id, starts_at, ends_at FROM appointment
        WHERE status = 'booked' AND starts_at < $2 AND ends_at > $1
          AND (specialist_id = ANY($3::uuid[]) OR room_id = ANY($4::uuid[]))`,
      [new Date(origin), close.toJSDate(), roster.map((s) => s.id), rooms.map((r) => r.id)],
    );
    // Booked appointments, plus those proposed earlier in the same plan.
    const all: BusyRow[] = [
      ...busy,
      ...tentative.map((a) => ({
        specialist_id: a.specialistId,
        room_id: a.roomId,
        starts_at: new Date(origin + a.start * 60_000),
        ends_at: new Date(origin + a.end * 60_000),
      })),
    ];
    const busyOf = (pick: (b: BusyRow) => boolean): Window[] =>
      all.filter(pick).map((b) => ({ start: toMinutes(b.starts_at), end: toMinutes(b.ends_at) }));
    const freeBy = await this.specialists.freeOnMany(
      roster.map((s) => s.id),
      clinic.id,
      date,
      zone,
    );
    const specialists = roster.map((s) => ({
      id: s.id,
      disciplines: s.disciplines,
      free: without(
        (freeBy.get(s.id) ?? []).map((i) => ({ start: toMinutes(i.start), end: toMinutes(i.end) })),
        busyOf((b) => b.specialist_id === s.id),
      ),
    }));
    return {
      origin,
      input: {
        tasks: clinic.requiredDisciplines,
        precedence: clinic.precedence,
        day,
        grid: 5,
        specialists,
        rooms: rooms.map((r) => ({
          id: r.id,
          free: without(
            [day],
            busyOf((b) => b.room_id === r.id),
          ),
        })),
      },
    };
  }

  private async toDto(itinerary: ItineraryEntity): Promise<ItineraryDto> {
    const appointments = await this.tx.manager.find(AppointmentEntity, {
      where: { itineraryId: itinerary.id },
      order: { startsAt: 'ASC', discipline: 'ASC' },
    });
    const visits = appointments.filter((a) => a.patientAttends);
    const timeInClinic =
      visits.length === 0
        ? 0
        : Math.round(
            (Math.max(...visits.map((a) => a.endsAt.getTime())) -
              Math.min(...visits.map((a) => a.startsAt.getTime()))) /
              60_000,
          );
    return {
      id: itinerary.id,
      caseId: itinerary.caseId,
      date: itinerary.date,
      status: itinerary.status,
      timeInClinic,
      appointments: appointments.map((a) => ({
        id: a.id,
        discipline: a.discipline,
        specialistId: a.specialistId,
        roomId: a.roomId,
        patientAttends: a.patientAttends,
        start: a.startsAt.toISOString(),
        end: a.endsAt.toISOString(),
        status: a.status,
      })),
    };
  }
}

/** Booked appointments whose specialist is no longer free for the whole of them. */
function conflicting(
  rows: readonly AppointmentRow[],
  free: ReadonlyMap<string, { start: Date; end: Date }[]>,
): AppointmentRow[] {
  return rows.filter(
    (r) => !(free.get(r.specialist_id) ?? []).some((w) => w.start <= r.starts_at && r.ends_at <= w.end),
  );
}
