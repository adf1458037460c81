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
} from 'typeorm';
import { ClinicEntity } from '../../clinics/entities/clinic.entity.js';
import type { Eligibility } from '../trial-matching.js';

export const PHASES = ['1', '1/2', '2', '2/3', '3', '4'] as const;
export type Phase = (typeof PHASES)[number];
export const TRIAL_STATUSES = [
  'not_yet_recruiting',
  'recruiting',
  'active_not_recruiting',
  'completed',
  'closed',
] as const;
export type TrialStatus = (typeof TRIAL_STATUSES)[number];

/**
 * A clinical trial a clinic's board may offer, with its eligibility in the
 * platform's codes. Each clinic keeps its own list (an NCT id once per
 * clinic); a withdrawn trial is kept, with its reason, and no longer offered.
 */
@Entity({ name: 'trial' })
@Unique('UQ_trial_clinic_nct', ['clinicId', 'nctId'])
@Index('IDX_trial_clinic_status', ['clinicId', 'status'])
@Check('CHK_trial_withdrawn', `("withdrawn_at" IS NULL) = ("withdrawn_reason" IS NULL)`)
@Check('CHK_trial_nct', `"nct_id" ~ '^NCT[0-9]{8}$'`)
@Check('CHK_trial_phase', `"phase" IN ('1', '1/2', '2', '2/3', '3', '4')`)
@Check(
  'CHK_trial_status',
  `"status" IN ('not_yet_recruiting', 'recruiting', 'active_not_recruiting', 'completed', 'closed')`,
)
export class TrialEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_trial' })
  id!: string;

  @Column({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  @Column({ name: 'nct_id', type: 'text' })
  nctId!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  phase!: Phase;

  @Column({ type: 'text' })
  status!: TrialStatus;

  @Column({ type: 'jsonb' })
  eligibility!: Eligibility;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true })
  withdrawnAt!: Date | null;

  @Column({ name: 'withdrawn_reason', type: 'text', nullable: true })
  withdrawnReason!: string | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @VersionColumn()
  version!: number;

  @ManyToOne(() => ClinicEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'clinic_id', foreignKeyConstraintName: 'FK_trial_clinic' })
  clinic?: ClinicEntity;
}
