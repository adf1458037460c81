import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Referrals taken in as FHIR Bundles: the sending system's
 * ServiceRequest.identifier (system + value) is the key, so the same
 * referral sent twice, or twice at once, becomes one case. A case comes from
 * at most one referral, and is never deleted from under it.
 */
export class FhirReferral1795723000000 implements MigrationInterface {
  name = 'FhirReferral1795723000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "fhir_referral" (
         "identifier_system" text NOT NULL,
         "identifier_value" text NOT NULL,
         "case_id" uuid NOT NULL,
         "created_by" uuid NOT NULL,
         "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         CONSTRAINT "UQ_fhir_referral_case" UNIQUE ("case_id"),
         CONSTRAINT "CHK_fhir_referral_identifier" CHECK (length("identifier_system") > 0 AND length("identifier_value") > 0),
         CONSTRAINT "PK_fhir_referral" PRIMARY KEY ("identifier_system", "identifier_value")
       )`,
    );
    await queryRunner.query(
      `ALTER TABLE "fhir_referral" ADD CONSTRAINT "FK_fhir_referral_case" FOREIGN KEY ("case_id") REFERENCES "second_opinion_case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "fhir_referral" ADD CONSTRAINT "FK_fhir_referral_created_by" FOREIGN KEY ("created_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "fhir_referral"`);
  }
}
