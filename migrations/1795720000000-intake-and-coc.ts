import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Intake and CoC Standard 2.5 (by hand):
 * - a referral whose primary site is outside its clinic's cancer types is
 *   taken only with a stated reason, kept on the case;
 * - each agenda item records why the case was presented (CoC 2.5), nullable:
 *   existing presentations read as "reason not recorded" (unknown);
 * - patient names are stored in Unicode NFC, so the same name typed in
 *   another form is the same name; existing rows are carried over to NFC
 *   (the same text, canonically composed). The prefix-search index on
 *   lower(family_name) also serves the exact match of one-character names.
 */
export class IntakeAndCoc1795720000000 implements MigrationInterface {
  name = 'IntakeAndCoc1795720000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "second_opinion_case" ADD "site_override_reason" text`);
    await queryRunner.query(
      `ALTER TABLE "second_opinion_case" ADD CONSTRAINT "CHK_case_site_override_reason" CHECK ("site_override_reason" IS NULL OR char_length("site_override_reason") BETWEEN 3 AND 500)`,
    );
    await queryRunner.query(`ALTER TABLE "agenda_item" ADD "presentation_reason" text`);
    await queryRunner.query(
      `ALTER TABLE "agenda_item" ADD CONSTRAINT "CHK_agenda_item_presentation_reason" CHECK ("presentation_reason" IS NULL OR "presentation_reason" IN ('newly_diagnosed_pretreatment', 'newly_diagnosed_additional_treatment', 'adjuvant_recurrence_progression', 'supportive_palliative', 'information_teaching'))`,
    );
    await queryRunner.query(
      `UPDATE "patient" SET "family_name" = normalize("family_name", NFC), "given_name" = normalize("given_name", NFC)
        WHERE "family_name" IS NOT NFC NORMALIZED OR "given_name" IS NOT NFC NORMALIZED`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Names stay in NFC: the same text, and the form every later write uses.
    await queryRunner.query(`ALTER TABLE "agenda_item" DROP CONSTRAINT "CHK_agenda_item_presentation_reason"`);
    await queryRunner.query(`ALTER TABLE "agenda_item" DROP COLUMN "presentation_reason"`);
    await queryRunner.query(`ALTER TABLE "second_opinion_case" DROP CONSTRAINT "CHK_case_site_override_reason"`);
    await queryRunner.query(`ALTER TABLE "second_opinion_case" DROP COLUMN "site_override_reason"`);
  }
}
