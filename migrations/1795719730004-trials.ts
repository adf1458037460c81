import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The clinical trial list with eligibility (generated, reviewed). */

export class Trials1795719730004 implements MigrationInterface {
  name = 'Trials1795719730004';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "trial" ("nct_id" text NOT NULL, "title" text NOT NULL, "phase" text NOT NULL, "status" text NOT NULL, "eligibility" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "CHK_trial_status" CHECK ("status" IN ('not_yet_recruiting', 'recruiting', 'active_not_recruiting', 'completed', 'closed')), CONSTRAINT "CHK_trial_phase" CHECK ("phase" IN ('1', '1/2', '2', '2/3', '3', '4')), CONSTRAINT "CHK_trial_nct" CHECK ("nct_id" ~ '^NCT[0-9]{8}$'), CONSTRAINT "PK_trial" PRIMARY KEY ("nct_id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "trial"`);
  }
}
