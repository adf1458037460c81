import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
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
  ValidateNested,
} from 'class-validator';
import { INTENTS, MODALITIES, type Intent, type Modality } from '../../cases/entities/case.entity.js';
import { NCT_FORM, NCT_ID } from '../../common/clinical-codes.js';
import { TreatmentCodingDto } from '../../cases/dto/treatment-coding.dto.js';
import { VOTES, type Vote } from '../consensus.js';
import { SingleLine } from '../../common/transforms.js';

export class PlanItemDto extends TreatmentCodingDto {
  @ApiProperty({ enum: MODALITIES }) @IsIn(MODALITIES) modality!: Modality;
  @ApiProperty({ enum: INTENTS }) @IsIn(INTENTS) intent!: Intent;
  @ApiProperty({ description: 'order: 1 neoadjuvant, 2 surgery, 3 adjuvant …' })
  @IsInt()
  @Min(1)
  @Max(50)
  sequence!: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @SingleLine() @MaxLength(500) description?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) rationale?: string;
  @ApiPropertyOptional({ example: 'NCCN Breast 4.2026 BINV-4' })
  @IsOptional()
  @IsString()
  @SingleLine()
  @MaxLength(200)
  guidelineReference?: string;
  @ApiPropertyOptional({ example: 'NCT01234567' })
  @ValidateIf((o: PlanItemDto) => o.modality === 'clinical_trial' || o.nctId !== undefined)
  @Matches(NCT_ID, { message: `nctId must be ${NCT_FORM} (required for a clinical_trial item)` })
  nctId?: string;
  @ApiPropertyOptional({ description: 'the clinician responsible for this item' })
  @IsOptional()
  @IsUUID()
  responsibleClinicianId?: string;
}

export class PlanBodyDto {
  @ApiProperty({ type: [PlanItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => PlanItemDto)
  items!: PlanItemDto[];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) summary?: string;
}

export class VoteDto {
  @ApiProperty({ enum: VOTES }) @IsIn(VOTES) vote!: Vote;
  @ApiPropertyOptional({ description: 'required when disagreeing' })
  @ValidateIf((o: VoteDto) => o.vote === 'disagree' || o.comment !== undefined)
  @IsString()
  @MinLength(1, { message: 'comment must give the rationale of a disagreement' })
  @MaxLength(4000)
  comment?: string;
}

export class ThirdOpinionDto {
  @ApiProperty() @IsString() @SingleLine() @MinLength(1) @MaxLength(200) reviewer!: string;
  @ApiProperty() @IsString() @SingleLine() @MinLength(1) @MaxLength(200) institution!: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(4000) reason!: string;
}
