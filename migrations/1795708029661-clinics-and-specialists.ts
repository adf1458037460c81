import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Clinics (rules, rooms, members) and the specialist roster with availability. Generated, reviewed. */

export class ClinicsAndSpecialists1795708029661 implements MigrationInterface {
  name = 'ClinicsAndSpecialists1795708029661';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "clinic" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "time_zone" text NOT NULL, "day_start" TIME NOT NULL, "day_end" TIME NOT NULL, "cancer_types" text array NOT NULL, "required_disciplines" jsonb NOT NULL, "precedence" jsonb NOT NULL, "required_record_types" text array NOT NULL, "readiness_rules" jsonb NOT NULL, "quorum_disciplines" text array NOT NULL, "consensus_rule" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "UQ_clinic_name" UNIQUE ("name"), CONSTRAINT "CHK_clinic_consensus_rule" CHECK ("consensus_rule" IN ('unanimous_required_disciplines', 'majority_without_required_dissent')), CONSTRAINT "CHK_clinic_day" CHECK ("day_start" < "day_end"), CONSTRAINT "PK_clinic" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "clinic_member" ("clinic_id" uuid NOT NULL, "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_clinic_member" PRIMARY KEY ("clinic_id", "user_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_clinic_member_user" ON "clinic_member"  ("user_id") `);
    await queryRunner.query(
      `CREATE TABLE "room" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "name" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_room_clinic_name" UNIQUE ("clinic_id", "name"), CONSTRAINT "PK_room" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "specialist" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "disciplines" text array NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_specialist_user" UNIQUE ("user_id"), CONSTRAINT "PK_specialist" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "specialist_availability" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "specialist_id" uuid NOT NULL, "clinic_id" uuid NOT NULL, "weekday" smallint NOT NULL, "start_time" TIME NOT NULL, "end_time" TIME NOT NULL, CONSTRAINT "CHK_specialist_availability_window" CHECK ("start_time" < "end_time"), CONSTRAINT "CHK_specialist_availability_weekday" CHECK ("weekday" BETWEEN 1 AND 7), CONSTRAINT "PK_specialist_availability" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_specialist_availability_specialist" ON "specialist_availability"  ("specialist_id", "clinic_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "specialist_exception" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "specialist_id" uuid NOT NULL, "clinic_id" uuid NOT NULL, "date" date NOT NULL, "kind" text NOT NULL, "start_time" TIME, "end_time" TIME, "reason" text, CONSTRAINT "CHK_specialist_exception_window" CHECK (("start_time" IS NULL AND "end_time" IS NULL AND "kind" = 'away') OR ("start_time" IS NOT NULL AND "end_time" IS NOT NULL AND "start_time" < "end_time")), CONSTRAINT "CHK_specialist_exception_kind" CHECK ("kind" IN ('away', 'extra')), CONSTRAINT "PK_specialist_exception" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_specialist_exception_day" ON "specialist_exception"  ("specialist_id", "date") `,
    );
    await queryRunner.query(
      `CREATE TABLE "specialist_clinic" ("specialist_id" uuid NOT NULL, "clinic_id" uuid NOT NULL, CONSTRAINT "PK_specialist_clinic" PRIMARY KEY ("specialist_id", "clinic_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_specialist_clinic_clinic" ON "specialist_clinic"  ("clinic_id") `);
    await queryRunner.query(
      `ALTER TABLE "clinic_member" ADD CONSTRAINT "FK_clinic_member_clinic" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "clinic_member" ADD CONSTRAINT "FK_clinic_member_user" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "room" ADD CONSTRAINT "FK_room_clinic" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "specialist" ADD CONSTRAINT "FK_specialist_user" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "specialist_availability" ADD CONSTRAINT "FK_specialist_availability_specialist" FOREIGN KEY ("specialist_id") REFERENCES "specialist"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "specialist_availability" ADD CONSTRAINT "FK_specialist_availability_clinic" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "specialist_exception" ADD CONSTRAINT "FK_specialist_exception_specialist" FOREIGN KEY ("specialist_id") REFERENCES "specialist"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "specialist_exception" ADD CONSTRAINT "FK_specialist_exception_clinic" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "specialist_clinic" ADD CONSTRAINT "FK_specialist_clinic_specialist" FOREIGN KEY ("specialist_id") REFERENCES "specialist"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "specialist_clinic" ADD CONSTRAINT "FK_specialist_clinic_clinic" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "specialist_clinic" DROP CONSTRAINT "FK_specialist_clinic_clinic"`);
    await queryRunner.query(`ALTER TABLE "specialist_clinic" DROP CONSTRAINT "FK_specialist_clinic_specialist"`);
    await queryRunner.query(`ALTER TABLE "specialist_exception" DROP CONSTRAINT "FK_specialist_exception_clinic"`);
    await queryRunner.query(`ALTER TABLE "specialist_exception" DROP CONSTRAINT "FK_specialist_exception_specialist"`);
    await queryRunner.query(
      `ALTER TABLE "specialist_availability" DROP CONSTRAINT "FK_specialist_availability_clinic"`,
    );
    await queryRunner.query(
      `ALTER TABLE "specialist_availability" DROP CONSTRAINT "FK_specialist_availability_specialist"`,
    );
    await queryRunner.query(`ALTER TABLE "specialist" DROP CONSTRAINT "FK_specialist_user"`);
    await queryRunner.query(`ALTER TABLE "room" DROP CONSTRAINT "FK_room_clinic"`);
    await queryRunner.query(`ALTER TABLE "clinic_member" DROP CONSTRAINT "FK_clinic_member_user"`);
    await queryRunner.query(`ALTER TABLE "clinic_member" DROP CONSTRAINT "FK_clinic_member_clinic"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_specialist_clinic_clinic"`);
    await queryRunner.query(`DROP TABLE "specialist_clinic"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_specialist_exception_day"`);
    await queryRunner.query(`DROP TABLE "specialist_exception"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_specialist_availability_specialist"`);
    await queryRunner.query(`DROP TABLE "specialist_availability"`);
    await queryRunner.query(`DROP TABLE "specialist"`);
    await queryRunner.query(`DROP TABLE "room"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_clinic_member_user"`);
    await queryRunner.query(`DROP TABLE "clinic_member"`);
    await queryRunner.query(`DROP TABLE "clinic"`);
  }
}
