import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Foundation: extensions the later modules need (btree_gist for the
 * scheduler's exclusion constraints), users and their sessions, login
 * throttling, and the append-only audit trail.
 */
export class Foundation1764165600000 implements MigrationInterface {
  name = 'Foundation1764165600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);

    await q.query(`
      CREATE TABLE "app_user" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "email" text NOT NULL,
        "display_name" text NOT NULL,
        "role" text NOT NULL,
        "password_hash" text NOT NULL,
        "active" boolean NOT NULL DEFAULT true,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "version" integer NOT NULL,
        CONSTRAINT "PK_app_user" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_app_user_email" UNIQUE ("email"),
        CONSTRAINT "CHK_app_user_email_lower" CHECK ("email" = lower("email")),
        CONSTRAINT "CHK_app_user_role" CHECK ("role" IN ('admin', 'coordinator', 'clinician'))
      )`);

    await q.query(`
      CREATE TABLE "auth_session" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "last_used_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "revoked_at" TIMESTAMP WITH TIME ZONE,
        "revoked_reason" text,
        CONSTRAINT "PK_auth_session" PRIMARY KEY ("id"),
        CONSTRAINT "FK_auth_session_user" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "IDX_auth_session_user_id" ON "auth_session" ("user_id")`);

    await q.query(`
      CREATE TABLE "refresh_token" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "session_id" uuid NOT NULL,
        "token_hash" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "used_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_refresh_token" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_refresh_token_hash" UNIQUE ("token_hash"),
        CONSTRAINT "FK_refresh_token_session" FOREIGN KEY ("session_id") REFERENCES "auth_session"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "IDX_refresh_token_session_id" ON "refresh_token" ("session_id")`);

    await q.query(`
      CREATE TABLE "rate_limit" (
        "key" text NOT NULL,
        "hits" integer NOT NULL,
        "window_ends_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "blocked_until" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_rate_limit" PRIMARY KEY ("key")
      )`);

    await q.query(`
      CREATE TABLE "audit_event" (
        "id" BIGSERIAL NOT NULL,
        "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "actor_id" uuid,
        "actor_role" text,
        "action" text NOT NULL,
        "entity_type" text,
        "entity_id" text,
        "patient_id" uuid,
        "case_id" uuid,
        "outcome" text NOT NULL,
        "status_code" integer,
        "reason" text,
        "request_id" text,
        "ip" text,
        CONSTRAINT "PK_audit_event" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_audit_event_outcome" CHECK ("outcome" IN ('success', 'failure', 'denied'))
      )`);
    await q.query(`CREATE INDEX "IDX_audit_event_patient" ON "audit_event" ("patient_id", "id")`);
    await q.query(`CREATE INDEX "IDX_audit_event_case" ON "audit_event" ("case_id", "id")`);
    await q.query(`CREATE INDEX "IDX_audit_event_actor" ON "audit_event" ("actor_id", "id")`);

    // The audit trail is append-only for everyone, the app's own role included.
    await q.query(`
      CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER "audit_event_no_update_delete"
        BEFORE UPDATE OR DELETE ON "audit_event"
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()`);
    await q.query(`
      CREATE TRIGGER "audit_event_no_truncate"
        BEFORE TRUNCATE ON "audit_event"
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_event"`);
    await q.query(`DROP FUNCTION audit_event_append_only()`);
    await q.query(`DROP TABLE "rate_limit"`);
    await q.query(`DROP TABLE "refresh_token"`);
    await q.query(`DROP TABLE "auth_session"`);
    await q.query(`DROP TABLE "app_user"`);
    await q.query(`DROP EXTENSION IF EXISTS btree_gist`);
  }
}
