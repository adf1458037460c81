import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { Env } from './env.schema.js';

export const ENV = Symbol('ENV');

/** Typed, grouped access to the validated environment. */
@Injectable()
export class AppConfig {
  constructor(@Inject(ENV) private readonly env: Env) {}

  /** Browser origins allowed by CORS. (Listener, body limit and proxy trust are read by the entry points.) */
  get corsOrigins(): string[] | '*' {
    const origins = this.env.CORS_ORIGINS.trim();
    return origins === '*'
      ? '*'
      : origins
          .split(',')
          .map((o) => o.trim())
          .filter((o) => o.length > 0);
  }

  get logLevel(): Env['LOG_LEVEL'] {
    return this.env.LOG_LEVEL;
  }

  /** Absolute; records and the embedded database live under it. */
  get dataDir(): string {
    return path.resolve(this.env.DATA_DIR);
  }

  /** The largest record file, uploaded or inside a FHIR referral Bundle, in bytes. */
  get uploadMaxBytes(): number {
    return this.env.UPLOAD_MAX_BYTES;
  }

  /** The `/board` socket: events per second one socket may send before it is cut off. */
  get boardFloodLimit(): number {
    return this.env.BOARD_FLOOD_LIMIT;
  }

  /** Accreditation targets for the conference report, in per cent. */
  get reportTargets(): { prospectivePct: number; caseVolumePct: number } {
    return {
      prospectivePct: this.env.REPORT_PROSPECTIVE_TARGET_PCT,
      caseVolumePct: this.env.REPORT_CASE_VOLUME_TARGET_PCT,
    };
  }

  get auth(): {
    accessSecret: string;
    accessTtlSeconds: number;
    idleTimeoutSeconds: number;
    absoluteTimeoutSeconds: number;
    login: { ipLimit: number; ipWindowSeconds: number; accountLimit: number; accountWindowSeconds: number };
    bootstrapAdmin?: { email: string; password: string };
  } {
    const e = this.env;
    if (e.JWT_ACCESS_SECRET === undefined) {
      throw new Error('JWT_ACCESS_SECRET is not resolved; the entry point must provide one');
    }
    return {
      accessSecret: e.JWT_ACCESS_SECRET,
      accessTtlSeconds: e.JWT_ACCESS_TTL_SECONDS,
      idleTimeoutSeconds: e.SESSION_IDLE_TIMEOUT_SECONDS,
      absoluteTimeoutSeconds: e.SESSION_ABSOLUTE_TIMEOUT_SECONDS,
      login: {
        ipLimit: e.LOGIN_IP_LIMIT,
        ipWindowSeconds: e.LOGIN_IP_WINDOW_SECONDS,
        accountLimit: e.LOGIN_ACCOUNT_LIMIT,
        accountWindowSeconds: e.LOGIN_ACCOUNT_WINDOW_SECONDS,
      },
      bootstrapAdmin:
        e.ADMIN_EMAIL !== undefined && e.ADMIN_PASSWORD !== undefined
          ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD }
          : undefined,
    };
  }

  get database(): { url: string; poolSize: number } {
    if (this.env.DATABASE_URL === undefined) {
      throw new Error('DATABASE_URL is not resolved; the entry point must provide one');
    }
    return { url: this.env.DATABASE_URL, poolSize: this.env.DB_POOL_SIZE };
  }
}
