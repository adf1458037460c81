import { createHash } from 'node:crypto';
import { HttpException, HttpStatus, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { auditMeta } from '../audit/request-meta.js';
import { AppConfig } from '../config/app-config.js';
import { PgRateLimitStore } from './pg-rate-limit.store.js';

/**
 * Login throttling per client IP and per account (the email tried), counted
 * in PostgreSQL so the limits hold across instances. A refusal is a 429 with
 * `Retry-After`, recorded in the audit trail.
 *
 * (Written here rather than taken from @nestjs/throttler: that package is
 * CommonJS and requires the ESM-only @nestjs/common, which jest's ESM
 * runtime cannot load on Node 20.)
 */
@Injectable()
export class LoginRateLimitGuard implements CanActivate {
  private readonly store: PgRateLimitStore;

  constructor(
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    dataSource: DataSource,
  ) {
    this.store = new PgRateLimitStore(dataSource);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { login } = this.config.auth;
    const body = request.body as { email?: unknown } | undefined;
    const email = typeof body?.email === 'string' ? body.email.trim().toLowerCase() : '';
    const limits = [
      { key: `login:ip:${request.ip}`, limit: login.ipLimit, windowSeconds: login.ipWindowSeconds },
      { key: `login:account:${email}`, limit: login.accountLimit, windowSeconds: login.accountWindowSeconds },
    ];
    for (const { key, limit, windowSeconds } of limits) {
      // Keys are hashed: the table holds no addresses or emails.
      const hashed = createHash('sha256').update(key).digest('hex');
      const state = await this.store.hit(hashed, limit, windowSeconds * 1000, windowSeconds * 1000);
      if (state.blocked) {
        void reply.header('retry-after', String(Math.max(1, state.retryAfterSeconds)));
        await this.audit.record({
          ...auditMeta(request),
          action: 'auth.login',
          outcome: 'denied',
          statusCode: 429,
          reason: key.startsWith('login:ip:') ? 'rate_limited_ip' : 'rate_limited_account',
        });
        throw new HttpException('Too many login attempts; retry later', HttpStatus.TOO_MANY_REQUESTS);
      }
    }
    return true;
  }
}
