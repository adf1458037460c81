import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { AuditService } from '../../audit/audit.service.js';
import { AppConfig } from '../../config/app-config.js';
import { TransactionContext } from '../../database/transaction-context.js';
import type { RequestMeta } from '../auth.service.js';
import type { TokenPairDto } from '../dto/auth.dto.js';
import { UserEntity } from '../entities/user.entity.js';
import type { Role } from '../roles.js';
import { SessionsService } from '../sessions.service.js';
import type { OidcCallbackDto } from './dto/identity-provider.dto.js';
import type { IdentityProviderEntity } from './entities/identity-provider.entity.js';
import { IdentityProvidersService } from './identity-providers.service.js';
import { OidcSignInException } from './oidc-sign-in.exception.js';
import { checkIdentity, type IdentityClaims, type OidcRefusal } from './oidc-rules.js';

const STATE_TTL_SECONDS = 600;
const UNIQUE_VIOLATION = '23505';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

class Refused extends Error {
  constructor(
    readonly reason: OidcRefusal,
    readonly userId: string | null = null,
  ) {
    super(reason);
  }
}

interface StateRow {
  provider_id: string;
  code_verifier: string;
  nonce: string;
  live: boolean;
}

/**
 * Hospital sign-in: the authorization-code flow with PKCE (S256), state and
 * nonce against the provider an admin configured. The provider sends the
 * browser back to the web app (the redirect URI is PUBLIC_URL/), which
 * posts the code and state here and gets Consilium's own tokens, as
 * password sign-in gives them; no token is ever in an address. What is in
 * flight lives in the database (any instance finishes a sign-in another
 * began) and is used once: the callback deletes the state row it reads.
 * Every refusal is an audit row with its reason and a 4xx (502 when the
 * provider fails) whose `code` and words say what happened.
 */
@Injectable()
export class OidcSignInService {
  private readonly log = new Logger(OidcSignInService.name);

  constructor(
    private readonly tx: TransactionContext,
    private readonly config: AppConfig,
    private readonly providers: IdentityProvidersService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  /** The provider's authorization URL for a new sign-in (the web app sends the browser there). */
  async start(providerId: string, meta: RequestMeta): Promise<{ authorizationUrl: string }> {
    const found = await this.providers.forSignIn(providerId);
    try {
      if (found === undefined) throw new Refused('unknown_provider');
      const configuration = await this.discover(found.provider, found.clientSecret);
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      // Expired sign-ins nobody finished go on the way.
      await this.tx.query(`DELETE FROM oidc_login_state WHERE expires_at < now()`, []);
      await this.tx.query(
        `INSERT INTO oidc_login_state (state_hash, provider_id, code_verifier, nonce, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
        [sha256(state), providerId, codeVerifier, nonce, STATE_TTL_SECONDS],
      );
      const url = oidc.buildAuthorizationUrl(configuration, {
        redirect_uri: this.providers.redirectUri,
        scope: 'openid email profile',
        response_type: 'code',
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { authorizationUrl: url.href };
    } catch (error) {
      throw await this.refuse('auth.oidc.start', error, found === undefined ? null : providerId, meta);
    }
  }

  /**
   * What the provider sent back (through the web app): the state is used
   * up whatever happens next, the code is exchanged with the PKCE verifier,
   * the ID token's nonce and issuer are checked, and the verified e-mail
   * finds (or makes) the account. Answers Consilium's token pair.
   */
  async callback(dto: OidcCallbackDto, meta: RequestMeta): Promise<TokenPairDto> {
    let providerId: string | null = null;
    try {
      // A replayed callback finds nothing.
      const [row] = await this.tx.query<StateRow>(
        `DELETE FROM oidc_login_state WHERE state_hash = $1
         RETURNING provider_id, code_verifier, nonce, expires_at > now() AS live`,
        [sha256(dto.state)],
      );
      if (row === undefined || !row.live) throw new Refused('invalid_state');
      providerId = row.provider_id;
      const found = await this.providers.forSignIn(row.provider_id);
      if (found === undefined) throw new Refused('unknown_provider');
      const configuration = await this.discover(found.provider, found.clientSecret);
      const params = new URLSearchParams({ state: dto.state });
      if (dto.code !== undefined) params.set('code', dto.code);
      if (dto.iss !== undefined) params.set('iss', dto.iss);
      if (dto.error !== undefined) params.set('error', dto.error);
      if (dto.errorDescription !== undefined) params.set('error_description', dto.errorDescription);
      const currentUrl = new URL(`${this.providers.redirectUri}?${params.toString()}`);
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
          pkceCodeVerifier: row.code_verifier,
          expectedState: dto.state,
          expectedNonce: row.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        throw this.grantRefusal(error);
      }
      const idClaims = tokens.claims();
      if (idClaims === undefined) throw new Refused('sign_in_failed');
      let claims: IdentityClaims = { ...(idClaims as Record<string, unknown>) };
      if (configuration.serverMetadata().userinfo_endpoint !== undefined) {
        // Many providers put e-mail claims in UserInfo only; its subject must be the ID token's.
        const info = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
        claims = { ...claims, ...info };
      }
      const identity = checkIdentity(claims, found.provider.emailDomains);
      if (!identity.ok) throw new Refused(identity.reason);
      const user = await this.userFor(found.provider, identity.email, identity.displayName, meta);
      if (!user.active) throw new Refused('account_disabled', user.id);
      // Admins keep signing in with their password and second factor (Consilium's own rules for that role).
      if (user.role === 'admin') throw new Refused('admin_not_allowed', user.id);
      const signedInWith = row.provider_id;
      return await this.tx.run(async (manager) => {
        const started = await this.sessions.start(manager, user.id, user.role);
        await this.audit.record(
          {
            actorId: user.id,
            actorRole: user.role,
            action: 'auth.oidc.callback',
            entityType: 'auth_session',
            entityId: started.sessionId,
            outcome: 'success',
            statusCode: 200,
            reason: `identity_provider:${signedInWith}`,
            requestId: meta.requestId,
            ip: meta.ip,
          },
          manager,
        );
        return started.tokens;
      });
    } catch (error) {
      throw await this.refuse('auth.oidc.callback', error, providerId, meta);
    }
  }

  /** The provider's metadata, from its issuer (which must be the issuer it names itself). */
  private async discover(provider: IdentityProviderEntity, clientSecret: string | null): Promise<oidc.Configuration> {
    const insecure = this.config.oidc.allowInsecureHttp && provider.issuerUrl.startsWith('http://');
    try {
      return await oidc.discovery(
        new URL(provider.issuerUrl),
        provider.clientId,
        undefined,
        clientSecret === null ? oidc.None() : oidc.ClientSecretBasic(clientSecret),
        { execute: insecure ? [oidc.allowInsecureRequests] : [], timeout: 10 },
      );
    } catch (error) {
      if (codeOf(error) === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') throw new Refused('issuer_mismatch');
      this.log.warn({ err: error, providerId: provider.id }, 'OpenID provider discovery failed');
      throw new Refused('provider_unreachable');
    }
  }

  private grantRefusal(error: unknown): Refused {
    if (error instanceof oidc.AuthorizationResponseError) return new Refused('provider_error');
    if (error instanceof oidc.ResponseBodyError && error.error === 'invalid_grant') return new Refused('invalid_code');
    const cause = (error as { cause?: { claim?: unknown; attribute?: unknown } }).cause;
    const code = codeOf(error);
    if (
      (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && cause?.claim === 'iss') ||
      (code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' && cause?.attribute === 'issuer') ||
      // The authorization response's `iss` (RFC 9207) names another issuer.
      (error instanceof Error && /"iss"/.test(error.message))
    ) {
      return new Refused('issuer_mismatch');
    }
    this.log.warn({ err: error }, 'OpenID token exchange failed');
    return new Refused('sign_in_failed');
  }

  /** The account of a verified e-mail: matched case-insensitively, or provisioned as the provider says. */
  private async userFor(
    provider: IdentityProviderEntity,
    email: string,
    displayName: string,
    meta: RequestMeta,
  ): Promise<{ id: string; role: Role; active: boolean }> {
    // Emails are stored lower-cased (CHK_app_user_email_lower), and `email` is.
    const existing = await this.tx.manager.findOne(UserEntity, { where: { email } });
    if (existing !== null) return existing;
    if (provider.provisioning === 'match_only') throw new Refused('unknown_account');
    try {
      return await this.tx.run(async (manager) => {
        const user = await manager.save(
          manager.create(UserEntity, { email, displayName, role: 'clinician', passwordHash: null, active: true }),
        );
        // Membership is Consilium's from here on: admins change it, later sign-ins do not.
        if (provider.clinicId !== null) {
          await manager.query('INSERT INTO clinic_member (clinic_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
            provider.clinicId,
            user.id,
          ]);
        }
        await this.audit.record(
          {
            actorId: user.id,
            actorRole: user.role,
            action: 'user.provision',
            entityType: 'user',
            entityId: user.id,
            outcome: 'success',
            statusCode: 201,
            reason: provider.clinicId === null ? 'identity_provider' : `identity_provider_clinic:${provider.clinicId}`,
            severity: 'high',
            requestId: meta.requestId,
            ip: meta.ip,
          },
          manager,
        );
        return user;
      });
    } catch (error) {
      // Two first sign-ins at once: the other made the account.
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
      return this.tx.manager.findOneOrFail(UserEntity, { where: { email } });
    }
  }

  /** Audits a refusal and answers the exception to throw (other errors go on as they are, to the global filter). */
  private async refuse(action: string, error: unknown, providerId: string | null, meta: RequestMeta): Promise<unknown> {
    if (!(error instanceof Refused)) return error;
    const exception = new OidcSignInException(error.reason);
    await this.audit.record({
      actorId: error.userId,
      action,
      entityType: providerId === null ? null : 'identity_provider',
      entityId: providerId,
      outcome: error.reason === 'sign_in_failed' || error.reason === 'provider_unreachable' ? 'failure' : 'denied',
      statusCode: exception.getStatus(),
      reason: error.reason,
      requestId: meta.requestId,
      ip: meta.ip,
    });
    return exception;
  }
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}
