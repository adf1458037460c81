import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
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
import { NCT_FORM, NCT_ID, STAGE_GROUP, TNM_FORMS } from '../../common/clinical-codes.js';
import { PHASES, TRIAL_STATUSES, type Phase, type TrialStatus } from '../entities/trial.entity.js';

export class BiomarkerCriterionDto {
  @ApiProperty({ example: 'HER2' }) @IsString() @MinLength(1) @MaxLength(50) name!: string;
  @ApiProperty({ example: '3+' }) @IsString() @MinLength(1) @MaxLength(100) value!: string;
}

export class EligibilityDto {
  @ApiPropertyOptional({ example: ['C50'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(/^C\d{2}(\.\d)?$/, { each: true, message: 'each site must be an ICD-O-3 topography prefix, e.g. C50' })
  sites?: string[];
  @ApiPropertyOptional({ example: ['850', '8520/3'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(/^\d{3,4}(\/[01236])?$/, {
    each: true,
    message: 'each histology must be an ICD-O-3 morphology or its prefix',
  })
  histologies?: string[];
  @ApiPropertyOptional({ example: 'II' })
  @IsOptional()
  @Matches(STAGE_GROUP, { message: `stageMin must be ${TNM_FORMS.stage}` })
  stageMin?: string;
  @ApiPropertyOptional({ example: 'IIIC' })
  @IsOptional()
  @Matches(STAGE_GROUP, { message: `stageMax must be ${TNM_FORMS.stage}` })
  stageMax?: string;
  @ApiPropertyOptional({ type: [BiomarkerCriterionDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => BiomarkerCriterionDto)
  requiredBiomarkers?: BiomarkerCriterionDto[];
  @ApiPropertyOptional({ type: [BiomarkerCriterionDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => BiomarkerCriterionDto)
  excludingBiomarkers?: BiomarkerCriterionDto[];
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(120) ageMin?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(120) ageMax?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(5) ecogMax?: number;
}

export class CreateTrialDto {
  @ApiProperty({ example: 'NCT01234567' }) @Matches(NCT_ID, { message: `nctId must be ${NCT_FORM}` }) nctId!: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(500) title!: string;
  @ApiProperty({ enum: PHASES }) @IsIn(PHASES) phase!: Phase;
  @ApiProperty({ enum: TRIAL_STATUSES }) @IsIn(TRIAL_STATUSES) status!: TrialStatus;
  @ApiProperty({ type: EligibilityDto })
  @IsObject()
  @ValidateNested()
  @Type(() => EligibilityDto)
  eligibility!: EligibilityDto;
}
