import { Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { RequestValidationException } from '../common/problem.js';
import { decodeCursor, encodeCursor, toPage } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { TransactionContext } from '../database/transaction-context.js';
import type {
  ListOutboxQuery,
  NotificationPreferencesDto,
  OutboxMessageDto,
  OutboxPageDto,
  UpdateNotificationPreferencesDto,
} from './dto/notification.dto.js';
import type { Mail } from './mail-templates.js';
import { KIND_LABELS, USER_CHOOSABLE_KINDS, type NotificationKind, type OutboxStatus } from './notification-kinds.js';

interface OutboxRow {
  id: string;
  kind: NotificationKind;
  recipient_user_id: string | null;
  to_address: string;
  subject: string;
  body: string;
  created_at: Date;
  not_before: Date;
  attempts: number;
  sent_at: Date | null;
  failed_at: Date | null;
  last_error: string | null;
}

interface Recipient {
  id: string;
  email: string;
  display_name: string;
}

const statusOf = (r: Pick<OutboxRow, 'sent_at' | 'failed_at'>): OutboxStatus =>
  r.sent_at !== null ? 'sent' : r.failed_at !== null ? 'failed' : 'pending';

const STATUS_SQL: Record<OutboxStatus, string> = {
  pending: `sent_at IS NULL AND failed_at IS NULL`,
  sent: `sent_at IS NOT NULL`,
  failed: `failed_at IS NOT NULL AND sent_at IS NULL`,
};

/**
 * Puts mail in the outbox, in the caller's transaction, so a message exists
 * exactly when the change it reports was committed (OutboxDispatcher sends
 * it). Users' choices are applied here: a kind a user turned off is never
 * written. Inactive users get nothing.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly tx: TransactionContext,
    private readonly config: AppConfig,
  ) {}

  get deliveryConfigured(): boolean {
    return this.config.mail.smtpUrl !== undefined;
  }

  /** A link into the browser app (`path` is a hash path such as `/cases/…`). */
  appLink(path: string): string {
    return `${this.config.publicUrl}/#${path}`;
  }

  /** One mail to an address outside the platform (the referring doctor, a guest). */
  async toAddress(kind: NotificationKind, to: string, mail: Mail, manager?: EntityManager): Promise<void> {
    await this.insert(manager ?? this.tx.manager, [{ kind, userId: null, to, mail }]);
  }

  /**
   * Mail to platform users, written by `build` for each one who is active and
   * has not turned `kind` off.
   */
  async toUsers(
    kind: NotificationKind,
    userIds: readonly string[],
    build: (user: { id: string; displayName: string }) => Mail,
    manager?: EntityManager,
  ): Promise<number> {
    const m = manager ?? this.tx.manager;
    if (userIds.length === 0) return 0;
    const users = await m.query<Recipient[]>(
      `SELECT u.id, u.email, u.display_name FROM app_user u
        WHERE u.id = ANY($1::uuid[]) AND u.active
          AND NOT EXISTS (SELECT 1 FROM notification_preference p WHERE p.user_id = u.id AND p.kind = $2 AND NOT p.email)
        ORDER BY u.email`,
      [[...new Set(userIds)], kind],
    );
    await this.insert(
      m,
      users.map((u) => ({ kind, userId: u.id, to: u.email, mail: build({ id: u.id, displayName: u.display_name }) })),
    );
    return users.length;
  }

  private async insert(
    m: EntityManager,
    rows: { kind: NotificationKind; userId: string | null; to: string; mail: Mail }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await m.query(
      `INSERT INTO notification_outbox (kind, recipient_user_id, to_address, subject, body)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[])`,
      [
        rows.map((r) => r.kind),
        rows.map((r) => r.userId),
        rows.map((r) => r.to),
        rows.map((r) => r.mail.subject),
        rows.map((r) => r.mail.text),
      ],
    );
  }

  async preferences(user: AuthenticatedUser): Promise<NotificationPreferencesDto> {
    const [row] = await this.tx.manager.query<{ email: string }[]>(`SELECT email FROM app_user WHERE id = $1`, [
      user.id,
    ]);
    const chosen = await this.tx.manager.query<{ kind: string; email: boolean }[]>(
      `SELECT kind, email FROM notification_preference WHERE user_id = $1`,
      [user.id],
    );
    const off = new Map(chosen.map((c) => [c.kind, c.email]));
    return {
      email: row?.email ?? '',
      deliveryConfigured: this.deliveryConfigured,
      preferences: USER_CHOOSABLE_KINDS.map((kind) => ({
        kind,
        email: off.get(kind) ?? true,
        label: KIND_LABELS[kind],
      })),
    };
  }

  async setPreferences(
    user: AuthenticatedUser,
    dto: UpdateNotificationPreferencesDto,
  ): Promise<NotificationPreferencesDto> {
    const kinds = dto.preferences.map((p) => p.kind);
    if (new Set(kinds).size !== kinds.length)
      throw RequestValidationException.field('preferences', 'preferences may name each kind once');
    if (dto.preferences.length > 0) {
      await this.tx.manager.query(
        `INSERT INTO notification_preference (user_id, kind, email)
         SELECT $1, * FROM unnest($2::text[], $3::boolean[])
         ON CONFLICT (user_id, kind) DO UPDATE SET email = EXCLUDED.email, updated_at = now()`,
        [user.id, kinds, dto.preferences.map((p) => p.email)],
      );
    }
    return this.preferences(user);
  }

  /** The outbox, newest first (admins: what was sent, what waits, what failed and why). */
  async list(query: ListOutboxQuery): Promise<OutboxPageDto> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (query.status !== undefined) where.push(STATUS_SQL[query.status]);
    if (query.cursor !== undefined) {
      const c = decodeCursor(query.cursor, { at: 'timestamp', id: 'uuid' });
      params.push(c.at, c.id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(query.limit + 1);
    const rows = await this.tx.manager.query<OutboxRow[]>(
      `SELECT id, kind, recipient_user_id, to_address, subject, body, created_at, not_before, attempts, sent_at, failed_at, last_error
         FROM notification_outbox ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const page = toPage(rows, query.limit, toDto, (r) => encodeCursor({ at: r.created_at.toISOString(), id: r.id }));
    return { ...page, deliveryConfigured: this.deliveryConfigured };
  }

  /** A failed message is tried again from now, with its attempts counted afresh. */
  async retry(id: string): Promise<OutboxMessageDto> {
    const [row] = await this.tx.query<OutboxRow>(
      `UPDATE notification_outbox SET failed_at = NULL, attempts = 0, not_before = now(), claimed_until = NULL
        WHERE id = $1 AND sent_at IS NULL
        RETURNING id, kind, recipient_user_id, to_address, subject, body, created_at, not_before, attempts, sent_at, failed_at, last_error`,
      [id],
    );
    if (row === undefined) throw new NotFoundException('No unsent message with this id');
    return toDto(row);
  }
}

function toDto(r: OutboxRow): OutboxMessageDto {
  return {
    id: r.id,
    kind: r.kind,
    status: statusOf(r),
    to: r.to_address,
    recipientUserId: r.recipient_user_id,
    subject: r.subject,
    body: r.body,
    createdAt: r.created_at.toISOString(),
    notBefore: r.not_before.toISOString(),
    attempts: r.attempts,
    sentAt: r.sent_at?.toISOString() ?? null,
    failedAt: r.failed_at?.toISOString() ?? null,
    lastError: r.last_error,
  };
}
