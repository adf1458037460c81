import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Itineraries and appointments; booked appointments exclude each other per specialist, room and patient (btree_gist). Generated, reviewed. */

export class Itineraries1795710352607 implements MigrationInterface {
  name = 'Itineraries1795710352607';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "itinerary" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "clinic_id" uuid NOT NULL, "date" date NOT NULL, "status" text NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_itinerary_status" CHECK ("status" IN ('booked', 'cancelled')), CONSTRAINT "PK_itinerary" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_itinerary_case" ON "itinerary"  ("case_id") `);
    await queryRunner.query(
      `CREATE TABLE "appointment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "itinerary_id" uuid NOT NULL, "case_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "discipline" text NOT NULL, "specialist_id" uuid NOT NULL, "room_id" uuid, "patient_attends" boolean NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "status" text NOT NULL, CONSTRAINT "CHK_appointment_time" CHECK ("starts_at" < "ends_at"), CONSTRAINT "CHK_appointment_status" CHECK ("status" IN ('booked', 'cancelled')), CONSTRAINT "EXCL_appointment_patient" EXCLUDE USING gist ("patient_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&) WHERE ("status" = 'booked' AND "patient_attends"), CONSTRAINT "EXCL_appointment_room" EXCLUDE USING gist ("room_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&) WHERE ("status" = 'booked' AND "room_id" IS NOT NULL), CONSTRAINT "EXCL_appointment_specialist" EXCLUDE USING gist ("specialist_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&) WHERE ("status" = 'booked'), CONSTRAINT "PK_appointment" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_appointment_itinerary" ON "appointment"  ("itinerary_id") `);
    await queryRunner.query(
      `ALTER TABLE "itinerary" ADD CONSTRAINT "FK_itinerary_case" FOREIGN KEY ("case_id") REFERENCES "second_opinion_case"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "appointment" ADD CONSTRAINT "FK_appointment_itinerary" FOREIGN KEY ("itinerary_id") REFERENCES "itinerary"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "appointment" ADD CONSTRAINT "FK_appointment_specialist" FOREIGN KEY ("specialist_id") REFERENCES "specialist"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "appointment" ADD CONSTRAINT "FK_appointment_room" FOREIGN KEY ("room_id") REFERENCES "room"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "appointment" DROP CONSTRAINT "FK_appointment_room"`);
    await queryRunner.query(`ALTER TABLE "appointment" DROP CONSTRAINT "FK_appointment_specialist"`);
    await queryRunner.query(`ALTER TABLE "appointment" DROP CONSTRAINT "FK_appointment_itinerary"`);
    await queryRunner.query(`ALTER TABLE "itinerary" DROP CONSTRAINT "FK_itinerary_case"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_appointment_itinerary"`);
    await queryRunner.query(`DROP TABLE "appointment"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_itinerary_case"`);
    await queryRunner.query(`DROP TABLE "itinerary"`);
  }
}
