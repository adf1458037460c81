import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { UserEntity } from '../../auth/entities/user.entity.js';
import type { NotificationKind } from '../notification-kinds.js';

/**
 * A mail to send, written in the same transaction as the change it reports,
 * so that it exists exactly when the change was committed. Any instance
 * claims due rows (FOR UPDATE SKIP LOCKED, then a lease in `claimed_until`)
 * and marks each sent once its server accepted it. Bodies never hold
 * patient data: they point into the app, where reading is authorised and audited.
 */
@Entity({ name: 'notification_outbox' })
@Check(
  'CHK_notification_outbox_kind',
  `"kind" IN ('account_link', 'appointment', 'case_packet', 'letter_ready', 'guest_invitation', 'task_assigned')`,
)
@Check('CHK_notification_outbox_attempts', `"attempts" >= 0`)
@Index('IDX_notification_outbox_due', ['notBefore', 'id'], { where: `"sent_at" IS NULL AND "failed_at" IS NULL` })
@Index('IDX_notification_outbox_created', ['createdAt', 'id'])
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_notification_outbox' })
  id!: string;

  @Column({ type: 'text' })
  kind!: NotificationKind;

  @Index('IDX_notification_outbox_recipient')
  @Column({ name: 'recipient_user_id', type: 'uuid', nullable: true })
  recipientUserId!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'recipient_user_id', foreignKeyConstraintName: 'FK_notification_outbox_recipient' })
  recipient?: Relation<UserEntity>;

  @Column({ name: 'to_address', type: 'text' })
  toAddress!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'text' })
  body!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Not sent before this time (a retry's back-off). */
  @Column({ name: 'not_before', type: 'timestamptz', default: () => 'now()' })
  notBefore!: Date;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** While set and in the future, one instance is sending this message. */
  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true })
  claimedUntil!: Date | null;

  @Column({ name: 'claimed_by', type: 'text', nullable: true })
  claimedBy!: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  /** Set when the last attempt allowed failed; an admin can send it again. */
  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true })
  failedAt!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}

/** A user's choice, per kind, to receive mail; no row means yes. */
@Entity({ name: 'notification_preference' })
@Check('CHK_notification_preference_kind', `"kind" IN ('appointment', 'case_packet', 'task_assigned')`)
export class NotificationPreferenceEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'PK_notification_preference' })
  userId!: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_notification_preference' })
  kind!: string;

  @Column({ type: 'boolean' })
  email!: boolean;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_notification_preference_user' })
  user?: Relation<UserEntity>;
}
