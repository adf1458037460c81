import { createHash } from 'node:crypto';
import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { PgRateLimitStore, type RateLimitRule } from './pg-rate-limit.store.js';

/** A throttled attempt: a 429 whose Retry-After the filter sends. */
export class TooManyAttemptsException extends HttpException {
  constructor(
    readonly retryAfterSeconds: number,
    readonly reason: 'rate_limited_ip' | 'rate_limited_account_ip' | 'rate_limited_second_factor',
    message = 'Too many failed sign-in attempts from this address; retry later',
  ) {
    super({ message, retryAfterSeconds }, HttpStatus.TOO_MANY_REQUESTS);
  }
}

// Keys are hashed: the table holds no addresses or e-mails.
const key = (...parts: string[]): string => createHash('sha256').update(parts.join('\u0000')).digest('hex');

/**
 * Login throttling after rate-limiter-flexible's "login endpoint
 * protection": consecutive failures per account AND client IP, with delays
 * that double from LOGIN_BLOCK_BASE_SECONDS up to LOGIN_BLOCK_MAX_SECONDS,
 * plus failures per IP per window. A stranger elsewhere only slows their
 * own address down, never the owner's; a success ends the run and gives
 * its attempt back, so successes never count. Attempts are counted before
 * the password is checked (parallel guesses cannot slip past), and the
 * counters live in PostgreSQL, shared by every instance.
 */
@Injectable()
export class LoginThrottle {
  private readonly store: PgRateLimitStore;

  constructor(
    private readonly config: AppConfig,
    dataSource: DataSource,
  ) {
    this.store = new PgRateLimitStore(dataSource);
  }

  private rules(): { ip: RateLimitRule; accountIp: RateLimitRule; secondFactor: RateLimitRule } {
    const l = this.config.auth.login;
    const growing = { growth: 2, blockMs: l.blockBaseSeconds * 1000, maxBlockMs: l.blockMaxSeconds * 1000 };
    return {
      ip: {
        limit: l.ipLimit,
        windowMs: l.ipWindowSeconds * 1000,
        sliding: false,
        blockMs: l.ipWindowSeconds * 1000,
        growth: 1,
        maxBlockMs: l.ipWindowSeconds * 1000,
      },
      accountIp: { limit: l.accountLimit, windowMs: l.accountWindowSeconds * 1000, sliding: true, ...growing },
      // Reached only with the right password: whoever trips it has the password.
      secondFactor: { limit: 5, windowMs: l.accountWindowSeconds * 1000, sliding: true, ...growing },
    };
  }

  /** Counts a sign-in attempt; throws a 429 when this address, or this account from it, must wait. */
  async admit(ip: string, email: string): Promise<void> {
    const rules = this.rules();
    const byIp = await this.store.consume(key('login:ip', ip), rules.ip);
    if (byIp.blocked) throw new TooManyAttemptsException(byIp.retryAfterSeconds, 'rate_limited_ip');
    const byAccount = await this.store.consume(key('login:account-ip', email, ip), rules.accountIp);
    if (byAccount.blocked) {
      await this.store.refund(key('login:ip', ip), rules.ip.limit);
      throw new TooManyAttemptsException(byAccount.retryAfterSeconds, 'rate_limited_account_ip');
    }
  }

  /** A signed-in user: the attempt was not a failure. */
  async succeeded(ip: string, email: string, userId?: string): Promise<void> {
    await this.store.refund(key('login:ip', ip), this.rules().ip.limit);
    await this.store.reset(key('login:account-ip', email, ip));
    if (userId !== undefined) await this.store.reset(key('login:second-factor', userId));
  }

  /** Counts a second-factor code for an account whose password was right. */
  async admitSecondFactor(userId: string): Promise<void> {
    const state = await this.store.consume(key('login:second-factor', userId), this.rules().secondFactor);
    if (state.blocked) {
      throw new TooManyAttemptsException(
        state.retryAfterSeconds,
        'rate_limited_second_factor',
        'Too many wrong second-factor codes for this account; retry later',
      );
    }
  }
}
