import { existsSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { passwordProblem } from '../auth/password-policy.js';
import { demoCredentialProblem } from '../demo/demo-policy.js';
import { EnvSchema, type Env } from './env.schema.js';

/** A configuration error: one line naming the variable and what it expects. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const KNOWN_KEYS = new Set(
  Object.keys(new EnvSchema()).concat([
    'DATABASE_URL',
    'JWT_ACCESS_SECRET',
    'ADMIN_EMAIL',
    'ADMIN_PASSWORD',
    'TOTP_ENCRYPTION_KEY',
    'LOG_FORMAT',
  ]),
);

/** Names of every variable the platform reads (for docs and the compose test). */
export function knownEnvNames(): string[] {
  return [...KNOWN_KEYS].sort();
}

/**
 * Validates raw variables into a typed, frozen `Env`. Throws a `ConfigError`
 * whose message is a single line per bad variable.
 */
export function validateEnv(raw: Record<string, string | undefined>): Env {
  const input: Record<string, string> = {};
  for (const key of KEYS_FOR_INPUT) {
    const value = raw[key];
    if (value !== undefined) input[key] = value;
  }
  const env = plainToInstance(EnvSchema, input, { exposeDefaultValues: true });
  const errors = validateSync(env, { forbidUnknownValues: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const message = Object.values(e.constraints ?? {})[0] ?? `${e.property} is invalid`;
      const got = input[e.property];
      return `Invalid configuration: ${message} (${got === undefined ? 'not set' : `got ${JSON.stringify(redact(e.property, got))}`})`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError(
      'Invalid configuration: ADMIN_EMAIL and ADMIN_PASSWORD must be set together (ADMIN_PASSWORD must be set, 12 to 256 characters, when ADMIN_EMAIL is)',
    );
  }
  if (env.NODE_ENV === 'production' && env.JWT_ACCESS_SECRET === undefined) {
    throw new ConfigError(
      'Invalid configuration: JWT_ACCESS_SECRET must be set (at least 32 characters) when NODE_ENV=production',
    );
  }
  const demo = demoCredentialProblem(env);
  if (demo !== undefined) throw new ConfigError(`Invalid configuration: ${demo}`);
  if (env.ADMIN_PASSWORD !== undefined) {
    // The bootstrap admin obeys the password policy like everyone else; the message never quotes the password.
    const weak = passwordProblem(env.ADMIN_PASSWORD, { email: env.ADMIN_EMAIL, displayName: 'Administrator' });
    if (weak !== undefined) throw new ConfigError(`Invalid configuration: ADMIN_PASSWORD ${weak}`);
  }
  if (env.LOGIN_BLOCK_MAX_SECONDS < env.LOGIN_BLOCK_BASE_SECONDS) {
    throw new ConfigError('Invalid configuration: LOGIN_BLOCK_MAX_SECONDS must be at least LOGIN_BLOCK_BASE_SECONDS');
  }
  if (env.SESSION_IDLE_TIMEOUT_SECONDS <= env.JWT_ACCESS_TTL_SECONDS) {
    throw new ConfigError(
      'Invalid configuration: SESSION_IDLE_TIMEOUT_SECONDS must be greater than JWT_ACCESS_TTL_SECONDS',
    );
  }
  return Object.freeze(env);
}

const KEYS_FOR_INPUT = [...KNOWN_KEYS];

function redact(key: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return /SECRET|PASSWORD|DATABASE_URL|KEY/.test(key) ? '<redacted>' : value;
}

/**
 * Reads `.env` (if present) into the process environment without overriding
 * what is already set, then validates. Used by the entry points only.
 */
export function loadEnv(envFile = '.env'): Env {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return validateEnv(process.env);
}
