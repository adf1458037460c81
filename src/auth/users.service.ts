import { ConflictException, Injectable, NotFoundException, PreconditionFailedException } from '@nestjs/common';
import { AuditScope } from '../audit/audit-scope.js';
import { decodeCursor, encodeCursor, toPage, type Page } from '../common/pagination.js';
import { TransactionContext } from '../database/transaction-context.js';
import { notifyAccessChanged } from './access-changes.js';
import { RequestValidationException } from '../common/problem.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import type {
  ChangePasswordDto,
  CreatedUserResponseDto,
  CreateUserDto,
  ListUsersQuery,
  SetPasswordLinkDto,
  UpdateUserDto,
  UserResponseDto,
} from './dto/user.dto.js';
import { UserEntity } from './entities/user.entity.js';
import { LoginThrottle } from './login-throttle.js';
import { PasswordHasher } from './password-hasher.js';
import { passwordProblem } from './password-policy.js';
import { SessionsService } from './sessions.service.js';
import { SetPasswordLinksService } from './set-password-links.service.js';
import { TotpService } from './totp.service.js';
import { toUserResponse } from './users.mapper.js';

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class UsersService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly links: SetPasswordLinksService,
    private readonly totp: TotpService,
    private readonly throttle: LoginThrottle,
  ) {}

  /**
   * An admin creates an account: it has no password until the user sets one
   * from the one-time link returned here (shown once; only its hash is kept).
   * Creating an account is a high-severity audit row.
   */
  async create(dto: CreateUserDto): Promise<CreatedUserResponseDto> {
    const user = await this.insert(dto, null);
    const setPasswordLink = await this.links.issue(this.tx.manager, user.id, 'invite');
    AuditScope.describe({ entityId: user.id, severity: 'high', reason: 'set_password_link_issued' });
    return { ...toUserResponse(user), setPasswordLink };
  }

  /**
   * An account with a password chosen on the server itself: the CLI (someone
   * with shell access creating the first admin) and test set-up. The
   * password policy applies.
   */
  async createWithPassword(dto: CreateUserDto, password: string): Promise<UserResponseDto> {
    const weak = passwordProblem(password, { email: dto.email, displayName: dto.displayName });
    if (weak !== undefined) throw RequestValidationException.field('password', `password ${weak}`);
    const user = await this.insert(dto, await this.passwords.hash(password));
    AuditScope.describe({ entityId: user.id });
    return toUserResponse(user);
  }

  /** A new set-password link for an existing user (a forgotten password); earlier links stop working. */
  async issueResetLink(id: string): Promise<SetPasswordLinkDto> {
    const user = await this.find(id);
    const link = await this.links.issue(this.tx.manager, user.id, 'reset');
    AuditScope.describe({ entityId: user.id, severity: 'high', reason: 'set_password_link_issued' });
    return link;
  }

  /** Removes a user's second factor (a lost phone); they enrol again. High severity. */
  async resetSecondFactor(id: string): Promise<UserResponseDto> {
    const manager = this.tx.manager;
    const user = await manager.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    // A guest account is its invitation's: withdrawn there, never given a staff role here.
    if (user === null || user.role === 'guest') throw new NotFoundException('User not found');
    await this.totp.reset(manager, id);
    await this.sessions.revokeAllForUser(manager, id, 'second_factor_reset');
    AuditScope.describe({ entityId: id, severity: 'high', reason: 'second_factor_reset' });
    return toUserResponse(await manager.findOneOrFail(UserEntity, { where: { id } }));
  }

  /**
   * Self-service password change: the current password proves it is the
   * owner (wrong guesses are throttled like sign-ins), the policy applies,
   * and every other session of the user ends.
   */
  async changeOwnPassword(caller: AuthenticatedUser, dto: ChangePasswordDto, ip: string): Promise<void> {
    const manager = this.tx.manager;
    const user = await manager.findOne(UserEntity, { where: { id: caller.id }, lock: { mode: 'pessimistic_write' } });
    if (user === null) throw new NotFoundException('User not found');
    await this.throttle.admit(ip, user.email);
    if (!(await this.passwords.verify(user.passwordHash ?? undefined, dto.currentPassword))) {
      throw RequestValidationException.field('currentPassword', 'currentPassword is not your current password');
    }
    await this.throttle.succeeded(ip, user.email);
    const weak = passwordProblem(dto.newPassword, { email: user.email, displayName: user.displayName });
    if (weak !== undefined) throw RequestValidationException.field('newPassword', `newPassword ${weak}`);
    if (dto.newPassword === dto.currentPassword) {
      throw RequestValidationException.field('newPassword', 'newPassword must differ from the current password');
    }
    user.passwordHash = await this.passwords.hash(dto.newPassword);
    await manager.save(user);
    await this.sessions.revokeAllForUser(manager, user.id, 'password_changed', caller.sessionId);
    AuditScope.describe({ entityId: user.id, reason: 'password_changed' });
  }

  private async insert(dto: CreateUserDto, passwordHash: string | null): Promise<UserEntity> {
    const manager = this.tx.manager;
    const email = dto.email.toLowerCase();
    // Checked first so the transaction is not aborted by a constraint error;
    // the unique constraint still decides a race.
    if ((await manager.existsBy(UserEntity, { email })) === true) {
      throw new ConflictException('A user with this email already exists');
    }
    try {
      return await manager.save(
        manager.create(UserEntity, { email, displayName: dto.displayName, role: dto.role, passwordHash, active: true }),
      );
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
    // Guest accounts (invited outside doctors) are the board sessions' to show, not the staff list's.
    const qb = this.tx.manager.createQueryBuilder(UserEntity, 'u').where(`u.role <> 'guest'`);
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
   * user or changing their role ends all their sessions and is a
   * high-severity audit row; the last active admin cannot be disabled or
   * demoted. (An admin never sets a password: see issueResetLink.)
   */
  async update(id: string, expectedVersion: number, dto: UpdateUserDto): Promise<UserResponseDto> {
    const manager = this.tx.manager;
    const user = await manager.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (user === null || user.role === 'guest') throw new NotFoundException('User not found');
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
    const roleChanged = dto.role !== undefined && dto.role !== user.role;
    const disabled = dto.active === false && user.active;
    if (dto.displayName !== undefined) user.displayName = dto.displayName;
    if (dto.role !== undefined) user.role = dto.role;
    if (dto.active !== undefined) user.active = dto.active;
    const saved = await manager.save(user);
    if (roleChanged || dto.active !== undefined) {
      AuditScope.describe({
        severity: 'high',
        reason: roleChanged ? 'role_changed' : disabled ? 'user_disabled' : 'user_enabled',
      });
    }
    await notifyAccessChanged(manager, { userId: id }); // role or enabled changes cut the user's board sockets
    if (dto.active === false) await this.sessions.revokeAllForUser(manager, id, 'user_disabled');
    else if (roleChanged) await this.sessions.revokeAllForUser(manager, id, 'role_changed');
    return toUserResponse(saved);
  }

  private async find(id: string): Promise<UserEntity> {
    const user = await this.tx.manager.findOne(UserEntity, { where: { id } });
    if (user === null || user.role === 'guest') throw new NotFoundException('User not found');
    return user;
  }
}
