import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case list shows each case's next booked visit: an index on the
 * appointments of a case by start, so a page of cases reads them without
 * scanning every appointment of the clinic.
 */
export class CaseListNextVisit1795727000000 implements MigrationInterface {
  name = 'CaseListNextVisit1795727000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_appointment_case_start" ON "appointment" ("case_id", "starts_at")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_appointment_case_start"`);
  }
}
