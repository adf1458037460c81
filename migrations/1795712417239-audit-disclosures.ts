import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Audit rows name every patient a list response showed; a GIN index answers "who saw patient X". */

export class AuditDisclosures1795712417239 implements MigrationInterface {
  name = 'AuditDisclosures1795712417239';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_event" ADD "disclosed_patient_ids" uuid array`);
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_event_disclosed" ON "audit_event" USING gin ("disclosed_patient_ids")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_audit_event_disclosed"`);
    await queryRunner.query(`ALTER TABLE "audit_event" DROP COLUMN "disclosed_patient_ids"`);
  }
}
