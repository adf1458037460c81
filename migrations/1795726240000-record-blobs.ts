import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Record files move from each instance's disk into PostgreSQL (issue 16
 * item 3): a content-addressed blob per SHA-256 in 256 KiB chunks, so that
 * every instance serves every record and recreating a container loses
 * nothing. Existing files cannot be streamed in here (a migration does not
 * know DATA_DIR): the app moves them in at start-up, after migrations
 * (src/cases/legacy-record-files.ts). Until then the rows of older records
 * have no blob, so the foreign key from case_record is added NOT VALID —
 * enforced for every new record — and validated by that step once every
 * file record has its blob.
 */
export class RecordBlobs1795726240000 implements MigrationInterface {
  name = 'RecordBlobs1795726240000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "record_blob" ("sha256" text NOT NULL, "size_bytes" bigint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_record_blob_size" CHECK ("size_bytes" > 0), CONSTRAINT "CHK_record_blob_sha256" CHECK ("sha256" ~ '^[0-9a-f]{64}$'), CONSTRAINT "PK_record_blob" PRIMARY KEY ("sha256"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "record_blob_chunk" ("sha256" text NOT NULL, "seq" integer NOT NULL, "data" bytea NOT NULL, CONSTRAINT "CHK_record_blob_chunk_data" CHECK (octet_length("data") > 0), CONSTRAINT "CHK_record_blob_chunk_seq" CHECK ("seq" >= 0), CONSTRAINT "PK_record_blob_chunk" PRIMARY KEY ("sha256", "seq"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "record_blob_chunk" ADD CONSTRAINT "FK_record_blob_chunk_blob" FOREIGN KEY ("sha256") REFERENCES "record_blob"("sha256") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_record" ADD CONSTRAINT "FK_case_record_blob" FOREIGN KEY ("content_sha256") REFERENCES "record_blob"("sha256") ON DELETE RESTRICT ON UPDATE NO ACTION NOT VALID`,
    );
    // Content-addressed bytes never change; a changed chunk is corruption, caught on read.
    await queryRunner.query(
      `CREATE TRIGGER "record_blob_immutable" BEFORE UPDATE ON "record_blob" FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "record_blob_chunk_immutable" BEFORE UPDATE ON "record_blob_chunk" FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // The version before reads files from DATA_DIR/records/ab/cd/<sha256> only: dropping blobs
    // that may exist nowhere else would lose records, so reverting waits until they are out.
    const [blobs] = (await queryRunner.query(`SELECT count(*)::int AS n FROM "record_blob"`)) as { n: number }[];
    if (blobs.n > 0) {
      throw new Error(
        `${blobs.n} record files are stored in the database (record_blob), which the previous version cannot read. ` +
          'Write each blob out first (its record_blob_chunk rows in seq order, to DATA_DIR/records/<2 hex>/<2 hex>/<sha256>), ' +
          'then: ALTER TABLE case_record DROP CONSTRAINT "FK_case_record_blob"; DELETE FROM record_blob; and revert again',
      );
    }
    await queryRunner.query(`DROP TRIGGER "record_blob_chunk_immutable" ON "record_blob_chunk"`);
    await queryRunner.query(`DROP TRIGGER "record_blob_immutable" ON "record_blob"`);
    await queryRunner.query(`ALTER TABLE "case_record" DROP CONSTRAINT IF EXISTS "FK_case_record_blob"`);
    await queryRunner.query(`ALTER TABLE "record_blob_chunk" DROP CONSTRAINT "FK_record_blob_chunk_blob"`);
    await queryRunner.query(`DROP TABLE "record_blob_chunk"`);
    await queryRunner.query(`DROP TABLE "record_blob"`);
  }
}
