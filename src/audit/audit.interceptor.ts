import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { defaultIfEmpty, from, lastValueFrom, type Observable } from 'rxjs';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { HiddenResourceException } from '../common/hidden-resource.exception.js';
import { TransactionContext } from '../database/transaction-context.js';
import { AUDIT, type AuditDeclaration } from './audit.decorators.js';
import { AuditScope, type AuditSubject } from './audit-scope.js';
import { AuditService } from './audit.service.js';
import { auditMeta, statusOf } from './request-meta.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Writes the audit row of every `@Audited` route. A state-changing request
 * runs in one transaction with its audit row: if either fails, both roll
 * back. A read is answered only after its audit row is stored, so no data
 * leaves unaudited. Failures are recorded too, outside the rolled-back
 * transaction.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger(AuditInterceptor.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
    private readonly tx: TransactionContext,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const declaration = this.reflector.get<AuditDeclaration | undefined>(AUDIT, context.getHandler());
    if (declaration === undefined || declaration.mode !== 'interceptor') return next.handle();

    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthenticatedUser }>();
    // Nest sets the reply status after interceptors; the declared one is what will be sent.
    const successStatus =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ??
      (request.method === 'POST' ? 201 : 200);
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    const subject: AuditSubject = {
      entityId: declaration.idParam !== undefined ? params[declaration.idParam] : undefined,
    };
    const entry = (outcome: 'success' | 'failure', statusCode: number, result?: unknown) => ({
      ...auditMeta(request),
      action: declaration.action,
      entityType: declaration.entity ?? null,
      entityId: subject.entityId ?? idOf(result),
      patientId: subject.patientId ?? null,
      caseId: subject.caseId ?? null,
      outcome,
      statusCode,
      reason: subject.reason ?? null,
      severity: subject.severity ?? declaration.severity ?? 'normal',
      disclosedPatientIds: subject.disclosedPatientIds ?? null,
    });

    const handle = (): Promise<unknown> => lastValueFrom(next.handle().pipe(defaultIfEmpty(undefined)));
    const work = READ_METHODS.has(request.method)
      ? async () => {
          const result = await handle();
          await this.audit.record(entry('success', subject.statusCode ?? successStatus, result));
          return result;
        }
      : () =>
          this.tx.run(async (manager) => {
            const result = await handle();
            await this.audit.record(entry('success', subject.statusCode ?? successStatus, result), manager);
            return result;
          });

    return from(
      AuditScope.run(subject, async () => {
        try {
          return await work();
        } catch (error) {
          const hidden = error instanceof HiddenResourceException;
          await this.audit
            .record({
              ...entry('failure', statusOf(error)),
              ...(hidden ? { outcome: 'denied' as const, reason: 'not_in_scope' } : { reason: 'request_failed' }),
            })
            .catch((auditError: unknown) =>
              this.logger.error({ err: auditError }, 'could not record a failed request'),
            );
          throw error;
        }
      }),
    );
  }
}

function idOf(result: unknown): string | null {
  if (typeof result === 'object' && result !== null && 'id' in result) {
    const id = result.id;
    if (typeof id === 'string' || typeof id === 'number') return String(id);
  }
  return null;
}
