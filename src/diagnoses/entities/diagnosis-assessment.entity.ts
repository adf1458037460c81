import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { CaseEntity } from '../../cases/entities/case.entity.js';

export const ASSESSMENT_SOURCES = ['referring', 'pathology_review', 'radiology_review', 'board'] as const;
export type AssessmentSource = (typeof ASSESSMENT_SOURCES)[number];
export const LATERALITIES = ['left', 'right', 'bilateral', 'midline', 'not_applicable', 'unknown'] as const;
export type Laterality = (typeof LATERALITIES)[number];
export const GRADES = ['G1', 'G2', 'G3', 'G4', 'GX'] as const;
export type Grade = (typeof GRADES)[number];

export interface TnmStage {
  t?: string;
  n?: string;
  m?: string;
  stageGroup?: string;
}

export interface Biomarker {
  name: string;
  value: string;
  method?: string;
}

export interface AdditionalCancer {
  primarySite: string;
  histology?: string;
  description?: string;
}

/** Immutable (a trigger refuses UPDATE and DELETE): a newer one supersedes. */
@Entity({ name: 'diagnosis_assessment' })
@Index('IDX_diagnosis_assessment_case', ['caseId', 'recordedAt'])
@Check('CHK_diagnosis_assessment_source', `"source" IN ('referring', 'pathology_review', 'radiology_review', 'board')`)
@Check('CHK_diagnosis_assessment_ecog', `"ecog" IS NULL OR "ecog" BETWEEN 0 AND 5`)
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

  @Column({ name: 'ajcc_edition', type: 'smallint', nullable: true })
  ajccEdition!: number | null;

  @Column({ type: 'jsonb' })
  biomarkers!: Biomarker[];

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
