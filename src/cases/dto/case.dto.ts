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
  ValidateIf,
} from 'class-validator';
import { Transform } from 'class-transformer';
import { PageQuery } from '../../common/pagination.js';
import { TreatmentItemDto } from './intake.dto.js';
import { ISO_DATE, IsRealDateTime, trimNfc } from '../../common/transforms.js';
import { CASE_STATUSES, type CaseStatus } from '../case-workflow.js';
import { URGENCIES, type TreatmentItem, type Urgency } from '../entities/case.entity.js';
import { SEXES, type Sex } from '../entities/patient.entity.js';
import { RECORD_TYPES, type RecordType } from '../../common/clinical-codes.js';

export class TransitionDto {
  @ApiProperty({ enum: CASE_STATUSES }) @IsIn(CASE_STATUSES) to!: CaseStatus;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

export class ListCasesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CASE_STATUSES }) @IsOptional() @IsIn(CASE_STATUSES) status?: CaseStatus;
  @ApiPropertyOptional() @IsOptional() @IsUUID() clinicId?: string;
  @ApiPropertyOptional({ enum: URGENCIES }) @IsOptional() @IsIn(URGENCIES) urgency?: Urgency;
  @ApiPropertyOptional({ description: 'referred on or after (ISO 8601)' })
  @IsOptional()
  @IsRealDateTime()
  from?: string;
  @ApiPropertyOptional({ description: 'referred before (ISO 8601)' }) @IsOptional() @IsRealDateTime() to?: string;
  @ApiPropertyOptional({
    description:
      'coordinators: one character finds that exact family name (e.g. 王); two or more, a family name or MRN prefix. Case-insensitive, Unicode-normalised (NFC)',
  })
  @IsOptional()
  @Transform(trimNfc)
  @IsString()
  @MinLength(1, { message: 'q must be at least one character' })
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
  @ApiProperty({ enum: SEXES }) sex!: Sex;
}

/** The diagnosis a list shows: the most authoritative assessment recorded (board, reviews, referring). */
export class DiagnosisSummaryDto {
  @ApiProperty({ enum: ['referring', 'pathology_review', 'radiology_review', 'board'] }) source!: string;
  @ApiProperty({ type: String, nullable: true, description: 'ICD-O-3 topography, e.g. C50.4' })
  primarySite!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'ICD-O-3 morphology, e.g. 8500/3' })
  histology!: string | null;
}

/** What every view of a case carries. */
export class CaseCoreDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: CASE_STATUSES }) status!: CaseStatus;
  @ApiProperty() clinicId!: string;
  @ApiProperty({ enum: URGENCIES }) urgency!: Urgency;
  @ApiProperty() reason!: string;
  @ApiProperty() synthetic!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: PatientSummaryDto }) patient!: PatientSummaryDto;
}

/** A row of the case list: who, what, how far along, and what comes next. */
export class CaseSummaryDto extends CaseCoreDto {
  @ApiProperty({ type: DiagnosisSummaryDto, nullable: true }) diagnosis!: DiagnosisSummaryDto | null;
  @ApiProperty({
    enum: RECORD_TYPES,
    isArray: true,
    description: 'required records neither current nor waived (empty when ready)',
  })
  readinessGaps!: RecordType[];
  @ApiProperty({ type: String, nullable: true, description: 'the next booked clinic visit (start, ISO 8601)' })
  nextVisitAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the next board session with the case on its agenda' })
  nextBoardAt!: string | null;
}

export class CasePageDto {
  @ApiProperty({ type: [CaseSummaryDto] }) items!: CaseSummaryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class SiteOverrideResponseDto {
  @ApiProperty() reason!: string;
}

/** What the case page shows of the patient beyond the identifiers. */
export class PatientDetailDto {
  @ApiProperty({ enum: SEXES }) sex!: Sex;
  @ApiProperty({ type: String, nullable: true }) phone!: string | null;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ description: 'consent to record the board discussion' }) consentToRecord!: boolean;
}

export class CaseDetailDto extends CaseCoreDto {
  @ApiProperty() initiator!: string;
  @ApiProperty() referringClinician!: string;
  @ApiProperty() referringInstitution!: string;
  @ApiProperty({ type: String, nullable: true, description: "where the signed letter's link is mailed" })
  referringEmail!: string | null;
  @ApiProperty({ nullable: true, type: String }) firstTreatmentDate!: string | null;
  @ApiProperty({
    type: SiteOverrideResponseDto,
    nullable: true,
    description: "why the case was taken although its primary site is not among the clinic's cancer types",
  })
  siteOverride!: SiteOverrideResponseDto | null;
  @ApiProperty({
    type: [TreatmentItemDto],
    description: "the referring doctor's recommendation, step by step (empty: none made)",
  })
  referringRecommendation!: TreatmentItem[];
  @ApiProperty({ description: 'the current referring assessment' }) referringDiagnosis!: Record<string, unknown> | null;
  @ApiProperty({ enum: CASE_STATUSES, isArray: true, description: 'moves you may ask for now' })
  allowedTransitions!: CaseStatus[];
  @ApiProperty() version!: number;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ type: PatientDetailDto }) patientDetail!: PatientDetailDto;
}

/** PUT /cases/:id/first-treatment-date */
export class FirstTreatmentDateDto {
  @ApiProperty({
    nullable: true,
    type: String,
    example: '2027-01-10',
    description:
      'first cancer-directed treatment, given or planned: not before the birth date, at most a year ahead; null clears a wrong one',
  })
  @ValidateIf((_o, v) => v !== null)
  @Matches(ISO_DATE, { message: 'firstTreatmentDate must be a date YYYY-MM-DD, or null' })
  @IsDateString({ strict: true }, { message: 'firstTreatmentDate must be a real date' })
  firstTreatmentDate!: string | null;
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
