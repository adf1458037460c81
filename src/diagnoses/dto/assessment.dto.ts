import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  M_CATEGORY,
  MORPHOLOGY,
  MORPHOLOGY_FORM,
  N_CATEGORY,
  STAGE_GROUP,
  T_CATEGORY,
  TNM_FORMS,
  TOPOGRAPHY,
  TOPOGRAPHY_FORM,
} from '../../common/clinical-codes.js';
import { GRADES, LATERALITIES, type Grade, type Laterality } from '../entities/diagnosis-assessment.entity.js';

export class TnmStageDto {
  @ApiPropertyOptional({ example: 'T2' })
  @IsOptional()
  @Matches(T_CATEGORY, { message: `t must be ${TNM_FORMS.t}` })
  t?: string;
  @ApiPropertyOptional({ example: 'N1a' })
  @IsOptional()
  @Matches(N_CATEGORY, { message: `n must be ${TNM_FORMS.n}` })
  n?: string;
  @ApiPropertyOptional({ example: 'M0' })
  @IsOptional()
  @Matches(M_CATEGORY, { message: `m must be ${TNM_FORMS.m}` })
  m?: string;
  @ApiPropertyOptional({ example: 'IIB' })
  @IsOptional()
  @Matches(STAGE_GROUP, { message: `stageGroup must be ${TNM_FORMS.stage}` })
  stageGroup?: string;
}

export class BiomarkerDto {
  @ApiProperty({ example: 'ER' }) @IsString() @MinLength(1) @MaxLength(50) name!: string;
  @ApiProperty({ example: 'positive (90%)' }) @IsString() @MinLength(1) @MaxLength(100) value!: string;
  @ApiPropertyOptional({ example: 'IHC' }) @IsOptional() @IsString() @MaxLength(100) method?: string;
}

export class AdditionalCancerDto {
  @ApiProperty({ example: 'C50.1' })
  @Matches(TOPOGRAPHY, { message: `primarySite must be ${TOPOGRAPHY_FORM}` })
  primarySite!: string;
  @ApiPropertyOptional({ example: '8500/3' })
  @IsOptional()
  @Matches(MORPHOLOGY, { message: `histology must be ${MORPHOLOGY_FORM}` })
  histology?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) description?: string;
}

/** A diagnosis as a referring doctor or the board states it. */
export class AssessmentDto {
  @ApiProperty({ example: 'C50.4' })
  @Matches(TOPOGRAPHY, { message: `primarySite must be ${TOPOGRAPHY_FORM}` })
  primarySite!: string;

  @ApiPropertyOptional({ example: '8500/3' })
  @IsOptional()
  @Matches(MORPHOLOGY, { message: `histology must be ${MORPHOLOGY_FORM}` })
  histology?: string;

  @ApiPropertyOptional({ enum: LATERALITIES }) @IsOptional() @IsIn(LATERALITIES) laterality?: Laterality;
  @ApiPropertyOptional({ enum: GRADES }) @IsOptional() @IsIn(GRADES) grade?: Grade;

  @ApiPropertyOptional({ type: TnmStageDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TnmStageDto)
  clinicalStage?: TnmStageDto;
  @ApiPropertyOptional({ type: TnmStageDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TnmStageDto)
  pathologicalStage?: TnmStageDto;

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
