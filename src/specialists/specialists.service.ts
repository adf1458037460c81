import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { In, MoreThanOrEqual } from 'typeorm';
import { AuditScope } from '../audit/audit-scope.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { ClinicAccessService } from '../clinics/clinic-access.service.js';
import { ClinicsService } from '../clinics/clinics.service.js';
import { minutesOfDay } from '../common/clinical-codes.js';
import { RequestValidationException } from '../common/problem.js';
import { TransactionContext } from '../database/transaction-context.js';
import { availabilityOn, type Interval } from './availability.js';
import type {
  AvailabilityQuery,
  CreateExceptionDto,
  CreateSpecialistDto,
  DayAvailabilityDto,
  ExceptionResponseDto,
  ListExceptionsQuery,
  SetAvailabilityDto,
  SpecialistResponseDto,
  UpdateSpecialistDto,
  WeeklyAvailabilityDto,
} from './dto/specialist.dto.js';
import { AvailabilityEntity, AvailabilityExceptionEntity } from './entities/availability.entity.js';
import { SpecialistClinicEntity } from './entities/specialist-clinic.entity.js';
import { SpecialistEntity } from './entities/specialist.entity.js';
import { hhmm } from '../common/transforms.js';

interface SpecialistRow {
  id: string;
  user_id: string;
  display_name: string;
  disciplines: string[];
  clinic_ids: string[];
  profession: SpecialistResponseDto['profession'];
  credentials: string | null;
}

@Injectable()
export class SpecialistsService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: ClinicAccessService,
    private readonly clinics: ClinicsService,
  ) {}

  async create(user: AuthenticatedUser, dto: CreateSpecialistDto): Promise<SpecialistResponseDto> {
    if (user.role !== 'admin') throw new ForbiddenException('Disciplines are assigned by an administrator');
    if (dto.userId === user.id) throw new ForbiddenException('Nobody assigns a discipline to themselves');
    for (const clinicId of dto.clinicIds) await this.access.assertCanManage(user, clinicId);
    const manager = this.tx.manager;
    if (await manager.existsBy(SpecialistEntity, { userId: dto.userId })) {
      throw new ConflictException('This user is already a specialist');
    }
    const users = await manager.query<{ id: string }[]>('SELECT id FROM app_user WHERE id = $1', [dto.userId]);
    if (users.length === 0) throw RequestValidationException.field('userId', 'userId must name an existing user');
    const specialist = await manager.save(
      manager.create(SpecialistEntity, { userId: dto.userId, disciplines: dto.disciplines }),
    );
    await manager.insert(
      SpecialistClinicEntity,
      dto.clinicIds.map((clinicId) => ({ specialistId: specialist.id, clinicId })),
    );
    // A specialist sees the clinics they work in.
    await manager.query(
      `INSERT INTO clinic_member (clinic_id, user_id) SELECT unnest($1::uuid[]), $2 ON CONFLICT DO NOTHING`,
      [dto.clinicIds, dto.userId],
    );
    AuditScope.describe({ entityId: specialist.id });
    return this.get(user, specialist.id);
  }

  async list(user: AuthenticatedUser, clinicId: string): Promise<SpecialistResponseDto[]> {
    await this.access.assertCanRead(user, clinicId);
    const rows = await this.rows(
      'EXISTS (SELECT 1 FROM specialist_clinic x WHERE x.specialist_id = s.id AND x.clinic_id = $1)',
      [clinicId],
    );
    return rows.map(toResponse);
  }

  async get(user: AuthenticatedUser, id: string): Promise<SpecialistResponseDto> {
    const [row] = await this.rows('s.id = $1', [id]);
    if (row === undefined) throw new NotFoundException('Specialist not found');
    if (user.role !== 'admin') {
      const mine = await this.access.clinicIdsOf(user.id);
      if (!row.clinic_ids.some((c) => mine.includes(c))) throw new NotFoundException('Specialist not found');
    }
    return toResponse(row);
  }

  /** Changes the disciplines, profession or credentials (admins only, never one's own, as at creation). */
  async update(user: AuthenticatedUser, id: string, dto: UpdateSpecialistDto): Promise<SpecialistResponseDto> {
    if (user.role !== 'admin') throw new ForbiddenException('Disciplines are assigned by an administrator');
    if (dto.disciplines === undefined && dto.profession === undefined && dto.credentials === undefined)
      throw RequestValidationException.field('disciplines', 'give disciplines, profession or credentials');
    const manager = this.tx.manager;
    const specialist = await manager.findOne(SpecialistEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (specialist === null) throw new NotFoundException('Specialist not found');
    if (specialist.userId === user.id) throw new ForbiddenException('Nobody assigns a discipline to themselves');
    if (dto.disciplines !== undefined) specialist.disciplines = dto.disciplines;
    if (dto.profession !== undefined) specialist.profession = dto.profession;
    if (dto.credentials !== undefined) specialist.credentials = dto.credentials;
    await manager.save(specialist);
    return this.get(user, id);
  }

  /** The weekly windows in one clinic, in its wall-clock time. */
  async weekly(user: AuthenticatedUser, id: string, clinicId: string): Promise<WeeklyAvailabilityDto> {
    await this.access.assertCanRead(user, clinicId);
    await this.assertWorksIn(id, clinicId);
    const clinic = await this.clinics.find(clinicId);
    const rows = await this.tx.manager.find(AvailabilityEntity, {
      where: { specialistId: id, clinicId },
      order: { weekday: 'ASC', startTime: 'ASC' },
    });
    return {
      clinicId,
      timeZone: clinic.timeZone,
      windows: rows.map((w) => ({ weekday: w.weekday, start: hhmm(w.startTime), end: hhmm(w.endTime) })),
    };
  }

  /** Time away and extra hours in one clinic, by date. */
  async exceptions(user: AuthenticatedUser, id: string, query: ListExceptionsQuery): Promise<ExceptionResponseDto[]> {
    await this.access.assertCanRead(user, query.clinicId);
    await this.assertWorksIn(id, query.clinicId);
    const rows = await this.tx.manager.find(AvailabilityExceptionEntity, {
      where: {
        specialistId: id,
        clinicId: query.clinicId,
        ...(query.from === undefined ? {} : { date: MoreThanOrEqual(query.from) }),
      },
      order: { date: 'ASC', startTime: 'ASC' },
      take: 500,
    });
    return rows.map((x) => ({
      id: x.id,
      clinicId: x.clinicId,
      date: x.date,
      kind: x.kind,
      start: x.startTime === null ? null : hhmm(x.startTime),
      end: x.endTime === null ? null : hhmm(x.endTime),
      reason: x.reason,
    }));
  }

  /** Replaces the specialist's weekly windows in one clinic. */
  async setAvailability(user: AuthenticatedUser, id: string, dto: SetAvailabilityDto): Promise<void> {
    await this.access.assertCanManage(user, dto.clinicId);
    await this.assertWorksIn(id, dto.clinicId);
    dto.windows.forEach((w, i) => {
      if (minutesOfDay(w.start) >= minutesOfDay(w.end)) {
        throw RequestValidationException.field(`windows[${i}].end`, `windows[${i}].end must be later than start`);
      }
    });
    const manager = this.tx.manager;
    await manager.delete(AvailabilityEntity, { specialistId: id, clinicId: dto.clinicId });
    if (dto.windows.length > 0) {
      await manager.insert(
        AvailabilityEntity,
        dto.windows.map((w) => ({
          specialistId: id,
          clinicId: dto.clinicId,
          weekday: w.weekday,
          startTime: w.start,
          endTime: w.end,
        })),
      );
    }
  }

  async addException(user: AuthenticatedUser, id: string, dto: CreateExceptionDto): Promise<{ id: string }> {
    await this.access.assertCanManage(user, dto.clinicId);
    await this.assertWorksIn(id, dto.clinicId);
    if ((dto.start === undefined) !== (dto.end === undefined)) {
      throw RequestValidationException.field(dto.start === undefined ? 'start' : 'end', 'start and end go together');
    }
    if (dto.start !== undefined && dto.end !== undefined && minutesOfDay(dto.start) >= minutesOfDay(dto.end)) {
      throw RequestValidationException.field('end', 'end must be later than start');
    }
    if (dto.kind === 'extra' && dto.start === undefined) {
      throw RequestValidationException.field('start', 'extra hours need start and end');
    }
    const saved = await this.tx.manager.save(
      this.tx.manager.create(AvailabilityExceptionEntity, {
        specialistId: id,
        clinicId: dto.clinicId,
        date: dto.date,
        kind: dto.kind,
        startTime: dto.start ?? null,
        endTime: dto.end ?? null,
        reason: dto.reason ?? null,
      }),
    );
    AuditScope.describe({ entityId: saved.id });
    return { id: saved.id };
  }

  async availability(user: AuthenticatedUser, id: string, query: AvailabilityQuery): Promise<DayAvailabilityDto> {
    await this.access.assertCanRead(user, query.clinicId);
    await this.assertWorksIn(id, query.clinicId);
    const clinic = await this.clinics.find(query.clinicId);
    const free = await this.freeOn(id, query.clinicId, query.date, clinic.timeZone);
    return {
      date: query.date,
      timeZone: clinic.timeZone,
      free: free.map((i) => ({ start: i.start.toISOString(), end: i.end.toISOString() })),
    };
  }

  /** Free intervals of a specialist on a clinic day (for the scheduler). */
  async freeOn(specialistId: string, clinicId: string, date: string, zone: string): Promise<Interval[]> {
    return (await this.freeOnMany([specialistId], clinicId, date, zone)).get(specialistId) ?? [];
  }

  /**
   * Free intervals of several specialists on a clinic day, in two queries
   * (one for the weekly windows, one for the day's exceptions). Sequential on
   * purpose: inside a transaction both run on the same connection.
   */
  async freeOnMany(
    specialistIds: readonly string[],
    clinicId: string,
    date: string,
    zone: string,
  ): Promise<Map<string, Interval[]>> {
    const manager = this.tx.manager;
    const ids = [...specialistIds];
    const weekly =
      ids.length === 0 ? [] : await manager.find(AvailabilityEntity, { where: { specialistId: In(ids), clinicId } });
    const exceptions =
      ids.length === 0
        ? []
        : await manager.find(AvailabilityExceptionEntity, { where: { specialistId: In(ids), clinicId, date } });
    return new Map(
      ids.map((id) => [
        id,
        availabilityOn(
          date,
          zone,
          weekly
            .filter((w) => w.specialistId === id)
            .map((w) => ({ weekday: w.weekday, start: hhmm(w.startTime), end: hhmm(w.endTime) })),
          exceptions
            .filter((x) => x.specialistId === id)
            .map((x) => ({
              date: x.date,
              kind: x.kind,
              start: x.startTime === null ? null : hhmm(x.startTime),
              end: x.endTime === null ? null : hhmm(x.endTime),
            })),
        ),
      ]),
    );
  }

  /** The clinic's specialists and their disciplines (for the scheduler). */
  async roster(clinicId: string): Promise<{ id: string; disciplines: string[] }[]> {
    return this.tx.query<{ id: string; disciplines: string[] }>(
      `SELECT s.id, s.disciplines FROM specialist s JOIN specialist_clinic sc ON sc.specialist_id = s.id
        WHERE sc.clinic_id = $1 ORDER BY s.id`,
      [clinicId],
    );
  }

  private async assertWorksIn(specialistId: string, clinicId: string): Promise<void> {
    const found = await this.tx.manager.existsBy(SpecialistClinicEntity, { specialistId, clinicId });
    if (!found) throw new NotFoundException('Specialist not found in this clinic');
  }

  private rows(where: string, params: unknown[]): Promise<SpecialistRow[]> {
    return this.tx.manager.query<SpecialistRow[]>(
      `SELECT s.id, s.user_id, u.display_name, s.disciplines, s.profession, s.credentials,
              array(SELECT sc.clinic_id FROM specialist_clinic sc WHERE sc.specialist_id = s.id ORDER BY sc.clinic_id) AS clinic_ids
         FROM specialist s
         JOIN app_user u ON u.id = s.user_id
        WHERE ${where}
        ORDER BY u.display_name, s.id`,
      params,
    );
  }
}

function toResponse(row: SpecialistRow): SpecialistResponseDto {
  return {
    id: row.id,
    userId: row.user_id,
    displayName: row.display_name,
    disciplines: row.disciplines as SpecialistResponseDto['disciplines'],
    clinicIds: row.clinic_ids,
    profession: row.profession,
    credentials: row.credentials,
  };
}
