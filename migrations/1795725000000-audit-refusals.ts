import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail records every refused request without letting anonymous
 * traffic flood it: refusals that name no one are counted per minute,
 * address, action, route, status and reason in `audit_refusal_aggregate`,
 * whose counts only grow. Audit rows keep the client's X-Request-Id apart
 * from the server's request id. Existing rows are kept as they are.
 */
export class AuditRefusals1795725000000 implements MigrationInterface {
  name = 'AuditRefusals1795725000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_event" ADD "client_request_id" text`);
    await queryRunner.query(
      `ALTER TABLE "audit_event" ADD CONSTRAINT "CHK_audit_event_client_request_id" CHECK (char_length("client_request_id") <= 128)`,
    );
    await queryRunner.query(
      `CREATE TABLE "audit_refusal_aggregate" (
         "id" BIGSERIAL NOT NULL,
         "minute" TIMESTAMP WITH TIME ZONE NOT NULL,
         "ip" text NOT NULL,
         "action" text NOT NULL,
         "route" text NOT NULL,
         "status_code" integer NOT NULL,
         "reason" text NOT NULL,
         "count" integer NOT NULL,
         "first_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         "last_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         "last_request_id" text,
         CONSTRAINT "UQ_audit_refusal_aggregate_key" UNIQUE ("minute", "ip", "action", "route", "status_code", "reason"),
         CONSTRAINT "CHK_audit_refusal_aggregate_count" CHECK ("count" > 0),
         CONSTRAINT "PK_audit_refusal_aggregate" PRIMARY KEY ("id")
       )`,
    );
    // Counts only grow: no row is removed, no key or first time rewritten, no count lowered.
    await queryRunner.query(`
      CREATE FUNCTION audit_refusal_aggregate_grow_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND NEW.id = OLD.id AND NEW.minute = OLD.minute AND NEW.ip = OLD.ip AND NEW.action = OLD.action
           AND NEW.route = OLD.route AND NEW.status_code = OLD.status_code AND NEW.reason = OLD.reason
           AND NEW.first_at = OLD.first_at AND NEW.count >= OLD.count AND NEW.last_at >= OLD.last_at THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_refusal_aggregate only counts up: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER "audit_refusal_aggregate_grow_only"
        BEFORE UPDATE OR DELETE ON "audit_refusal_aggregate"
        FOR EACH ROW EXECUTE FUNCTION audit_refusal_aggregate_grow_only()`);
    await queryRunner.query(`
      CREATE TRIGGER "audit_refusal_aggregate_no_truncate"
        BEFORE TRUNCATE ON "audit_refusal_aggregate"
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refusal_aggregate_grow_only()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_refusal_aggregate"`);
    await queryRunner.query(`DROP FUNCTION audit_refusal_aggregate_grow_only()`);
    await queryRunner.query(`ALTER TABLE "audit_event" DROP CONSTRAINT "CHK_audit_event_client_request_id"`);
    await queryRunner.query(`ALTER TABLE "audit_event" DROP COLUMN "client_request_id"`);
  }
}
