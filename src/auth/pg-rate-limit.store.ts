import { type DataSource } from 'typeorm';

export interface RateLimitState {
  hits: number;
  blocked: boolean;
  retryAfterSeconds: number;
}

interface Row {
  hits: number;
  window_ms: number;
  block_ms: number;
}

/**
 * Throttling counters in PostgreSQL, so a limit holds across every instance
 * behind the load balancer. One atomic upsert per attempt: a new window
 * starts when the old one and any block have passed; exceeding the limit
 * starts a block.
 */
export class PgRateLimitStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Counts one attempt against `key`; windows and blocks in milliseconds. */
  async hit(key: string, limit: number, ttl: number, blockDuration: number): Promise<RateLimitState> {
    const reset = `r.window_ends_at <= now() AND coalesce(r.blocked_until <= now(), true)`;
    const hits = `CASE WHEN ${reset} THEN 1 ELSE r.hits + 1 END`;
    const rows = await this.dataSource.query<Row[]>(
      `INSERT INTO rate_limit AS r (key, hits, window_ends_at, blocked_until)
       VALUES ($1, 1, now() + make_interval(secs => $2 / 1000.0), NULL)
       ON CONFLICT (key) DO UPDATE SET
         hits = ${hits},
         window_ends_at = CASE WHEN ${reset} THEN now() + make_interval(secs => $2 / 1000.0) ELSE r.window_ends_at END,
         blocked_until = CASE
           WHEN r.blocked_until > now() THEN r.blocked_until
           WHEN ${hits} > $3 THEN now() + make_interval(secs => $4 / 1000.0)
           ELSE NULL END
       RETURNING r.hits,
         greatest(0, ceil(extract(epoch FROM r.window_ends_at - now()) * 1000))::float8 AS window_ms,
         coalesce(greatest(0, ceil(extract(epoch FROM r.blocked_until - now()) * 1000)), 0)::float8 AS block_ms`,
      [key, ttl, limit, blockDuration],
    );
    const row = rows[0];
    if (row === undefined) throw new Error('rate limit upsert returned no row');
    const blocked = row.hits > limit && row.block_ms > 0;
    return { hits: row.hits, blocked, retryAfterSeconds: Math.ceil(row.block_ms / 1000) };
  }
}
