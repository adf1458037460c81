import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { SingleLine, trim } from '../../common/transforms.js';

export class CreateGuestInvitationDto {
  @ApiProperty({ description: 'The case on this session’s agenda the guest may see and discuss' })
  @IsUUID('all', { message: 'caseId must be the id of a case on this agenda' })
  caseId!: string;

  @ApiProperty({ example: 'Dr. Maria Jones' })
  @Transform(trim)
  @IsString({ message: "name must be the guest's name" })
  @SingleLine()
  @MinLength(2, { message: "name must be the guest's name" })
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'm.jones@outside-hospital.org' })
  @IsEmail({}, { message: "email must be the guest's e-mail address" })
  @MaxLength(254)
  email!: string;

  @ApiPropertyOptional({ example: 'St. Mary Regional Hospital' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MaxLength(200)
  institution?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 336,
    description: 'hours the link may be opened in (72 when absent; never past the session’s end)',
  })
  @IsOptional()
  @IsInt({ message: 'linkValidHours must be a whole number of hours from 1 to 336' })
  @Min(1, { message: 'linkValidHours must be a whole number of hours from 1 to 336' })
  @Max(336, { message: 'linkValidHours must be a whole number of hours from 1 to 336' })
  linkValidHours?: number;
}

export class GuestInvitationDto {
  @ApiProperty() id!: string;
  @ApiProperty() sessionId!: string;
  @ApiProperty() caseId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ type: String, nullable: true }) institution!: string | null;
  @ApiProperty({ enum: ['invited', 'joined', 'revoked', 'expired'] })
  status!: 'invited' | 'joined' | 'revoked' | 'expired';
  @ApiProperty() linkExpiresAt!: string;
  @ApiProperty({ description: 'the guest’s access ends then at the latest' }) accessUntil!: string;
  @ApiProperty({ type: String, nullable: true }) redeemedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) revokedAt!: string | null;
  @ApiProperty() createdAt!: string;
}

export class CreatedGuestInvitationDto extends GuestInvitationDto {
  @ApiProperty({
    example: '/#/guest/…',
    description: 'the invitation page (also mailed to the guest); shown once, only its hash is stored',
  })
  path!: string;
}

export class RedeemGuestInvitationDto {
  @ApiProperty({ description: 'The code from the invitation link' })
  @IsString({ message: 'token must be the code from the invitation link' })
  @Matches(/^[A-Za-z0-9_-]{20,100}$/, { message: 'token must be the code from the invitation link' })
  token!: string;
}

export class GuestViewDto {
  @ApiProperty() invitationId!: string;
  @ApiProperty() guestName!: string;
  @ApiProperty() accessUntil!: string;
  @ApiProperty() sessionId!: string;
  @ApiProperty() sessionTitle!: string;
  @ApiProperty() startsAt!: string;
  @ApiProperty() endsAt!: string;
  @ApiProperty({ enum: ['scheduled', 'in_progress', 'closed', 'cancelled'] }) sessionStatus!: string;
  @ApiProperty() clinicName!: string;
  @ApiProperty({ description: 'IANA time zone of the clinic' }) timeZone!: string;
  @ApiProperty() caseId!: string;
  @ApiProperty({ description: 'how the board refers to the case, e.g. C-1A2B3C4D' }) caseReference!: string;
  @ApiProperty({ description: 'the patient the guest referred' }) patientName!: string;
  @ApiProperty({ description: 'the board has the invited case on screen now' }) presenting!: boolean;
}
