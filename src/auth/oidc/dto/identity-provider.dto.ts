import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { IsOmittable, SingleLine, trim } from '../../../common/transforms.js';
import { PROVISIONING_MODES, type ProvisioningMode } from '../entities/identity-provider.entity.js';

const DOMAIN = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const HTTP_URL = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;

const domains = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value)
    ? (value as unknown[]).map((d) => (typeof d === 'string' ? d.trim().toLowerCase().replace(/^@/, '') : d))
    : value;

export class CreateIdentityProviderDto {
  @ApiProperty({ example: 'St. Mary Hospital', description: 'Shown on the sign-in button: "Sign in with <name>"' })
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({
    example: 'https://login.stmary.example.org/realms/staff',
    description:
      "The provider's issuer identifier; its metadata is read from <issuerUrl>/.well-known/openid-configuration",
  })
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  @Matches(HTTP_URL, { message: 'issuerUrl must be an https URL without query or fragment' })
  issuerUrl!: string;

  @ApiProperty({ example: 'consilium' })
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1)
  @MaxLength(500)
  clientId!: string;

  @ApiPropertyOptional({
    description: 'The client secret (client_secret_basic); leave out for a public client (PKCE only). Never returned.',
    writeOnly: true,
  })
  @IsOmittable()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  clientSecret?: string;

  @ApiProperty({
    type: [String],
    example: ['stmary.example.org'],
    description: 'E-mail domains whose users sign in here (lower case; a domain belongs to one provider)',
  })
  @Transform(domains)
  @IsArray()
  @ArrayMinSize(1, { message: 'emailDomains must name at least one domain' })
  @ArrayMaxSize(50)
  @MaxLength(253, { each: true })
  @Matches(DOMAIN, { each: true, message: 'each of emailDomains must be a domain name such as stmary.example.org' })
  emailDomains!: string[];

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The clinic provisioned users join',
  })
  @ValidateIf((_o: unknown, v: unknown) => v !== undefined && v !== null)
  @IsUUID('all', { message: 'clinicId must be a UUID' })
  clinicId?: string | null;

  @ApiProperty({
    enum: PROVISIONING_MODES,
    description: 'match_only: only existing accounts; create_clinician: an unknown verified e-mail becomes a clinician',
  })
  @IsIn(PROVISIONING_MODES)
  provisioning!: ProvisioningMode;

  @ApiPropertyOptional({
    default: false,
    description: "true: the domains' users (admins excepted) cannot sign in with a password",
  })
  @IsOmittable()
  @IsBoolean()
  passwordLoginDisabled?: boolean;

  @ApiPropertyOptional({ default: true })
  @IsOmittable()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateIdentityProviderDto {
  @ApiPropertyOptional()
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ example: 'https://login.stmary.example.org/realms/staff' })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  @Matches(HTTP_URL, { message: 'issuerUrl must be an https URL without query or fragment' })
  issuerUrl?: string;

  @ApiPropertyOptional()
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1)
  @MaxLength(500)
  clientId?: string;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    writeOnly: true,
    description: 'A new client secret; null removes it (a public client). Left out: unchanged.',
  })
  @ValidateIf((_o: unknown, v: unknown) => v !== undefined && v !== null)
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  clientSecret?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['stmary.example.org'] })
  @IsOmittable()
  @Transform(domains)
  @IsArray()
  @ArrayMinSize(1, { message: 'emailDomains must name at least one domain' })
  @ArrayMaxSize(50)
  @MaxLength(253, { each: true })
  @Matches(DOMAIN, { each: true, message: 'each of emailDomains must be a domain name such as stmary.example.org' })
  emailDomains?: string[];

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String })
  @ValidateIf((_o: unknown, v: unknown) => v !== undefined && v !== null)
  @IsUUID('all', { message: 'clinicId must be a UUID' })
  clinicId?: string | null;

  @ApiPropertyOptional({ enum: PROVISIONING_MODES })
  @IsOmittable()
  @IsIn(PROVISIONING_MODES)
  provisioning?: ProvisioningMode;

  @ApiPropertyOptional()
  @IsOmittable()
  @IsBoolean()
  passwordLoginDisabled?: boolean;

  @ApiPropertyOptional()
  @IsOmittable()
  @IsBoolean()
  enabled?: boolean;
}

export class IdentityProviderResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() issuerUrl!: string;
  @ApiProperty() clientId!: string;
  @ApiProperty({ description: 'A client secret is stored (it is never returned)' }) clientSecretSet!: boolean;
  @ApiProperty({ type: [String] }) emailDomains!: string[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) clinicId!: string | null;
  @ApiProperty({ enum: PROVISIONING_MODES }) provisioning!: ProvisioningMode;
  @ApiProperty() passwordLoginDisabled!: boolean;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ description: 'Where the provider must send users back (register it there)' }) redirectUri!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() version!: number;
}

export class IdentityProviderListDto {
  @ApiProperty({ type: [IdentityProviderResponseDto] }) items!: IdentityProviderResponseDto[];
}

/** What the sign-in screen needs of a provider. */
export class SignInProviderDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'St. Mary Hospital' }) name!: string;
}

export class SignInProviderListDto {
  @ApiProperty({ type: [SignInProviderDto] }) items!: SignInProviderDto[];
  @ApiProperty({ description: 'false: only admins sign in with a password (PASSWORD_LOGIN_ENABLED)' })
  passwordLoginEnabled!: boolean;
}

export class OidcStartDto {
  @ApiProperty({
    description:
      "The provider's authorization endpoint with PKCE (S256), state and nonce: send the browser there. Keep the state to compare on return.",
  })
  authorizationUrl!: string;
}

/** What the provider put in the address it sent the browser back to (PUBLIC_URL/?code=…&state=…&iss=…). */
export class OidcCallbackDto {
  @ApiProperty({ description: 'state, as received' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  state!: string;

  @ApiPropertyOptional({ description: 'code, as received (absent when the provider refused)' })
  @IsOmittable()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  code?: string;

  @ApiPropertyOptional({ description: 'iss, as received (RFC 9207)' })
  @IsOmittable()
  @IsString()
  @MaxLength(500)
  iss?: string;

  @ApiPropertyOptional({ description: 'error, as received' })
  @IsOmittable()
  @IsString()
  @MaxLength(200)
  error?: string;

  @ApiPropertyOptional({ description: 'error_description, as received' })
  @IsOmittable()
  @IsString()
  @MaxLength(2000)
  errorDescription?: string;
}
