import { Injectable, UnauthorizedException } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { TransactionContext } from '../database/transaction-context.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import type { TokenPairDto } from './dto/auth.dto.js';
import { UserEntity } from './entities/user.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { SessionsService } from './sessions.service.js';

/** Request facts an audit row needs, passed in by the controller. */
export interface RequestMeta {
  requestId: string;
  ip: string;
}

@Injectable()
export class AuthService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly sessions: SessionsService,
    private readonly passwords: PasswordHasher,
    private readonly audit: AuditService,
  ) {}

  async login(email: string, password: string, meta: RequestMeta): Promise<TokenPairDto> {
    const user = await this.tx.manager.findOne(UserEntity, { where: { email: email.toLowerCase() } });
    const valid = await this.passwords.verify(user?.passwordHash, password);
    if (user === null || !valid || !user.active) {
      await this.audit.record({
        action: 'auth.login',
        entityType: 'user',
        entityId: user?.id ?? null,
        outcome: 'failure',
        statusCode: 401,
        reason: user === null ? 'unknown_account' : !valid ? 'wrong_password' : 'account_disabled',
        requestId: meta.requestId,
        ip: meta.ip,
      });
      // One message for every cause: the response must not reveal which accounts exist.
      throw new UnauthorizedException('Invalid email or password');
    }
    return this.tx.run(async (manager) => {
      const { tokens, sessionId } = await this.sessions.start(manager, user.id, user.role);
      await this.audit.record(
        {
          actorId: user.id,
          actorRole: user.role,
          action: 'auth.login',
          entityType: 'auth_session',
          entityId: sessionId,
          outcome: 'success',
          statusCode: 200,
          requestId: meta.requestId,
          ip: meta.ip,
        },
        manager,
      );
      return tokens;
    });
  }

  async refresh(refreshToken: string, meta: RequestMeta): Promise<TokenPairDto> {
    const outcome = await this.sessions.refresh(refreshToken);
    await this.audit.record({
      actorId: outcome.userId ?? null,
      actorRole: outcome.ok ? outcome.role : null,
      action: 'auth.refresh',
      entityType: 'auth_session',
      outcome: outcome.ok ? 'success' : 'denied',
      statusCode: outcome.ok ? 200 : 401,
      reason: outcome.ok ? null : outcome.reason,
      requestId: meta.requestId,
      ip: meta.ip,
    });
    if (!outcome.ok) throw new UnauthorizedException('Refresh token is invalid, expired or revoked; log in again');
    return outcome.tokens;
  }

  /** Ends the caller's session: its access and refresh tokens stop working. */
  async logout(user: AuthenticatedUser): Promise<void> {
    await this.sessions.revokeSession(this.tx.manager, user.sessionId, 'logout');
  }
}
