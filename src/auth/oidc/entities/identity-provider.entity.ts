import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  VersionColumn,
  type Relation,
} from 'typeorm';
import { ClinicEntity } from '../../../clinics/entities/clinic.entity.js';

export const PROVISIONING_MODES = ['match_only', 'create_clinician'] as const;
export type ProvisioningMode = (typeof PROVISIONING_MODES)[number];

/**
 * A hospital's OpenID Connect provider. Users whose e-mail is in one of its
 * domains may sign in through it; roles and clinic membership stay in
 * Consilium. The client secret is encrypted at rest (see TotpCipher).
 */
@Entity({ name: 'identity_provider' })
@Unique('UQ_identity_provider_name', ['name'])
@Check('CHK_identity_provider_provisioning', `"provisioning" IN ('match_only', 'create_clinician')`)
@Check('CHK_identity_provider_domains', `cardinality("email_domains") > 0`)
export class IdentityProviderEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_identity_provider' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'issuer_url', type: 'text' })
  issuerUrl!: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId!: string;

  /** `v1.<iv>.<tag>.<ciphertext>`, the provider id as associated data; null for a public client (PKCE only). */
  @Column({ name: 'client_secret', type: 'text', nullable: true })
  clientSecret!: string | null;

  /** Lower-case domains, e.g. `stmary.example.org`. */
  @Column({ name: 'email_domains', type: 'text', array: true })
  emailDomains!: string[];

  /** Provisioned clinicians become members of this clinic. */
  @Column({ name: 'clinic_id', type: 'uuid', nullable: true })
  clinicId!: string | null;

  @Column({ type: 'text' })
  provisioning!: ProvisioningMode;

  @Column({ name: 'password_login_disabled', type: 'boolean', default: false })
  passwordLoginDisabled!: boolean;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn()
  version!: number;

  @ManyToOne(() => ClinicEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'clinic_id', foreignKeyConstraintName: 'FK_identity_provider_clinic' })
  clinic?: Relation<ClinicEntity>;
}

/**
 * A sign-in started at a provider and not yet come back: single-use (the
 * callback deletes it) and short-lived. Only the state's SHA-256 is kept.
 */
@Entity({ name: 'oidc_login_state' })
@Index('IDX_oidc_login_state_expires', ['expiresAt'])
export class OidcLoginStateEntity {
  @PrimaryColumn({ name: 'state_hash', type: 'text', primaryKeyConstraintName: 'PK_oidc_login_state' })
  stateHash!: string;

  @Column({ name: 'provider_id', type: 'uuid' })
  providerId!: string;

  @Column({ name: 'code_verifier', type: 'text' })
  codeVerifier!: string;

  @Column({ type: 'text' })
  nonce!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @ManyToOne(() => IdentityProviderEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'provider_id', foreignKeyConstraintName: 'FK_oidc_login_state_provider' })
  provider?: Relation<IdentityProviderEntity>;
}
