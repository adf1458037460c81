import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deep Zoom pyramids of image records (issue 18): one descriptor per stored
 * content and its tiles. New tables only; existing records get their pyramid
 * on first view.
 */
export class RecordTiles1795728000000 implements MigrationInterface {
  name = 'RecordTiles1795728000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "record_tile_pyramid" (
        "sha256" text NOT NULL,
        "width" integer NOT NULL,
        "height" integer NOT NULL,
        "tile_size" integer NOT NULL,
        "overlap" integer NOT NULL,
        "format" text NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_record_tile_pyramid" PRIMARY KEY ("sha256"),
        CONSTRAINT "CHK_record_tile_pyramid_size" CHECK ("width" > 0 AND "height" > 0 AND "tile_size" > 0 AND "overlap" >= 0),
        CONSTRAINT "FK_record_tile_pyramid_blob" FOREIGN KEY ("sha256") REFERENCES "record_blob"("sha256") ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE "record_tile" (
        "sha256" text NOT NULL,
        "level" integer NOT NULL,
        "col" integer NOT NULL,
        "row" integer NOT NULL,
        "bytes" bytea NOT NULL,
        CONSTRAINT "PK_record_tile" PRIMARY KEY ("sha256", "level", "col", "row"),
        CONSTRAINT "CHK_record_tile_position" CHECK ("level" >= 0 AND "col" >= 0 AND "row" >= 0),
        CONSTRAINT "FK_record_tile_pyramid" FOREIGN KEY ("sha256") REFERENCES "record_tile_pyramid"("sha256") ON DELETE CASCADE
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "record_tile"`);
    await q.query(`DROP TABLE "record_tile_pyramid"`);
  }
}
