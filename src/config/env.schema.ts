import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no', ''].includes(v)) return false;
  return value;
};

const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Every environment variable the platform reads. Names are the contract with
 * `.env.example`, `docker-compose.yml` and the README; defaults are for a
 * developer's machine.
 */
export class EnvSchema {
  @IsIn(NODE_ENVS, { message: `NODE_ENV must be one of ${NODE_ENVS.join(', ')}` })
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @Type(() => Number)
  @IsInt({ message: 'PORT must be an integer from 0 to 65535' })
  @Min(0, { message: 'PORT must be an integer from 0 to 65535' })
  @Max(65535, { message: 'PORT must be an integer from 0 to 65535' })
  PORT = 3000;

  @IsString()
  @MinLength(1, { message: 'HOST must be a host name or address to listen on' })
  HOST = '0.0.0.0';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'DATABASE_URL must be a postgres:// or postgresql:// connection URL',
  })
  DATABASE_URL?: string;

  @Type(() => Number)
  @IsInt({ message: 'DB_POOL_SIZE must be an integer from 1 to 200' })
  @Min(1, { message: 'DB_POOL_SIZE must be an integer from 1 to 200' })
  @Max(200, { message: 'DB_POOL_SIZE must be an integer from 1 to 200' })
  DB_POOL_SIZE = 10;

  @IsString()
  @MinLength(1, { message: 'DATA_DIR must be a directory path' })
  DATA_DIR = '.data';

  @Type(() => Number)
  @IsInt({ message: 'EMBEDDED_PG_PORT must be an integer from 1024 to 65535' })
  @Min(1024, { message: 'EMBEDDED_PG_PORT must be an integer from 1024 to 65535' })
  @Max(65535, { message: 'EMBEDDED_PG_PORT must be an integer from 1024 to 65535' })
  EMBEDDED_PG_PORT = 54329;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_ACCESS_SECRET must be at least 32 characters' })
  JWT_ACCESS_SECRET?: string;

  @Type(() => Number)
  @IsInt({ message: 'JWT_ACCESS_TTL_SECONDS must be an integer from 60 to 86400' })
  @Min(60, { message: 'JWT_ACCESS_TTL_SECONDS must be an integer from 60 to 86400' })
  @Max(86400, { message: 'JWT_ACCESS_TTL_SECONDS must be an integer from 60 to 86400' })
  JWT_ACCESS_TTL_SECONDS = 900;

  @Type(() => Number)
  @IsInt({ message: 'SESSION_IDLE_TIMEOUT_SECONDS must be an integer from 60 to 604800' })
  @Min(60, { message: 'SESSION_IDLE_TIMEOUT_SECONDS must be an integer from 60 to 604800' })
  @Max(604800, { message: 'SESSION_IDLE_TIMEOUT_SECONDS must be an integer from 60 to 604800' })
  SESSION_IDLE_TIMEOUT_SECONDS = 1800;

  @Type(() => Number)
  @IsInt({ message: 'SESSION_ABSOLUTE_TIMEOUT_SECONDS must be an integer from 300 to 2592000' })
  @Min(300, { message: 'SESSION_ABSOLUTE_TIMEOUT_SECONDS must be an integer from 300 to 2592000' })
  @Max(2592000, {
    message: 'SESSION_ABSOLUTE_TIMEOUT_SECONDS must be an integer from 300 to 2592000',
  })
  SESSION_ABSOLUTE_TIMEOUT_SECONDS = 43200;

  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Matches(/^$|^(\*|https?:\/\/[^\s,]+)(\s*,\s*https?:\/\/[^\s,]+)*$/, {
    message: 'CORS_ORIGINS must be empty, "*", or a comma-separated list of http(s) origins',
  })
  CORS_ORIGINS = '';

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Unset: readable lines, JSON when NODE_ENV=production (src/logging.ts). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(LOG_FORMATS, { message: `LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}` })
  LOG_FORMAT?: (typeof LOG_FORMATS)[number];

  @Type(() => Number)
  @IsInt({ message: 'BODY_LIMIT_BYTES must be an integer from 1024 to 10485760' })
  @Min(1024, { message: 'BODY_LIMIT_BYTES must be an integer from 1024 to 10485760' })
  @Max(10485760, { message: 'BODY_LIMIT_BYTES must be an integer from 1024 to 10485760' })
  BODY_LIMIT_BYTES = 1048576;

  @Type(() => Number)
  @IsInt({ message: 'UPLOAD_MAX_BYTES must be an integer from 1024 to 1073741824' })
  @Min(1024, { message: 'UPLOAD_MAX_BYTES must be an integer from 1024 to 1073741824' })
  @Max(1073741824, { message: 'UPLOAD_MAX_BYTES must be an integer from 1024 to 1073741824' })
  UPLOAD_MAX_BYTES = 52428800;

  // The shape of a JSON body, checked on its text before it is parsed (src/common/body-limits.ts).
  @Type(() => Number)
  @IsInt({ message: 'BODY_MAX_DEPTH must be an integer from 4 to 256' })
  @Min(4, { message: 'BODY_MAX_DEPTH must be an integer from 4 to 256' })
  @Max(256, { message: 'BODY_MAX_DEPTH must be an integer from 4 to 256' })
  BODY_MAX_DEPTH = 32;

  @Type(() => Number)
  @IsInt({ message: 'BODY_MAX_KEYS_PER_OBJECT must be an integer from 10 to 100000' })
  @Min(10, { message: 'BODY_MAX_KEYS_PER_OBJECT must be an integer from 10 to 100000' })
  @Max(100000, { message: 'BODY_MAX_KEYS_PER_OBJECT must be an integer from 10 to 100000' })
  BODY_MAX_KEYS_PER_OBJECT = 200;

  @Type(() => Number)
  @IsInt({ message: 'BODY_MAX_KEYS must be an integer from 10 to 1000000' })
  @Min(10, { message: 'BODY_MAX_KEYS must be an integer from 10 to 1000000' })
  @Max(1000000, { message: 'BODY_MAX_KEYS must be an integer from 10 to 1000000' })
  BODY_MAX_KEYS = 20000;

  @Type(() => Number)
  @IsInt({ message: 'BODY_MAX_ARRAY_ITEMS must be an integer from 10 to 1000000' })
  @Min(10, { message: 'BODY_MAX_ARRAY_ITEMS must be an integer from 10 to 1000000' })
  @Max(1000000, { message: 'BODY_MAX_ARRAY_ITEMS must be an integer from 10 to 1000000' })
  BODY_MAX_ARRAY_ITEMS = 10000;

  @Type(() => Number)
  @IsInt({ message: 'BODY_MAX_STRING_CHARS must be an integer from 256 to 10485760' })
  @Min(256, { message: 'BODY_MAX_STRING_CHARS must be an integer from 256 to 10485760' })
  @Max(10485760, { message: 'BODY_MAX_STRING_CHARS must be an integer from 256 to 10485760' })
  BODY_MAX_STRING_CHARS = 1048576;

  // Anonymous routes other than login (which has its own throttle): requests per client IP and route.
  @Type(() => Number)
  @IsInt({ message: 'PUBLIC_ROUTE_IP_LIMIT must be an integer from 1 to 100000' })
  @Min(1, { message: 'PUBLIC_ROUTE_IP_LIMIT must be an integer from 1 to 100000' })
  @Max(100000, { message: 'PUBLIC_ROUTE_IP_LIMIT must be an integer from 1 to 100000' })
  PUBLIC_ROUTE_IP_LIMIT = 120;

  @Type(() => Number)
  @IsInt({ message: 'PUBLIC_ROUTE_IP_WINDOW_SECONDS must be an integer from 1 to 86400' })
  @Min(1, { message: 'PUBLIC_ROUTE_IP_WINDOW_SECONDS must be an integer from 1 to 86400' })
  @Max(86400, { message: 'PUBLIC_ROUTE_IP_WINDOW_SECONDS must be an integer from 1 to 86400' })
  PUBLIC_ROUTE_IP_WINDOW_SECONDS = 60;

  @Type(() => Number)
  @IsInt({ message: 'BOARD_FLOOD_LIMIT must be an integer from 5 to 10000' })
  @Min(5, { message: 'BOARD_FLOOD_LIMIT must be an integer from 5 to 10000' })
  @Max(10000, { message: 'BOARD_FLOOD_LIMIT must be an integer from 5 to 10000' })
  BOARD_FLOOD_LIMIT = 50;

  @Type(() => Number)
  @IsInt({ message: 'BOARD_USER_SOCKET_LIMIT must be an integer from 1 to 1000' })
  @Min(1, { message: 'BOARD_USER_SOCKET_LIMIT must be an integer from 1 to 1000' })
  @Max(1000, { message: 'BOARD_USER_SOCKET_LIMIT must be an integer from 1 to 1000' })
  BOARD_USER_SOCKET_LIMIT = 5;

  @Type(() => Number)
  @IsInt({ message: 'BOARD_USER_MESSAGE_LIMIT must be an integer from 1 to 100000' })
  @Min(1, { message: 'BOARD_USER_MESSAGE_LIMIT must be an integer from 1 to 100000' })
  @Max(100000, { message: 'BOARD_USER_MESSAGE_LIMIT must be an integer from 1 to 100000' })
  BOARD_USER_MESSAGE_LIMIT = 60;

  @Type(() => Number)
  @IsInt({ message: 'BOARD_USER_MESSAGE_WINDOW_SECONDS must be an integer from 1 to 3600' })
  @Min(1, { message: 'BOARD_USER_MESSAGE_WINDOW_SECONDS must be an integer from 1 to 3600' })
  @Max(3600, { message: 'BOARD_USER_MESSAGE_WINDOW_SECONDS must be an integer from 1 to 3600' })
  BOARD_USER_MESSAGE_WINDOW_SECONDS = 10;

  @Type(() => Number)
  @IsInt({ message: 'REPORT_PROSPECTIVE_TARGET_PCT must be an integer from 0 to 100' })
  @Min(0, { message: 'REPORT_PROSPECTIVE_TARGET_PCT must be an integer from 0 to 100' })
  @Max(100, { message: 'REPORT_PROSPECTIVE_TARGET_PCT must be an integer from 0 to 100' })
  REPORT_PROSPECTIVE_TARGET_PCT = 80;

  @Type(() => Number)
  @IsInt({ message: 'REPORT_CASE_VOLUME_TARGET_PCT must be an integer from 0 to 100' })
  @Min(0, { message: 'REPORT_CASE_VOLUME_TARGET_PCT must be an integer from 0 to 100' })
  @Max(100, { message: 'REPORT_CASE_VOLUME_TARGET_PCT must be an integer from 0 to 100' })
  REPORT_CASE_VOLUME_TARGET_PCT = 15;

  /**
   * The CME credit designation statement printed on certificates of
   * attendance, word for word as the accredited provider gives it. Unset: the
   * certificate states attendance only and claims no credit.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(2000, { message: 'CME_CREDIT_DESIGNATION must be at most 2000 characters' })
  CME_CREDIT_DESIGNATION?: string;

  /** Who issues the certificates (the accredited provider or the institution); unset: the clinic's name. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'CME_PROVIDER must be at most 200 characters' })
  CME_PROVIDER?: string;

  // Login throttling counts failed attempts only (a success gives its attempt back).
  @Type(() => Number)
  @IsInt({ message: 'LOGIN_IP_LIMIT must be an integer from 1 to 100000' })
  @Min(1, { message: 'LOGIN_IP_LIMIT must be an integer from 1 to 100000' })
  @Max(100000, { message: 'LOGIN_IP_LIMIT must be an integer from 1 to 100000' })
  LOGIN_IP_LIMIT = 100;

  @Type(() => Number)
  @IsInt({ message: 'LOGIN_IP_WINDOW_SECONDS must be an integer from 1 to 86400' })
  @Min(1, { message: 'LOGIN_IP_WINDOW_SECONDS must be an integer from 1 to 86400' })
  @Max(86400, { message: 'LOGIN_IP_WINDOW_SECONDS must be an integer from 1 to 86400' })
  LOGIN_IP_WINDOW_SECONDS = 3600;

  /** Consecutive failures for one account from one IP before growing delays start. */
  @Type(() => Number)
  @IsInt({ message: 'LOGIN_ACCOUNT_LIMIT must be an integer from 1 to 100000' })
  @Min(1, { message: 'LOGIN_ACCOUNT_LIMIT must be an integer from 1 to 100000' })
  @Max(100000, { message: 'LOGIN_ACCOUNT_LIMIT must be an integer from 1 to 100000' })
  LOGIN_ACCOUNT_LIMIT = 5;

  /** How long consecutive failures (account + IP) are remembered after the last one. */
  @Type(() => Number)
  @IsInt({ message: 'LOGIN_ACCOUNT_WINDOW_SECONDS must be an integer from 1 to 2592000' })
  @Min(1, { message: 'LOGIN_ACCOUNT_WINDOW_SECONDS must be an integer from 1 to 2592000' })
  @Max(2592000, { message: 'LOGIN_ACCOUNT_WINDOW_SECONDS must be an integer from 1 to 2592000' })
  LOGIN_ACCOUNT_WINDOW_SECONDS = 86400;

  @Type(() => Number)
  @IsInt({ message: 'LOGIN_BLOCK_BASE_SECONDS must be an integer from 1 to 86400' })
  @Min(1, { message: 'LOGIN_BLOCK_BASE_SECONDS must be an integer from 1 to 86400' })
  @Max(86400, { message: 'LOGIN_BLOCK_BASE_SECONDS must be an integer from 1 to 86400' })
  LOGIN_BLOCK_BASE_SECONDS = 30;

  @Type(() => Number)
  @IsInt({ message: 'LOGIN_BLOCK_MAX_SECONDS must be an integer from 1 to 86400' })
  @Min(1, { message: 'LOGIN_BLOCK_MAX_SECONDS must be an integer from 1 to 86400' })
  @Max(86400, { message: 'LOGIN_BLOCK_MAX_SECONDS must be an integer from 1 to 86400' })
  LOGIN_BLOCK_MAX_SECONDS = 3600;

  @Type(() => Number)
  @IsInt({ message: 'MAX_SESSIONS_PER_USER must be an integer from 1 to 1000' })
  @Min(1, { message: 'MAX_SESSIONS_PER_USER must be an integer from 1 to 1000' })
  @Max(1000, { message: 'MAX_SESSIONS_PER_USER must be an integer from 1 to 1000' })
  MAX_SESSIONS_PER_USER = 10;

  @Type(() => Number)
  @IsInt({ message: 'SET_PASSWORD_LINK_TTL_HOURS must be an integer from 1 to 720' })
  @Min(1, { message: 'SET_PASSWORD_LINK_TTL_HOURS must be an integer from 1 to 720' })
  @Max(720, { message: 'SET_PASSWORD_LINK_TTL_HOURS must be an integer from 1 to 720' })
  SET_PASSWORD_LINK_TTL_HOURS = 72;

  @Type(() => Number)
  @IsInt({ message: 'BREAK_GLASS_MAX_RENEWALS must be an integer from 0 to 100' })
  @Min(0, { message: 'BREAK_GLASS_MAX_RENEWALS must be an integer from 0 to 100' })
  @Max(100, { message: 'BREAK_GLASS_MAX_RENEWALS must be an integer from 0 to 100' })
  BREAK_GLASS_MAX_RENEWALS = 3;

  /** Encrypts second-factor secrets at rest; derived from JWT_ACCESS_SECRET when unset. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'TOTP_ENCRYPTION_KEY must be at least 32 characters' })
  TOTP_ENCRYPTION_KEY?: string;

  /** false: only admins (password + second factor) sign in with a password; everyone else through hospital sign-in. */
  @Transform(toBoolean)
  @IsBoolean({ message: 'PASSWORD_LOGIN_ENABLED must be true or false' })
  PASSWORD_LOGIN_ENABLED = true;

  /** Lets hospital sign-in reach an OpenID provider over plain http (tests and development only; ignored in production). */
  @Transform(toBoolean)
  @IsBoolean({ message: 'OIDC_ALLOW_INSECURE_HTTP must be true or false' })
  OIDC_ALLOW_INSECURE_HTTP = false;

  @Transform(toBoolean)
  @IsBoolean({ message: 'TRUST_PROXY must be true or false' })
  TRUST_PROXY = false;

  @Transform(toBoolean)
  @IsBoolean({ message: 'DEMO_DATA must be true or false' })
  DEMO_DATA = true;

  @Type(() => Number)
  @IsInt({ message: 'SHUTDOWN_TIMEOUT_MS must be an integer from 0 to 600000' })
  @Min(0, { message: 'SHUTDOWN_TIMEOUT_MS must be an integer from 0 to 600000' })
  @Max(600000, { message: 'SHUTDOWN_TIMEOUT_MS must be an integer from 0 to 600000' })
  SHUTDOWN_TIMEOUT_MS = 15000;

  @Type(() => Number)
  @IsInt({ message: 'SHUTDOWN_GRACE_MS must be an integer from 0 to 60000' })
  @Min(0, { message: 'SHUTDOWN_GRACE_MS must be an integer from 0 to 60000' })
  @Max(60000, { message: 'SHUTDOWN_GRACE_MS must be an integer from 0 to 60000' })
  SHUTDOWN_GRACE_MS = 1000;

  /** Where users reach the app: the base of every link in a mail. Unset: http://localhost:PORT. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, {
    message: 'PUBLIC_URL must be an http(s) URL without query or fragment, e.g. https://consilium.hospital.org',
  })
  PUBLIC_URL?: string;

  /** The mail server (smtp:// or smtps://, credentials in the URL). Unset: mail stays in the outbox for admins. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsString()
  @MinLength(3, { message: 'MAIL_FROM must be a sender address, e.g. "Consilium <no-reply@hospital.org>"' })
  MAIL_FROM = 'Consilium <no-reply@localhost>';

  @Type(() => Number)
  @IsInt({ message: 'OUTBOX_POLL_MS must be an integer from 50 to 600000' })
  @Min(50, { message: 'OUTBOX_POLL_MS must be an integer from 50 to 600000' })
  @Max(600000, { message: 'OUTBOX_POLL_MS must be an integer from 50 to 600000' })
  OUTBOX_POLL_MS = 2000;

  @Type(() => Number)
  @IsInt({ message: 'OUTBOX_RETRY_BASE_SECONDS must be an integer from 1 to 3600' })
  @Min(1, { message: 'OUTBOX_RETRY_BASE_SECONDS must be an integer from 1 to 3600' })
  @Max(3600, { message: 'OUTBOX_RETRY_BASE_SECONDS must be an integer from 1 to 3600' })
  OUTBOX_RETRY_BASE_SECONDS = 30;

  @Type(() => Number)
  @IsInt({ message: 'OUTBOX_MAX_ATTEMPTS must be an integer from 1 to 100' })
  @Min(1, { message: 'OUTBOX_MAX_ATTEMPTS must be an integer from 1 to 100' })
  @Max(100, { message: 'OUTBOX_MAX_ATTEMPTS must be an integer from 1 to 100' })
  OUTBOX_MAX_ATTEMPTS = 12;

  /** How long before a board session its members get the case packet. */
  @Type(() => Number)
  @IsInt({ message: 'CASE_PACKET_LEAD_HOURS must be an integer from 0 to 336' })
  @Min(0, { message: 'CASE_PACKET_LEAD_HOURS must be an integer from 0 to 336' })
  @Max(336, { message: 'CASE_PACKET_LEAD_HOURS must be an integer from 0 to 336' })
  CASE_PACKET_LEAD_HOURS = 24;

  /** How long the referring doctor's letter link works. */
  @Type(() => Number)
  @IsInt({ message: 'LETTER_LINK_TTL_DAYS must be an integer from 1 to 90' })
  @Min(1, { message: 'LETTER_LINK_TTL_DAYS must be an integer from 1 to 90' })
  @Max(90, { message: 'LETTER_LINK_TTL_DAYS must be an integer from 1 to 90' })
  LETTER_LINK_TTL_DAYS = 14;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsEmail({}, { message: 'ADMIN_EMAIL must be an email address' })
  ADMIN_EMAIL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString({ message: 'ADMIN_PASSWORD must be 12 to 256 characters' })
  @MinLength(12, { message: 'ADMIN_PASSWORD must be 12 to 256 characters' })
  @MaxLength(256, { message: 'ADMIN_PASSWORD must be 12 to 256 characters' })
  ADMIN_PASSWORD?: string;
}

/** The validated environment; every field has its final type. */
export type Env = Readonly<EnvSchema>;
