import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attendance for continuing medical education: a specialist's profession
 * (physician, nurse, genetic counselor, …) and credentials ("MD, PhD") go on
 * the CME roster and certificate. Existing specialists carry NULL for both,
 * shown as "not recorded": a profession is never guessed from a discipline
 * (a genetic counselor may be a physician, a radiation oncology attendee a
 * physicist).
 */
export class AttendanceCme1795732000000 implements MigrationInterface {
  name = 'AttendanceCme1795732000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "specialist" ADD "profession" text`);
    await q.query(`ALTER TABLE "specialist" ADD "credentials" text`);
    await q.query(
      `ALTER TABLE "specialist" ADD CONSTRAINT "CHK_specialist_profession" CHECK ("profession" IS NULL OR "profession" IN ('physician', 'nurse', 'nurse_practitioner', 'physician_assistant', 'genetic_counselor', 'medical_physicist', 'pharmacist', 'social_worker', 'dietitian', 'other'))`,
    );
    await q.query(
      `ALTER TABLE "specialist" ADD CONSTRAINT "CHK_specialist_credentials" CHECK ("credentials" IS NULL OR char_length("credentials") BETWEEN 1 AND 100)`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "specialist" DROP CONSTRAINT "CHK_specialist_credentials"`);
    await q.query(`ALTER TABLE "specialist" DROP CONSTRAINT "CHK_specialist_profession"`);
    await q.query(`ALTER TABLE "specialist" DROP COLUMN "credentials"`);
    await q.query(`ALTER TABLE "specialist" DROP COLUMN "profession"`);
  }
}
