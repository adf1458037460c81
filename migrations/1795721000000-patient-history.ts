import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The patient's history per case, one row per version (by hand). The table
 * is append-only: UPDATE, DELETE and TRUNCATE are refused, so every version
 * is kept. Existing cases get no row: they read as version 0 (an empty
 * history holding the case's first treatment date), and their first write
 * makes version 1; nothing existing is changed.
 */
export class PatientHistory1795721000000 implements MigrationInterface {
  name = 'PatientHistory1795721000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "case_history" (
         "id" uuid NOT NULL DEFAULT gen_random_uuid(),
         "case_id" uuid NOT NULL,
         "version" integer NOT NULL,
         "document" jsonb NOT NULL,
         "author_id" uuid NOT NULL,
         "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         CONSTRAINT "UQ_case_history_version" UNIQUE ("case_id", "version"),
         CONSTRAINT "CHK_case_history_version" CHECK ("version" >= 1),
         CONSTRAINT "CHK_case_history_document" CHECK (jsonb_typeof("document") = 'object'),
         CONSTRAINT "PK_case_history" PRIMARY KEY ("id")
       )`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_history" ADD CONSTRAINT "FK_case_history_case" FOREIGN KEY ("case_id") REFERENCES "second_opinion_case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_history" ADD CONSTRAINT "FK_case_history_author" FOREIGN KEY ("author_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`
      CREATE FUNCTION case_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'case_history is append-only: % is not allowed; write a new version', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await queryRunner.query(
      `CREATE TRIGGER "case_history_no_update_delete" BEFORE UPDATE OR DELETE ON "case_history" FOR EACH ROW EXECUTE FUNCTION case_history_append_only()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "case_history_no_truncate" BEFORE TRUNCATE ON "case_history" FOR EACH STATEMENT EXECUTE FUNCTION case_history_append_only()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "case_history_no_truncate" ON "case_history"`);
    await queryRunner.query(`DROP TRIGGER "case_history_no_update_delete" ON "case_history"`);
    await queryRunner.query(`DROP FUNCTION case_history_append_only()`);
    await queryRunner.query(`ALTER TABLE "case_history" DROP CONSTRAINT "FK_case_history_author"`);
    await queryRunner.query(`ALTER TABLE "case_history" DROP CONSTRAINT "FK_case_history_case"`);
    await queryRunner.query(`DROP TABLE "case_history"`);
  }
}
