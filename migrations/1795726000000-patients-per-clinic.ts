import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A patient record belongs to the clinic that took the referral (issue 15
 * item 1): an MRN is matched only within that clinic, so another clinic's
 * coordinator can neither learn nor attach to it. Existing data is carried
 * forward: each patient goes to the clinic of its earliest case; a patient
 * with cases in several clinics is copied once per further clinic and those
 * clinics' cases point at their copy (each clinic keeps the record it was
 * given); a patient without a case goes to the oldest clinic.
 */
export class PatientsPerClinic1795726000000 implements MigrationInterface {
  name = 'PatientsPerClinic1795726000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "patient" ADD COLUMN "clinic_id" uuid, DROP CONSTRAINT "UQ_patient_mrn"`);
    await queryRunner.query(
      `UPDATE "patient" p SET "clinic_id" = first.clinic_id
         FROM (SELECT DISTINCT ON (patient_id) patient_id, clinic_id
                 FROM "second_opinion_case" ORDER BY patient_id, created_at, id) first
        WHERE first.patient_id = p.id`,
    );
    // One copy per further clinic, its cases moved to it.
    await queryRunner.query(
      `CREATE TEMPORARY TABLE "patient_split" AS
         SELECT DISTINCT c.patient_id AS old_id, c.clinic_id, gen_random_uuid() AS new_id
           FROM "second_opinion_case" c JOIN "patient" p ON p.id = c.patient_id
          WHERE c.clinic_id <> p.clinic_id`,
    );
    await queryRunner.query(
      `INSERT INTO "patient" (id, mrn, family_name, given_name, birth_date, sex, phone, email, consent_to_record,
                              synthetic, created_at, updated_at, version, clinic_id)
       SELECT s.new_id, p.mrn, p.family_name, p.given_name, p.birth_date, p.sex, p.phone, p.email, p.consent_to_record,
              p.synthetic, p.created_at, p.updated_at, 1, s.clinic_id
         FROM "patient_split" s JOIN "patient" p ON p.id = s.old_id`,
    );
    await queryRunner.query(
      `UPDATE "second_opinion_case" c SET patient_id = s.new_id
         FROM "patient_split" s WHERE c.patient_id = s.old_id AND c.clinic_id = s.clinic_id`,
    );
    await queryRunner.query(`DROP TABLE "patient_split"`);
    await queryRunner.query(
      `UPDATE "patient" SET "clinic_id" = (SELECT id FROM "clinic" ORDER BY created_at, id LIMIT 1) WHERE "clinic_id" IS NULL`,
    );
    const [orphans] = (await queryRunner.query(
      `SELECT count(*)::int AS n FROM "patient" WHERE "clinic_id" IS NULL`,
    )) as { n: number }[];
    if (orphans.n > 0)
      throw new Error('patients without a case and no clinic to give them to: create a clinic first, then migrate');
    await queryRunner.query(
      `ALTER TABLE "patient"
         ALTER COLUMN "clinic_id" SET NOT NULL,
         ADD CONSTRAINT "FK_patient_clinic" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE RESTRICT,
         ADD CONSTRAINT "UQ_patient_clinic_mrn" UNIQUE ("clinic_id", "mrn")`,
    );
    // A case's patient is a patient of the case's clinic.
    await queryRunner.query(
      `CREATE FUNCTION "case_patient_same_clinic"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NOT EXISTS (SELECT 1 FROM patient WHERE id = NEW.patient_id AND clinic_id = NEW.clinic_id) THEN
           RAISE EXCEPTION 'the case''s patient belongs to another clinic' USING ERRCODE = '23514';
         END IF;
         RETURN NEW;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "TRG_case_patient_same_clinic" BEFORE INSERT OR UPDATE OF patient_id, clinic_id ON "second_opinion_case"
         FOR EACH ROW EXECUTE FUNCTION "case_patient_same_clinic"()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "TRG_case_patient_same_clinic" ON "second_opinion_case"`);
    await queryRunner.query(`DROP FUNCTION "case_patient_same_clinic"()`);
    // Back to one record per MRN: each MRN's oldest record, its cases and the other records' cases on it.
    await queryRunner.query(
      `CREATE TEMPORARY TABLE "patient_keep" AS
         SELECT id, first_value(id) OVER (PARTITION BY mrn ORDER BY created_at, id) AS keep FROM "patient"`,
    );
    await queryRunner.query(
      `UPDATE "second_opinion_case" c SET patient_id = k.keep FROM "patient_keep" k WHERE c.patient_id = k.id AND k.id <> k.keep`,
    );
    await queryRunner.query(`DELETE FROM "patient" p USING "patient_keep" k WHERE p.id = k.id AND k.id <> k.keep`);
    await queryRunner.query(`DROP TABLE "patient_keep"`);
    await queryRunner.query(
      `ALTER TABLE "patient" DROP CONSTRAINT "UQ_patient_clinic_mrn", DROP CONSTRAINT "FK_patient_clinic", DROP COLUMN "clinic_id",
         ADD CONSTRAINT "UQ_patient_mrn" UNIQUE ("mrn")`,
    );
  }
}
