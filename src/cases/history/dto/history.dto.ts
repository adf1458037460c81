import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ICD10CM_FORM } from '../../clinical/codes.js';
import { IsPastDate, ISO_DATE, trim, SingleLine } from '../../../common/transforms.js';
import { MODALITIES, type Modality } from '../../entities/case.entity.js';
import {
  ALLERGY_SEVERITIES,
  BEST_RESPONSES,
  HISTORY_SETTINGS,
  MEDICATION_ROUTES,
  MENOPAUSAL_STATUSES,
  PREGNANCY_STATUSES,
  RELATIVES,
  TEST_ORIGINS,
  TEST_RESULTS,
  type AllergySeverity,
  type BestResponse,
  type HistorySetting,
  type MedicationRoute,
  type MenopausalStatus,
  type PatientHistory,
  type PregnancyStatus,
  type Relative,
  type TestOrigin,
  type TestResult,
} from '../history.types.js';

/*
 * Formats, at the API edge, with messages a clinician reads: the field's
 * path and what is expected. Rules across fields and against the patient
 * (end after start, menopausal status for sex…) are in history-rules.ts.
 */

const PAST_DATE_MESSAGE = '$property must be a date YYYY-MM-DD, not in the future';

/** A calendar date that has happened (today at the latest), from 1900 on. */
const PastDate = (): PropertyDecorator =>
  applyDecorators(
    Matches(ISO_DATE, { message: PAST_DATE_MESSAGE }),
    IsDateString({ strict: true }, { message: '$property must be a real calendar date (YYYY-MM-DD)' }),
    IsPastDate({ notBefore: '1900-01-01' }, { message: PAST_DATE_MESSAGE + ' and not before 1900' }),
  );

const oneOf = (values: readonly string[]): { message: string } => ({
  message: `$property must be one of ${values.join(', ')}`,
});

/**
 * Optional text, trimmed: `max` characters at most, and not blank. Short text (a name, a dose,
 * up to 300 characters) is a single line; longer text (notes) may hold line breaks.
 */
const Text = (max: number, what = 'text'): PropertyDecorator =>
  applyDecorators(
    Transform(trim),
    IsString({ message: `$property must be ${what}` }),
    ...(max <= 300 ? [SingleLine()] : []),
    MinLength(1, { message: `$property must not be blank` }),
    MaxLength(max, { message: `$property must be at most ${max} characters` }),
  );

const trimEach = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim() : v)) : value;
const upper = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim().toUpperCase() : value;

/** An HGVS description, loosely: an optional reference sequence, then c./g./n./m./r./p. and the change. */
export const HGVS_LOOSE = /^(?:[A-Z]{1,3}_\d+(?:\.\d+)?(?:\([A-Za-z0-9-]+\))?:)?[cgnmrp]\.\S.*$/;
/** An HGNC gene symbol (BRCA1, ERBB2, HLA-A, C11orf65) or a fusion (EML4-ALK). */
export const GENE_SYMBOL = /^[A-Za-z0-9][A-Za-z0-9-]{0,29}$/;

const DRUG_NAMES = '$property must be drug names, each 1 to 80 characters';

export class PriorTreatmentDto {
  @ApiProperty({ enum: MODALITIES })
  @IsIn(MODALITIES, oneOf(MODALITIES))
  modality!: Modality;

  @ApiPropertyOptional({ example: ['docetaxel', 'carboplatin'], description: 'drugs by generic name' })
  @IsOptional()
  @Transform(trimEach)
  @IsArray({ message: '$property must be a list of drug names' })
  @ArrayMaxSize(12, { message: '$property must list at most 12 drugs' })
  @IsString({ each: true, message: DRUG_NAMES })
  @SingleLine({ each: true })
  @MinLength(1, { each: true, message: DRUG_NAMES })
  @MaxLength(80, { each: true, message: DRUG_NAMES })
  drugs?: string[];

  @ApiPropertyOptional({ example: 'TCHP', description: 'a regimen by its name' })
  @IsOptional()
  @Text(80, 'a regimen name')
  regimen?: string;

  @ApiPropertyOptional({ example: '2024-03-01', description: 'at most today' })
  @IsOptional()
  @PastDate()
  startDate?: string;

  @ApiPropertyOptional({
    example: '2024-06-30',
    description: 'on or after startDate, at most today; absent while ongoing',
  })
  @IsOptional()
  @PastDate()
  endDate?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 10, description: 'line of therapy' })
  @IsOptional()
  @IsInt({ message: '$property must be a line of therapy, a whole number from 1 to 10' })
  @Min(1, { message: '$property must be a line of therapy, a whole number from 1 to 10' })
  @Max(10, { message: '$property must be a line of therapy, a whole number from 1 to 10' })
  line?: number;

  @ApiPropertyOptional({ enum: HISTORY_SETTINGS })
  @IsOptional()
  @IsIn(HISTORY_SETTINGS, oneOf(HISTORY_SETTINGS))
  setting?: HistorySetting;

  @ApiPropertyOptional({ enum: BEST_RESPONSES, description: 'best response, RECIST-like' })
  @IsOptional()
  @IsIn(BEST_RESPONSES, oneOf(BEST_RESPONSES))
  bestResponse?: BestResponse;

  @ApiPropertyOptional() @IsOptional() @Text(200, 'the name of an institution') institution?: string;
  @ApiPropertyOptional() @IsOptional() @Text(2000) notes?: string;
}

export class MedicationDto {
  @ApiProperty({ example: 'metformin' }) @Text(120, 'a medication name') name!: string;
  @ApiPropertyOptional({ example: '500 mg' }) @IsOptional() @Text(80, 'a dose such as 500 mg') dose?: string;

  @ApiPropertyOptional({ enum: MEDICATION_ROUTES })
  @IsOptional()
  @IsIn(MEDICATION_ROUTES, oneOf(MEDICATION_ROUTES))
  route?: MedicationRoute;

  @ApiPropertyOptional({ example: 'twice daily' })
  @IsOptional()
  @Text(80, 'a frequency such as twice daily')
  frequency?: string;

  @ApiPropertyOptional({ example: '2021-05-01' })
  @IsOptional()
  @PastDate()
  startDate?: string;
}

export class ComorbidityDto {
  @ApiProperty({ example: 'type 2 diabetes mellitus' })
  @Text(300, 'a description of the condition')
  description!: string;

  @ApiPropertyOptional({ example: 'E11.9', description: 'ICD-10-CM' })
  @IsOptional()
  @Transform(upper)
  @IsString({ message: '$property must be an ICD-10-CM code such as E11.9 or I10' })
  @Matches(ICD10CM_FORM, { message: '$property must be an ICD-10-CM code such as E11.9 or I10' })
  icd10cm?: string;
}

export class AllergyDto {
  @ApiProperty({ example: 'penicillin' }) @Text(120, 'the substance') substance!: string;
  @ApiPropertyOptional({ example: 'hives' }) @IsOptional() @Text(300, 'the reaction') reaction?: string;

  @ApiPropertyOptional({ enum: ALLERGY_SEVERITIES })
  @IsOptional()
  @IsIn(ALLERGY_SEVERITIES, oneOf(ALLERGY_SEVERITIES))
  severity?: AllergySeverity;
}

export class FamilyHistoryDto {
  @ApiProperty({ enum: RELATIVES })
  @IsIn(RELATIVES, oneOf(RELATIVES))
  relative!: Relative;

  @ApiProperty({ example: 'breast cancer' }) @Text(200, 'a condition or cancer site') condition!: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 120 })
  @IsOptional()
  @IsInt({ message: '$property must be an age in whole years, 0 to 120' })
  @Min(0, { message: '$property must be an age in whole years, 0 to 120' })
  @Max(120, { message: '$property must be an age in whole years, 0 to 120' })
  ageAtDiagnosis?: number;
}

export class GeneticTestDto {
  @ApiProperty({ example: 'Hereditary breast and ovarian cancer panel' })
  @Text(200, 'the name of the test')
  testName!: string;

  @ApiProperty({ enum: TEST_ORIGINS })
  @IsIn(TEST_ORIGINS, oneOf(TEST_ORIGINS))
  origin!: TestOrigin;

  @ApiPropertyOptional({
    example: 'BRCA2',
    description: 'HGNC symbol; required unless the result is negative or not_detected',
  })
  @IsOptional()
  @Transform(upper)
  @IsString({ message: '$property must be a gene symbol such as BRCA1 or ERBB2' })
  @Matches(GENE_SYMBOL, { message: '$property must be a gene symbol such as BRCA1 or ERBB2' })
  gene?: string;

  @ApiPropertyOptional({ example: 'c.5946delT', description: 'HGVS' })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: '$property must be an HGVS variant such as c.5266dupC or p.V600E' })
  @MaxLength(200, { message: '$property must be at most 200 characters' })
  @Matches(HGVS_LOOSE, { message: '$property must be an HGVS variant such as c.5266dupC or p.V600E' })
  variant?: string;

  @ApiProperty({ enum: TEST_RESULTS })
  @IsIn(TEST_RESULTS, oneOf(TEST_RESULTS))
  result!: TestResult;

  @ApiPropertyOptional({ example: '2023-11-20' })
  @IsOptional()
  @PastDate()
  date?: string;

  @ApiPropertyOptional({ example: 'Myriad Genetics' })
  @IsOptional()
  @Text(200, 'the name of the laboratory')
  lab?: string;
}

/** A whole history: a PUT replaces the document with this one (a new version). */
export class PatientHistoryDto {
  @ApiPropertyOptional({ type: [PriorTreatmentDto], description: 'cancer-directed treatments so far' })
  @IsOptional()
  @IsArray({ message: '$property must be a list' })
  @ArrayMaxSize(100, { message: '$property must have at most 100 entries' })
  @ValidateNested({ each: true })
  @Type(() => PriorTreatmentDto)
  treatments?: PriorTreatmentDto[];

  @ApiPropertyOptional({ type: [MedicationDto], description: 'current medications' })
  @IsOptional()
  @IsArray({ message: '$property must be a list' })
  @ArrayMaxSize(100, { message: '$property must have at most 100 entries' })
  @ValidateNested({ each: true })
  @Type(() => MedicationDto)
  medications?: MedicationDto[];

  @ApiPropertyOptional({ type: [ComorbidityDto] })
  @IsOptional()
  @IsArray({ message: '$property must be a list' })
  @ArrayMaxSize(100, { message: '$property must have at most 100 entries' })
  @ValidateNested({ each: true })
  @Type(() => ComorbidityDto)
  comorbidities?: ComorbidityDto[];

  @ApiPropertyOptional({ type: [AllergyDto] })
  @IsOptional()
  @IsArray({ message: '$property must be a list' })
  @ArrayMaxSize(100, { message: '$property must have at most 100 entries' })
  @ValidateNested({ each: true })
  @Type(() => AllergyDto)
  allergies?: AllergyDto[];

  @ApiPropertyOptional({ type: [FamilyHistoryDto] })
  @IsOptional()
  @IsArray({ message: '$property must be a list' })
  @ArrayMaxSize(100, { message: '$property must have at most 100 entries' })
  @ValidateNested({ each: true })
  @Type(() => FamilyHistoryDto)
  familyHistory?: FamilyHistoryDto[];

  @ApiPropertyOptional({ enum: MENOPAUSAL_STATUSES, description: 'a male patient: not_applicable or unknown' })
  @IsOptional()
  @IsIn(MENOPAUSAL_STATUSES, oneOf(MENOPAUSAL_STATUSES))
  menopausalStatus?: MenopausalStatus;

  @ApiPropertyOptional({ enum: PREGNANCY_STATUSES, description: 'a male patient: not_applicable or unknown' })
  @IsOptional()
  @IsIn(PREGNANCY_STATUSES, oneOf(PREGNANCY_STATUSES))
  pregnancyStatus?: PregnancyStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: 45, description: 'weeks of gestation, only when pregnant' })
  @IsOptional()
  @IsInt({ message: '$property must be whole weeks of gestation, 1 to 45' })
  @Min(1, { message: '$property must be whole weeks of gestation, 1 to 45' })
  @Max(45, { message: '$property must be whole weeks of gestation, 1 to 45' })
  pregnancyWeeks?: number;

  @ApiPropertyOptional({ type: [GeneticTestDto], description: 'germline and somatic test results' })
  @IsOptional()
  @IsArray({ message: '$property must be a list' })
  @ArrayMaxSize(100, { message: '$property must have at most 100 entries' })
  @ValidateNested({ each: true })
  @Type(() => GeneticTestDto)
  geneticTests?: GeneticTestDto[];

  @ApiPropertyOptional({
    example: '2026-12-15',
    description:
      'first cancer-directed treatment, given or planned (the prospective-presentation metric); sets the case',
  })
  @IsOptional()
  @Matches(ISO_DATE, { message: '$property must be a date YYYY-MM-DD' })
  @IsDateString({ strict: true }, { message: '$property must be a real calendar date (YYYY-MM-DD)' })
  firstTreatmentDate?: string;

  @ApiPropertyOptional({ description: "the referring doctor's question to the board" })
  @IsOptional()
  @Text(4000)
  referringQuestion?: string;

  @ApiPropertyOptional({ description: "the patient's goals and preferences" })
  @IsOptional()
  @Text(4000)
  patientGoals?: string;
}

export class HistoryAuthorDto {
  @ApiProperty() id!: string;
  @ApiProperty() displayName!: string;
}

/** One version of a case's history; version 0 is the empty history before anyone wrote one. */
export class HistoryVersionDto {
  @ApiProperty() caseId!: string;
  @ApiProperty({ description: '0 before the first version; send it back in If-Match' }) version!: number;
  @ApiProperty({ type: PatientHistoryDto }) document!: PatientHistory;
  @ApiProperty({ type: HistoryAuthorDto, nullable: true }) author!: HistoryAuthorDto | null;
  @ApiProperty({ type: String, nullable: true }) recordedAt!: string | null;
}

export class HistoryVersionPageDto {
  @ApiProperty({ type: [HistoryVersionDto] }) items!: HistoryVersionDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
