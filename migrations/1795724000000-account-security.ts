import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Account security (issue 15): second factors (TOTP) on users, sessions
 * restricted to second-factor enrolment, one-time set-password links, and
 * users without a password until they set one. Existing rows keep their
 * passwords and sessions.
 */
export class AccountSecurity1795724000000 implements MigrationInterface {
  name = 'AccountSecurity1795724000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "app_user" ALTER COLUMN "password_hash" DROP NOT NULL`);
    await q.query(`ALTER TABLE "app_user" ADD "totp_secret" text`);
    await q.query(`ALTER TABLE "app_user" ADD "totp_pending_secret" text`);
    await q.query(`ALTER TABLE "app_user" ADD "totp_enabled_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "app_user" ADD "totp_last_step" integer`);
    await q.query(
      `ALTER TABLE "app_user" ADD CONSTRAINT "CHK_app_user_totp_enabled" CHECK ("totp_enabled_at" IS NULL OR "totp_secret" IS NOT NULL)`,
    );
    await q.query(`ALTER TABLE "auth_session" ADD "enrolment_only" boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE "set_password_token" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "token_hash" text NOT NULL,
        "purpose" text NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_set_password_token" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_set_password_token_hash" UNIQUE ("token_hash"),
        CONSTRAINT "CHK_set_password_token_purpose" CHECK ("purpose" IN ('invite', 'reset')),
        CONSTRAINT "FK_set_password_token_user" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "IDX_set_password_token_user_id" ON "set_password_token" ("user_id")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "set_password_token"`);
    await q.query(`ALTER TABLE "auth_session" DROP COLUMN "enrolment_only"`);
    await q.query(`ALTER TABLE "app_user" DROP CONSTRAINT "CHK_app_user_totp_enabled"`);
    await q.query(`ALTER TABLE "app_user" DROP COLUMN "totp_last_step"`);
    await q.query(`ALTER TABLE "app_user" DROP COLUMN "totp_enabled_at"`);
    await q.query(`ALTER TABLE "app_user" DROP COLUMN "totp_pending_secret"`);
    await q.query(`ALTER TABLE "app_user" DROP COLUMN "totp_secret"`);
    // Users who never set a password keep an unusable hash: no argon2 string verifies against '!'.
    await q.query(`UPDATE "app_user" SET "password_hash" = '!' WHERE "password_hash" IS NULL`);
    await q.query(`ALTER TABLE "app_user" ALTER COLUMN "password_hash" SET NOT NULL`);
  }
}
