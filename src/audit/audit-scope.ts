import { AsyncLocalStorage } from 'node:async_hooks';

/** What a service knows about the subject of the current request. */
export interface AuditSubject {
  entityId?: string;
  patientId?: string;
  caseId?: string;
  /** Why this access was allowed, when it is unusual (e.g. `break_glass`). */
  reason?: string;
  severity?: 'normal' | 'high';
  /** The success status when the handler chose one other than the route's (e.g. 200 for a replayed import). */
  statusCode?: number;
  /** Patients whose data a list response shows: each gets its own audit row. */
  disclosedPatientIds?: string[];
}

const storage = new AsyncLocalStorage<AuditSubject>();

/**
 * Lets services name the record a request touched (an id created in the
 * handler, the patient behind a case) for the interceptor's audit row.
 */
export const AuditScope = {
  run<T>(subject: AuditSubject, work: () => T): T {
    return storage.run(subject, work);
  },
  /** Adds to the current request's audit subject; a no-op outside a request. */
  describe(subject: AuditSubject): void {
    const current = storage.getStore();
    if (current !== undefined) Object.assign(current, subject);
  },
};
