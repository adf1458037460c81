import { type DataSource } from 'typeorm';

/** How one counter blocks: after `limit` counted attempts, for a time that can grow. */
export interface RateLimitRule {
  limit: number;
  /** How long attempts are remembered, in ms. */
  windowMs: number;
  /** true: the window restarts with every attempt (consecutive failures); false: fixed from the first. */
  sliding: boolean;
  /** The first block, in ms; each further counted attempt multiplies it by `growth`, up to `maxBlockMs`. */
  blockMs: number;
  growth: number;
  maxBlockMs: number;
}

export interface RateLimitState {
  /** Attempts counted in the window, this one included when it was counted. */
  hits: number;
  /** The attempt was refused: the key was blocked when it came, and nothing was counted. */
  blocked: boolean;
  /** Seconds until the key is free again (0 when this attempt was not refused). */
  retryAfterSeconds: number;
}

export interface CounterRow {
  hits: number;
  windowEndsAt: Date;
  blockedUntil: Date | null;
}

/**
 * The throttling rule, pure: an attempt that comes while the key is blocked
 * is refused and not counted; otherwise it is counted, and an attempt that
 * reaches the limit blocks the key for what comes after it: `blockMs`, then
 * `blockMs × growth` for each further attempt, at most `maxBlockMs`.
 */
export function applyAttempt(
  row: CounterRow | undefined,
  rule: RateLimitRule,
  now: Date,
): { row: CounterRow; state: RateLimitState } {
  const t = now.getTime();
  if (row?.blockedUntil != null && row.blockedUntil.getTime() > t) {
    return {
      row,
      state: { hits: row.hits, blocked: true, retryAfterSeconds: Math.ceil((row.blockedUntil.getTime() - t) / 1000) },
    };
  }
  const expired = row === undefined || row.windowEndsAt.getTime() <= t;
  const hits = expired ? 1 : row.hits + 1;
  const windowEndsAt = expired || rule.sliding ? new Date(t + rule.windowMs) : row.windowEndsAt;
  const blockMs =
    hits >= rule.limit ? Math.min(rule.maxBlockMs, rule.blockMs * rule.growth ** Math.min(hits - rule.limit, 60)) : 0;
  return {
    row: { hits, windowEndsAt, blockedUntil: blockMs > 0 ? new Date(t + blockMs) : null },
    state: { hits, blocked: false, retryAfterSeconds: 0 },
  };
}

interface DbRow {
  hits: number;
  window_ends_at: Date;
  blocked_until: Date | null;
  now: Date;
}

/**
 * Throttling counters in PostgreSQL, so a limit holds across every instance
 * behind the load balancer: each attempt locks its key's row, applies the
 * rule above with the database's clock, and writes the row back. (The
 * `rate_limit` table predates this; rate-limiter-flexible's Postgres store
 * would need a table of its own and has no growing blocks.)
 */
export class PgRateLimitStore {
  constructor(private readonly dataSource: Pick<DataSource, 'transaction' | 'query'>) {}

  async consume(key: string, rule: RateLimitRule): Promise<RateLimitState> {
    return this.dataSource.transaction(async (m) => {
      // One statement finds-or-creates the row and locks it: a concurrent reset() (a success deleting the
      // key) between a separate insert and select would leave nothing to lock under load.
      const [current] = await m.query<DbRow[]>(
        `INSERT INTO rate_limit (key, hits, window_ends_at, blocked_until) VALUES ($1, 0, now(), NULL)
         ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key
         RETURNING hits, window_ends_at, blocked_until, now() AS now`,
        [key],
      );
      if (current === undefined) throw new Error('rate limit row not returned');
      const { row, state } = applyAttempt(
        { hits: current.hits, windowEndsAt: current.window_ends_at, blockedUntil: current.blocked_until },
        rule,
        current.now,
      );
      if (!state.blocked) {
        await m.query(`UPDATE rate_limit SET hits = $2, window_ends_at = $3, blocked_until = $4 WHERE key = $1`, [
          key,
          row.hits,
          row.windowEndsAt,
          row.blockedUntil,
        ]);
      }
      return state;
    });
  }

  /** Gives one counted attempt back (a success), lifting the block it may have set. */
  async refund(key: string, limit: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE rate_limit SET hits = greatest(hits - 1, 0),
              blocked_until = CASE WHEN hits - 1 < $2 THEN NULL ELSE blocked_until END
        WHERE key = $1`,
      [key, limit],
    );
  }

  /** Forgets the key (a success ends a run of consecutive failures). */
  async reset(key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM rate_limit WHERE key = $1`, [key]);
  }
}
