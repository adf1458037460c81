import type { Selector } from '../selector.js';
import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { CaseEntity } from '../../cases/entities/case.entity.js';
import { RecordEntity } from '../../cases/entities/record.entity.js';
import type {
  AdditionalCancer,
  BiomarkerChange,
  ChangeType,
  Concordance,
  EvidenceSource,
  ManagementImpact,
  StageChange,
} from '../../cases/clinical/comparison.js';
import type { TreatmentChange } from '../../cases/clinical/management.js';
import { DiagnosisAssessmentEntity } from './diagnosis-assessment.entity.js';

export const VERIFICATIONS = ['pending', 'referring_correct', 'board_correct', 'neither'] as const;
export type Verification = (typeof VERIFICATIONS)[number];
export const FINDING_TYPES = [
  'histologic_type',
  'grade',
  'margins',
  'lymph_nodes',
  'receptor_status',
  'tumor_size',
  'imaging_finding',
  'other',
] as const;
export type FindingType = (typeof FINDING_TYPES)[number];

/**
 * The classified difference between a case's referring diagnosis and its
 * board diagnosis. Immutable (a trigger refuses UPDATE and DELETE): when an
 * input changes a new row is written and becomes the case's current one.
 * Clinic, initiator and the booleans the reports count are copied in, so the
 * reports read this table alone.
 */
@Entity({ name: 'diagnosis_change' })
@Index('IDX_diagnosis_change_case', ['caseId', 'createdAt'])
// One current change per case, and current changes of a clinic by time for the reports (partial, made by the migration).
@Index('UQ_diagnosis_change_current', { synchronize: false })
@Index('IDX_diagnosis_change_report', { synchronize: false })
@Check('CHK_diagnosis_change_concordance', `"concordance" IN ('concordant', 'minor', 'major')`)
@Check('CHK_diagnosis_change_impact', `"management_impact" IN ('none', 'potential', 'changed')`)
export class DiagnosisChangeEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_diagnosis_change' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ name: 'clinic_id', type: 'uuid' })
  clinicId!: string;

  @Column({ name: 'referring_assessment_id', type: 'uuid' })
  referringAssessmentId!: string;

  @Column({ name: 'board_assessment_id', type: 'uuid' })
  boardAssessmentId!: string;

  @Column({ name: 'change_types', type: 'text', array: true })
  changeTypes!: ChangeType[];

  @Column({ name: 'stage_changes', type: 'jsonb' })
  stageChanges!: StageChange[];

  @Column({ name: 'biomarker_changes', type: 'jsonb' })
  biomarkerChanges!: BiomarkerChange[];

  @Column({ name: 'additional_cancers', type: 'jsonb' })
  additionalCancers!: AdditionalCancer[];

  /** Cancers the referral named that the board ruled out. */
  @Column({ name: 'removed_cancers', type: 'jsonb', default: () => "'[]'" })
  removedCancers!: AdditionalCancer[];

  /** What the signed plan changes against the referral's recommendation. */
  @Column({ name: 'treatment_changes', type: 'jsonb', default: () => "'[]'" })
  treatmentChanges!: TreatmentChange[];

  /** A clinician's sentence per difference. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  details!: string[];

  @Column({ name: 'pathology_reinterpretation', type: 'boolean' })
  pathologyReinterpretation!: boolean;

  @Column({ name: 'stage_up', type: 'boolean' })
  stageUp!: boolean;

  @Column({ name: 'stage_down', type: 'boolean' })
  stageDown!: boolean;

  @Column({ type: 'text' })
  concordance!: Concordance;

  @Column({ name: 'management_impact', type: 'text' })
  managementImpact!: ManagementImpact;

  /** As set by the chair, if set. */
  @Column({ name: 'chair_impact', type: 'text', nullable: true })
  chairImpact!: ManagementImpact | null;

  @Column({ name: 'evidence_sources', type: 'text', array: true })
  evidenceSources!: EvidenceSource[];

  /** The discipline that drove the change. */
  @Column({ name: 'driving_discipline', type: 'text', nullable: true })
  drivingDiscipline!: string | null;

  /** Who asked for the second opinion (copied from the case). */
  @Column({ type: 'text' })
  initiator!: string;

  /** False once a newer change of the same case exists (set by the trigger that inserts it). */
  @Column({ name: 'is_current', type: 'boolean', default: true })
  isCurrent!: boolean;

  @Column({ name: 'supersedes_id', type: 'uuid', nullable: true })
  supersedesId!: string | null;

  @Column({ name: 'author_id', type: 'uuid', nullable: true })
  authorId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_diagnosis_change_case' })
  case?: Relation<CaseEntity>;

  @ManyToOne(() => DiagnosisAssessmentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referring_assessment_id', foreignKeyConstraintName: 'FK_diagnosis_change_referring' })
  referring?: Relation<DiagnosisAssessmentEntity>;

  @ManyToOne(() => DiagnosisAssessmentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'board_assessment_id', foreignKeyConstraintName: 'FK_diagnosis_change_board' })
  board?: Relation<DiagnosisAssessmentEntity>;
}

/** The later outcome of a change (surgical pathology, follow-up). Append-only; the newest counts. */
@Entity({ name: 'diagnosis_change_verification' })
@Index('IDX_diagnosis_change_verification_change', ['changeId', 'recordedAt'])
@Check('CHK_diagnosis_change_verification', `"outcome" IN ('pending', 'referring_correct', 'board_correct', 'neither')`)
export class DiagnosisChangeVerificationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_diagnosis_change_verification' })
  id!: string;

  @Column({ name: 'change_id', type: 'uuid' })
  changeId!: string;

  @Column({ type: 'text' })
  outcome!: Verification;

  @Column({ type: 'text', nullable: true })
  basis!: string | null;

  @Column({ name: 'author_id', type: 'uuid', nullable: true })
  authorId!: string | null;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  @ManyToOne(() => DiagnosisChangeEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'change_id', foreignKeyConstraintName: 'FK_diagnosis_change_verification_change' })
  change?: Relation<DiagnosisChangeEntity>;
}

/** A pathologist's or radiologist's finding on a record. Immutable; an amendment is a new version. */
@Entity({ name: 'annotation' })
@Index('IDX_annotation_case', ['caseId', 'createdAt'])
@Index('UQ_annotation_supersedes', ['supersedesId'], { unique: true })
@Check(
  'CHK_annotation_finding_type',
  `"finding_type" IN ('histologic_type', 'grade', 'margins', 'lymph_nodes', 'receptor_status', 'tumor_size', 'imaging_finding', 'other')`,
)
export class AnnotationEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_annotation' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ name: 'record_id', type: 'uuid' })
  recordId!: string;

  /** `{ kind: 'page', page, region? }` or `{ kind: 'slide', slide?, x, y, zoom? }`. */
  @Column({ type: 'jsonb' })
  anchor!: Record<string, unknown>;

  /** The same place as a W3C Web Annotation selector (see src/diagnoses/selector.ts); null: the whole record. */
  @Column({ type: 'jsonb', nullable: true })
  selector!: Selector | null;

  @Column({ name: 'finding_type', type: 'text' })
  findingType!: FindingType;

  /** Coded values of the finding (e.g. `{ histology: '8520/3' }`, `{ marker: 'HER2', value: '3+' }`). */
  @Column({ type: 'jsonb' })
  values!: Record<string, unknown>;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'supersedes_id', type: 'uuid', nullable: true })
  supersedesId!: string | null;

  @Column({ name: 'author_id', type: 'uuid', nullable: true })
  authorId!: string | null;

  @Column({ name: 'author_discipline', type: 'text' })
  authorDiscipline!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_annotation_case' })
  case?: Relation<CaseEntity>;

  @ManyToOne(() => RecordEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'record_id', foreignKeyConstraintName: 'FK_annotation_record' })
  record?: Relation<RecordEntity>;

  @ManyToOne(() => AnnotationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'supersedes_id', foreignKeyConstraintName: 'FK_annotation_supersedes' })
  supersedes?: Relation<AnnotationEntity>;
}
