import { createHash } from 'node:crypto';
import {
  HttpException,
  HttpStatus,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AUDIT, type AuditDeclaration } from '../audit/audit.decorators.js';
import { AuditService } from '../audit/audit.service.js';
import { auditMeta } from '../audit/request-meta.js';
import { IS_PUBLIC } from '../common/auth.decorators.js';
import { AppConfig } from '../config/app-config.js';
import { PgRateLimitStore } from './pg-rate-limit.store.js';

export const OWN_RATE_LIMIT = 'consilium:own-rate-limit';

/**
 * A public route that is not under the per-IP limit of anonymous routes:
 * login (its own throttle) and the liveness probe. The reason is mandatory.
 */
export const OwnRateLimit = (reason: string): MethodDecorator => SetMetadata(OWN_RATE_LIMIT, reason);

/**
 * Global guard: every `@Public()` route (token refresh, and any route added
 * without authentication) is limited per client IP and route, counted in
 * PostgreSQL so the limit holds across instances. A refusal is a 429 with
 * `Retry-After`, audited like any other refusal.
 */
@Injectable()
export class PublicRateLimitGuard implements CanActivate {
  private readonly store: PgRateLimitStore;

  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    dataSource: DataSource,
  ) {
    this.store = new PgRateLimitStore(dataSource);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets) !== true) return true;
    if (this.reflector.getAllAndOverride<string | undefined>(OWN_RATE_LIMIT, targets) !== undefined) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const { ipLimit, ipWindowSeconds } = this.config.publicRouteLimit;
    const windowMs = ipWindowSeconds * 1000;
    // Hashed: the table holds no addresses.
    const key = createHash('sha256')
      .update(`public:${request.routeOptions.url ?? request.url}:ip:${request.ip}`)
      .digest('hex');
    const state = await this.store.consume(key, {
      limit: ipLimit,
      windowMs,
      sliding: false,
      blockMs: windowMs,
      growth: 1,
      maxBlockMs: windowMs,
    });
    if (!state.blocked) return true;

    void http.getResponse<FastifyReply>().header('retry-after', String(Math.max(1, state.retryAfterSeconds)));
    const declaration = this.reflector.get<AuditDeclaration | undefined>(AUDIT, context.getHandler());
    await this.audit.record({
      ...auditMeta(request),
      action: declaration !== undefined && declaration.mode !== 'none' ? declaration.action : 'http.request',
      outcome: 'denied',
      statusCode: 429,
      reason: 'rate_limited_ip',
    });
    throw new HttpException('Too many requests from this address; retry later', HttpStatus.TOO_MANY_REQUESTS);
  }
}
