import { Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerException, ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditService } from '../audit/audit.service.js';
import { auditMeta } from '../audit/request-meta.js';

export const ACCOUNT_THROTTLER = 'account';

/** Tracks login attempts per account by the (normalised) email tried. */
export function accountTracker(request: Record<string, unknown>): Promise<string> {
  const body = request.body as { email?: unknown } | undefined;
  const email = typeof body?.email === 'string' ? body.email.trim().toLowerCase() : '';
  return Promise.resolve(`account:${email}`);
}

/**
 * Login throttling per IP (the default throttler) and per account. A refusal
 * is a 429 with a standard `Retry-After`, recorded in the audit trail.
 */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  // Property injection: ThrottlerGuard's constructor takes its own dependencies.
  @Inject(AuditService) private readonly auditService!: AuditService;

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    void reply.header('retry-after', String(Math.max(1, detail.timeToBlockExpire)));
    await this.auditService.record({
      ...auditMeta(request),
      action: 'auth.login',
      outcome: 'denied',
      statusCode: 429,
      reason: 'rate_limited',
    });
    throw new ThrottlerException('Too many login attempts; retry later');
  }
}
