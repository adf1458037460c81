import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { OTHER_STAGING_SYSTEMS } from '../../cases/clinical/staging.js';
import {
  ArrayMaxSize,
  IsArray,
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
import { NCT_FORM, NCT_ID, STAGE_GROUP, TNM_FORMS } from '../../common/clinical-codes.js';
import { PHASES, TRIAL_STATUSES, type Phase, type TrialStatus } from '../entities/trial.entity.js';
import { SingleLine } from '../../common/transforms.js';

export class BiomarkerCriterionDto {
  @ApiProperty({ example: 'HER2' }) @IsString() @SingleLine() @MinLength(1) @MaxLength(50) name!: string;
  @ApiPropertyOptional({
    example: 'positive',
    description: 'the result category as a registry writes it: positive, negative, low, 3+, TPS ≥ 50%',
  })
  @IsOptional()
  @IsString()
  @SingleLine()
  @MinLength(1)
  @MaxLength(100)
  value?: string;
  @ApiPropertyOptional({ example: 'p.V600E', description: 'a gene variant (HGVS)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  variant?: string;
}

export class SystemStageCriterionDto {
  @ApiProperty({ example: 'lugano' }) @IsIn(OTHER_STAGING_SYSTEMS) system!: string;
  @ApiPropertyOptional({ example: 'III' }) @IsOptional() @IsString() @MaxLength(30) min?: string;
  @ApiPropertyOptional({ example: 'IV' }) @IsOptional() @IsString() @MaxLength(30) max?: string;
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
  @ApiPropertyOptional({ enum: ['female', 'male'] }) @IsOptional() @IsIn(['female', 'male']) sex?: 'female' | 'male';
  @ApiPropertyOptional({ example: ['postmenopausal'] })
  @IsOptional()
  @IsArray()
  @IsIn(['premenopausal', 'perimenopausal', 'postmenopausal', 'not_applicable'], { each: true })
  menopausalStatus?: string[];
  @ApiPropertyOptional({ type: SystemStageCriterionDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SystemStageCriterionDto)
  systemStage?: SystemStageCriterionDto;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(20) priorLinesMin?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(20) priorLinesMax?: number;
  @ApiPropertyOptional({ example: ['palbociclib'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  excludedPriorDrugs?: string[];
  @ApiPropertyOptional({ example: ['trastuzumab'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  requiredPriorDrugs?: string[];
  @ApiPropertyOptional({ enum: ['excluded', 'allowed', 'required'] })
  @IsOptional()
  @IsIn(['excluded', 'allowed', 'required'])
  cnsMetastases?: 'excluded' | 'allowed' | 'required';
}

export class CreateTrialDto {
  @ApiPropertyOptional({
    description: 'the clinic that offers the trial; may be left out by a coordinator of exactly one clinic',
  })
  @IsOptional()
  @IsUUID('all', { message: 'clinicId must be the id of a clinic' })
  clinicId?: string;
  @ApiProperty({ example: 'NCT01234567' }) @Matches(NCT_ID, { message: `nctId must be ${NCT_FORM}` }) nctId!: string;
  @ApiProperty() @IsString() @SingleLine() @MinLength(1) @MaxLength(500) title!: string;
  @ApiProperty({ enum: PHASES }) @IsIn(PHASES) phase!: Phase;
  @ApiProperty({ enum: TRIAL_STATUSES }) @IsIn(TRIAL_STATUSES) status!: TrialStatus;
  @ApiProperty({ type: EligibilityDto })
  @IsObject()
  @ValidateNested()
  @Type(() => EligibilityDto)
  eligibility!: EligibilityDto;
}

/** An edit of a listed trial (PATCH with If-Match); what is left out stays. */
export class UpdateTrialDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @SingleLine() @MinLength(1) @MaxLength(500) title?: string;
  @ApiPropertyOptional({ enum: PHASES }) @IsOptional() @IsIn(PHASES) phase?: Phase;
  @ApiPropertyOptional({ enum: TRIAL_STATUSES }) @IsOptional() @IsIn(TRIAL_STATUSES) status?: TrialStatus;
  @ApiPropertyOptional({ type: EligibilityDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EligibilityDto)
  eligibility?: EligibilityDto;
}

export class WithdrawTrialDto {
  @ApiProperty({ example: 'Listed in error: the trial does not enrol in our region' })
  @IsString()
  @MinLength(3, { message: 'reason must say why the trial is withdrawn (at least 3 characters)' })
  @MaxLength(500)
  reason!: string;
}

export class ListTrialsQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID('all', { message: 'clinicId must be the id of a clinic' })
  clinicId?: string;
}
