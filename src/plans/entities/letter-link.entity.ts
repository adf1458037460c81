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
import { CaseEntity } from '../../cases/entities/case.entity.js';
import { PlanVersionEntity } from './plan.entity.js';

/**
 * The referring doctor's time-limited link to the signed second-opinion
 * letter, mailed when the chair signs the plan. Only the token's SHA-256 is
 * stored; the mail carries the token and nothing about the patient.
 */
@Entity({ name: 'letter_link' })
@Unique('UQ_letter_link_token_hash', ['tokenHash'])
export class LetterLinkEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_letter_link' })
  id!: string;

  @Index('IDX_letter_link_case')
  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ name: 'plan_id', type: 'uuid' })
  planId!: string;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  @Column({ name: 'to_address', type: 'text' })
  toAddress!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'downloads', type: 'integer', default: 0 })
  downloads!: number;

  @Column({ name: 'last_download_at', type: 'timestamptz', nullable: true })
  lastDownloadAt!: Date | null;

  @ManyToOne(() => CaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_letter_link_case' })
  case?: Relation<CaseEntity>;

  @ManyToOne(() => PlanVersionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id', foreignKeyConstraintName: 'FK_letter_link_plan' })
  plan?: Relation<PlanVersionEntity>;
}
