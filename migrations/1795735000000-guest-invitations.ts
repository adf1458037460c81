import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outside participants (issue 19): invitations of a guest (the referring
 * doctor) to one board session for one case, and the `guest` role their
 * account has. Nothing existing changes; `down()` refuses while guest
 * accounts exist rather than deleting anyone's audit trail.
 */
export class GuestInvitations1795735000000 implements MigrationInterface {
  name = 'GuestInvitations1795735000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "app_user" DROP CONSTRAINT "CHK_app_user_role"`);
    await q.query(
      `ALTER TABLE "app_user" ADD CONSTRAINT "CHK_app_user_role" CHECK ("role" IN ('admin', 'coordinator', 'clinician', 'guest'))`,
    );
    await q.query(
      `CREATE TABLE "guest_invitation" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "case_id" uuid NOT NULL, "guest_name" text NOT NULL, "guest_email" text NOT NULL, "institution" text, "token_hash" text NOT NULL, "link_expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "access_until" TIMESTAMP WITH TIME ZONE NOT NULL, "redeemed_at" TIMESTAMP WITH TIME ZONE, "guest_user_id" uuid, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_by" uuid, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_guest_invitation_token_hash" UNIQUE ("token_hash"), CONSTRAINT "PK_guest_invitation" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_guest_invitation_guest_user" ON "guest_invitation" ("guest_user_id")`);
    await q.query(`CREATE INDEX "IDX_guest_invitation_session" ON "guest_invitation" ("session_id")`);
    await q.query(
      `ALTER TABLE "guest_invitation" ADD CONSTRAINT "FK_guest_invitation_session" FOREIGN KEY ("session_id") REFERENCES "board_session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "guest_invitation" ADD CONSTRAINT "FK_guest_invitation_case" FOREIGN KEY ("case_id") REFERENCES "second_opinion_case"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "guest_invitation" ADD CONSTRAINT "FK_guest_invitation_guest_user" FOREIGN KEY ("guest_user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "guest_invitation" ADD CONSTRAINT "FK_guest_invitation_created_by" FOREIGN KEY ("created_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "guest_invitation" ADD CONSTRAINT "FK_guest_invitation_revoked_by" FOREIGN KEY ("revoked_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    const [{ n }] = (await q.query(`SELECT count(*)::int AS n FROM app_user WHERE role = 'guest'`)) as { n: number }[];
    if (n > 0)
      throw new Error(`${n} guest accounts exist; they keep their audit trail, so this migration is not reverted`);
    await q.query(`DROP TABLE "guest_invitation"`);
    await q.query(`ALTER TABLE "app_user" DROP CONSTRAINT "CHK_app_user_role"`);
    await q.query(
      `ALTER TABLE "app_user" ADD CONSTRAINT "CHK_app_user_role" CHECK ("role" IN ('admin', 'coordinator', 'clinician'))`,
    );
  }
}
