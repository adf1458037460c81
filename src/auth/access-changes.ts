/**
 * Access changes that live connections must act on at once (the board
 * room's sockets): a user disabled, re-roled, removed from a clinic, or a
 * session revoked. Sent with PostgreSQL NOTIFY inside the changing
 * transaction, so every instance hears it only after the change committed
 * (and never when it rolled back), in commit order with the board events.
 */
export const ACCESS_CHANNEL = 'access_change';

/** Whose access changed: a user (all their sessions) or one session. */
export type AccessChange = { userId: string } | { sessionId: string };

interface Queryable {
  query(sql: string, params: unknown[]): Promise<unknown>;
}

/**
 * Announces an access change. `db` is the current transaction (a
 * TransactionContext or an EntityManager), so the notice goes out on commit.
 */
export async function notifyAccessChanged(db: Queryable, change: AccessChange): Promise<void> {
  const payload = 'userId' in change ? { u: change.userId } : { s: change.sessionId };
  await db.query('SELECT pg_notify($1, $2)', [ACCESS_CHANNEL, JSON.stringify(payload)]);
}

/** The change a notification payload names; `undefined` for anything else. */
export function parseAccessChange(payload: string | undefined): AccessChange | undefined {
  if (payload === undefined) return undefined;
  try {
    const parsed = JSON.parse(payload) as { u?: unknown; s?: unknown };
    if (typeof parsed.u === 'string') return { userId: parsed.u };
    if (typeof parsed.s === 'string') return { sessionId: parsed.s };
  } catch {
    // not ours
  }
  return undefined;
}
