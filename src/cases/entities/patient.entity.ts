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

export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

/**
 * PHI. Read only through CasesService, which authorises and audits. A
 * patient record belongs to the clinic that took the referral; an MRN is
 * matched only within it (another clinic learns nothing of it).
 */
@Entity({ name: 'patient' })
@Unique('UQ_patient_clinic_mrn', ['clinicId', 'mrn'])
// Expression indexes for prefix search, made by the migration.
@Index('IDX_patient_family_name', { synchronize: false })
@Index('IDX_patient_mrn_prefix', { synchronize: false })
@Check('CHK_patient_sex', `"sex" IN ('female', 'male', 'other', 'unknown')`)
export class PatientEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_patient' })
  id!: string;

  @Column({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  @Column({ type: 'text' })
  mrn!: string;

  @Column({ name: 'family_name', type: 'text' })
  familyName!: string;

  @Column({ name: 'given_name', type: 'text' })
  givenName!: string;

  @Column({ name: 'birth_date', type: 'date' })
  birthDate!: string;

  @Column({ type: 'text' })
  sex!: Sex;

  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  /** Consent to record the board discussion (transcripts leave messages out otherwise). */
  @Column({ name: 'consent_to_record', type: 'boolean', default: false })
  consentToRecord!: boolean;

  /** Demo and benchmark data, never a real person. */
  @Column({ type: 'boolean', default: false })
  synthetic!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn()
  version!: number;

  @ManyToOne(() => ClinicEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'clinic_id', foreignKeyConstraintName: 'FK_patient_clinic' })
  clinic?: ClinicEntity;
}
