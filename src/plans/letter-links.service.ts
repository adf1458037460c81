import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CaseEntity } from '../cases/entities/case.entity.js';
import { AppConfig } from '../config/app-config.js';
import { TransactionContext } from '../database/transaction-context.js';
import { letterReadyMail, utcMinute } from '../notifications/mail-templates.js';
import { NotificationsService } from '../notifications/notifications.service.js';

const sha256 = (token: string): string => createHash('sha256').update(token).digest('hex');

export type LetterLinkRefusal = 'unknown_link' | 'link_expired' | 'link_revoked';

/**
 * The referring doctor's link to the signed letter: issued and mailed in the
 * transaction that signs the plan (when the referral gave an address), valid
 * for LETTER_LINK_TTL_DAYS; a newer signed plan's link replaces the older one.
 */
@Injectable()
export class LetterLinksService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
  ) {}

  async issueOnSign(c: CaseEntity, planId: string): Promise<void> {
    if (c.referringEmail === null) return;
    const m = this.tx.manager;
    await m.query(`UPDATE letter_link SET revoked_at = now() WHERE case_id = $1 AND revoked_at IS NULL`, [c.id]);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.mail.letterLinkTtlDays * 86_400_000);
    await m.query(
      `INSERT INTO letter_link (case_id, plan_id, token_hash, to_address, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [c.id, planId, sha256(token), c.referringEmail, expiresAt],
    );
    await this.notifications.toAddress(
      'letter_ready',
      c.referringEmail,
      letterReadyMail({
        referringClinician: c.referringClinician,
        institution: c.referringInstitution,
        // A fragment, so the token stays out of every access log; the page posts it.
        link: this.notifications.appLink(`/letter/${token}`),
        expiresAt: utcMinute(expiresAt),
      }),
    );
  }

  /** The case a link opens, counted as one download; or why it does not. */
  async redeem(
    token: string,
  ): Promise<
    { ok: true; caseId: string; planId: string } | { ok: false; reason: LetterLinkRefusal; caseId: string | null }
  > {
    const [row] = await this.tx.query<{ case_id: string; plan_id: string; expired: boolean; revoked: boolean }>(
      `SELECT case_id, plan_id, expires_at <= now() AS expired, revoked_at IS NOT NULL AS revoked
         FROM letter_link WHERE token_hash = $1`,
      [sha256(token)],
    );
    if (row === undefined) return { ok: false, reason: 'unknown_link', caseId: null };
    if (row.revoked) return { ok: false, reason: 'link_revoked', caseId: row.case_id };
    if (row.expired) return { ok: false, reason: 'link_expired', caseId: row.case_id };
    await this.tx.query(
      `UPDATE letter_link SET downloads = downloads + 1, last_download_at = now() WHERE token_hash = $1`,
      [sha256(token)],
    );
    return { ok: true, caseId: row.case_id, planId: row.plan_id };
  }
}
