import { ConflictException, Injectable, NotFoundException, PreconditionFailedException } from '@nestjs/common';
import { AuditScope } from '../audit/audit-scope.js';
import { notifyAccessChanged } from '../auth/access-changes.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { topographyMatches } from '../common/clinical-codes.js';
import { decodeCursor, encodeCursor, toPage, type Page, type PageQuery } from '../common/pagination.js';
import { RequestValidationException } from '../common/problem.js';
import { TransactionContext } from '../database/transaction-context.js';
import { ClinicAccessService } from './clinic-access.service.js';
import { clinicRuleErrors } from './clinic-rules.js';
import type { ClinicBodyDto, ClinicResponseDto, CreateRoomDto, RoomResponseDto } from './dto/clinic.dto.js';
import { ClinicMemberEntity } from './entities/clinic-member.entity.js';
import { ClinicEntity } from './entities/clinic.entity.js';
import { RoomEntity } from './entities/room.entity.js';
import { toClinicResponse, toRoomResponse } from './clinics.mapper.js';

const UNIQUE_VIOLATION = '23505';
const FK_VIOLATION = '23503';

@Injectable()
export class ClinicsService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly access: ClinicAccessService,
  ) {}

  async create(dto: ClinicBodyDto): Promise<ClinicResponseDto> {
    assertRules(dto);
    const manager = this.tx.manager;
    if (await manager.existsBy(ClinicEntity, { name: dto.name })) {
      throw new ConflictException('A clinic with this name already exists');
    }
    const clinic = await manager.save(manager.create(ClinicEntity, { ...dto }));
    AuditScope.describe({ entityId: clinic.id });
    return toClinicResponse(clinic);
  }

  async list(user: AuthenticatedUser, query: PageQuery): Promise<Page<ClinicResponseDto>> {
    const qb = this.tx.manager.createQueryBuilder(ClinicEntity, 'c');
    if (user.role !== 'admin') {
      qb.innerJoin(ClinicMemberEntity, 'm', 'm.clinic_id = c.id AND m.user_id = :userId', { userId: user.id });
    }
    if (query.cursor !== undefined) {
      const { name, id } = decodeCursor(query.cursor, { name: 'string', id: 'uuid' });
      qb.andWhere('(c.name, c.id) > (:name, :id)', { name, id });
    }
    const rows = await qb
      .orderBy('c.name', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .limit(query.limit + 1)
      .getMany();
    return toPage(rows, query.limit, toClinicResponse, (c) => encodeCursor({ name: c.name, id: c.id }));
  }

  async get(user: AuthenticatedUser, id: string): Promise<ClinicResponseDto> {
    await this.access.assertCanRead(user, id);
    return toClinicResponse(await this.find(id));
  }

  async update(
    user: AuthenticatedUser,
    id: string,
    expectedVersion: number,
    dto: ClinicBodyDto,
  ): Promise<ClinicResponseDto> {
    await this.access.assertCanManage(user, id);
    assertRules(dto);
    const manager = this.tx.manager;
    const clinic = await manager.findOne(ClinicEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (clinic === null) throw new NotFoundException('Clinic not found');
    if (clinic.version !== expectedVersion) {
      throw new PreconditionFailedException(
        `The clinic was changed by someone else (version ${clinic.version}); reload and retry`,
      );
    }
    if (dto.name !== clinic.name && (await manager.existsBy(ClinicEntity, { name: dto.name }))) {
      throw new ConflictException('A clinic with this name already exists');
    }
    Object.assign(clinic, dto);
    return toClinicResponse(await manager.save(clinic));
  }

  async addMember(user: AuthenticatedUser, clinicId: string, userId: string): Promise<void> {
    await this.access.assertCanManage(user, clinicId);
    await this.find(clinicId);
    try {
      await this.tx.manager.query(
        'INSERT INTO clinic_member (clinic_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [clinicId, userId],
      );
    } catch (error) {
      if ((error as { code?: unknown }).code === FK_VIOLATION) throw new NotFoundException('User not found');
      throw error;
    }
  }

  async removeMember(user: AuthenticatedUser, clinicId: string, userId: string): Promise<void> {
    await this.access.assertCanManage(user, clinicId);
    await this.tx.manager.delete(ClinicMemberEntity, { clinicId, userId });
    await notifyAccessChanged(this.tx, { userId }); // the user's board sockets in this clinic's sessions go at once
  }

  async members(user: AuthenticatedUser, clinicId: string): Promise<string[]> {
    await this.access.assertCanRead(user, clinicId);
    const rows = await this.tx.manager.find(ClinicMemberEntity, { where: { clinicId }, order: { userId: 'ASC' } });
    return rows.map((m) => m.userId);
  }

  async createRoom(user: AuthenticatedUser, dto: CreateRoomDto): Promise<RoomResponseDto> {
    await this.access.assertCanManage(user, dto.clinicId);
    await this.find(dto.clinicId);
    const manager = this.tx.manager;
    if (await manager.existsBy(RoomEntity, { clinicId: dto.clinicId, name: dto.name })) {
      throw new ConflictException('This clinic already has a room with this name');
    }
    try {
      const room = await manager.save(manager.create(RoomEntity, { clinicId: dto.clinicId, name: dto.name }));
      AuditScope.describe({ entityId: room.id });
      return toRoomResponse(room);
    } catch (error) {
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) {
        throw new ConflictException('This clinic already has a room with this name');
      }
      throw error;
    }
  }

  async rooms(user: AuthenticatedUser, clinicId: string): Promise<RoomResponseDto[]> {
    await this.access.assertCanRead(user, clinicId);
    const rows = await this.tx.manager.find(RoomEntity, { where: { clinicId }, order: { name: 'ASC' } });
    return rows.map(toRoomResponse);
  }

  /** The clinic's rooms (for the scheduler). */
  roomsOf(clinicId: string): Promise<RoomEntity[]> {
    return this.tx.manager.find(RoomEntity, { where: { clinicId }, order: { name: 'ASC' } });
  }

  /**
   * The clinic that takes a referring primary site: the one of the clinics
   * the coordinator works in (`preferred`) that takes it, else the one clinic
   * of all that does; undefined when that is not exactly one.
   */
  async routeBySite(
    primarySite: string,
    preferred?: (clinicId: string) => Promise<boolean>,
  ): Promise<ClinicEntity | undefined> {
    const clinics = await this.tx.manager.find(ClinicEntity, { order: { name: 'ASC' } });
    const matching = clinics.filter((c) => c.cancerTypes.some((p) => topographyMatches(p, primarySite)));
    if (preferred !== undefined) {
      const own: ClinicEntity[] = [];
      for (const c of matching) if (await preferred(c.id)) own.push(c);
      if (own.length === 1) return own[0];
      if (own.length > 1) return undefined;
    }
    return matching.length === 1 ? matching[0] : undefined;
  }

  async find(id: string): Promise<ClinicEntity> {
    const clinic = await this.tx.manager.findOne(ClinicEntity, { where: { id } });
    if (clinic === null) throw new NotFoundException('Clinic not found');
    return clinic;
  }
}

function assertRules(dto: ClinicBodyDto): void {
  const errors = clinicRuleErrors(dto);
  if (errors.length > 0) throw new RequestValidationException(errors);
}
