import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Break-glass grants for admins, and a severity on audit rows. Generated, reviewed. */

export class BreakGlass1795709243749 implements MigrationInterface {
  name = 'BreakGlass1795709243749';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "break_glass_grant" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "case_id" uuid NOT NULL, "reason" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_break_glass_grant" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_break_glass_grant_user_case" ON "break_glass_grant"  ("user_id", "case_id", "expires_at") `,
    );
    await queryRunner.query(`ALTER TABLE "audit_event" ADD "severity" text NOT NULL DEFAULT 'normal'`);
    await queryRunner.query(
      `ALTER TABLE "audit_event" ADD CONSTRAINT "CHK_audit_event_severity" CHECK ("severity" IN ('normal', 'high'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "break_glass_grant" ADD CONSTRAINT "FK_break_glass_grant_user" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "break_glass_grant" ADD CONSTRAINT "FK_break_glass_grant_case" FOREIGN KEY ("case_id") REFERENCES "second_opinion_case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "break_glass_grant" DROP CONSTRAINT "FK_break_glass_grant_case"`);
    await queryRunner.query(`ALTER TABLE "break_glass_grant" DROP CONSTRAINT "FK_break_glass_grant_user"`);
    await queryRunner.query(`ALTER TABLE "audit_event" DROP CONSTRAINT "CHK_audit_event_severity"`);
    await queryRunner.query(`ALTER TABLE "audit_event" DROP COLUMN "severity"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_break_glass_grant_user_case"`);
    await queryRunner.query(`DROP TABLE "break_glass_grant"`);
  }
}
