import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Board sessions, agenda and attendance (generated, reviewed), plus by hand:
 * one open attendance per person; one stored message per (session, author,
 * clientMsgId); the event log made append-only and announcing each session
 * event with NOTIFY board_event (delivered only on commit, in commit order):
 * the event itself as JSON when it fits, else '<session>:<id>'; the table
 * @socket.io/postgres-adapter uses for payloads too large for NOTIFY.
 */

export class BoardSessions1795715550642 implements MigrationInterface {
  name = 'BoardSessions1795715550642';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "board_session" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "title" text NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "chair_id" uuid, "location" text, "video_url" text, "status" text NOT NULL, "presenting_case_id" uuid, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "CHK_board_session_time" CHECK ("starts_at" < "ends_at"), CONSTRAINT "CHK_board_session_status" CHECK ("status" IN ('scheduled', 'in_progress', 'closed', 'cancelled')), CONSTRAINT "PK_board_session" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_board_session_clinic_start" ON "board_session"  ("clinic_id", "starts_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "agenda_item" ("session_id" uuid NOT NULL, "case_id" uuid NOT NULL, "position" integer NOT NULL, "mode" text NOT NULL, "presented_at" TIMESTAMP WITH TIME ZONE, "added_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_agenda_item_position" CHECK ("position" >= 0), CONSTRAINT "CHK_agenda_item_mode" CHECK ("mode" IN ('discuss', 'standard_of_care')), CONSTRAINT "PK_agenda_item" PRIMARY KEY ("session_id", "case_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_agenda_item_case" ON "agenda_item"  ("case_id") `);
    await queryRunner.query(
      `CREATE TABLE "attendance" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "user_id" uuid NOT NULL, "discipline" text NOT NULL, "joined_at" TIMESTAMP WITH TIME ZONE NOT NULL, "left_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_attendance_time" CHECK ("left_at" IS NULL OR "left_at" >= "joined_at"), CONSTRAINT "PK_attendance" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_attendance_session" ON "attendance"  ("session_id", "joined_at") `);
    await queryRunner.query(
      `ALTER TABLE "board_session" ADD CONSTRAINT "FK_board_session_clinic" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "board_session" ADD CONSTRAINT "FK_board_session_chair" FOREIGN KEY ("chair_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "agenda_item" ADD CONSTRAINT "FK_agenda_item_session" FOREIGN KEY ("session_id") REFERENCES "board_session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "agenda_item" ADD CONSTRAINT "FK_agenda_item_case" FOREIGN KEY ("case_id") REFERENCES "second_opinion_case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "attendance" ADD CONSTRAINT "FK_attendance_session" FOREIGN KEY ("session_id") REFERENCES "board_session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "attendance" ADD CONSTRAINT "FK_attendance_user" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "board_event" ADD CONSTRAINT "FK_board_event_session" FOREIGN KEY ("session_id") REFERENCES "board_session"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_attendance_open" ON "attendance" ("session_id", "user_id") WHERE "left_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_board_event_client_msg" ON "board_event" ("session_id", "actor_id", ("payload"->>'clientMsgId')) WHERE "type" = 'message.posted'`,
    );
    await queryRunner.query(`
      CREATE FUNCTION board_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'board_event is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "board_event_no_update_delete" BEFORE UPDATE OR DELETE ON "board_event" FOR EACH ROW EXECUTE FUNCTION board_event_append_only()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "board_event_no_truncate" BEFORE TRUNCATE ON "board_event" FOR EACH STATEMENT EXECUTE FUNCTION board_event_append_only()`,
    );
    await queryRunner.query(`
      CREATE FUNCTION board_event_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        -- The event as the API shows it (ids as text, time as an ISO instant in ms).
        event text := json_build_object('s', NEW.session_id, 'e', json_build_object(
          'id', NEW.id::text, 'sessionId', NEW.session_id, 'caseId', NEW.case_id, 'type', NEW.type,
          'payload', NEW.payload, 'actor', NEW.actor_id,
          'at', to_char(NEW.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))::text;
      BEGIN
        -- NOTIFY payloads stay under 8000 bytes: a larger event is announced by id and read from the table.
        IF octet_length(event) < 7900 THEN
          PERFORM pg_notify('board_event', event);
        ELSE
          PERFORM pg_notify('board_event', NEW.session_id::text || ':' || NEW.id::text);
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER "board_event_announce" AFTER INSERT ON "board_event" FOR EACH ROW WHEN (NEW.session_id IS NOT NULL) EXECUTE FUNCTION board_event_notify()`,
    );
    await queryRunner.query(
      `CREATE TABLE "socket_io_attachments" ("id" bigserial UNIQUE, "created_at" TIMESTAMP WITH TIME ZONE DEFAULT now(), "payload" bytea)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "socket_io_attachments"`);
    await queryRunner.query(`DROP TRIGGER "board_event_announce" ON "board_event"`);
    await queryRunner.query(`DROP FUNCTION board_event_notify()`);
    await queryRunner.query(`DROP TRIGGER "board_event_no_truncate" ON "board_event"`);
    await queryRunner.query(`DROP TRIGGER "board_event_no_update_delete" ON "board_event"`);
    await queryRunner.query(`DROP FUNCTION board_event_append_only()`);
    await queryRunner.query(`DROP INDEX "public"."UQ_board_event_client_msg"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_attendance_open"`);
    await queryRunner.query(`ALTER TABLE "board_event" DROP CONSTRAINT "FK_board_event_session"`);
    await queryRunner.query(`ALTER TABLE "attendance" DROP CONSTRAINT "FK_attendance_user"`);
    await queryRunner.query(`ALTER TABLE "attendance" DROP CONSTRAINT "FK_attendance_session"`);
    await queryRunner.query(`ALTER TABLE "agenda_item" DROP CONSTRAINT "FK_agenda_item_case"`);
    await queryRunner.query(`ALTER TABLE "agenda_item" DROP CONSTRAINT "FK_agenda_item_session"`);
    await queryRunner.query(`ALTER TABLE "board_session" DROP CONSTRAINT "FK_board_session_chair"`);
    await queryRunner.query(`ALTER TABLE "board_session" DROP CONSTRAINT "FK_board_session_clinic"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_attendance_session"`);
    await queryRunner.query(`DROP TABLE "attendance"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_agenda_item_case"`);
    await queryRunner.query(`DROP TABLE "agenda_item"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_board_session_clinic_start"`);
    await queryRunner.query(`DROP TABLE "board_session"`);
  }
}
