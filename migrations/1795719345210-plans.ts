import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Treatment plan versions, votes and third-opinion requests (generated,
 * reviewed), plus by hand: a signed version, and the votes on it, can be
 * neither changed nor deleted.
 */

export class Plans1795719345210 implements MigrationInterface {
  name = 'Plans1795719345210';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "plan_version" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "number" integer NOT NULL, "status" text NOT NULL, "items" jsonb NOT NULL, "summary" text, "author_id" uuid, "proposed_at" TIMESTAMP WITH TIME ZONE, "signed_at" TIMESTAMP WITH TIME ZONE, "signed_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "UQ_plan_version_number" UNIQUE ("case_id", "number"), CONSTRAINT "CHK_plan_version_status" CHECK ("status" IN ('draft', 'proposed', 'signed', 'superseded')), CONSTRAINT "PK_plan_version" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_plan_version_case" ON "plan_version"  ("case_id", "number") `);
    await queryRunner.query(
      `CREATE TABLE "plan_vote" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "plan_version_id" uuid NOT NULL, "voter_id" uuid NOT NULL, "discipline" text NOT NULL, "vote" text NOT NULL, "comment" text, "cast_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_plan_vote_voter" UNIQUE ("plan_version_id", "voter_id"), CONSTRAINT "CHK_plan_vote_rationale" CHECK ("vote" <> 'disagree' OR length(coalesce("comment", '')) > 0), CONSTRAINT "CHK_plan_vote_vote" CHECK ("vote" IN ('agree', 'agree_with_reservations', 'disagree', 'abstain')), CONSTRAINT "PK_plan_vote" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "third_opinion_request" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "reviewer" text NOT NULL, "institution" text NOT NULL, "reason" text NOT NULL, "requested_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_third_opinion_request" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_third_opinion_request_case" ON "third_opinion_request"  ("case_id") `);
    await queryRunner.query(
      `ALTER TABLE "plan_version" ADD CONSTRAINT "FK_plan_version_case" FOREIGN KEY ("case_id") REFERENCES "second_opinion_case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "plan_vote" ADD CONSTRAINT "FK_plan_vote_plan_version" FOREIGN KEY ("plan_version_id") REFERENCES "plan_version"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "third_opinion_request" ADD CONSTRAINT "FK_third_opinion_request_case" FOREIGN KEY ("case_id") REFERENCES "second_opinion_case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`
      CREATE FUNCTION plan_signed_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'signed' THEN
          RAISE EXCEPTION 'a signed plan version is immutable' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "plan_version_signed_immutable" BEFORE UPDATE OR DELETE ON "plan_version" FOR EACH ROW EXECUTE FUNCTION plan_signed_immutable()`,
    );
    await queryRunner.query(`
      CREATE FUNCTION plan_vote_signed_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM plan_version p WHERE p.id = OLD.plan_version_id AND p.status = 'signed') THEN
          RAISE EXCEPTION 'the votes on a signed plan version are immutable' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "plan_vote_signed_immutable" BEFORE UPDATE OR DELETE ON "plan_vote" FOR EACH ROW EXECUTE FUNCTION plan_vote_signed_immutable()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "third_opinion_request_immutable" BEFORE UPDATE OR DELETE ON "third_opinion_request" FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "third_opinion_request_immutable" ON "third_opinion_request"`);
    await queryRunner.query(`DROP TRIGGER "plan_vote_signed_immutable" ON "plan_vote"`);
    await queryRunner.query(`DROP FUNCTION plan_vote_signed_immutable()`);
    await queryRunner.query(`DROP TRIGGER "plan_version_signed_immutable" ON "plan_version"`);
    await queryRunner.query(`DROP FUNCTION plan_signed_immutable()`);
    await queryRunner.query(`ALTER TABLE "third_opinion_request" DROP CONSTRAINT "FK_third_opinion_request_case"`);
    await queryRunner.query(`ALTER TABLE "plan_vote" DROP CONSTRAINT "FK_plan_vote_plan_version"`);
    await queryRunner.query(`ALTER TABLE "plan_version" DROP CONSTRAINT "FK_plan_version_case"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_third_opinion_request_case"`);
    await queryRunner.query(`DROP TABLE "third_opinion_request"`);
    await queryRunner.query(`DROP TABLE "plan_vote"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_plan_version_case"`);
    await queryRunner.query(`DROP TABLE "plan_version"`);
  }
}
