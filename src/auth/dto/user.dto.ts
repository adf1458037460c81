import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsEmpty,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { PageQuery } from '../../common/pagination.js';
import { ALL_ROLES, ROLES, type Role } from '../roles.js';
import { IsOmittable, SingleLine, trim } from '../../common/transforms.js';

export class CreateUserDto {
  @ApiProperty({ example: 'r.oncologist@example.org' })
  @Transform(trim)
  @IsString()
  @MaxLength(254)
  @IsEmail()
  email!: string;

  @ApiProperty({ example: 'Dr. Ada Rivera' })
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1)
  @MaxLength(200)
  displayName!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  /** Declared only to refuse it in words: an admin never chooses a user's password. */
  @ApiHideProperty()
  @IsEmpty({ message: 'password cannot be chosen by an admin: the user sets it from the set-password link' })
  password?: never;
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1)
  @MaxLength(200)
  displayName?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOmittable()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ description: 'false disables the user and ends all their sessions' })
  @IsOmittable()
  @IsBoolean()
  active?: boolean;

  /** Declared only to refuse it in words: see POST /api/users/:id/set-password-link. */
  @ApiHideProperty()
  @IsEmpty({
    message: 'password cannot be set by an admin: issue a set-password link (POST /api/users/:id/set-password-link)',
  })
  password?: never;
}

export class ChangePasswordDto {
  @ApiProperty({ maxLength: 256 })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  currentPassword!: string;

  @ApiProperty({ minLength: 12, maxLength: 256 })
  @IsString()
  @MaxLength(256)
  newPassword!: string;
}

export class TotpCodeDto {
  @ApiProperty({ example: '123456' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be the 6-digit code your authenticator app shows' })
  code!: string;
}

export class TotpEnrolmentDto {
  @ApiProperty({ description: 'The base32 secret, for typing into an authenticator app' }) secret!: string;
  @ApiProperty({ description: 'otpauth:// URI (RFC 6238 TOTP), for a QR code' }) otpauthUri!: string;
}

export class SetPasswordLinkDto {
  @ApiProperty({ description: 'One-time token; only its hash is stored' }) token!: string;
  @ApiProperty({ example: '/#/set-password/…', description: 'The browser app page that uses the token' })
  path!: string;
  @ApiProperty() expiresAt!: string;
}

export class ListUsersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;
}

export class UserResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ALL_ROLES }) role!: Role;
  @ApiProperty() active!: boolean;
  @ApiProperty({ description: 'A TOTP second factor is active' }) totpEnabled!: boolean;
  @ApiProperty({ description: 'false until the user sets a password from their link' }) passwordSet!: boolean;
  @ApiProperty() version!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class CreatedUserResponseDto extends UserResponseDto {
  @ApiProperty({ type: SetPasswordLinkDto, description: 'Give it to the user: it is shown once' })
  setPasswordLink!: SetPasswordLinkDto;
}

export class UserPageDto {
  @ApiProperty({ type: [UserResponseDto] }) items!: UserResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
