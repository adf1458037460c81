import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
  type Relation,
} from 'typeorm';
import { UserEntity } from '../../auth/entities/user.entity.js';
import { CaseEntity } from '../../cases/entities/case.entity.js';
import { PlanVersionEntity } from '../../plans/entities/plan.entity.js';

export const ACTION_ITEM_STATUSES = ['open', 'done', 'cancelled'] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];

export const RECOMMENDATION_OUTCOMES = ['carried_out', 'modified', 'declined'] as const;
export type RecommendationOutcome = (typeof RECOMMENDATION_OUTCOMES)[number];

/**
 * An action from a signed plan with its named responsible clinician (NHS
 * England MDT streamlining: every action has one) and a due date. Edited
 * under optimistic concurrency (`version`, If-Match).
 */
@Entity({ name: 'action_item' })
@Index('IDX_action_item_case', ['caseId', 'createdAt'])
@Index('IDX_action_item_responsible', ['responsibleUserId', 'status', 'dueDate'])
@Check('CHK_action_item_status', `"status" IN ('open', 'done', 'cancelled')`)
@Check('CHK_action_item_description', `char_length("description") BETWEEN 1 AND 500`)
@Check('CHK_action_item_sequence', `"plan_item_sequence" IS NULL OR "plan_item_sequence" >= 1`)
export class ActionItemEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_action_item' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  /** The signed plan version the action comes from. */
  @Column({ name: 'plan_id', type: 'uuid' })
  planId!: string;

  /** The plan item's sequence, when the action carries out one item. */
  @Column({ name: 'plan_item_sequence', type: 'integer', nullable: true })
  planItemSequence!: number | null;

  @Column({ type: 'text' })
  description!: string;

  @Column({ name: 'responsible_user_id', type: 'uuid' })
  responsibleUserId!: string;

  @Column({ name: 'due_date', type: 'date' })
  dueDate!: string;

  @Column({ type: 'text' })
  status!: ActionItemStatus;

  /** When the treatment this action stands for started; null until recorded (never guessed). */
  @Column({ name: 'treatment_started_on', type: 'date', nullable: true })
  treatmentStartedOn!: string | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn()
  version!: number;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_action_item_case' })
  case?: Relation<CaseEntity>;

  @ManyToOne(() => PlanVersionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id', foreignKeyConstraintName: 'FK_action_item_plan' })
  plan?: Relation<PlanVersionEntity>;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'responsible_user_id', foreignKeyConstraintName: 'FK_action_item_responsible' })
  responsible?: Relation<UserEntity>;
}

/**
 * What became of the board's recommendation: an append-only history per
 * case (a trigger refuses UPDATE and DELETE); the latest row is current.
 */
@Entity({ name: 'recommendation_outcome' })
@Index('IDX_recommendation_outcome_case', ['caseId', 'recordedAt'])
@Check('CHK_recommendation_outcome_outcome', `"outcome" IN ('carried_out', 'modified', 'declined')`)
@Check(
  'CHK_recommendation_outcome_reason',
  `("outcome" = 'carried_out' AND ("reason" IS NULL OR char_length("reason") <= 1000)) OR char_length("reason") BETWEEN 3 AND 1000`,
)
export class RecommendationOutcomeEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_recommendation_outcome' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  /** The signed plan version whose recommendation this is the outcome of. */
  @Column({ name: 'plan_id', type: 'uuid' })
  planId!: string;

  @Column({ type: 'text' })
  outcome!: RecommendationOutcome;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'recorded_by', type: 'uuid', nullable: true })
  recordedBy!: string | null;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_recommendation_outcome_case' })
  case?: Relation<CaseEntity>;

  @ManyToOne(() => PlanVersionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'plan_id', foreignKeyConstraintName: 'FK_recommendation_outcome_plan' })
  plan?: Relation<PlanVersionEntity>;
}
