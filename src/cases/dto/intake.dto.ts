import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { NCT_FORM, NCT_ID } from '../../common/clinical-codes.js';
import { AssessmentDto } from '../../diagnoses/dto/assessment.dto.js';
import {
  INITIATORS,
  INTENTS,
  MODALITIES,
  REASONS,
  URGENCIES,
  type Initiator,
  type Intent,
  type Modality,
  type Reason,
  type Urgency,
} from '../entities/case.entity.js';
import { SEXES, type Sex } from '../entities/patient.entity.js';
import { IsPastDate, ISO_DATE, trim, trimNfc, SingleLine } from '../../common/transforms.js';
import { TreatmentCodingDto } from './treatment-coding.dto.js';
import { PatientHistoryDto } from '../history/dto/history.dto.js';

export class PatientDto {
  @ApiProperty({ example: 'MRN-0012345' })
  @Transform(trim)
  @IsString()
  @Matches(/^[A-Za-z0-9-]{3,32}$/, { message: 'mrn must be 3–32 letters, digits or dashes' })
  mrn!: string;

  @ApiProperty({ description: 'stored in Unicode NFC: the same name typed in another form is the same name' })
  @Transform(trimNfc)
  @IsString()
  @SingleLine()
  @MinLength(1)
  @MaxLength(100)
  familyName!: string;
  @ApiProperty({ description: 'stored in Unicode NFC' })
  @Transform(trimNfc)
  @IsString()
  @SingleLine()
  @MinLength(1)
  @MaxLength(100)
  givenName!: string;

  @ApiProperty({ example: '1968-04-12' })
  @Matches(ISO_DATE, { message: 'birthDate must be a date YYYY-MM-DD' })
  @IsDateString({ strict: true }, { message: 'birthDate must be a real date' })
  @IsPastDate({ notBefore: '1900-01-01', what: 'a birth date' })
  birthDate!: string;

  @ApiProperty({ enum: SEXES }) @IsIn(SEXES) sex!: Sex;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\+?[0-9 ()-]{5,30}$/, { message: 'phone must be a phone number' })
  phone?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(254) email?: string;
  @ApiPropertyOptional({ default: false, description: 'consent to record the board discussion' })
  @IsOptional()
  @IsBoolean()
  consentToRecord?: boolean;
}

export class TreatmentItemDto extends TreatmentCodingDto {
  @ApiProperty({ enum: MODALITIES }) @IsIn(MODALITIES) modality!: Modality;
  @ApiProperty({ enum: INTENTS }) @IsIn(INTENTS) intent!: Intent;
  @ApiProperty({ minimum: 1, maximum: 50, description: 'order in the sequence, e.g. 1 neoadjuvant, 2 surgery' })
  @IsInt()
  @Min(1)
  @Max(50)
  sequence!: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @SingleLine() @MaxLength(500) description?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) rationale?: string;
  @ApiPropertyOptional({ example: 'NCCN Breast 4.2025 BINV-4' })
  @IsOptional()
  @IsString()
  @SingleLine()
  @MaxLength(200)
  guidelineReference?: string;
  @ApiPropertyOptional({ example: 'NCT01234567' })
  @IsOptional()
  @Matches(NCT_ID, { message: `nctId must be ${NCT_FORM}` })
  nctId?: string;
}

export class RecommendationDto {
  @ApiProperty({ type: [TreatmentItemDto] })
  @IsArray()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => TreatmentItemDto)
  items!: TreatmentItemDto[];
}

/** Taking a referral whose primary site is not among the clinic's cancer types. */
export class SiteOverrideDto {
  @ApiProperty({
    minLength: 3,
    maxLength: 500,
    example: 'Synchronous breast and lung primaries; the breast board leads the work-up',
  })
  @Transform(trim)
  @IsString({ message: 'siteOverride.reason must be text' })
  @MinLength(3, { message: 'siteOverride.reason must be at least 3 characters: say why the case belongs here' })
  @MaxLength(500, { message: 'siteOverride.reason must be at most 500 characters' })
  reason!: string;
}

/** A referral, in one request. */
export class CreateCaseDto {
  @ApiProperty({ type: PatientDto }) @IsObject() @ValidateNested() @Type(() => PatientDto) patient!: PatientDto;

  @ApiPropertyOptional({ description: 'routed by the referring primary site when absent' })
  @IsOptional()
  @IsUUID()
  clinicId?: string;

  @ApiProperty() @Transform(trim) @IsString() @SingleLine() @MinLength(1) @MaxLength(200) referringClinician!: string;
  @ApiProperty() @Transform(trim) @IsString() @SingleLine() @MinLength(1) @MaxLength(200) referringInstitution!: string;

  @ApiPropertyOptional({
    example: 'dr.jones@hospital.org',
    description:
      "the referring doctor's e-mail: the signed letter's download link is mailed there (never the letter itself)",
  })
  @IsOptional()
  @IsEmail({}, { message: "referringEmail must be the referring doctor's e-mail address" })
  @MaxLength(254)
  referringEmail?: string;
  @ApiProperty({ enum: REASONS }) @IsIn(REASONS) reason!: Reason;
  @ApiProperty({ enum: INITIATORS }) @IsIn(INITIATORS) initiator!: Initiator;
  @ApiProperty({ enum: URGENCIES }) @IsIn(URGENCIES) urgency!: Urgency;

  @ApiPropertyOptional({
    example: '2026-12-15',
    description:
      'first cancer-directed treatment, given or planned (at most a year ahead, not before the birth date); settable later at PUT /cases/:id/first-treatment-date',
  })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'firstTreatmentDate must be a date YYYY-MM-DD' })
  @IsDateString({ strict: true }, { message: 'firstTreatmentDate must be a real date' })
  firstTreatmentDate?: string;

  @ApiProperty({ type: AssessmentDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AssessmentDto)
  referringDiagnosis!: AssessmentDto;

  @ApiProperty({ type: RecommendationDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RecommendationDto)
  referringRecommendation!: RecommendationDto;

  @ApiPropertyOptional({
    type: SiteOverrideDto,
    description:
      "required when the referring primary site is not among the clinic's cancer types (else a 400 on referringDiagnosis.primarySite); refused when it is",
  })
  @IsOptional()
  @IsObject({ message: 'siteOverride must be an object { reason }' })
  @ValidateNested()
  @Type(() => SiteOverrideDto)
  siteOverride?: SiteOverrideDto;

  @ApiPropertyOptional({
    type: PatientHistoryDto,
    description: "the patient's history (version 1); editable later at /cases/:id/history",
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PatientHistoryDto)
  history?: PatientHistoryDto;
}
