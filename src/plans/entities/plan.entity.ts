import type { Setting } from '../../cases/clinical/management.js';
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
  UpdateDateColumn,
  VersionColumn,
  type Relation,
} from 'typeorm';
import { CaseEntity } from '../../cases/entities/case.entity.js';
import type { Intent, Modality } from '../../cases/entities/case.entity.js';
import type { Vote } from '../consensus.js';

export const PLAN_STATUSES = ['draft', 'proposed', 'signed', 'superseded'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export interface PlanItem {
  modality: Modality;
  intent: Intent;
  sequence: number;
  description?: string;
  rationale?: string;
  guidelineReference?: string;
  nctId?: string;
  /** Coded for comparison (src/cases/clinical/management.ts). */
  setting?: Setting;
  procedures?: string[];
  regimen?: string;
  drugs?: string[];
  laterality?: 'left' | 'right' | 'bilateral';
  responsibleClinicianId?: string;
}

/**
 * One version of a case's treatment plan. Drafts are edited under
 * optimistic concurrency (`version`, If-Match); a signed version is
 * immutable (a trigger refuses UPDATE and DELETE of it and of its votes).
 */
@Entity({ name: 'plan_version' })
@Unique('UQ_plan_version_number', ['caseId', 'number'])
@Index('IDX_plan_version_case', ['caseId', 'number'])
@Check('CHK_plan_version_status', `"status" IN ('draft', 'proposed', 'signed', 'superseded')`)
export class PlanVersionEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_plan_version' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'text' })
  status!: PlanStatus;

  @Column({ type: 'jsonb' })
  items!: PlanItem[];

  @Column({ type: 'text', nullable: true })
  summary!: string | null;

  @Column({ name: 'author_id', type: 'uuid', nullable: true })
  authorId!: string | null;

  @Column({ name: 'proposed_at', type: 'timestamptz', nullable: true })
  proposedAt!: Date | null;

  @Column({ name: 'signed_at', type: 'timestamptz', nullable: true })
  signedAt!: Date | null;

  @Column({ name: 'signed_by', type: 'uuid', nullable: true })
  signedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn()
  version!: number;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_plan_version_case' })
  case?: Relation<CaseEntity>;
}

/** A specialist's vote on a proposed version (one per person; changeable until signed). */
@Entity({ name: 'plan_vote' })
@Unique('UQ_plan_vote_voter', ['planVersionId', 'voterId'])
@Check('CHK_plan_vote_vote', `"vote" IN ('agree', 'agree_with_reservations', 'disagree', 'abstain')`)
@Check('CHK_plan_vote_rationale', `"vote" <> 'disagree' OR length(coalesce("comment", '')) > 0`)
export class PlanVoteEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_plan_vote' })
  id!: string;

  @Column({ name: 'plan_version_id', type: 'uuid' })
  planVersionId!: string;

  @Column({ name: 'voter_id', type: 'uuid' })
  voterId!: string;

  @Column({ type: 'text' })
  discipline!: string;

  @Column({ type: 'text' })
  vote!: Vote;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @UpdateDateColumn({ name: 'cast_at', type: 'timestamptz' })
  castAt!: Date;

  @ManyToOne(() => PlanVersionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_version_id', foreignKeyConstraintName: 'FK_plan_vote_plan_version' })
  plan?: Relation<PlanVersionEntity>;
}

/** A request for a third opinion when the board could not agree. */
@Entity({ name: 'third_opinion_request' })
@Index('IDX_third_opinion_request_case', ['caseId'])
export class ThirdOpinionRequestEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_third_opinion_request' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ type: 'text' })
  reviewer!: string;

  @Column({ type: 'text' })
  institution!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'requested_by', type: 'uuid', nullable: true })
  requestedBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_third_opinion_request_case' })
  case?: Relation<CaseEntity>;
}
