import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Annotations, diagnosis changes and their verifications (generated,
 * reviewed), plus by hand: annotations and verifications immutable
 * (refuse_change); a diagnosis change immutable except that a newer one of
 * the same case turns its is_current off; one current change per case; the
 * partial index the reports read.
 */

export class DiagnosisChanges1795718484314 implements MigrationInterface {
  name = 'DiagnosisChanges1795718484314';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "diagnosis_change" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "clinic_id" uuid NOT NULL, "referring_assessment_id" uuid NOT NULL, "board_assessment_id" uuid NOT NULL, "change_types" text array NOT NULL, "stage_changes" jsonb NOT NULL, "biomarker_changes" jsonb NOT NULL, "additional_cancers" jsonb NOT NULL, "pathology_reinterpretation" boolean NOT NULL, "stage_up" boolean NOT NULL, "stage_down" boolean NOT NULL, "concordance" text NOT NULL, "management_impact" text NOT NULL, "chair_impact" text, "evidence_sources" text array NOT NULL, "driving_discipline" text, "initiator" text NOT NULL, "is_current" boolean NOT NULL DEFAULT true, "supersedes_id" uuid, "author_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_diagnosis_change_impact" CHECK ("management_impact" IN ('none', 'potential', 'changed')), CONSTRAINT "CHK_diagnosis_change_concordance" CHECK ("concordance" IN ('concordant', 'minor', 'major')), CONSTRAINT "PK_diagnosis_change" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_diagnosis_change_case" ON "diagnosis_change"  ("case_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "diagnosis_change_verification" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "change_id" uuid NOT NULL, "outcome" text NOT NULL, "basis" text, "author_id" uuid, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_diagnosis_change_verification" CHECK ("outcome" IN ('pending', 'referring_correct', 'board_correct', 'neither')), CONSTRAINT "PK_diagnosis_change_verification" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_diagnosis_change_verification_change" ON "diagnosis_change_verification"  ("change_id", "recorded_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "annotation" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "record_id" uuid NOT NULL, "anchor" jsonb NOT NULL, "finding_type" text NOT NULL, "values" jsonb NOT NULL, "text" text NOT NULL, "version" integer NOT NULL, "supersedes_id" uuid, "author_id" uuid, "author_discipline" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_annotation_finding_type" CHECK ("finding_type" IN ('histologic_type', 'grade', 'margins', 'lymph_nodes', 'receptor_status', 'tumor_size', 'imaging_finding', 'other')), CONSTRAINT "PK_annotation" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_annotation_supersedes" ON "annotation"  ("supersedes_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_annotation_case" ON "annotation"  ("case_id", "created_at") `);
    await queryRunner.query(
      `ALTER TABLE "diagnosis_change" ADD CONSTRAINT "FK_diagnosis_change_case" FOREIGN KEY ("case_id") REFERENCES "second_opinion_case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "diagnosis_change" ADD CONSTRAINT "FK_diagnosis_change_referring" FOREIGN KEY ("referring_assessment_id") REFERENCES "diagnosis_assessment"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "diagnosis_change" ADD CONSTRAINT "FK_diagnosis_change_board" FOREIGN KEY ("board_assessment_id") REFERENCES "diagnosis_assessment"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "diagnosis_change_verification" ADD CONSTRAINT "FK_diagnosis_change_verification_change" FOREIGN KEY ("change_id") REFERENCES "diagnosis_change"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "annotation" ADD CONSTRAINT "FK_annotation_case" FOREIGN KEY ("case_id") REFERENCES "second_opinion_case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "annotation" ADD CONSTRAINT "FK_annotation_record" FOREIGN KEY ("record_id") REFERENCES "case_record"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "annotation" ADD CONSTRAINT "FK_annotation_supersedes" FOREIGN KEY ("supersedes_id") REFERENCES "annotation"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "annotation_immutable" BEFORE UPDATE OR DELETE ON "annotation" FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "diagnosis_change_verification_immutable" BEFORE UPDATE OR DELETE ON "diagnosis_change_verification" FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
    );
    await queryRunner.query(`
      CREATE FUNCTION diagnosis_change_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.is_current AND NOT NEW.is_current
           AND (to_jsonb(NEW) - 'is_current') = (to_jsonb(OLD) - 'is_current') THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'diagnosis_change is immutable: record a new one' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "diagnosis_change_immutable" BEFORE UPDATE OR DELETE ON "diagnosis_change" FOR EACH ROW EXECUTE FUNCTION diagnosis_change_guard()`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_diagnosis_change_current" ON "diagnosis_change" ("case_id") WHERE "is_current"`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_diagnosis_change_report" ON "diagnosis_change" ("clinic_id", "created_at") WHERE "is_current"`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_diagnosis_change_report"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_diagnosis_change_current"`);
    await queryRunner.query(`DROP TRIGGER "diagnosis_change_immutable" ON "diagnosis_change"`);
    await queryRunner.query(`DROP FUNCTION diagnosis_change_guard()`);
    await queryRunner.query(
      `DROP TRIGGER "diagnosis_change_verification_immutable" ON "diagnosis_change_verification"`,
    );
    await queryRunner.query(`DROP TRIGGER "annotation_immutable" ON "annotation"`);
    await queryRunner.query(`ALTER TABLE "annotation" DROP CONSTRAINT "FK_annotation_supersedes"`);
    await queryRunner.query(`ALTER TABLE "annotation" DROP CONSTRAINT "FK_annotation_record"`);
    await queryRunner.query(`ALTER TABLE "annotation" DROP CONSTRAINT "FK_annotation_case"`);
    await queryRunner.query(
      `ALTER TABLE "diagnosis_change_verification" DROP CONSTRAINT "FK_diagnosis_change_verification_change"`,
    );
    await queryRunner.query(`ALTER TABLE "diagnosis_change" DROP CONSTRAINT "FK_diagnosis_change_board"`);
    await queryRunner.query(`ALTER TABLE "diagnosis_change" DROP CONSTRAINT "FK_diagnosis_change_referring"`);
    await queryRunner.query(`ALTER TABLE "diagnosis_change" DROP CONSTRAINT "FK_diagnosis_change_case"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_annotation_case"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_annotation_supersedes"`);
    await queryRunner.query(`DROP TABLE "annotation"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_diagnosis_change_verification_change"`);
    await queryRunner.query(`DROP TABLE "diagnosis_change_verification"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_diagnosis_change_case"`);
    await queryRunner.query(`DROP TABLE "diagnosis_change"`);
  }
}
