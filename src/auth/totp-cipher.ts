import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Second-factor secrets at rest: AES-256-GCM with the key from
 * TOTP_ENCRYPTION_KEY (or derived from JWT_ACCESS_SECRET), so a database
 * dump or backup alone does not give anyone's codes. The user id is the
 * associated data: a secret copied onto another user's row does not decrypt.
 * Stored as `v1.<iv>.<tag>.<ciphertext>` in base64url.
 */
export class TotpCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the TOTP encryption key must be 32 bytes');
  }

  encrypt(secret: string, userId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(userId, 'utf8'));
    const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** The secret, or undefined when the value was not made by this key for this user. */
  decrypt(stored: string, userId: string): string | undefined {
    const [version, iv, tag, data] = stored.split('.');
    if (version !== 'v1' || iv === undefined || tag === undefined || data === undefined) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(userId, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
