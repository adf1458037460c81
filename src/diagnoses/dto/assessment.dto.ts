import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { GRADES, type Grade } from '../../cases/clinical/grading.js';
import { OTHER_STAGING_SYSTEMS, STAGE_GROUP_TYPES, type StageGroupType } from '../../cases/clinical/staging.js';
import { LATERALITIES, type Laterality } from '../entities/diagnosis-assessment.entity.js';
import { SingleLine } from '../../common/transforms.js';

/*
 * Formats only: the codes, notation and their consistency are checked by the
 * clinical core (src/cases/clinical/validate.ts) with messages naming the
 * field and what is expected.
 */

export class TnmStageDto {
  @ApiPropertyOptional({
    example: 'cT2',
    description: 'AJCC T with basis prefix and suffixes, e.g. cT2, pT1mi, ypT0, pT2(m)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(30)
  t?: string;
  @ApiPropertyOptional({ example: 'cN1', description: 'e.g. cN0, pN1mi, pN0(i+), pN1a(sn), ypN0' })
  @IsOptional()
  @IsString()
  @MaxLength(30)
  n?: string;
  @ApiPropertyOptional({ example: 'cM0', description: 'e.g. cM0, pM1, M1b, M1a(0)' })
  @IsOptional()
  @IsString()
  @MaxLength(30)
  m?: string;
  @ApiPropertyOptional({ example: 'IIB' })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  stageGroup?: string;
  @ApiPropertyOptional({
    enum: STAGE_GROUP_TYPES,
    description: 'AJCC 8 breast: anatomic (default) or prognostic stage group',
  })
  @IsOptional()
  @IsIn(STAGE_GROUP_TYPES)
  groupType?: StageGroupType;
}

export class SystemStageDto {
  @ApiProperty({ enum: OTHER_STAGING_SYSTEMS, example: 'lugano' })
  @IsIn(OTHER_STAGING_SYSTEMS, { message: `system must be one of ${OTHER_STAGING_SYSTEMS.join(', ')}` })
  system!: string;
  @ApiProperty({ example: 'IIA bulky' }) @IsString() @MinLength(1) @MaxLength(30) stage!: string;
}

export class GleasonDto {
  @ApiProperty({ minimum: 1, maximum: 5 }) @IsInt() @Min(1) @Max(5) primary!: number;
  @ApiProperty({ minimum: 1, maximum: 5 }) @IsInt() @Min(1) @Max(5) secondary!: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 5 }) @IsOptional() @IsInt() @Min(1) @Max(5) tertiary?: number;
}

export const IHC_SCORES = ['0', '1+', '2+', '3+'] as const;
export const ISH_RESULTS = ['amplified', 'not_amplified'] as const;
export const ORIGINS = ['somatic', 'germline'] as const;

/** A biomarker result: the marker, and the result as text and/or structured (percent, IHC score, ISH, variant, TPS/CPS). */
export class BiomarkerDto {
  @ApiProperty({
    example: 'HER2',
    description: 'a standard marker name; synonyms (HER2/neu, ERBB2) are the same marker',
  })
  @IsString()
  @SingleLine()
  @MinLength(1)
  @MaxLength(50)
  name!: string;
  @ApiPropertyOptional({ example: 'positive (IHC 3+)' })
  @IsOptional()
  @IsString()
  @SingleLine()
  @MinLength(1)
  @MaxLength(100)
  value?: string;
  @ApiPropertyOptional({ example: 'IHC' }) @IsOptional() @IsString() @SingleLine() @MaxLength(100) method?: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 100, description: 'percent of cells stained (ER, PR, Ki-67)' })
  @IsOptional()
  @IsNumber()
  // A percentage out of range is a malformed request whoever sends it: refused before who may record is asked.
  @Min(0, { message: 'percent must be between 0 and 100' })
  @Max(100, { message: 'percent must be between 0 and 100' })
  percent?: number;
  @ApiPropertyOptional({ enum: IHC_SCORES }) @IsOptional() @IsIn(IHC_SCORES) ihcScore?: (typeof IHC_SCORES)[number];
  @ApiPropertyOptional({ description: 'HER2/CEP17 ratio' }) @IsOptional() @IsNumber() ishRatio?: number;
  @ApiPropertyOptional({ description: 'mean HER2 signals per cell' }) @IsOptional() @IsNumber() copyNumber?: number;
  @ApiPropertyOptional({ enum: ISH_RESULTS }) @IsOptional() @IsIn(ISH_RESULTS) ishResult?: (typeof ISH_RESULTS)[number];
  @ApiPropertyOptional({ example: 'p.V600E', description: 'HGVS' })
  @IsOptional()
  @IsString()
  @SingleLine()
  @MaxLength(100)
  variant?: string;
  @ApiPropertyOptional({ description: 'PD-L1 tumour proportion score, %' }) @IsOptional() @IsNumber() tps?: number;
  @ApiPropertyOptional({ description: 'PD-L1 combined positive score' }) @IsOptional() @IsNumber() cps?: number;
  @ApiPropertyOptional({ enum: ORIGINS, default: 'somatic' })
  @IsOptional()
  @IsIn(ORIGINS)
  origin?: (typeof ORIGINS)[number];
  @ApiPropertyOptional({
    example: 'pathogenic',
    description: 'e.g. germline: pathogenic, likely pathogenic, VUS, negative',
  })
  @IsOptional()
  @IsString()
  @SingleLine()
  @MaxLength(100)
  result?: string;
}

export const CANCER_STATUSES = ['confirmed', 'ruled_out'] as const;

export class AdditionalCancerDto {
  @ApiProperty({ example: 'C50.1' }) @IsString() @MaxLength(10) primarySite!: string;
  @ApiPropertyOptional({ example: '8500/3' }) @IsOptional() @IsString() @MaxLength(10) histology?: string;
  @ApiPropertyOptional({ enum: LATERALITIES }) @IsOptional() @IsIn(LATERALITIES) laterality?: Laterality;
  @ApiPropertyOptional() @IsOptional() @IsString() @SingleLine() @MaxLength(500) description?: string;
  @ApiPropertyOptional({ enum: CANCER_STATUSES, description: 'ruled_out: a lesion the referral listed is not cancer' })
  @IsOptional()
  @IsIn(CANCER_STATUSES)
  status?: (typeof CANCER_STATUSES)[number];
}

const stage = (description: string) => [
  ApiPropertyOptional({ type: TnmStageDto, description }),
  IsOptional(),
  IsObject(),
  ValidateNested(),
  Type(() => TnmStageDto),
];
const apply =
  (decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const d of decorators) d(target, key);
  };

/** A diagnosis as a referring doctor or the board states it. */
export class AssessmentDto {
  @ApiProperty({ example: 'C50.4', description: 'ICD-O-3 topography (C50.4) or ICD-10-CM (C50.912, mapped)' })
  @IsString()
  @MinLength(1)
  @MaxLength(10)
  primarySite!: string;

  @ApiPropertyOptional({ example: '8500/3' }) @IsOptional() @IsString() @MaxLength(10) histology?: string;
  @ApiPropertyOptional({ enum: LATERALITIES }) @IsOptional() @IsIn(LATERALITIES) laterality?: Laterality;
  @ApiPropertyOptional({
    enum: GRADES,
    description: 'by the site: Nottingham G1–G3 (breast), ISUP GG1–GG5 (prostate), WHO1–4 (CNS), low/high, G1–G4',
  })
  @IsOptional()
  @IsIn(GRADES)
  grade?: Grade;
  @ApiPropertyOptional({ type: GleasonDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => GleasonDto)
  gleason?: GleasonDto;

  @apply(stage('clinical (c) TNM'))
  clinicalStage?: TnmStageDto;
  @apply(stage('pathological (p) TNM'))
  pathologicalStage?: TnmStageDto;
  @apply(stage('post-therapy clinical (yc) TNM'))
  postTherapyClinicalStage?: TnmStageDto;
  @apply(stage('post-therapy pathological (yp) TNM'))
  postTherapyPathologicalStage?: TnmStageDto;
  @apply(stage('recurrence (r) TNM'))
  recurrenceStage?: TnmStageDto;

  @ApiPropertyOptional({ type: [SystemStageDto], description: 'Lugano, FIGO, R-ISS, BCLC…' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => SystemStageDto)
  otherStages?: SystemStageDto[];

  @ApiPropertyOptional({ enum: ['resectable', 'borderline_resectable', 'locally_advanced', 'metastatic'] })
  @IsOptional()
  @IsIn(['resectable', 'borderline_resectable', 'locally_advanced', 'metastatic'])
  resectability?: string;

  @ApiPropertyOptional({ description: 'largest tumour dimension, mm' }) @IsOptional() @IsNumber() tumourSizeMm?: number;
  @ApiPropertyOptional({ description: 'Breslow thickness / depth of invasion, mm' })
  @IsOptional()
  @IsNumber()
  depthMm?: number;

  @ApiPropertyOptional({ example: 8, description: 'AJCC edition, 6–9' })
  @IsOptional()
  @IsInt()
  @Min(6)
  @Max(9)
  ajccEdition?: number;

  @ApiPropertyOptional({ type: [BiomarkerDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => BiomarkerDto)
  biomarkers?: BiomarkerDto[];

  @ApiPropertyOptional({ type: [AdditionalCancerDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => AdditionalCancerDto)
  additionalCancers?: AdditionalCancerDto[];

  @ApiProperty() @IsBoolean() malignant!: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: 5, description: 'ECOG performance status' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(5)
  ecog?: number;
}
