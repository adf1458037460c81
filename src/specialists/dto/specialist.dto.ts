import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
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
  ValidateNested,
} from 'class-validator';
import { CLOCK_TIME, DISCIPLINES, type Discipline } from '../../common/clinical-codes.js';
import { IsOmittable, SingleLine, trim } from '../../common/transforms.js';
import { PROFESSIONS, type Profession } from '../professions.js';

export class CreateSpecialistDto {
  @ApiProperty() @IsUUID() userId!: string;

  @ApiProperty({ enum: DISCIPLINES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(DISCIPLINES, { each: true })
  disciplines!: Discipline[];

  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  clinicIds!: string[];
}

export class WeeklyWindowDto {
  @ApiProperty({ minimum: 1, maximum: 7, description: 'ISO weekday, 1 = Monday' })
  @IsInt()
  @Min(1)
  @Max(7)
  weekday!: number;
  @ApiProperty({ example: '08:00' }) @Matches(CLOCK_TIME, { message: 'start must be a time HH:mm' }) start!: string;
  @ApiProperty({ example: '12:00' }) @Matches(CLOCK_TIME, { message: 'end must be a time HH:mm' }) end!: string;
}

export class SetAvailabilityDto {
  @ApiProperty() @IsUUID() clinicId!: string;

  @ApiProperty({ type: [WeeklyWindowDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => WeeklyWindowDto)
  windows!: WeeklyWindowDto[];
}

export class CreateExceptionDto {
  @ApiProperty() @IsUUID() clinicId!: string;
  @ApiProperty({ example: '2026-12-24' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' })
  @IsDateString({ strict: true }, { message: 'date must be a real date' })
  date!: string;
  @ApiProperty({ enum: ['away', 'extra'] }) @IsIn(['away', 'extra']) kind!: 'away' | 'extra';
  @ApiPropertyOptional() @IsOmittable() @Matches(CLOCK_TIME, { message: 'start must be a time HH:mm' }) start?: string;
  @ApiPropertyOptional() @IsOmittable() @Matches(CLOCK_TIME, { message: 'end must be a time HH:mm' }) end?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @SingleLine() @MaxLength(500) reason?: string;
}

export class AvailabilityQuery {
  @ApiProperty() @IsUUID() clinicId!: string;
  @ApiProperty({ example: '2026-12-01' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' })
  @IsDateString({ strict: true }, { message: 'date must be a real date' })
  date!: string;
}

export class ListSpecialistsQuery {
  @ApiProperty() @IsUUID() clinicId!: string;
}

export class SpecialistResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() userId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: DISCIPLINES, isArray: true }) disciplines!: Discipline[];
  @ApiProperty({ type: [String] }) clinicIds!: string[];
  @ApiProperty({ enum: PROFESSIONS, nullable: true, description: 'null: not recorded' }) profession!: Profession | null;
  @ApiProperty({ type: String, nullable: true, description: 'null: not recorded' }) credentials!: string | null;
}

export class IntervalDto {
  @ApiProperty() start!: string;
  @ApiProperty() end!: string;
}

export class DayAvailabilityDto {
  @ApiProperty() date!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ type: [IntervalDto] }) free!: IntervalDto[];
}

export class UpdateSpecialistDto {
  @ApiPropertyOptional({ enum: DISCIPLINES, isArray: true })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(DISCIPLINES, { each: true })
  disciplines?: Discipline[];

  @ApiPropertyOptional({ enum: PROFESSIONS, nullable: true, description: 'for CME rosters; null: not recorded' })
  @IsOptional()
  @IsIn(PROFESSIONS)
  profession?: Profession | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 100,
    example: 'MD, PhD',
    description: 'post-nominal credentials; null: not recorded',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @SingleLine()
  credentials?: string | null;
}

export class WeeklyAvailabilityQuery {
  @ApiProperty() @IsUUID() clinicId!: string;
}

export class WeeklyAvailabilityDto {
  @ApiProperty() clinicId!: string;
  @ApiProperty({ description: "the clinic's time zone: the windows are its wall-clock times" }) timeZone!: string;
  @ApiProperty({ type: [WeeklyWindowDto] }) windows!: WeeklyWindowDto[];
}

export class ListExceptionsQuery {
  @ApiProperty() @IsUUID() clinicId!: string;
  @ApiPropertyOptional({ example: '2026-12-01', description: 'from this date on (inclusive); all when omitted' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be YYYY-MM-DD' })
  @IsDateString({ strict: true }, { message: 'from must be a real date' })
  from?: string;
}

export class ExceptionResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() clinicId!: string;
  @ApiProperty({ example: '2026-12-24' }) date!: string;
  @ApiProperty({ enum: ['away', 'extra'] }) kind!: 'away' | 'extra';
  @ApiProperty({ nullable: true, type: String, description: 'HH:mm; null for a whole day away' }) start!: string | null;
  @ApiProperty({ nullable: true, type: String }) end!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
}
