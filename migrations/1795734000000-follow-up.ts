import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What happened after the board (follow-through): action items from a signed
 * plan, each with its named responsible clinician and due date and the
 * treatment start recorded against it; the outcome of the recommendation
 * (append-only history); and cases moved to a later session, with the
 * reason (append-only). Nothing existing changes: no figure is back-filled.
 */
export class FollowUp1795734000000 implements MigrationInterface {
  name = 'FollowUp1795734000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "case_postponement" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "from_session_id" uuid NOT NULL, "to_session_id" uuid NOT NULL, "reason" text NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_case_postponement_reason" CHECK (char_length("reason") BETWEEN 3 AND 1000), CONSTRAINT "CHK_case_postponement_sessions" CHECK ("from_session_id" <> "to_session_id"), CONSTRAINT "PK_case_postponement" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "IDX_case_postponement_from" ON "case_postponement" ("from_session_id")`);
    await q.query(`CREATE INDEX "IDX_case_postponement_case" ON "case_postponement" ("case_id", "created_at")`);
    await q.query(
      `CREATE TABLE "action_item" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "plan_id" uuid NOT NULL, "plan_item_sequence" integer, "description" text NOT NULL, "responsible_user_id" uuid NOT NULL, "due_date" date NOT NULL, "status" text NOT NULL, "treatment_started_on" date, "note" text, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "CHK_action_item_sequence" CHECK ("plan_item_sequence" IS NULL OR "plan_item_sequence" >= 1), CONSTRAINT "CHK_action_item_description" CHECK (char_length("description") BETWEEN 1 AND 500), CONSTRAINT "CHK_action_item_status" CHECK ("status" IN ('open', 'done', 'cancelled')), CONSTRAINT "PK_action_item" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_action_item_responsible" ON "action_item" ("responsible_user_id", "status", "due_date")`,
    );
    await q.query(`CREATE INDEX "IDX_action_item_case" ON "action_item" ("case_id", "created_at")`);
    await q.query(
      `CREATE TABLE "recommendation_outcome" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "plan_id" uuid NOT NULL, "outcome" text NOT NULL, "reason" text, "recorded_by" uuid, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_recommendation_outcome_reason" CHECK (("outcome" = 'carried_out' AND ("reason" IS NULL OR char_length("reason") <= 1000)) OR char_length("reason") BETWEEN 3 AND 1000), CONSTRAINT "CHK_recommendation_outcome_outcome" CHECK ("outcome" IN ('carried_out', 'modified', 'declined')), CONSTRAINT "PK_recommendation_outcome" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE INDEX "IDX_recommendation_outcome_case" ON "recommendation_outcome" ("case_id", "recorded_at")`,
    );
    await q.query(
      `ALTER TABLE "case_postponement" ADD CONSTRAINT "FK_case_postponement_case" FOREIGN KEY ("case_id") REFERENCES "second_opinion_case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "case_postponement" ADD CONSTRAINT "FK_case_postponement_from_session" FOREIGN KEY ("from_session_id") REFERENCES "board_session"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "case_postponement" ADD CONSTRAINT "FK_case_postponement_to_session" FOREIGN KEY ("to_session_id") REFERENCES "board_session"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "action_item" ADD CONSTRAINT "FK_action_item_case" FOREIGN KEY ("case_id") REFERENCES "second_opinion_case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "action_item" ADD CONSTRAINT "FK_action_item_plan" FOREIGN KEY ("plan_id") REFERENCES "plan_version"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "action_item" ADD CONSTRAINT "FK_action_item_responsible" FOREIGN KEY ("responsible_user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "recommendation_outcome" ADD CONSTRAINT "FK_recommendation_outcome_case" FOREIGN KEY ("case_id") REFERENCES "second_opinion_case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "recommendation_outcome" ADD CONSTRAINT "FK_recommendation_outcome_plan" FOREIGN KEY ("plan_id") REFERENCES "plan_version"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // History is appended, never rewritten (refuse_change() comes from the cases-and-records migration).
    await q.query(
      `CREATE TRIGGER "recommendation_outcome_append_only" BEFORE UPDATE OR DELETE ON "recommendation_outcome" FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
    );
    await q.query(
      `CREATE TRIGGER "case_postponement_append_only" BEFORE UPDATE OR DELETE ON "case_postponement" FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "case_postponement_append_only" ON "case_postponement"`);
    await q.query(`DROP TRIGGER "recommendation_outcome_append_only" ON "recommendation_outcome"`);
    await q.query(`DROP TABLE "recommendation_outcome"`);
    await q.query(`DROP TABLE "action_item"`);
    await q.query(`DROP TABLE "case_postponement"`);
  }
}
