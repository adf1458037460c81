import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { RequestValidationException } from '../common/problem.js';
import { AppConfig } from '../config/app-config.js';
import { TransactionContext } from '../database/transaction-context.js';
import { setPasswordMail, utcMinute } from '../notifications/mail-templates.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import type { RequestMeta } from './auth.service.js';
import type { SetPasswordResultDto } from './dto/auth.dto.js';
import type { SetPasswordLinkDto } from './dto/user.dto.js';
import { SetPasswordTokenEntity, type SetPasswordPurpose } from './entities/set-password-token.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { passwordProblem } from './password-policy.js';
import { SessionsService } from './sessions.service.js';

const sha256 = (token: string): string => createHash('sha256').update(token).digest('hex');

interface TokenRow {
  id: string;
  user_id: string;
  purpose: SetPasswordPurpose;
  usable: boolean;
  email: string;
  display_name: string;
  active: boolean;
}

/**
 * One-time, expiring links to set a password: how a new account gets its
 * first password (an admin never chooses it) and how an admin resets a
 * forgotten one. Only the token's SHA-256 is stored; the token itself is
 * shown once to the admin who issued it and mailed to the user, and the audit row records that a
 * link was issued, never the token.
 */
@Injectable()
export class SetPasswordLinksService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly config: AppConfig,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  /** A new link for the user; any earlier unused link stops working. */
  async issue(manager: EntityManager, userId: string, purpose: SetPasswordPurpose): Promise<SetPasswordLinkDto> {
    await manager.query(`UPDATE set_password_token SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, [
      userId,
    ]);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.auth.setPasswordLinkTtlHours * 3_600_000);
    await manager.insert(SetPasswordTokenEntity, {
      userId,
      tokenHash: sha256(token),
      purpose,
      expiresAt,
      usedAt: null,
    });
    // The user gets it by mail too (kept in the outbox for the admin when no mail server is set).
    await this.notifications.toUsers(
      'account_link',
      [userId],
      (u) =>
        setPasswordMail({
          displayName: u.displayName,
          link: this.notifications.appLink(`/set-password/${token}`),
          expiresAt: utcMinute(expiresAt),
          purpose,
        }),
      manager,
    );
    // A fragment: browsers do not send it to the server, so it stays out of access logs.
    return { token, path: `/#/set-password/${token}`, expiresAt: expiresAt.toISOString() };
  }

  /**
   * Sets the password of the link's user and uses the link up. A weak
   * password leaves the link usable; every session of the user ends.
   */
  async redeem(token: string, password: string, meta: RequestMeta): Promise<SetPasswordResultDto> {
    const outcome = await this.tx.run(async (manager) => {
      const [row] = await manager.query<TokenRow[]>(
        `SELECT t.id, t.user_id, t.purpose, (t.used_at IS NULL AND t.expires_at > now()) AS usable,
                u.email, u.display_name, u.active
           FROM set_password_token t JOIN app_user u ON u.id = t.user_id
          WHERE t.token_hash = $1
          FOR UPDATE OF t, u`,
        [sha256(token)],
      );
      if (row === undefined || !row.usable || !row.active) {
        const reason = row === undefined ? 'unknown_link' : !row.usable ? 'link_used_or_expired' : 'account_disabled';
        return { ok: false as const, userId: row?.user_id ?? null, reason };
      }
      const weak = passwordProblem(password, { email: row.email, displayName: row.display_name });
      if (weak !== undefined) return { ok: false as const, userId: row.user_id, reason: 'weak_password', weak };
      const user = await manager.findOneOrFail(UserEntity, { where: { id: row.user_id } });
      user.passwordHash = await this.passwords.hash(password);
      await manager.save(user);
      await manager.update(SetPasswordTokenEntity, { id: row.id }, { usedAt: () => 'now()' });
      await this.sessions.revokeAllForUser(manager, row.user_id, 'password_set');
      await this.audit.record(
        {
          actorId: row.user_id,
          action: 'auth.set_password',
          entityType: 'user',
          entityId: row.user_id,
          outcome: 'success',
          statusCode: 200,
          reason: row.purpose === 'invite' ? 'invite_link' : 'reset_link',
          requestId: meta.requestId,
          ip: meta.ip,
        },
        manager,
      );
      return { ok: true as const, email: row.email };
    });
    if (!outcome.ok) {
      await this.audit.record({
        action: 'auth.set_password',
        entityType: 'user',
        entityId: outcome.userId,
        outcome: outcome.reason === 'weak_password' ? 'failure' : 'denied',
        statusCode: 400,
        reason: outcome.reason,
        requestId: meta.requestId,
        ip: meta.ip,
      });
      if ('weak' in outcome) throw RequestValidationException.field('password', `password ${outcome.weak}`);
      throw RequestValidationException.field(
        'token',
        'token is unknown, already used or expired: ask an administrator for a new set-password link',
      );
    }
    return { email: outcome.email };
  }
}
