import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AUDIT, type AuditDeclaration } from '../audit/audit.decorators.js';
import { AuditService } from '../audit/audit.service.js';
import { auditMeta } from '../audit/request-meta.js';
import { DURING_ENROLMENT, GUEST_ALLOWED, IS_PUBLIC, ROLES } from '../common/auth.decorators.js';
import { TransactionContext } from '../database/transaction-context.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import type { Role } from './roles.js';
import { SessionsService } from './sessions.service.js';

type AuthRequest = FastifyRequest & { user?: AuthenticatedUser };

/**
 * Global guard: every route needs a live session unless marked `@Public()`,
 * and `@Roles(...)` narrows who may call it. A session restricted to
 * second-factor enrolment reaches only `@DuringEnrolment()` routes, and a
 * guest only `@GuestAllowed()` ones while the invitation holds. Every denial
 * is audited.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly tx: TransactionContext,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets) === true) return true;

    const request = context.switchToHttp().getRequest<AuthRequest>();
    const action = this.actionOf(context);
    const token = bearerToken(request.headers.authorization);
    const claims = token === undefined ? undefined : await this.sessions.verifyAccessToken(token);
    const user = claims === undefined ? undefined : await this.sessions.principal(claims, { allowEnrolmentOnly: true });
    if (user === undefined) {
      const reason = token === undefined ? 'missing_token' : claims === undefined ? 'invalid_token' : 'session_ended';
      await this.deny(request, action, 401, reason);
      throw new UnauthorizedException(
        token === undefined ? 'An access token is required' : 'The access token is invalid, expired or revoked',
      );
    }
    request.user = user;

    if (
      user.enrolmentOnly === true &&
      this.reflector.getAllAndOverride<boolean | undefined>(DURING_ENROLMENT, targets) !== true
    ) {
      await this.deny(request, action, 403, 'second_factor_enrolment_required');
      throw new ForbiddenException({
        message:
          'Enrol a second factor first: POST /api/users/me/totp, then confirm a code at POST /api/users/me/totp/confirm',
        code: 'second_factor_enrolment_required',
      });
    }

    if (user.role === 'guest') {
      // A guest reaches only the routes made for them, and only while their invitation holds.
      if (this.reflector.get<boolean | undefined>(GUEST_ALLOWED, context.getHandler()) !== true) {
        await this.deny(request, action, 403, 'guest_not_allowed');
        throw new ForbiddenException('Guests of a board session can only take part in its live room');
      }
      const [active] = await this.tx.query<{ ok: boolean }>(
        `SELECT true AS ok FROM guest_invitation
          WHERE guest_user_id = $1 AND revoked_at IS NULL AND access_until > now() LIMIT 1`,
        [user.id],
      );
      if (active === undefined) {
        await this.deny(request, action, 401, 'guest_invitation_ended');
        throw new UnauthorizedException('The invitation was withdrawn or has ended');
      }
      return true;
    }

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles !== undefined && !roles.includes(user.role)) {
      await this.deny(request, action, 403, 'role_not_allowed');
      throw new ForbiddenException(`This action requires the role ${roles.join(' or ')}`);
    }
    return true;
  }

  private actionOf(context: ExecutionContext): string {
    const declaration = this.reflector.get<AuditDeclaration | undefined>(AUDIT, context.getHandler());
    return declaration !== undefined && declaration.mode !== 'none' ? declaration.action : 'http.request';
  }

  private deny(request: AuthRequest, action: string, statusCode: number, reason: string): Promise<void> {
    return this.audit.record({ ...auditMeta(request), action, outcome: 'denied', statusCode, reason });
  }
}

/** The token of an `Authorization: Bearer …` header, if well-formed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
  return match?.[1];
}
