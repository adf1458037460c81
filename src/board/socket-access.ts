import type { AccessChange } from '../auth/access-changes.js';
import type { Role } from '../auth/roles.js';

/** What the database says about one login session, as a socket's authority. */
export interface AccessGrant {
  userId: string;
  role: Role;
  /** Session not revoked or expired, and the user enabled. */
  live: boolean;
  /** Clinics the user is a member of now. */
  clinics: ReadonlySet<string>;
}

/** What a socket was admitted as: its role at the handshake and the clinics of the sessions it joined. */
export interface SocketClaims {
  role: Role;
  joinedClinics: Iterable<string>;
}

export type AccessVerdict =
  | { ok: true }
  | { ok: false; code: 'session_revoked' | 'role_changed'; status: 401; detail: string }
  | { ok: false; code: 'membership_revoked'; status: 403; detail: string };

/**
 * Whether a socket may still send and receive: its login session is live,
 * its user enabled, its role the one it connected with, and it is still a
 * member of the clinic of every board session it joined.
 */
export function accessVerdict(grant: AccessGrant | undefined, socket: SocketClaims): AccessVerdict {
  if (grant === undefined || !grant.live)
    return {
      ok: false,
      code: 'session_revoked',
      status: 401,
      detail: 'The session ended or the account was disabled',
    };
  if (grant.role !== socket.role)
    return { ok: false, code: 'role_changed', status: 401, detail: 'The account role changed: sign in again' };
  for (const clinicId of socket.joinedClinics)
    if (!grant.clinics.has(clinicId))
      return {
        ok: false,
        code: 'membership_revoked',
        status: 403,
        detail: "You are no longer a member of this board session's clinic",
      };
  return { ok: true };
}

interface Entry {
  grant: AccessGrant | undefined;
  checkedAt: number;
}

/**
 * Grants per login session, read in batches and kept for `ttlMs`, so that a
 * check before every delivered event costs a map lookup. An access change
 * drops the affected entries at once; a read that was already under way when
 * a change arrived is used by its caller but not kept (it may predate the
 * change).
 */
export class SocketAccessCache {
  private readonly entries = new Map<string, Entry>();
  private epoch = 0;

  constructor(
    private readonly read: (sessionIds: string[]) => Promise<Map<string, AccessGrant>>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The grant if it was read within the TTL and not invalidated since; `undefined` entry = no such live session. */
  fresh(sessionId: string): { grant: AccessGrant | undefined } | undefined {
    const entry = this.entries.get(sessionId);
    if (entry === undefined || this.now() - entry.checkedAt >= this.ttlMs) return undefined;
    return { grant: entry.grant };
  }

  /** Reads the sessions now (one query) and returns their grants; missing ones are not live. */
  async load(sessionIds: readonly string[]): Promise<Map<string, AccessGrant | undefined>> {
    const ids = [...new Set(sessionIds)];
    const result = new Map<string, AccessGrant | undefined>();
    if (ids.length === 0) return result;
    const epoch = this.epoch;
    const checkedAt = this.now();
    const grants = await this.read(ids);
    for (const id of ids) {
      const grant = grants.get(id);
      result.set(id, grant);
      if (this.epoch === epoch) this.entries.set(id, { grant, checkedAt });
    }
    return result;
  }

  /** Forgets what a change affects (`undefined`: everything, e.g. after notifications may have been missed). */
  invalidate(change: AccessChange | undefined): void {
    this.epoch++;
    if (change === undefined) {
      this.entries.clear();
      return;
    }
    if ('sessionId' in change) {
      this.entries.delete(change.sessionId);
      return;
    }
    for (const [id, entry] of this.entries) {
      if (entry.grant === undefined || entry.grant.userId === change.userId) this.entries.delete(id);
    }
  }

  /** Drops entries no socket uses any more. */
  retain(sessionIds: ReadonlySet<string>): void {
    for (const id of this.entries.keys()) if (!sessionIds.has(id)) this.entries.delete(id);
  }
}
