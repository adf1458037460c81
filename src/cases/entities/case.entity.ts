import type { Setting } from '../clinical/management.js';
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
import { ClinicEntity } from '../../clinics/entities/clinic.entity.js';
import type { CaseStatus } from '../case-workflow.js';
import { PatientEntity } from './patient.entity.js';

export const REASONS = [
  'patient_request',
  'referral_expertise',
  'rare_cancer',
  'insurance_required',
  'suspected_cancer_ruled_out',
  'other',
] as const;
export type Reason = (typeof REASONS)[number];
export const INITIATORS = ['patient', 'physician'] as const;
export type Initiator = (typeof INITIATORS)[number];
export const URGENCIES = ['routine', 'urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];

export const MODALITIES = [
  'surgery',
  'systemic_therapy',
  'radiation',
  'clinical_trial',
  'genetic_counseling',
  'surveillance',
  'supportive',
] as const;
export type Modality = (typeof MODALITIES)[number];
export const INTENTS = ['curative', 'palliative', 'diagnostic', 'supportive'] as const;
export type Intent = (typeof INTENTS)[number];

/** One item of a treatment recommendation (same shape as a plan item). */
export interface TreatmentItem {
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
}

/** A second-opinion case. `case` is an SQL keyword, hence the table name. */
@Entity({ name: 'second_opinion_case' })
@Index('IDX_case_clinic_created', ['clinicId', 'createdAt', 'id'])
@Index('IDX_case_created', ['createdAt', 'id'])
@Index('IDX_case_patient', ['patientId'])
@Check(
  'CHK_case_status',
  `"status" IN ('referred', 'records_pending', 'ready', 'scheduled', 'evaluated', 'in_review', 'consensus', 'closed', 'third_opinion_requested', 'withdrawn')`,
)
@Check(
  'CHK_case_reason',
  `"reason" IN ('patient_request', 'referral_expertise', 'rare_cancer', 'insurance_required', 'suspected_cancer_ruled_out', 'other')`,
)
@Check('CHK_case_initiator', `"initiator" IN ('patient', 'physician')`)
@Check('CHK_case_urgency', `"urgency" IN ('routine', 'urgent')`)
@Check(
  'CHK_case_site_override_reason',
  `"site_override_reason" IS NULL OR char_length("site_override_reason") BETWEEN 3 AND 500`,
)
export class CaseEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_second_opinion_case' })
  id!: string;

  @Column({ name: 'patient_id', type: 'uuid' })
  patientId!: string;

  @Column({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  @Column({ type: 'text' })
  status!: CaseStatus;

  @Column({ type: 'text' })
  reason!: Reason;

  @Column({ type: 'text' })
  initiator!: Initiator;

  @Column({ type: 'text' })
  urgency!: Urgency;

  @Column({ name: 'referring_clinician', type: 'text' })
  referringClinician!: string;

  @Column({ name: 'referring_institution', type: 'text' })
  referringInstitution!: string;

  /** Where the signed letter's link is mailed; null when the referral gave none. */
  @Column({ name: 'referring_email', type: 'text', nullable: true })
  referringEmail!: string | null;

  @Column({ name: 'referring_recommendation', type: 'jsonb' })
  referringRecommendation!: TreatmentItem[];

  /** First cancer-directed treatment, for the prospective-presentation metric. */
  @Column({ name: 'first_treatment_date', type: 'date', nullable: true })
  firstTreatmentDate!: string | null;

  /** Why a referral whose primary site is not among its clinic's cancer types was taken anyway; null when it is. */
  @Column({ name: 'site_override_reason', type: 'text', nullable: true })
  siteOverrideReason!: string | null;

  @Column({ type: 'boolean', default: false })
  synthetic!: boolean;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn()
  version!: number;

  @ManyToOne(() => PatientEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'patient_id', foreignKeyConstraintName: 'FK_case_patient' })
  patient?: Relation<PatientEntity>;

  @ManyToOne(() => ClinicEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'clinic_id', foreignKeyConstraintName: 'FK_case_clinic' })
  clinic?: Relation<ClinicEntity>;
}
