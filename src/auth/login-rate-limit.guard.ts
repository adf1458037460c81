import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditService } from '../audit/audit.service.js';
import { auditMeta } from '../audit/request-meta.js';
import { LoginThrottle, TooManyAttemptsException } from './login-throttle.js';

/** The e-mail a login body names, as the throttle keys it (the body is not validated yet). */
export function loginEmail(body: unknown): string {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : '';
}

/**
 * Counts every sign-in attempt before the password is checked (see
 * LoginThrottle); a refusal is a 429 with `Retry-After`, audited. The
 * service gives the attempt back when it succeeds.
 *
 * (Written here rather than taken from @nestjs/throttler: that package is
 * CommonJS and requires the ESM-only @nestjs/common, which jest's ESM
 * runtime cannot load on Node 20.)
 */
@Injectable()
export class LoginRateLimitGuard implements CanActivate {
  constructor(
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    try {
      await this.throttle.admit(request.ip, loginEmail(request.body));
      return true;
    } catch (error) {
      if (error instanceof TooManyAttemptsException) {
        void http.getResponse<FastifyReply>().header('retry-after', String(error.retryAfterSeconds));
        await this.audit.record({
          ...auditMeta(request),
          action: 'auth.login',
          outcome: 'denied',
          statusCode: 429,
          reason: error.reason,
        });
      }
      throw error;
    }
  }
}
