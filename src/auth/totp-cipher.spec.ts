import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { TotpCipher } from './totp-cipher.js';

describe(TotpCipher.name, () => {
  const cipher = new TotpCipher(randomBytes(32));
  const user = '6f1c1f0e-8a5c-4d59-9a53-1b1b1b1b1b1b';

  it('should round-trip a secret without storing it in clear', () => {
    const stored = cipher.encrypt('JBSWY3DPEHPK3PXP', user);
    expect(stored).not.toContain('JBSWY3DPEHPK3PXP');
    expect(stored.startsWith('v1.')).toBe(true);
    expect(cipher.decrypt(stored, user)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('should refuse a secret moved to another user, another key, or tampered with', () => {
    const stored = cipher.encrypt('JBSWY3DPEHPK3PXP', user);
    expect(cipher.decrypt(stored, '00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(new TotpCipher(randomBytes(32)).decrypt(stored, user)).toBeUndefined();
    const parts = stored.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(cipher.decrypt(parts.join('.'), user)).toBeUndefined();
    expect(cipher.decrypt('garbage', user)).toBeUndefined();
  });
});
