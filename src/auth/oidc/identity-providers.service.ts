import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable, NotFoundException, PreconditionFailedException } from '@nestjs/common';
import { AuditScope } from '../../audit/audit-scope.js';
import { RequestValidationException } from '../../common/problem.js';
import { AppConfig } from '../../config/app-config.js';
import { TransactionContext } from '../../database/transaction-context.js';
import { TotpCipher } from '../totp-cipher.js';
import type {
  CreateIdentityProviderDto,
  IdentityProviderListDto,
  IdentityProviderResponseDto,
  SignInProviderListDto,
  UpdateIdentityProviderDto,
} from './dto/identity-provider.dto.js';
import { IdentityProviderEntity } from './entities/identity-provider.entity.js';
import { ClinicEntity } from '../../clinics/entities/clinic.entity.js';
import { emailDomain } from './oidc-rules.js';

const FK_VIOLATION = '23503';
const UNIQUE_VIOLATION = '23505';

/** Why password sign-in is refused for an address: the switch for everyone, or its domain's provider. */
export type PasswordLoginOff = { scope: 'everyone' } | { scope: 'domain'; domain: string; providerName: string };

/**
 * The hospitals' OpenID providers: the admin's list, the sign-in buttons,
 * and whether an address may still sign in with a password. Client secrets
 * are encrypted at rest with a key of their own (AppConfig.oidc), the
 * provider id as associated data; they are never returned.
 */
@Injectable()
export class IdentityProvidersService {
  private readonly cipher: TotpCipher;

  constructor(
    private readonly tx: TransactionContext,
    private readonly config: AppConfig,
  ) {
    this.cipher = new TotpCipher(config.oidc.secretKey);
  }

  /** Where providers send the browser back: the web app, which posts what it got to /api/auth/oidc/callback. */
  get redirectUri(): string {
    return `${this.config.publicUrl}/`;
  }

  async list(): Promise<IdentityProviderListDto> {
    const rows = await this.tx.manager.find(IdentityProviderEntity, { order: { name: 'ASC' } });
    return { items: rows.map((r) => this.toResponse(r)) };
  }

  async get(id: string): Promise<IdentityProviderResponseDto> {
    return this.toResponse(await this.find(id));
  }

  async create(dto: CreateIdentityProviderDto): Promise<IdentityProviderResponseDto> {
    const manager = this.tx.manager;
    this.assertIssuer(dto.issuerUrl);
    await this.assertDomainsFree(dto.emailDomains, null);
    // The id first: it is the secret's associated data.
    const id = randomUUID();
    const provider = manager.create(IdentityProviderEntity, {
      id,
      name: dto.name,
      issuerUrl: dto.issuerUrl,
      clientId: dto.clientId,
      clientSecret: dto.clientSecret === undefined ? null : this.cipher.encrypt(dto.clientSecret, id),
      emailDomains: [...new Set(dto.emailDomains)],
      clinicId: dto.clinicId ?? null,
      provisioning: dto.provisioning,
      passwordLoginDisabled: dto.passwordLoginDisabled ?? false,
      enabled: dto.enabled ?? true,
    });
    const saved = await this.save(provider);
    // Who may sign in, and whether passwords still work: an access grant.
    AuditScope.describe({ entityId: saved.id, severity: 'high' });
    return this.toResponse(saved);
  }

  async update(
    id: string,
    expectedVersion: number,
    dto: UpdateIdentityProviderDto,
  ): Promise<IdentityProviderResponseDto> {
    const manager = this.tx.manager;
    const provider = await manager.findOne(IdentityProviderEntity, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (provider === null) throw new NotFoundException('Identity provider not found');
    if (provider.version !== expectedVersion) {
      throw new PreconditionFailedException(
        `The identity provider was changed by someone else (version ${provider.version}); reload and retry`,
      );
    }
    if (dto.issuerUrl !== undefined) this.assertIssuer(dto.issuerUrl);
    if (dto.emailDomains !== undefined) await this.assertDomainsFree(dto.emailDomains, id);
    if (dto.name !== undefined) provider.name = dto.name;
    if (dto.issuerUrl !== undefined) provider.issuerUrl = dto.issuerUrl;
    if (dto.clientId !== undefined) provider.clientId = dto.clientId;
    if (dto.clientSecret !== undefined) {
      provider.clientSecret = dto.clientSecret === null ? null : this.cipher.encrypt(dto.clientSecret, id);
    }
    if (dto.emailDomains !== undefined) provider.emailDomains = [...new Set(dto.emailDomains)];
    if (dto.clinicId !== undefined) provider.clinicId = dto.clinicId;
    if (dto.provisioning !== undefined) provider.provisioning = dto.provisioning;
    if (dto.passwordLoginDisabled !== undefined) provider.passwordLoginDisabled = dto.passwordLoginDisabled;
    if (dto.enabled !== undefined) provider.enabled = dto.enabled;
    const saved = await this.save(provider);
    AuditScope.describe({ severity: 'high' });
    return this.toResponse(saved);
  }

  /** The sign-in screen's buttons: enabled providers, by name. */
  async signInOptions(): Promise<SignInProviderListDto> {
    const rows = await this.tx.manager.find(IdentityProviderEntity, {
      where: { enabled: true },
      order: { name: 'ASC' },
    });
    return {
      items: rows.map((r) => ({ id: r.id, name: r.name })),
      passwordLoginEnabled: this.config.oidc.passwordLoginEnabled,
    };
  }

  /**
   * Whether password sign-in is off for this address (admins are let
   * through by the caller, with their password and second factor): by the
   * global switch, or because an enabled provider of its domain says so.
   */
  async passwordLoginOff(email: string): Promise<PasswordLoginOff | undefined> {
    if (!this.config.oidc.passwordLoginEnabled) return { scope: 'everyone' };
    const domain = emailDomain(email);
    if (domain === undefined) return undefined;
    const [row] = await this.tx.query<{ name: string }>(
      `SELECT name FROM identity_provider
        WHERE enabled AND password_login_disabled AND $1 = ANY(email_domains) LIMIT 1`,
      [domain],
    );
    return row === undefined ? undefined : { scope: 'domain', domain, providerName: row.name };
  }

  /** The provider with its client secret decrypted, for a sign-in (undefined: unknown or disabled). */
  async forSignIn(id: string): Promise<{ provider: IdentityProviderEntity; clientSecret: string | null } | undefined> {
    const provider = await this.tx.manager.findOne(IdentityProviderEntity, { where: { id, enabled: true } });
    if (provider === null) return undefined;
    const clientSecret =
      provider.clientSecret === null ? null : (this.cipher.decrypt(provider.clientSecret, id) ?? null);
    return { provider, clientSecret };
  }

  private async find(id: string): Promise<IdentityProviderEntity> {
    const provider = await this.tx.manager.findOne(IdentityProviderEntity, { where: { id } });
    if (provider === null) throw new NotFoundException('Identity provider not found');
    return provider;
  }

  private assertIssuer(url: string): void {
    if (url.startsWith('http://') && !this.config.oidc.allowInsecureHttp) {
      throw RequestValidationException.field('issuerUrl', 'issuerUrl must be an https URL');
    }
  }

  /** A domain belongs to one provider, or password sign-in and matching would be ambiguous. */
  private async assertDomainsFree(domains: readonly string[], exceptId: string | null): Promise<void> {
    // Serialises concurrent edits of the providers, so two cannot claim one domain at once.
    await this.tx.manager.query(`LOCK TABLE identity_provider IN SHARE ROW EXCLUSIVE MODE`);
    const taken = await this.tx.query<{ name: string; domain: string }>(
      `SELECT p.name, d.domain FROM identity_provider p CROSS JOIN LATERAL unnest(p.email_domains) AS d(domain)
        WHERE d.domain = ANY($1::text[]) AND ($2::uuid IS NULL OR p.id <> $2::uuid) ORDER BY d.domain LIMIT 1`,
      [domains, exceptId],
    );
    const clash = taken[0];
    if (clash !== undefined) {
      throw RequestValidationException.field(
        'emailDomains',
        `emailDomains: ${clash.domain} already belongs to the provider "${clash.name}"`,
      );
    }
  }

  private async save(provider: IdentityProviderEntity): Promise<IdentityProviderEntity> {
    const manager = this.tx.manager;
    // Checked first so the transaction is not aborted by a constraint error; the constraint still decides a race.
    const named = await manager.findOne(IdentityProviderEntity, { where: { name: provider.name } });
    if (named !== null && named.id !== provider.id) {
      throw new ConflictException('An identity provider with this name already exists');
    }
    if (provider.clinicId !== null && !(await manager.existsBy(ClinicEntity, { id: provider.clinicId }))) {
      throw new NotFoundException('Clinic not found: clinicId names no clinic');
    }
    try {
      return await manager.save(provider);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === UNIQUE_VIOLATION) throw new ConflictException('An identity provider with this name already exists');
      if (code === FK_VIOLATION) throw new NotFoundException('Clinic not found');
      throw error;
    }
  }

  private toResponse(r: IdentityProviderEntity): IdentityProviderResponseDto {
    return {
      id: r.id,
      name: r.name,
      issuerUrl: r.issuerUrl,
      clientId: r.clientId,
      clientSecretSet: r.clientSecret !== null,
      emailDomains: r.emailDomains,
      clinicId: r.clinicId,
      provisioning: r.provisioning,
      passwordLoginDisabled: r.passwordLoginDisabled,
      enabled: r.enabled,
      redirectUri: this.redirectUri,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
      version: r.version,
    };
  }
}
