import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The diagnosis as clinicians write it: post-therapy and recurrence stages,
 * other staging systems (Lugano, FIGO…), resectability, Gleason pattern,
 * size and depth, the ICD-10-CM code a site was given as; and on each
 * classified change the cancers ruled out, the treatment changes and the
 * sentences the letter shows. Only columns are added (with defaults for the
 * NOT NULL ones), so existing assessments and changes carry over as they
 * are; biomarker categories are computed from the stored results when read,
 * and a stage group without a type reads as AJCC anatomic, which is what the
 * earlier model recorded.
 */
export class ClinicalModel1795722000000 implements MigrationInterface {
  name = 'ClinicalModel1795722000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "diagnosis_assessment"
         ADD COLUMN "post_therapy_clinical_stage" jsonb,
         ADD COLUMN "post_therapy_pathological_stage" jsonb,
         ADD COLUMN "recurrence_stage" jsonb,
         ADD COLUMN "other_stages" jsonb NOT NULL DEFAULT '[]',
         ADD COLUMN "resectability" text,
         ADD COLUMN "gleason" jsonb,
         ADD COLUMN "tumour_size_mm" numeric,
         ADD COLUMN "depth_mm" numeric,
         ADD COLUMN "icd10cm" text,
         ADD CONSTRAINT "CHK_diagnosis_assessment_resectability"
           CHECK ("resectability" IS NULL OR "resectability" IN ('resectable', 'borderline_resectable', 'locally_advanced', 'metastatic')),
         ADD CONSTRAINT "CHK_diagnosis_assessment_size" CHECK ("tumour_size_mm" IS NULL OR "tumour_size_mm" >= 0),
         ADD CONSTRAINT "CHK_diagnosis_assessment_depth" CHECK ("depth_mm" IS NULL OR "depth_mm" >= 0)`,
    );
    await queryRunner.query(
      `ALTER TABLE "diagnosis_change"
         ADD COLUMN "removed_cancers" jsonb NOT NULL DEFAULT '[]',
         ADD COLUMN "treatment_changes" jsonb NOT NULL DEFAULT '[]',
         ADD COLUMN "details" jsonb NOT NULL DEFAULT '[]'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "diagnosis_change" DROP COLUMN "details", DROP COLUMN "treatment_changes", DROP COLUMN "removed_cancers"`,
    );
    await queryRunner.query(
      `ALTER TABLE "diagnosis_assessment"
         DROP CONSTRAINT "CHK_diagnosis_assessment_depth", DROP CONSTRAINT "CHK_diagnosis_assessment_size",
         DROP CONSTRAINT "CHK_diagnosis_assessment_resectability",
         DROP COLUMN "icd10cm", DROP COLUMN "depth_mm", DROP COLUMN "tumour_size_mm", DROP COLUMN "gleason",
         DROP COLUMN "resectability", DROP COLUMN "other_stages", DROP COLUMN "recurrence_stage",
         DROP COLUMN "post_therapy_pathological_stage", DROP COLUMN "post_therapy_clinical_stage"`,
    );
  }
}
