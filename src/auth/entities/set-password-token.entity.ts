import {
  Check,
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
import { UserEntity } from './user.entity.js';

export const SET_PASSWORD_PURPOSES = ['invite', 'reset'] as const;
export type SetPasswordPurpose = (typeof SET_PASSWORD_PURPOSES)[number];

/** A one-time, expiring link to set a password; only its SHA-256 is stored. */
@Entity({ name: 'set_password_token' })
@Unique('UQ_set_password_token_hash', ['tokenHash'])
@Check('CHK_set_password_token_purpose', `"purpose" IN ('invite', 'reset')`)
export class SetPasswordTokenEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_set_password_token' })
  id!: string;

  @Index('IDX_set_password_token_user_id')
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_set_password_token_user' })
  user?: Relation<UserEntity>;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  @Column({ type: 'text' })
  purpose!: SetPasswordPurpose;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** Set when the link is used, or superseded by a newer one. */
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
