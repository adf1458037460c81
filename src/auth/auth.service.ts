import { ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuditService, type AuditEntry } from '../audit/audit.service.js';
import { TransactionContext } from '../database/transaction-context.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import type { SetPasswordResultDto, TokenPairDto } from './dto/auth.dto.js';
import { UserEntity } from './entities/user.entity.js';
import { LoginThrottle, TooManyAttemptsException } from './login-throttle.js';
import { IdentityProvidersService } from './oidc/identity-providers.service.js';
import { PasswordHasher } from './password-hasher.js';
import { SessionsService } from './sessions.service.js';
import { SetPasswordLinksService } from './set-password-links.service.js';
import { TotpService } from './totp.service.js';

/** Request facts an audit row needs, passed in by the controller. */
export interface RequestMeta {
  requestId: string;
  ip: string;
}

/** Roles that must have a second factor: without one they can sign in only to enrol. */
const SECOND_FACTOR_REQUIRED = new Set(['admin']);

@Injectable()
export class AuthService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly sessions: SessionsService,
    private readonly passwords: PasswordHasher,
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottle,
    private readonly totp: TotpService,
    private readonly links: SetPasswordLinksService,
    private readonly identityProviders: IdentityProvidersService,
  ) {}

  /**
   * Password, then the TOTP code when the account has a second factor. An
   * admin without one gets a session that reaches only the enrolment
   * routes. The attempt was counted by the login guard; a success gives it
   * back.
   */
  async login(email: string, password: string, totp: string | undefined, meta: RequestMeta): Promise<TokenPairDto> {
    const normalised = email.trim().toLowerCase();
    const user = await this.tx.manager.findOne(UserEntity, { where: { email: normalised } });
    const valid = await this.passwords.verify(user?.passwordHash ?? undefined, password);
    const fail = async (reason: string, status: number, extra: Partial<AuditEntry> = {}): Promise<void> =>
      this.audit.record({
        action: 'auth.login',
        entityType: 'user',
        entityId: user?.id ?? null,
        outcome: 'failure',
        statusCode: status,
        reason,
        requestId: meta.requestId,
        ip: meta.ip,
        ...extra,
      });
    // Password sign-in turned off (for everyone, or for the address's hospital): only an
    // active admin with the right password goes on, to the second factor. Everyone else is
    // refused alike, so the answer tells nothing about the account without its password.
    const passwordOff = await this.identityProviders.passwordLoginOff(normalised);
    if (passwordOff !== undefined && !(user !== null && valid && user.active && user.role === 'admin')) {
      await fail('password_login_disabled', 403, { outcome: 'denied' });
      throw new ForbiddenException({
        message:
          passwordOff.scope === 'domain'
            ? `Password sign-in is turned off for ${passwordOff.domain}: use "Sign in with ${passwordOff.providerName}"`
            : 'Password sign-in is turned off: use the sign-in button of your hospital',
        code: 'password_login_disabled',
      });
    }
    if (user === null || !valid || !user.active) {
      await fail(user === null ? 'unknown_account' : !valid ? 'wrong_password' : 'account_disabled', 401);
      // One message for every cause: the response must not reveal which accounts exist.
      throw new UnauthorizedException('Invalid email or password');
    }

    if (user.totpEnabledAt !== null) {
      if (totp === undefined) {
        await fail('second_factor_required', 401);
        throw new UnauthorizedException({
          message: 'A second factor is required: send the 6-digit code of your authenticator app as "totp"',
          code: 'second_factor_required',
        });
      }
      try {
        await this.throttle.admitSecondFactor(user.id);
      } catch (error) {
        if (error instanceof TooManyAttemptsException) {
          await fail(error.reason, 429, { outcome: 'denied' });
        }
        throw error;
      }
      const check = await this.totp.check(user, totp);
      if (check !== 'ok') {
        const reasons = {
          replayed: 'second_factor_replayed',
          unreadable: 'second_factor_unreadable',
          wrong: 'wrong_second_factor',
        };
        await fail(reasons[check], 401);
        throw new UnauthorizedException({
          message:
            check === 'unreadable'
              ? 'Your second factor cannot be checked; ask an administrator to reset it'
              : 'The second-factor code is wrong, expired or already used; wait for the next code and retry',
          code: 'second_factor_invalid',
        });
      }
    }
    const enrolmentOnly = SECOND_FACTOR_REQUIRED.has(user.role) && user.totpEnabledAt === null;

    const tokens = await this.tx.run(async (manager) => {
      const started = await this.sessions.start(manager, user.id, user.role, { enrolmentOnly });
      await this.audit.record(
        {
          actorId: user.id,
          actorRole: user.role,
          action: 'auth.login',
          entityType: 'auth_session',
          entityId: started.sessionId,
          outcome: 'success',
          statusCode: 200,
          reason: enrolmentOnly ? 'second_factor_enrolment_required' : null,
          requestId: meta.requestId,
          ip: meta.ip,
        },
        manager,
      );
      return enrolmentOnly ? { ...started.tokens, secondFactorEnrolmentRequired: true } : started.tokens;
    });
    await this.throttle.succeeded(meta.ip, normalised, user.id);
    return tokens;
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

  /** Sets a password from a one-time link (see SetPasswordLinksService). */
  setPassword(token: string, password: string, meta: RequestMeta): Promise<SetPasswordResultDto> {
    return this.links.redeem(token, password, meta);
  }

  /** Ends the caller's session: its access and refresh tokens stop working. */
  async logout(user: AuthenticatedUser): Promise<void> {
    await this.sessions.revokeSession(this.tx.manager, user.sessionId, 'logout');
  }
}
