import { LINE_BREAKING } from '../../common/transforms.js';

const CONTROL = new RegExp(LINE_BREAKING.source, 'g');

/**
 * The rules of hospital sign-in that need no database: which domain an
 * e-mail belongs to, what a provider's answer must hold, and why a sign-in
 * was refused (each reason has words on the sign-in screen).
 */

export const OIDC_REFUSALS = [
  'unknown_provider',
  'provider_unreachable',
  'issuer_mismatch',
  'invalid_state',
  'provider_error',
  'invalid_code',
  'email_missing',
  'email_not_verified',
  'email_domain_not_allowed',
  'unknown_account',
  'account_disabled',
  'admin_not_allowed',
  'sign_in_failed',
] as const;
export type OidcRefusal = (typeof OIDC_REFUSALS)[number];

/** The lower-case domain of an e-mail address, or undefined when it has none. */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return undefined;
  return email
    .slice(at + 1)
    .trim()
    .toLowerCase();
}

/** The claims Consilium takes from a provider, merged from the ID token and UserInfo. */
export interface IdentityClaims {
  email?: unknown;
  email_verified?: unknown;
  name?: unknown;
  given_name?: unknown;
  family_name?: unknown;
}

export type IdentityCheck =
  | { ok: true; email: string; displayName: string }
  | { ok: false; reason: 'email_missing' | 'email_not_verified' | 'email_domain_not_allowed' };

/**
 * A provider's answer is taken only with a verified e-mail in one of the
 * provider's domains: a hospital's provider cannot sign anyone in as a user
 * of another hospital's domain.
 */
export function checkIdentity(claims: IdentityClaims, allowedDomains: readonly string[]): IdentityCheck {
  if (typeof claims.email !== 'string' || emailDomain(claims.email) === undefined) {
    return { ok: false, reason: 'email_missing' };
  }
  // Some providers send the flag as a string.
  if (claims.email_verified !== true && claims.email_verified !== 'true')
    return { ok: false, reason: 'email_not_verified' };
  const email = claims.email.trim().toLowerCase();
  const domain = emailDomain(email);
  if (domain === undefined || !allowedDomains.includes(domain))
    return { ok: false, reason: 'email_domain_not_allowed' };
  return { ok: true, email, displayName: displayNameOf(claims, email) };
}

/** A provisioned user's name: the provider's `name`, else given + family name, else the e-mail's local part. */
export function displayNameOf(claims: IdentityClaims, email: string): string {
  const clean = (v: unknown): string =>
    typeof v === 'string' ? v.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim() : '';
  const joined = [clean(claims.given_name), clean(claims.family_name)].filter((p) => p !== '').join(' ');
  const name = clean(claims.name) || joined || email.slice(0, email.indexOf('@'));
  return name.slice(0, 200);
}
