import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { IsNull, type EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { notifyAccessChanged } from './access-changes.js';
import { TransactionContext } from '../database/transaction-context.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { AuthSessionEntity } from './entities/auth-session.entity.js';
import { RefreshTokenEntity } from './entities/refresh-token.entity.js';
import type { TokenPairDto } from './dto/auth.dto.js';
import type { Role } from './roles.js';

export interface AccessClaims {
  sub: string;
  sid: string;
  role: Role;
  /** Issued at and expiry, epoch seconds (set by the signer; a token without them is refused). */
  iat?: number;
  exp?: number;
}

export type RefreshOutcome =
  | { ok: true; userId: string; role: Role; tokens: TokenPairDto }
  | {
      ok: false;
      reason: 'unknown_token' | 'reuse_detected' | 'revoked' | 'expired' | 'idle_timeout' | 'user_inactive';
      userId?: string;
    };

interface PrincipalRow {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  version: number;
  created_at: Date;
  updated_at: Date;
  enrolment_only: boolean;
  totp_enabled: boolean;
}

interface RefreshRow {
  token_id: string;
  used_at: Date | null;
  session_id: string;
  user_id: string;
  revoked_at: Date | null;
  expired: boolean;
  idle: boolean;
  active: boolean;
  role: Role;
}

function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Sessions are refresh-token families. Access tokens are short JWTs naming
 * their session; every request checks the session and the user in one read,
 * so logout, reuse detection and disabling a user take effect at once.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly tx: TransactionContext,
  ) {}

  /**
   * Starts a session. At most MAX_SESSIONS_PER_USER stay live per user: the
   * oldest beyond that are revoked (`session_limit`). `enrolmentOnly`
   * restricts it to second-factor enrolment (an admin without one).
   */
  async start(
    manager: EntityManager,
    userId: string,
    role: Role,
    options: { enrolmentOnly?: boolean } = {},
  ): Promise<{ sessionId: string; tokens: TokenPairDto }> {
    const { absoluteTimeoutSeconds, maxSessionsPerUser } = this.config.auth;
    const now = new Date();
    // The user's row lock serialises one user's logins, so the bound holds under concurrency.
    await manager.query(`SELECT 1 FROM app_user WHERE id = $1 FOR UPDATE`, [userId]);
    const session = await manager.save(
      manager.create(AuthSessionEntity, {
        userId,
        lastUsedAt: now,
        expiresAt: new Date(now.getTime() + absoluteTimeoutSeconds * 1000),
        revokedAt: null,
        revokedReason: null,
        enrolmentOnly: options.enrolmentOnly === true,
      }),
    );
    const evicted = await manager.query<{ id: string }[]>(
      `SELECT id FROM auth_session
        WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
        ORDER BY created_at DESC, id DESC OFFSET $2`,
      [userId, maxSessionsPerUser],
    );
    for (const { id } of evicted) await this.revokeSession(manager, id, 'session_limit');
    const refreshToken = await this.issueRefreshToken(manager, session.id);
    return { sessionId: session.id, tokens: await this.tokens(userId, session.id, role, refreshToken) };
  }

  /** Exchanges a refresh token for a new pair; reuse revokes the family. */
  async refresh(refreshToken: string): Promise<RefreshOutcome> {
    const { idleTimeoutSeconds } = this.config.auth;
    return this.tx.run(async (manager) => {
      const rows = await manager.query<RefreshRow[]>(
        `SELECT t.id AS token_id, t.used_at, s.id AS session_id, s.user_id, s.revoked_at,
                s.expires_at <= now() AS expired,
                s.last_used_at + make_interval(secs => $2) <= now() AS idle,
                u.active, u.role
           FROM refresh_token t
           JOIN auth_session s ON s.id = t.session_id
           JOIN app_user u ON u.id = s.user_id
          WHERE t.token_hash = $1
          FOR UPDATE OF t, s`,
        [sha256(refreshToken), idleTimeoutSeconds],
      );
      const row = rows[0];
      if (row === undefined) return { ok: false, reason: 'unknown_token' } as const;
      const fail = async (reason: Exclude<RefreshOutcome, { ok: true }>['reason'], revoke: boolean) => {
        if (revoke && row.revoked_at === null) await this.revokeSession(manager, row.session_id, reason);
        return { ok: false, reason, userId: row.user_id } as const;
      };
      if (row.used_at !== null) return fail('reuse_detected', true);
      if (row.revoked_at !== null) return fail('revoked', false);
      if (row.expired) return fail('expired', true);
      if (row.idle) return fail('idle_timeout', true);
      if (!row.active) return fail('user_inactive', true);

      await manager.update(RefreshTokenEntity, { id: row.token_id }, { usedAt: () => 'now()' });
      await manager.update(AuthSessionEntity, { id: row.session_id }, { lastUsedAt: () => 'now()' });
      const next = await this.issueRefreshToken(manager, row.session_id);
      return {
        ok: true,
        userId: row.user_id,
        role: row.role,
        tokens: await this.tokens(row.user_id, row.session_id, row.role, next),
      } as const;
    });
  }

  async revokeSession(manager: EntityManager, sessionId: string, reason: string): Promise<void> {
    await manager.update(
      AuthSessionEntity,
      { id: sessionId, revokedAt: IsNull() },
      { revokedAt: () => 'now()', revokedReason: reason },
    );
    await notifyAccessChanged(manager, { sessionId }); // open board sockets of the session go at once
  }

  /** Revokes every live session of the user, but `exceptSessionId` (the caller's own) when given. */
  async revokeAllForUser(
    manager: EntityManager,
    userId: string,
    reason: string,
    exceptSessionId?: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE auth_session SET revoked_at = now(), revoked_reason = $2
        WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)`,
      [userId, reason, exceptSessionId ?? null],
    );
    await notifyAccessChanged(manager, { userId }); // open board sockets of revoked sessions go at once
  }

  async verifyAccessToken(token: string): Promise<AccessClaims | undefined> {
    try {
      const claims = await this.jwt.verifyAsync<AccessClaims>(token, { algorithms: ['HS256'] });
      // jsonwebtoken accepts a token without `exp` forever; ours always carry
      // one, no further out than the configured lifetime (small clock skew allowed).
      const { accessTtlSeconds } = this.config.auth;
      const valid =
        typeof claims.sub === 'string' &&
        typeof claims.sid === 'string' &&
        typeof claims.exp === 'number' &&
        typeof claims.iat === 'number' &&
        claims.exp - claims.iat <= accessTtlSeconds &&
        claims.iat <= Date.now() / 1000 + 60;
      return valid ? claims : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The caller, if the session is live and the user active (one read). A
   * session restricted to second-factor enrolment counts only when
   * `allowEnrolmentOnly` says the caller checks the route itself (the HTTP
   * guard); everywhere else (the board socket) it is no session at all.
   */
  async principal(
    claims: AccessClaims,
    options: { allowEnrolmentOnly?: boolean } = {},
  ): Promise<AuthenticatedUser | undefined> {
    const rows = await this.tx.query<PrincipalRow>(
      `SELECT u.id, u.email, u.display_name, u.role, u.version, u.created_at, u.updated_at,
              s.enrolment_only, u.totp_enabled_at IS NOT NULL AS totp_enabled
         FROM auth_session s JOIN app_user u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`,
      [claims.sid, claims.sub],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    if (row.enrolment_only && options.allowEnrolmentOnly !== true) return undefined;
    return {
      id: row.id,
      email: row.email,
      displayName: row.display_name,
      role: row.role,
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      sessionId: claims.sid,
      enrolmentOnly: row.enrolment_only,
      totpEnabled: row.totp_enabled,
    };
  }

  private async issueRefreshToken(manager: EntityManager, sessionId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await manager.insert(RefreshTokenEntity, { sessionId, tokenHash: sha256(token), usedAt: null });
    return token;
  }

  private async tokens(userId: string, sessionId: string, role: Role, refreshToken: string): Promise<TokenPairDto> {
    const { accessTtlSeconds } = this.config.auth;
    const claims: AccessClaims = { sub: userId, sid: sessionId, role };
    const accessToken = await this.jwt.signAsync(claims, { expiresIn: accessTtlSeconds, algorithm: 'HS256' });
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: accessTtlSeconds };
  }
}
