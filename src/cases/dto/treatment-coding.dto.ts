import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PROCEDURES, REGIMENS, SETTINGS, type Setting } from '../clinical/management.js';
import { SingleLine } from '../../common/transforms.js';

const PROCEDURE_CODES = Object.keys(PROCEDURES);
const REGIMEN_CODES = Object.keys(REGIMENS);

/**
 * How a treatment item is coded, so that a plan can be compared with the
 * referral's recommendation as an oncologist would: when it is given
 * relative to surgery, which operation, which regimen or drugs, which side.
 * Shared by the referral's recommendation and the board's plan items.
 */
export class TreatmentCodingDto {
  @ApiPropertyOptional({ enum: SETTINGS, description: 'relative to surgery: neoadjuvant, adjuvant, definitive…' })
  @IsOptional()
  @IsIn(SETTINGS)
  setting?: Setting;

  @ApiPropertyOptional({ enum: PROCEDURE_CODES, isArray: true, example: ['mastectomy', 'alnd'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsIn(PROCEDURE_CODES, { each: true, message: `each procedure must be one of ${PROCEDURE_CODES.join(', ')}` })
  procedures?: string[];

  @ApiPropertyOptional({ enum: REGIMEN_CODES, example: 'TCHP', description: 'a common regimen by its name' })
  @IsOptional()
  @IsIn(REGIMEN_CODES, { message: `regimen must be one of ${REGIMEN_CODES.join(', ')} (or list the drugs)` })
  regimen?: string;

  @ApiPropertyOptional({ example: ['letrozole'], description: 'drugs by generic name' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(12)
  @IsString({ each: true })
  @SingleLine({ each: true })
  @MaxLength(80, { each: true })
  drugs?: string[];

  @ApiPropertyOptional({ enum: ['left', 'right', 'bilateral'], description: 'for local treatment' })
  @IsOptional()
  @IsIn(['left', 'right', 'bilateral'])
  laterality?: 'left' | 'right' | 'bilateral';
}
