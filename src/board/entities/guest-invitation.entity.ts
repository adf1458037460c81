import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  type Relation,
} from 'typeorm';
import { UserEntity } from '../../auth/entities/user.entity.js';
import { CaseEntity } from '../../cases/entities/case.entity.js';
import { BoardSessionEntity } from './board-session.entity.js';

/**
 * An outside doctor (usually the referring one) invited to one board session
 * for one case. The link is single-use and expires; redeeming it makes a
 * guest account (role `guest`) that sees that case only, in that session
 * only, until `access_until`. Revoking ends the guest's sessions at once.
 * Only the token's SHA-256 is stored.
 */
@Entity({ name: 'guest_invitation' })
@Unique('UQ_guest_invitation_token_hash', ['tokenHash'])
@Index('IDX_guest_invitation_session', ['sessionId'])
export class GuestInvitationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_guest_invitation' })
  id!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ name: 'guest_name', type: 'text' })
  guestName!: string;

  @Column({ name: 'guest_email', type: 'text' })
  guestEmail!: string;

  @Column({ type: 'text', nullable: true })
  institution!: string | null;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  /** The link must be opened before this. */
  @Column({ name: 'link_expires_at', type: 'timestamptz' })
  linkExpiresAt!: Date;

  /** The guest's access ends then (the session's end and a margin), whatever happens. */
  @Column({ name: 'access_until', type: 'timestamptz' })
  accessUntil!: Date;

  @Column({ name: 'redeemed_at', type: 'timestamptz', nullable: true })
  redeemedAt!: Date | null;

  @Index('IDX_guest_invitation_guest_user')
  @Column({ name: 'guest_user_id', type: 'uuid', nullable: true })
  guestUserId!: string | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_by', type: 'uuid', nullable: true })
  revokedBy!: string | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => BoardSessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_guest_invitation_session' })
  session?: Relation<BoardSessionEntity>;

  @ManyToOne(() => CaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_guest_invitation_case' })
  case?: Relation<CaseEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'guest_user_id', foreignKeyConstraintName: 'FK_guest_invitation_guest_user' })
  guestUser?: Relation<UserEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'FK_guest_invitation_created_by' })
  creator?: Relation<UserEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'revoked_by', foreignKeyConstraintName: 'FK_guest_invitation_revoked_by' })
  revoker?: Relation<UserEntity>;
}
