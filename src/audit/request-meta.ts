import type { FastifyRequest } from 'fastify';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import type { AuditEntry } from './audit.service.js';

type RequestWithUser = FastifyRequest & { user?: AuthenticatedUser };

/** The actor and request fields every audit row carries. */
export function auditMeta(request: RequestWithUser): Pick<AuditEntry, 'actorId' | 'actorRole' | 'requestId' | 'ip'> {
  return {
    actorId: request.user?.id ?? null,
    actorRole: request.user?.role ?? null,
    requestId: request.id,
    ip: request.ip,
  };
}

export function statusOf(error: unknown): number {
  if (typeof error === 'object' && error !== null) {
    const e = error as { getStatus?: () => number; statusCode?: unknown };
    if (typeof e.getStatus === 'function') return e.getStatus();
    if (typeof e.statusCode === 'number') return e.statusCode;
  }
  return 500;
}
