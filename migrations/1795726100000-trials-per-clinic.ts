import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trials belong to a clinic (issue 15 item 6): listed, edited and withdrawn
 * by its coordinators, an NCT id once per clinic, and only a clinic's own
 * trials are offered to its patients and named in its letters. Existing
 * trials were offered to every clinic, so each clinic keeps its own copy of
 * each (the oldest clinic keeps the original row); none is dropped.
 */
export class TrialsPerClinic1795726100000 implements MigrationInterface {
  name = 'TrialsPerClinic1795726100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "trial"
         ADD COLUMN "id" uuid NOT NULL DEFAULT gen_random_uuid(),
         ADD COLUMN "clinic_id" uuid,
         ADD COLUMN "withdrawn_at" TIMESTAMP WITH TIME ZONE,
         ADD COLUMN "withdrawn_reason" text,
         ADD COLUMN "created_by" uuid`,
    );
    const [trials] = (await queryRunner.query(`SELECT count(*)::int AS n FROM "trial"`)) as { n: number }[];
    const [clinics] = (await queryRunner.query(`SELECT count(*)::int AS n FROM "clinic"`)) as { n: number }[];
    if (trials.n > 0 && clinics.n === 0)
      throw new Error('trials exist but no clinic to give them to: create a clinic first, then migrate');
    await queryRunner.query(
      `ALTER TABLE "trial" DROP CONSTRAINT "PK_trial", ADD CONSTRAINT "PK_trial" PRIMARY KEY ("id")`,
    );
    await queryRunner.query(
      `UPDATE "trial" SET "clinic_id" = (SELECT id FROM "clinic" ORDER BY created_at, id LIMIT 1)`,
    );
    await queryRunner.query(
      `INSERT INTO "trial" (nct_id, title, phase, status, eligibility, created_at, updated_at, version, clinic_id)
       SELECT t.nct_id, t.title, t.phase, t.status, t.eligibility, t.created_at, t.updated_at, 1, c.id
         FROM "trial" t CROSS JOIN (SELECT id FROM "clinic" ORDER BY created_at, id OFFSET 1) c`,
    );
    await queryRunner.query(
      `ALTER TABLE "trial"
         ALTER COLUMN "clinic_id" SET NOT NULL,
         ADD CONSTRAINT "FK_trial_clinic" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE RESTRICT,
         ADD CONSTRAINT "UQ_trial_clinic_nct" UNIQUE ("clinic_id", "nct_id"),
         ADD CONSTRAINT "CHK_trial_withdrawn" CHECK (("withdrawn_at" IS NULL) = ("withdrawn_reason" IS NULL))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_trial_clinic_status" ON "trial" ("clinic_id", "status")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_trial_clinic_status"`);
    await queryRunner.query(
      `ALTER TABLE "trial" DROP CONSTRAINT "CHK_trial_withdrawn", DROP CONSTRAINT "UQ_trial_clinic_nct", DROP CONSTRAINT "FK_trial_clinic"`,
    );
    await queryRunner.query(
      `DELETE FROM "trial" t WHERE EXISTS (SELECT 1 FROM "trial" o WHERE o.nct_id = t.nct_id AND o.created_at < t.created_at)`,
    );
    await queryRunner.query(
      `ALTER TABLE "trial" DROP CONSTRAINT "PK_trial", ADD CONSTRAINT "PK_trial" PRIMARY KEY ("nct_id")`,
    );
    await queryRunner.query(
      `ALTER TABLE "trial" DROP COLUMN "created_by", DROP COLUMN "withdrawn_reason", DROP COLUMN "withdrawn_at", DROP COLUMN "clinic_id", DROP COLUMN "id"`,
    );
  }
}
