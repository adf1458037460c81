import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hospital sign-in through OpenID Connect: the providers an admin
 * configures and the sign-ins in flight (state, PKCE verifier, nonce):
 * single-use rows in the database, so any instance finishes a sign-in
 * another one started.
 */
export class IdentityProviders1795731000000 implements MigrationInterface {
  name = 'IdentityProviders1795731000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "identity_provider" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "issuer_url" text NOT NULL, "client_id" text NOT NULL, "client_secret" text, "email_domains" text array NOT NULL, "clinic_id" uuid, "provisioning" text NOT NULL, "password_login_disabled" boolean NOT NULL DEFAULT false, "enabled" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "UQ_identity_provider_name" UNIQUE ("name"), CONSTRAINT "CHK_identity_provider_provisioning" CHECK ("provisioning" IN ('match_only', 'create_clinician')), CONSTRAINT "CHK_identity_provider_domains" CHECK (cardinality("email_domains") > 0), CONSTRAINT "PK_identity_provider" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "oidc_login_state" ("state_hash" text NOT NULL, "provider_id" uuid NOT NULL, "code_verifier" text NOT NULL, "nonce" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_oidc_login_state" PRIMARY KEY ("state_hash"))`,
    );
    await q.query(`CREATE INDEX "IDX_oidc_login_state_expires" ON "oidc_login_state" ("expires_at") `);
    await q.query(
      `ALTER TABLE "identity_provider" ADD CONSTRAINT "FK_identity_provider_clinic" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "oidc_login_state" ADD CONSTRAINT "FK_oidc_login_state_provider" FOREIGN KEY ("provider_id") REFERENCES "identity_provider"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "oidc_login_state"`);
    await q.query(`DROP TABLE "identity_provider"`);
  }
}
