import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Patients, second-opinion cases, diagnosis assessments (immutable), the board
 * event log, case records (immutable) and readiness waivers. Generated, then
 * reviewed: the prefix-search indexes and the immutability triggers are by hand.
 */

export class CasesAndRecords1795708430032 implements MigrationInterface {
  name = 'CasesAndRecords1795708430032';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "board_event" ("id" BIGSERIAL NOT NULL, "session_id" uuid, "case_id" uuid, "type" text NOT NULL, "payload" jsonb NOT NULL, "actor_id" uuid, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_board_event" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_board_event_case" ON "board_event"  ("case_id", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_board_event_session" ON "board_event"  ("session_id", "id") `);
    await queryRunner.query(
      `CREATE TABLE "patient" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "mrn" text NOT NULL, "family_name" text NOT NULL, "given_name" text NOT NULL, "birth_date" date NOT NULL, "sex" text NOT NULL, "phone" text, "email" text, "consent_to_record" boolean NOT NULL DEFAULT false, "synthetic" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "UQ_patient_mrn" UNIQUE ("mrn"), CONSTRAINT "CHK_patient_sex" CHECK ("sex" IN ('female', 'male', 'other', 'unknown')), CONSTRAINT "PK_patient" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "second_opinion_case" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "patient_id" uuid NOT NULL, "clinic_id" uuid NOT NULL, "status" text NOT NULL, "reason" text NOT NULL, "initiator" text NOT NULL, "urgency" text NOT NULL, "referring_clinician" text NOT NULL, "referring_institution" text NOT NULL, "referring_recommendation" jsonb NOT NULL, "first_treatment_date" date, "synthetic" boolean NOT NULL DEFAULT false, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "CHK_case_urgency" CHECK ("urgency" IN ('routine', 'urgent')), CONSTRAINT "CHK_case_initiator" CHECK ("initiator" IN ('patient', 'physician')), CONSTRAINT "CHK_case_reason" CHECK ("reason" IN ('patient_request', 'referral_expertise', 'rare_cancer', 'insurance_required', 'suspected_cancer_ruled_out', 'other')), CONSTRAINT "CHK_case_status" CHECK ("status" IN ('referred', 'records_pending', 'ready', 'scheduled', 'evaluated', 'in_review', 'consensus', 'closed', 'third_opinion_requested', 'withdrawn')), CONSTRAINT "PK_second_opinion_case" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_case_patient" ON "second_opinion_case"  ("patient_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_case_created" ON "second_opinion_case"  ("created_at", "id") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_case_clinic_created" ON "second_opinion_case"  ("clinic_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "case_record" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "type" text NOT NULL, "kind" text NOT NULL, "document_date" date, "source" text, "content_sha256" text, "size_bytes" bigint, "media_type" text, "filename" text, "study_uid" text, "dicomweb_url" text, "supersedes_id" uuid, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_case_record_supersedes" UNIQUE ("supersedes_id"), CONSTRAINT "CHK_case_record_content" CHECK (("kind" = 'file' AND "content_sha256" IS NOT NULL AND "size_bytes" > 0 AND "media_type" IS NOT NULL) OR ("kind" = 'dicomweb' AND "study_uid" IS NOT NULL AND "dicomweb_url" IS NOT NULL)), CONSTRAINT "CHK_case_record_kind" CHECK ("kind" IN ('file', 'dicomweb')), CONSTRAINT "PK_case_record" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_case_record_case" ON "case_record"  ("case_id", "created_at") `);
    await queryRunner.query(
      `CREATE TABLE "readiness_waiver" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "item" text NOT NULL, "reason" text NOT NULL, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_readiness_waiver" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_readiness_waiver_case" ON "readiness_waiver"  ("case_id") `);
    await queryRunner.query(
      `CREATE TABLE "diagnosis_assessment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "source" text NOT NULL, "primary_site" text, "histology" text, "laterality" text, "grade" text, "clinical_stage" jsonb, "pathological_stage" jsonb, "ajcc_edition" smallint, "biomarkers" jsonb NOT NULL, "additional_cancers" jsonb NOT NULL, "malignant" boolean NOT NULL, "ecog" smallint, "author_id" uuid, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "supersedes_id" uuid, CONSTRAINT "CHK_diagnosis_assessment_ecog" CHECK ("ecog" IS NULL OR "ecog" BETWEEN 0 AND 5), CONSTRAINT "CHK_diagnosis_assessment_source" CHECK ("source" IN ('referring', 'pathology_review', 'radiology_review', 'board')), CONSTRAINT "PK_diagnosis_assessment" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_diagnosis_assessment_case" ON "diagnosis_assessment"  ("case_id", "recorded_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "second_opinion_case" ADD CONSTRAINT "FK_case_patient" FOREIGN KEY ("patient_id") REFERENCES "patient"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "second_opinion_case" ADD CONSTRAINT "FK_case_clinic" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_record" ADD CONSTRAINT "FK_case_record_case" FOREIGN KEY ("case_id") REFERENCES "second_opinion_case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "readiness_waiver" ADD CONSTRAINT "FK_readiness_waiver_case" FOREIGN KEY ("case_id") REFERENCES "second_opinion_case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "diagnosis_assessment" ADD CONSTRAINT "FK_diagnosis_assessment_case" FOREIGN KEY ("case_id") REFERENCES "second_opinion_case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // Prefix search on family name (case-insensitive) and MRN; LIKE 'x%' needs pattern ops.
    await queryRunner.query(
      `CREATE INDEX "IDX_patient_family_name" ON "patient" (lower("family_name") text_pattern_ops)`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_patient_mrn_prefix" ON "patient" ("mrn" text_pattern_ops)`);
    // Recorded diagnoses and records are never changed, only superseded (invariant 5).
    await queryRunner.query(`
          CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            RAISE EXCEPTION '% is immutable: % is not allowed; record a new row that supersedes it', TG_TABLE_NAME, TG_OP
              USING ERRCODE = 'insufficient_privilege';
          END
          $$`);
    await queryRunner.query(
      `CREATE TRIGGER "diagnosis_assessment_immutable" BEFORE UPDATE OR DELETE ON "diagnosis_assessment" FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "case_record_immutable" BEFORE UPDATE OR DELETE ON "case_record" FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "case_record_immutable" ON "case_record"`);
    await queryRunner.query(`DROP TRIGGER "diagnosis_assessment_immutable" ON "diagnosis_assessment"`);
    await queryRunner.query(`DROP FUNCTION refuse_change()`);
    await queryRunner.query(`DROP INDEX "IDX_patient_mrn_prefix"`);
    await queryRunner.query(`DROP INDEX "IDX_patient_family_name"`);
    await queryRunner.query(`ALTER TABLE "diagnosis_assessment" DROP CONSTRAINT "FK_diagnosis_assessment_case"`);
    await queryRunner.query(`ALTER TABLE "readiness_waiver" DROP CONSTRAINT "FK_readiness_waiver_case"`);
    await queryRunner.query(`ALTER TABLE "case_record" DROP CONSTRAINT "FK_case_record_case"`);
    await queryRunner.query(`ALTER TABLE "second_opinion_case" DROP CONSTRAINT "FK_case_clinic"`);
    await queryRunner.query(`ALTER TABLE "second_opinion_case" DROP CONSTRAINT "FK_case_patient"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_diagnosis_assessment_case"`);
    await queryRunner.query(`DROP TABLE "diagnosis_assessment"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_readiness_waiver_case"`);
    await queryRunner.query(`DROP TABLE "readiness_waiver"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_case_record_case"`);
    await queryRunner.query(`DROP TABLE "case_record"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_case_clinic_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_case_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_case_patient"`);
    await queryRunner.query(`DROP TABLE "second_opinion_case"`);
    await queryRunner.query(`DROP TABLE "patient"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_board_event_session"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_board_event_case"`);
    await queryRunner.query(`DROP TABLE "board_event"`);
  }
}
