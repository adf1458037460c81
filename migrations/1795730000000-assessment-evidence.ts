import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A pathology or radiology review names the annotations it rests on (issue
 * 18): the findings marked on the records. Existing reviews name none (an
 * empty list); nothing they say changes.
 */
export class AssessmentEvidence1795730000000 implements MigrationInterface {
  name = 'AssessmentEvidence1795730000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "diagnosis_assessment" ADD "evidence_annotation_ids" uuid[] NOT NULL DEFAULT '{}'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "diagnosis_assessment" DISABLE TRIGGER "diagnosis_assessment_immutable"`);
    await q.query(`ALTER TABLE "diagnosis_assessment" DROP COLUMN "evidence_annotation_ids"`);
    await q.query(`ALTER TABLE "diagnosis_assessment" ENABLE TRIGGER "diagnosis_assessment_immutable"`);
  }
}
