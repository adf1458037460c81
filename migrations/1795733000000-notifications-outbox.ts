import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mail (issue 19): the durable outbox every instance delivers from, each
 * user's choices, the referring doctor's letter links, the referring
 * doctor's address on a case, and when a session's case packets were queued.
 * Existing cases have no referring address (null: no letter mail); existing
 * sessions are marked as already packeted when they have started, so that
 * nobody is mailed about a past session.
 */
export class NotificationsOutbox1795733000000 implements MigrationInterface {
  name = 'NotificationsOutbox1795733000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "notification_outbox" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kind" text NOT NULL, "recipient_user_id" uuid, "to_address" text NOT NULL, "subject" text NOT NULL, "body" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "not_before" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "attempts" integer NOT NULL DEFAULT '0', "claimed_until" TIMESTAMP WITH TIME ZONE, "claimed_by" text, "sent_at" TIMESTAMP WITH TIME ZONE, "failed_at" TIMESTAMP WITH TIME ZONE, "last_error" text, CONSTRAINT "CHK_notification_outbox_attempts" CHECK ("attempts" >= 0), CONSTRAINT "CHK_notification_outbox_kind" CHECK ("kind" IN ('account_link', 'appointment', 'case_packet', 'letter_ready', 'guest_invitation', 'task_assigned')), CONSTRAINT "PK_notification_outbox" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_notification_outbox_recipient" ON "notification_outbox" ("recipient_user_id")`);
    await q.query(`CREATE INDEX "IDX_notification_outbox_created" ON "notification_outbox" ("created_at", "id")`);
    await q.query(
      `CREATE INDEX "IDX_notification_outbox_due" ON "notification_outbox" ("not_before", "id") WHERE "sent_at" IS NULL AND "failed_at" IS NULL`,
    );
    await q.query(
      `ALTER TABLE "notification_outbox" ADD CONSTRAINT "FK_notification_outbox_recipient" FOREIGN KEY ("recipient_user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await q.query(
      `CREATE TABLE "notification_preference" ("user_id" uuid NOT NULL, "kind" text NOT NULL, "email" boolean NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_notification_preference_kind" CHECK ("kind" IN ('appointment', 'case_packet', 'task_assigned')), CONSTRAINT "PK_notification_preference" PRIMARY KEY ("user_id", "kind"))`,
    );
    await q.query(
      `ALTER TABLE "notification_preference" ADD CONSTRAINT "FK_notification_preference_user" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `CREATE TABLE "letter_link" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "plan_id" uuid NOT NULL, "token_hash" text NOT NULL, "to_address" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "downloads" integer NOT NULL DEFAULT '0', "last_download_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_letter_link_token_hash" UNIQUE ("token_hash"), CONSTRAINT "PK_letter_link" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_letter_link_case" ON "letter_link" ("case_id")`);
    await q.query(
      `ALTER TABLE "letter_link" ADD CONSTRAINT "FK_letter_link_case" FOREIGN KEY ("case_id") REFERENCES "second_opinion_case"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "letter_link" ADD CONSTRAINT "FK_letter_link_plan" FOREIGN KEY ("plan_id") REFERENCES "plan_version"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(`ALTER TABLE "second_opinion_case" ADD "referring_email" text`);
    await q.query(`ALTER TABLE "board_session" ADD "packet_queued_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`UPDATE "board_session" SET "packet_queued_at" = "starts_at" WHERE "starts_at" <= now()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "board_session" DROP COLUMN "packet_queued_at"`);
    await q.query(`ALTER TABLE "second_opinion_case" DROP COLUMN "referring_email"`);
    await q.query(`DROP TABLE "letter_link"`);
    await q.query(`DROP TABLE "notification_preference"`);
    await q.query(`DROP TABLE "notification_outbox"`);
  }
}
