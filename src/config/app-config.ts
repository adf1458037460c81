import { hkdfSync } from 'node:crypto';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { BodyLimits } from '../common/body-limits.js';
import { logFormatFor, type LogFormat } from '../logging.js';
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

  /**
   * The drain period at shutdown (SHUTDOWN_GRACE_MS): requests already on the wire are
   * served for this long, and a socket client that has not closed this long after being
   * told to is cut.
   */
  get shutdownGraceMs(): number {
    return this.env.SHUTDOWN_GRACE_MS;
  }

  get logLevel(): Env['LOG_LEVEL'] {
    return this.env.LOG_LEVEL;
  }

  /** JSON or readable lines (LOG_FORMAT; by default JSON in production only). */
  get logFormat(): LogFormat {
    return logFormatFor(this.env);
  }

  /**
   * Absolute; the embedded database lives under it (record files did, under
   * `records/`, before they moved into PostgreSQL).
   */
  get dataDir(): string {
    return path.resolve(this.env.DATA_DIR);
  }

  /** Uploads in progress, until their bytes are in the database; nothing is kept here. */
  get scratchDir(): string {
    return path.join(this.dataDir, 'tmp');
  }

  /** The largest record file, uploaded or inside a FHIR referral Bundle, in bytes. */
  get uploadMaxBytes(): number {
    return this.env.UPLOAD_MAX_BYTES;
  }

  /** The shape a JSON body (or socket payload) may have: checked before it is parsed or transformed. */
  get bodyLimits(): BodyLimits {
    return {
      maxDepth: this.env.BODY_MAX_DEPTH,
      maxKeysPerObject: this.env.BODY_MAX_KEYS_PER_OBJECT,
      maxKeys: this.env.BODY_MAX_KEYS,
      maxArrayItems: this.env.BODY_MAX_ARRAY_ITEMS,
      maxStringChars: this.env.BODY_MAX_STRING_CHARS,
    };
  }

  /** Anonymous routes other than login: requests per client IP and route in a window. */
  get publicRouteLimit(): { ipLimit: number; ipWindowSeconds: number } {
    return { ipLimit: this.env.PUBLIC_ROUTE_IP_LIMIT, ipWindowSeconds: this.env.PUBLIC_ROUTE_IP_WINDOW_SECONDS };
  }

  /** The `/board` socket: events per second one socket may send before it is cut off. */
  get boardFloodLimit(): number {
    return this.env.BOARD_FLOOD_LIMIT;
  }

  /** The `/board` socket per user, across every instance: open sockets, and messages per window. */
  get boardUserLimits(): { sockets: number; messages: number; windowSeconds: number } {
    return {
      sockets: this.env.BOARD_USER_SOCKET_LIMIT,
      messages: this.env.BOARD_USER_MESSAGE_LIMIT,
      windowSeconds: this.env.BOARD_USER_MESSAGE_WINDOW_SECONDS,
    };
  }

  /** CME certificates: the credit designation statement (none: attendance only) and the issuer. */
  get cme(): { creditDesignation: string | null; provider: string | null } {
    return { creditDesignation: this.env.CME_CREDIT_DESIGNATION ?? null, provider: this.env.CME_PROVIDER ?? null };
  }

  /** The base of links in mails, without a trailing slash. */
  get publicUrl(): string {
    return (this.env.PUBLIC_URL ?? `http://localhost:${this.env.PORT}`).replace(/\/+$/, '');
  }

  /** Mail: the SMTP server (none: kept in the outbox), the sender, and how the outbox is worked. */
  get mail(): {
    smtpUrl: string | undefined;
    from: string;
    pollMs: number;
    retryBaseSeconds: number;
    maxAttempts: number;
    casePacketLeadHours: number;
    letterLinkTtlDays: number;
  } {
    const e = this.env;
    return {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      pollMs: e.OUTBOX_POLL_MS,
      retryBaseSeconds: e.OUTBOX_RETRY_BASE_SECONDS,
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      casePacketLeadHours: e.CASE_PACKET_LEAD_HOURS,
      letterLinkTtlDays: e.LETTER_LINK_TTL_DAYS,
    };
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
    login: {
      ipLimit: number;
      ipWindowSeconds: number;
      accountLimit: number;
      accountWindowSeconds: number;
      blockBaseSeconds: number;
      blockMaxSeconds: number;
    };
    maxSessionsPerUser: number;
    setPasswordLinkTtlHours: number;
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
        blockBaseSeconds: e.LOGIN_BLOCK_BASE_SECONDS,
        blockMaxSeconds: e.LOGIN_BLOCK_MAX_SECONDS,
      },
      maxSessionsPerUser: e.MAX_SESSIONS_PER_USER,
      setPasswordLinkTtlHours: e.SET_PASSWORD_LINK_TTL_HOURS,
      bootstrapAdmin:
        e.ADMIN_EMAIL !== undefined && e.ADMIN_PASSWORD !== undefined
          ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD }
          : undefined,
    };
  }

  private totpKeyCache?: Buffer;

  /**
   * The AES-256-GCM key for second-factor secrets at rest. HKDF gives 32
   * bytes whatever the variable's length; its "info" keeps the key apart
   * from the JWT key when both come from JWT_ACCESS_SECRET.
   */
  get totpKey(): Buffer {
    if (this.totpKeyCache === undefined) {
      const source = this.env.TOTP_ENCRYPTION_KEY ?? this.auth.accessSecret;
      this.totpKeyCache = Buffer.from(hkdfSync('sha256', source, 'consilium', 'totp-secret-encryption', 32));
    }
    return this.totpKeyCache;
  }

  /**
   * Hospital sign-in (OpenID Connect): whether password sign-in is on for
   * non-admins, whether providers may be reached over plain http (never in
   * production), and the AES-256-GCM key for client secrets at rest (HKDF,
   * like totpKey, with its own "info").
   */
  get oidc(): { passwordLoginEnabled: boolean; allowInsecureHttp: boolean; secretKey: Buffer } {
    this.oidcKeyCache ??= Buffer.from(
      hkdfSync('sha256', this.env.TOTP_ENCRYPTION_KEY ?? this.auth.accessSecret, 'consilium', 'oidc-client-secret', 32),
    );
    return {
      passwordLoginEnabled: this.env.PASSWORD_LOGIN_ENABLED,
      allowInsecureHttp: this.env.OIDC_ALLOW_INSECURE_HTTP && this.env.NODE_ENV !== 'production',
      secretKey: this.oidcKeyCache,
    };
  }

  private oidcKeyCache?: Buffer;

  /** Break-glass grants one admin may take for one case within 24 hours, after the first. */
  get breakGlassMaxRenewals(): number {
    return this.env.BREAK_GLASS_MAX_RENEWALS;
  }

  get nodeEnv(): Env['NODE_ENV'] {
    return this.env.NODE_ENV;
  }

  get database(): { url: string; poolSize: number } {
    if (this.env.DATABASE_URL === undefined) {
      throw new Error('DATABASE_URL is not resolved; the entry point must provide one');
    }
    return { url: this.env.DATABASE_URL, poolSize: this.env.DB_POOL_SIZE };
  }
}
