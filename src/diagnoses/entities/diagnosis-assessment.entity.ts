import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import type { BiomarkerInput } from '../../cases/clinical/biomarkers.js';
import type { AdditionalCancer } from '../../cases/clinical/comparison.js';
import type { Gleason, Grade } from '../../cases/clinical/grading.js';
import type { SystemStage, TnmStage } from '../../cases/clinical/staging.js';
import { CaseEntity } from '../../cases/entities/case.entity.js';

export const ASSESSMENT_SOURCES = ['referring', 'pathology_review', 'radiology_review', 'board'] as const;
export type AssessmentSource = (typeof ASSESSMENT_SOURCES)[number];
export const LATERALITIES = ['left', 'right', 'bilateral', 'midline', 'not_applicable', 'unknown'] as const;
export type Laterality = (typeof LATERALITIES)[number];
export { GRADES, type Grade } from '../../cases/clinical/grading.js';
export type { TnmStage, SystemStage } from '../../cases/clinical/staging.js';
export type { BiomarkerInput as Biomarker } from '../../cases/clinical/biomarkers.js';
export type { AdditionalCancer } from '../../cases/clinical/comparison.js';

/** Immutable (a trigger refuses UPDATE and DELETE): a newer one supersedes. */
@Entity({ name: 'diagnosis_assessment' })
@Index('IDX_diagnosis_assessment_case', ['caseId', 'recordedAt'])
@Check('CHK_diagnosis_assessment_source', `"source" IN ('referring', 'pathology_review', 'radiology_review', 'board')`)
@Check('CHK_diagnosis_assessment_ecog', `"ecog" IS NULL OR "ecog" BETWEEN 0 AND 5`)
@Check(
  'CHK_diagnosis_assessment_resectability',
  `"resectability" IS NULL OR "resectability" IN ('resectable', 'borderline_resectable', 'locally_advanced', 'metastatic')`,
)
@Check('CHK_diagnosis_assessment_size', `"tumour_size_mm" IS NULL OR "tumour_size_mm" >= 0`)
@Check('CHK_diagnosis_assessment_depth', `"depth_mm" IS NULL OR "depth_mm" >= 0`)
export class DiagnosisAssessmentEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_diagnosis_assessment' })
  id!: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId!: string;

  @Column({ type: 'text' })
  source!: AssessmentSource;

  @Column({ name: 'primary_site', type: 'text', nullable: true })
  primarySite!: string | null;

  @Column({ type: 'text', nullable: true })
  histology!: string | null;

  @Column({ type: 'text', nullable: true })
  laterality!: Laterality | null;

  @Column({ type: 'text', nullable: true })
  grade!: Grade | null;

  @Column({ name: 'clinical_stage', type: 'jsonb', nullable: true })
  clinicalStage!: TnmStage | null;

  @Column({ name: 'pathological_stage', type: 'jsonb', nullable: true })
  pathologicalStage!: TnmStage | null;

  @Column({ name: 'post_therapy_clinical_stage', type: 'jsonb', nullable: true })
  postTherapyClinicalStage!: TnmStage | null;

  @Column({ name: 'post_therapy_pathological_stage', type: 'jsonb', nullable: true })
  postTherapyPathologicalStage!: TnmStage | null;

  @Column({ name: 'recurrence_stage', type: 'jsonb', nullable: true })
  recurrenceStage!: TnmStage | null;

  /** Lugano, FIGO, R-ISS, BCLC…: `{ system, stage }`. */
  @Column({ name: 'other_stages', type: 'jsonb', default: () => "'[]'" })
  otherStages!: SystemStage[];

  @Column({ type: 'text', nullable: true })
  resectability!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  gleason!: Gleason | null;

  @Column({
    name: 'tumour_size_mm',
    type: 'numeric',
    nullable: true,
    transformer: { to: (v: unknown) => v, from: (v: string | null) => (v === null ? null : Number(v)) },
  })
  tumourSizeMm!: number | null;

  /** Breslow thickness (melanoma) or depth of invasion, mm. */
  @Column({
    name: 'depth_mm',
    type: 'numeric',
    nullable: true,
    transformer: { to: (v: unknown) => v, from: (v: string | null) => (v === null ? null : Number(v)) },
  })
  depthMm!: number | null;

  /** The ICD-10-CM code the site was given as, when it was (mapped to ICD-O-3 in primarySite). */
  @Column({ name: 'icd10cm', type: 'text', nullable: true })
  icd10cm!: string | null;

  @Column({ name: 'ajcc_edition', type: 'smallint', nullable: true })
  ajccEdition!: number | null;

  @Column({ type: 'jsonb' })
  biomarkers!: BiomarkerInput[];

  /** A review's evidence: the annotations (findings marked on the records) it rests on. */
  @Column({ name: 'evidence_annotation_ids', type: 'uuid', array: true, default: () => "'{}'" })
  evidenceAnnotationIds!: string[];

  @Column({ name: 'additional_cancers', type: 'jsonb' })
  additionalCancers!: AdditionalCancer[];

  @Column({ type: 'boolean' })
  malignant!: boolean;

  @Column({ type: 'smallint', nullable: true })
  ecog!: number | null;

  @Column({ name: 'author_id', type: 'uuid', nullable: true })
  authorId!: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;

  @Column({ name: 'supersedes_id', type: 'uuid', nullable: true })
  supersedesId!: string | null;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_diagnosis_assessment_case' })
  case?: Relation<CaseEntity>;
}
