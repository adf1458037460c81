import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
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

/** A clinical trial the board may offer, with its eligibility in the platform's codes. */
@Entity({ name: 'trial' })
@Check('CHK_trial_nct', `"nct_id" ~ '^NCT[0-9]{8}$'`)
@Check('CHK_trial_phase', `"phase" IN ('1', '1/2', '2', '2/3', '3', '4')`)
@Check(
  'CHK_trial_status',
  `"status" IN ('not_yet_recruiting', 'recruiting', 'active_not_recruiting', 'completed', 'closed')`,
)
export class TrialEntity {
  @PrimaryColumn({ name: 'nct_id', type: 'text', primaryKeyConstraintName: 'PK_trial' })
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

  @VersionColumn()
  version!: number;
}
