import { describe, expect, it } from '@jest/globals';
import { checkIdentity, displayNameOf, emailDomain } from './oidc-rules.js';

describe('oidc rules', () => {
  describe(emailDomain.name, () => {
    it('should give the lower-case domain, or nothing for a malformed address', () => {
      expect(emailDomain('Ada@StMary.Example.org')).toBe('stmary.example.org');
      expect(emailDomain('a@b@evil.example')).toBe('evil.example');
      expect(emailDomain('nobody')).toBeUndefined();
      expect(emailDomain('@example.org')).toBeUndefined();
      expect(emailDomain('ada@')).toBeUndefined();
    });
  });

  describe(checkIdentity.name, () => {
    const domains = ['stmary.example.org'];

    it('should take a verified e-mail of an allowed domain, lower-cased', () => {
      expect(
        checkIdentity({ email: 'Ada@StMary.example.org', email_verified: true, name: 'Ada Rivera' }, domains),
      ).toEqual({ ok: true, email: 'ada@stmary.example.org', displayName: 'Ada Rivera' });
    });

    it('should refuse a missing, unverified or foreign e-mail', () => {
      expect(checkIdentity({ email_verified: true }, domains)).toEqual({ ok: false, reason: 'email_missing' });
      expect(checkIdentity({ email: 'ada@stmary.example.org' }, domains)).toEqual({
        ok: false,
        reason: 'email_not_verified',
      });
      expect(checkIdentity({ email: 'ada@stmary.example.org', email_verified: false }, domains)).toEqual({
        ok: false,
        reason: 'email_not_verified',
      });
      expect(checkIdentity({ email: 'ada@other.example.org', email_verified: true }, domains)).toEqual({
        ok: false,
        reason: 'email_domain_not_allowed',
      });
      // A sub-domain is another domain.
      expect(checkIdentity({ email: 'ada@x.stmary.example.org', email_verified: true }, domains)).toEqual({
        ok: false,
        reason: 'email_domain_not_allowed',
      });
    });
  });

  describe(displayNameOf.name, () => {
    it('should prefer name, then given and family name, then the local part, on one line', () => {
      expect(displayNameOf({ name: ' Ada\nRivera ' }, 'a@x.org')).toBe('Ada Rivera');
      expect(displayNameOf({ given_name: 'Ada', family_name: 'Rivera' }, 'a@x.org')).toBe('Ada Rivera');
      expect(displayNameOf({}, 'ada.rivera@x.org')).toBe('ada.rivera');
      expect(displayNameOf({ name: 'x'.repeat(300) }, 'a@x.org')).toHaveLength(200);
    });
  });
});
