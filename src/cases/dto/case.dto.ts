import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsDateString,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PageQuery } from '../../common/pagination.js';
import { CASE_STATUSES, type CaseStatus } from '../case-workflow.js';
import { URGENCIES, type TreatmentItem, type Urgency } from '../entities/case.entity.js';

export class TransitionDto {
  @ApiProperty({ enum: CASE_STATUSES }) @IsIn(CASE_STATUSES) to!: CaseStatus;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

export class ListCasesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CASE_STATUSES }) @IsOptional() @IsIn(CASE_STATUSES) status?: CaseStatus;
  @ApiPropertyOptional() @IsOptional() @IsUUID() clinicId?: string;
  @ApiPropertyOptional({ enum: URGENCIES }) @IsOptional() @IsIn(URGENCIES) urgency?: Urgency;
  @ApiPropertyOptional({ description: 'referred on or after (ISO 8601)' }) @IsOptional() @IsDateString() from?: string;
  @ApiPropertyOptional({ description: 'referred before (ISO 8601)' }) @IsOptional() @IsDateString() to?: string;
  @ApiPropertyOptional({ description: 'coordinators: family name or MRN prefix' })
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(50)
  @Matches(/^[\p{L}0-9' -]+$/u, { message: 'q must be letters, digits, spaces, dashes or apostrophes' })
  q?: string;
}

export class PatientSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty() mrn!: string;
  @ApiProperty() familyName!: string;
  @ApiProperty() givenName!: string;
  @ApiProperty() birthDate!: string;
}

export class CaseSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: CASE_STATUSES }) status!: CaseStatus;
  @ApiProperty() clinicId!: string;
  @ApiProperty({ enum: URGENCIES }) urgency!: Urgency;
  @ApiProperty() reason!: string;
  @ApiProperty() synthetic!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: PatientSummaryDto }) patient!: PatientSummaryDto;
}

export class CasePageDto {
  @ApiProperty({ type: [CaseSummaryDto] }) items!: CaseSummaryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class CaseDetailDto extends CaseSummaryDto {
  @ApiProperty() initiator!: string;
  @ApiProperty() referringClinician!: string;
  @ApiProperty() referringInstitution!: string;
  @ApiProperty({ nullable: true, type: String }) firstTreatmentDate!: string | null;
  @ApiProperty() referringRecommendation!: TreatmentItem[];
  @ApiProperty({ description: 'the current referring assessment' }) referringDiagnosis!: Record<string, unknown> | null;
  @ApiProperty({ enum: CASE_STATUSES, isArray: true, description: 'moves you may ask for now' })
  allowedTransitions!: CaseStatus[];
  @ApiProperty() version!: number;
  @ApiProperty() updatedAt!: string;
  @ApiProperty() patientDetail!: { sex: string; phone: string | null; email: string | null; consentToRecord: boolean };
}

export class BreakGlassDto {
  @ApiProperty({ example: 'Patient in the emergency department; treating team unreachable' })
  @IsString()
  @MinLength(10)
  @MaxLength(2000)
  reason!: string;

  @ApiProperty({ minimum: 5, maximum: 240, description: 'how long the access lasts' })
  @IsInt()
  @Min(5)
  @Max(240)
  minutes!: number;
}
