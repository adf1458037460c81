import { ConflictException, Injectable, NotFoundException, PreconditionFailedException } from '@nestjs/common';
import { AuditScope } from '../audit/audit-scope.js';
import { decodeCursor, encodeCursor, toPage, type Page } from '../common/pagination.js';
import { TransactionContext } from '../database/transaction-context.js';
import type { CreateUserDto, ListUsersQuery, UpdateUserDto, UserResponseDto } from './dto/user.dto.js';
import { UserEntity } from './entities/user.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { SessionsService } from './sessions.service.js';
import { toUserResponse } from './users.mapper.js';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class UsersService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionsService,
  ) {}

  async create(dto: CreateUserDto): Promise<UserResponseDto> {
    const passwordHash = await this.passwords.hash(dto.password);
    const manager = this.tx.manager;
    const email = dto.email.toLowerCase();
    // Checked first so the transaction is not aborted by a constraint error;
    // the unique constraint still decides a race.
    if ((await manager.existsBy(UserEntity, { email })) === true) {
      throw new ConflictException('A user with this email already exists');
    }
    try {
      const user = await manager.save(
        manager.create(UserEntity, { email, displayName: dto.displayName, role: dto.role, passwordHash, active: true }),
      );
      AuditScope.describe({ entityId: user.id });
      return toUserResponse(user);
    } catch (error) {
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) {
        throw new ConflictException('A user with this email already exists');
      }
      throw error;
    }
  }

  async get(id: string): Promise<UserResponseDto> {
    return toUserResponse(await this.find(id));
  }

  async list(query: ListUsersQuery): Promise<Page<UserResponseDto>> {
    const qb = this.tx.manager.createQueryBuilder(UserEntity, 'u');
    if (query.role !== undefined) qb.andWhere('u.role = :role', { role: query.role });
    if (query.active !== undefined) qb.andWhere('u.active = :active', { active: query.active });
    if (query.cursor !== undefined) {
      const { email } = decodeCursor(query.cursor, { email: 'string' });
      qb.andWhere('u.email > :email', { email });
    }
    const rows = await qb
      .orderBy('u.email', 'ASC')
      .limit(query.limit + 1)
      .getMany();
    return toPage(rows, query.limit, toUserResponse, (u) => encodeCursor({ email: u.email }));
  }

  /**
   * Applies an admin's edit if `expectedVersion` is current. Disabling a
   * user or setting a password ends all their sessions; the last active
   * admin cannot be disabled or demoted.
   */
  async update(id: string, expectedVersion: number, dto: UpdateUserDto): Promise<UserResponseDto> {
    const manager = this.tx.manager;
    const user = await manager.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (user === null) throw new NotFoundException('User not found');
    if (user.version !== expectedVersion) {
      throw new PreconditionFailedException(
        `The user was changed by someone else (version ${user.version}); reload and retry`,
      );
    }
    const losesAdmin =
      user.role === 'admin' &&
      user.active &&
      (dto.active === false || (dto.role !== undefined && dto.role !== 'admin'));
    if (losesAdmin) {
      // Locks the other admins' rows so two admins cannot demote each other at once.
      const others = await manager.query<unknown[]>(
        `SELECT id FROM app_user WHERE role = 'admin' AND active AND id <> $1 FOR UPDATE`,
        [id],
      );
      if (others.length === 0) throw new ConflictException('The last active admin cannot be disabled or demoted');
    }
    if (dto.displayName !== undefined) user.displayName = dto.displayName;
    if (dto.role !== undefined) user.role = dto.role;
    if (dto.active !== undefined) user.active = dto.active;
    if (dto.password !== undefined) user.passwordHash = await this.passwords.hash(dto.password);
    const saved = await manager.save(user);
    if (dto.active === false) await this.sessions.revokeAllForUser(manager, id, 'user_disabled');
    else if (dto.password !== undefined) await this.sessions.revokeAllForUser(manager, id, 'password_changed');
    return toUserResponse(saved);
  }

  private async find(id: string): Promise<UserEntity> {
    const user = await this.tx.manager.findOne(UserEntity, { where: { id } });
    if (user === null) throw new NotFoundException('User not found');
    return user;
  }
}
