import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination.js';
import { IsRealDateTime } from '../../common/transforms.js';
import { AUDIT_OUTCOMES, type AuditOutcome } from '../entities/audit-event.entity.js';

export class ListAuditEventsQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() actorId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() patientId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() caseId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) action?: string;
  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES }) @IsOptional() @IsIn(AUDIT_OUTCOMES) outcome?: AuditOutcome;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) entityType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) entityId?: string;
  @ApiPropertyOptional({ enum: ['normal', 'high'] }) @IsOptional() @IsIn(['normal', 'high']) severity?:
    'normal' | 'high';
  @ApiPropertyOptional({ description: 'ISO 8601, inclusive' }) @IsOptional() @IsRealDateTime() from?: string;
  @ApiPropertyOptional({ description: 'ISO 8601, exclusive' }) @IsOptional() @IsRealDateTime() to?: string;
}

/** The grant behind a break-glass event: the admin's stated reason and when the access ends. */
export class AuditBreakGlassDto {
  @ApiProperty() grantId!: string;
  @ApiProperty({ description: 'why the admin said they must read the case' }) reason!: string;
  @ApiProperty() expiresAt!: string;
}

export class AuditEventResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ nullable: true, type: String }) actorId!: string | null;
  @ApiProperty({ nullable: true, type: String }) actorRole!: string | null;
  @ApiProperty() action!: string;
  @ApiProperty({ nullable: true, type: String }) entityType!: string | null;
  @ApiProperty({ nullable: true, type: String }) entityId!: string | null;
  @ApiProperty({ nullable: true, type: String }) patientId!: string | null;
  @ApiProperty({ type: [String], description: 'patients a list response showed' }) disclosedPatientIds!: string[];
  @ApiProperty({ nullable: true, type: String }) caseId!: string | null;
  @ApiProperty({ enum: AUDIT_OUTCOMES }) outcome!: AuditOutcome;
  @ApiProperty({ nullable: true, type: Number }) statusCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ enum: ['normal', 'high'] }) severity!: 'normal' | 'high';
  @ApiProperty({ nullable: true, type: String, description: "the server's request id" }) requestId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "the client's X-Request-Id, if it sent one" })
  clientRequestId!: string | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({
    nullable: true,
    type: AuditBreakGlassDto,
    description: 'for a break-glass grant, and for each read made under it: the grant',
  })
  breakGlass!: AuditBreakGlassDto | null;
}

export class AuditEventPageDto {
  @ApiProperty({ type: [AuditEventResponseDto] }) items!: AuditEventResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
