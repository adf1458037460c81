import { createHash } from 'node:crypto';

type Query = <T>(sql: string, params: unknown[]) => Promise<T[]>;

export type MessageVerdict =
  | { allowed: true }
  /** `first`: the first refusal of this block on this instance (the one to audit). */
  | { allowed: false; retryMs: number; first: boolean };

/**
 * At most `limit` board messages per user per fixed window, counted in
 * PostgreSQL (`rate_limit`, keyed by a hash of the user id) so the limit
 * holds across all the user's sockets on every instance. One atomic upsert
 * per message: this is the hot path of every message, where the login
 * store's locked read-modify-write (growing blocks) would cost a transaction.
 * Once a user is over, this instance refuses without asking again until the
 * window ends.
 */
export class UserMessageLimit {
  private readonly blocked = new Map<string, number>();

  constructor(
    private readonly query: Query,
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async hit(userId: string): Promise<MessageVerdict> {
    const until = this.blocked.get(userId);
    if (until !== undefined && until > this.now()) return { allowed: false, retryMs: until - this.now(), first: false };
    const key = createHash('sha256').update(`board:user-messages:${userId}`).digest('hex');
    const rows = await this.query<{ hits: number; retry_ms: number }>(
      `INSERT INTO rate_limit AS r (key, hits, window_ends_at, blocked_until)
       VALUES ($1, 1, now() + make_interval(secs => $2 / 1000.0), NULL)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.window_ends_at <= now() THEN 1 ELSE r.hits + 1 END,
         window_ends_at = CASE WHEN r.window_ends_at <= now()
                               THEN now() + make_interval(secs => $2 / 1000.0) ELSE r.window_ends_at END
       RETURNING r.hits, greatest(0, ceil(extract(epoch FROM r.window_ends_at - now()) * 1000))::float8 AS retry_ms`,
      [key, this.windowMs],
    );
    const row = rows[0];
    if (row === undefined) throw new Error('the message counter returned no row');
    if (row.hits <= this.limit) return { allowed: true };
    const retryMs = Math.max(1, row.retry_ms);
    const before = this.blocked.get(userId);
    this.blocked.set(userId, this.now() + retryMs);
    return { allowed: false, retryMs, first: before === undefined || before <= this.now() };
  }

  /** Forgets blocks that ended. */
  prune(): void {
    const now = this.now();
    for (const [userId, until] of this.blocked) if (until <= now) this.blocked.delete(userId);
  }
}
