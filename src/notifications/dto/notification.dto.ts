import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, ValidateNested } from 'class-validator';
import { PageQuery } from '../../common/pagination.js';
import { NOTIFICATION_KINDS, OUTBOX_STATUSES, USER_CHOOSABLE_KINDS } from '../notification-kinds.js';
import type { NotificationKind, OutboxStatus, UserChoosableKind } from '../notification-kinds.js';

export class NotificationPreferenceDto {
  @ApiProperty({ enum: USER_CHOOSABLE_KINDS })
  @IsIn(USER_CHOOSABLE_KINDS, { message: `kind must be one of ${USER_CHOOSABLE_KINDS.join(', ')}` })
  kind!: UserChoosableKind;

  @ApiProperty({ description: 'true: send me these by e-mail' })
  @IsBoolean({ message: 'email must be true or false' })
  email!: boolean;
}

export class NotificationPreferenceViewDto extends NotificationPreferenceDto {
  @ApiProperty({ description: 'What this kind of mail is, in words' }) label!: string;
}

export class UpdateNotificationPreferencesDto {
  @ApiProperty({ type: [NotificationPreferenceDto] })
  @IsArray({ message: 'preferences must be a list' })
  @ArrayMaxSize(USER_CHOOSABLE_KINDS.length, { message: 'preferences may name each kind once' })
  @ValidateNested({ each: true })
  @Type(() => NotificationPreferenceDto)
  preferences!: NotificationPreferenceDto[];
}

export class NotificationPreferencesDto {
  @ApiProperty({ description: 'The address mail goes to (the account e-mail)' }) email!: string;
  @ApiProperty({ description: 'false when no mail server is configured: mail is kept in the outbox' })
  deliveryConfigured!: boolean;
  @ApiProperty({ type: [NotificationPreferenceViewDto] }) preferences!: NotificationPreferenceViewDto[];
}

export class ListOutboxQuery extends PageQuery {
  @ApiPropertyOptional({ enum: OUTBOX_STATUSES })
  @IsOptional()
  @IsIn(OUTBOX_STATUSES, { message: `status must be one of ${OUTBOX_STATUSES.join(', ')}` })
  status?: OutboxStatus;
}

export class OutboxMessageDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind!: NotificationKind;
  @ApiProperty({ enum: OUTBOX_STATUSES }) status!: OutboxStatus;
  @ApiProperty() to!: string;
  @ApiProperty({ type: String, nullable: true }) recipientUserId!: string | null;
  @ApiProperty() subject!: string;
  @ApiProperty({ description: 'The text as sent (never patient data)' }) body!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ description: 'Not sent before (a retry waits)' }) notBefore!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, nullable: true }) sentAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) failedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The mail server's last answer" })
  lastError!: string | null;
}

export class OutboxPageDto {
  @ApiProperty({ type: [OutboxMessageDto] }) items!: OutboxMessageDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
  @ApiProperty({ description: 'false: no SMTP_URL, nothing is sent' }) deliveryConfigured!: boolean;
}
