import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ConfigError, validateEnv } from './load-env.js';

describe(validateEnv.name, () => {
  it('should give working defaults for a developer machine', () => {
    const env = validateEnv({});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      DATA_DIR: '.data',
      JWT_ACCESS_TTL_SECONDS: 900,
      BODY_LIMIT_BYTES: 1048576,
      LOGIN_IP_LIMIT: 100,
      LOGIN_ACCOUNT_LIMIT: 5,
      MAX_SESSIONS_PER_USER: 10,
      BREAK_GLASS_MAX_RENEWALS: 3,
      SET_PASSWORD_LINK_TTL_HOURS: 72,
      TRUST_PROXY: false,
    });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('should convert numbers and booleans', () => {
    const env = validateEnv({
      PORT: '8080',
      TRUST_PROXY: 'true',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(env.PORT).toBe(8080);
    expect(env.TRUST_PROXY).toBe(true);
  });

  it.each([
    ['PORT', 'abc', /PORT must be an integer from 0 to 65535 \(got "abc"\)/],
    ['PORT', '70000', /PORT must be an integer/],
    [
      'DATABASE_URL',
      'mysql://x',
      /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ connection URL \(got "<redacted>"\)/,
    ],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of fatal, error/],
    ['JWT_ACCESS_SECRET', 'short', /JWT_ACCESS_SECRET must be at least 32 characters \(got "<redacted>"\)/],
    ['CORS_ORIGINS', 'not a url', /CORS_ORIGINS must be empty/],
    ['TRUST_PROXY', 'maybe', /TRUST_PROXY must be true or false/],
    ['ADMIN_EMAIL', 'admin', /ADMIN_EMAIL must be an email address/],
  ])('should refuse %s=%s with one line naming it', (name, value, message) => {
    const raw = { ADMIN_PASSWORD: name === 'ADMIN_EMAIL' ? 'a-long-enough-password' : undefined, [name]: value };
    expect(() => validateEnv(raw)).toThrow(ConfigError);
    expect(() => validateEnv(raw)).toThrow(message);
    try {
      validateEnv(raw);
    } catch (error) {
      expect((error as Error).message.split('\n')).toHaveLength(1);
    }
  });

  it('should never print a secret it refuses', () => {
    expect(() => validateEnv({ ADMIN_EMAIL: 'a@example.org', ADMIN_PASSWORD: 'tiny-secret' })).toThrow(
      /ADMIN_PASSWORD/,
    );
    try {
      validateEnv({ ADMIN_EMAIL: 'a@example.org', ADMIN_PASSWORD: 'tiny-secret' });
    } catch (error) {
      expect((error as Error).message).not.toContain('tiny-secret');
    }
  });

  it('should require ADMIN_PASSWORD with ADMIN_EMAIL', () => {
    expect(() => validateEnv({ ADMIN_EMAIL: 'a@example.org' })).toThrow(/ADMIN_PASSWORD must be set/);
  });

  it('should require a JWT secret in production', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(/JWT_ACCESS_SECRET must be set/);
    expect(validateEnv({ NODE_ENV: 'production', JWT_ACCESS_SECRET: 'x'.repeat(32) }).NODE_ENV).toBe('production');
  });

  it('should refuse an ADMIN_PASSWORD that is easy to guess or built from the e-mail, without printing it', () => {
    for (const password of ['password1234', 'aaaaaaaaaaaa', 'chair@example.org-2026']) {
      expect(() => validateEnv({ ADMIN_EMAIL: 'chair@example.org', ADMIN_PASSWORD: password })).toThrow(
        /ADMIN_PASSWORD (is too easy to guess|must not contain the e-mail address)/,
      );
      try {
        validateEnv({ ADMIN_EMAIL: 'chair@example.org', ADMIN_PASSWORD: password });
      } catch (error) {
        expect((error as Error).message).not.toContain(password);
      }
    }
    expect(validateEnv({ ADMIN_EMAIL: 'chair@example.org', ADMIN_PASSWORD: 'a-long-test-password' }).ADMIN_EMAIL).toBe(
      'chair@example.org',
    );
  });

  it('should refuse the demo credentials in production', () => {
    const production = { NODE_ENV: 'production', JWT_ACCESS_SECRET: 'x'.repeat(32) };
    expect(() =>
      validateEnv({ ...production, ADMIN_EMAIL: 'admin@demo.consilium.dev', ADMIN_PASSWORD: 'a-long-test-password' }),
    ).toThrow(/ADMIN_EMAIL must not be a demo account/);
    expect(() =>
      validateEnv({ ...production, ADMIN_EMAIL: 'chair@example.org', ADMIN_PASSWORD: 'consilium-demo' }),
    ).toThrow(/ADMIN_PASSWORD must not be the public demo password/);
    // Outside production the demo password is allowed (it is the demo's).
    expect(validateEnv({ ADMIN_EMAIL: 'chair@example.org', ADMIN_PASSWORD: 'consilium-demo' }).NODE_ENV).toBe(
      'development',
    );
  });

  it('should require the idle limit to exceed the access token lifetime', () => {
    expect(() => validateEnv({ JWT_ACCESS_TTL_SECONDS: '1800', SESSION_IDLE_TIMEOUT_SECONDS: '900' })).toThrow(
      /SESSION_IDLE_TIMEOUT_SECONDS must be greater than JWT_ACCESS_TTL_SECONDS/,
    );
  });

  it('should either accept a value or refuse it with a ConfigError, never crash', () => {
    const names = [
      'PORT',
      'DB_POOL_SIZE',
      'LOG_LEVEL',
      'CORS_ORIGINS',
      'TRUST_PROXY',
      'DATABASE_URL',
      'BODY_LIMIT_BYTES',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.string(), (name, value) => {
        try {
          validateEnv({ [name]: value });
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
        }
      }),
    );
  });
});
