import { SetMetadata } from '@nestjs/common';

export const AUDIT = 'consilium:audit';

export type AuditDeclaration =
  /** The audit interceptor writes the row: inside the change's transaction for writes. */
  | { mode: 'interceptor'; action: string; entity?: string; idParam?: string; severity?: 'high' }
  /** The service writes its own rows (e.g. login, whose actor is not yet known). */
  | { mode: 'service'; action: string }
  /** Public, patient-free routes only (health); the reason is mandatory. */
  | { mode: 'none'; reason: string };

/**
 * Declares how a route is audited. Every route must carry exactly one audit
 * declaration; the app refuses to start otherwise (see AuditCoverageCheck).
 */
export const Audited = (
  action: string,
  /** `severity: 'high'`: every row of the route is high severity (access grants: roles, memberships, disciplines). */
  options: { entity?: string; idParam?: string; severity?: 'high' } = {},
): MethodDecorator => SetMetadata<string, AuditDeclaration>(AUDIT, { mode: 'interceptor', action, ...options });

export const AuditedByService = (action: string): MethodDecorator =>
  SetMetadata<string, AuditDeclaration>(AUDIT, { mode: 'service', action });

export const NotAudited = (reason: string): MethodDecorator =>
  SetMetadata<string, AuditDeclaration>(AUDIT, { mode: 'none', reason });
