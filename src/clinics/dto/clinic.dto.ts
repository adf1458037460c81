import { ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  CLOCK_TIME,
  CONSENSUS_RULES,
  DISCIPLINES,
  RECORD_TYPES,
  TOPOGRAPHY_PATTERN,
  TOPOGRAPHY_PATTERN_FORM,
  type ConsensusRule,
  type Discipline,
  type RecordType,
} from '../../common/clinical-codes.js';
import { IsIanaTimeZone } from '../../common/time-zone.js';
import { trim, SingleLine } from '../../common/transforms.js';

export class RequiredDisciplineDto {
  @ApiProperty({ enum: DISCIPLINES }) @IsIn(DISCIPLINES) discipline!: Discipline;
  @ApiProperty({ minimum: 5, maximum: 480 }) @IsInt() @Min(5) @Max(480) minutes!: number;
  @ApiProperty() @IsBoolean() patientAttends!: boolean;
}

export class PrecedenceRuleDto {
  @ApiProperty({ enum: DISCIPLINES }) @IsIn(DISCIPLINES) before!: Discipline;
  @ApiProperty({ enum: DISCIPLINES }) @IsIn(DISCIPLINES) after!: Discipline;
}

export class ReadinessRuleDto {
  @ApiProperty({ enum: RECORD_TYPES }) @IsIn(RECORD_TYPES) recordType!: RecordType;
  @ApiProperty({ minimum: 1, maximum: 3650 }) @IsInt() @Min(1) @Max(3650) maxAgeDays!: number;
}

export class ClinicBodyDto {
  @ApiProperty({ example: 'Breast Multidisciplinary Clinic' })
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'America/Denver' }) @IsIanaTimeZone() timeZone!: string;

  @ApiProperty({ example: '08:00' })
  @Matches(CLOCK_TIME, { message: 'dayStart must be a time HH:mm' })
  dayStart!: string;

  @ApiProperty({ example: '17:00' })
  @Matches(CLOCK_TIME, { message: 'dayEnd must be a time HH:mm' })
  dayEnd!: string;

  @ApiProperty({ example: ['C50'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(TOPOGRAPHY_PATTERN, { each: true, message: `each of cancerTypes must be ${TOPOGRAPHY_PATTERN_FORM}` })
  cancerTypes!: string[];

  @ApiProperty({ type: [RequiredDisciplineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => RequiredDisciplineDto)
  requiredDisciplines!: RequiredDisciplineDto[];

  @ApiProperty({ type: [PrecedenceRuleDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PrecedenceRuleDto)
  precedence!: PrecedenceRuleDto[];

  @ApiProperty({ enum: RECORD_TYPES, isArray: true })
  @IsArray()
  @ArrayUnique()
  @IsIn(RECORD_TYPES, { each: true })
  requiredRecordTypes!: RecordType[];

  @ApiProperty({ type: [ReadinessRuleDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ReadinessRuleDto)
  readinessRules!: ReadinessRuleDto[];

  @ApiProperty({ enum: DISCIPLINES, isArray: true })
  @IsArray()
  @ArrayUnique()
  @IsIn(DISCIPLINES, { each: true })
  quorumDisciplines!: Discipline[];

  @ApiProperty({ enum: CONSENSUS_RULES }) @IsIn(CONSENSUS_RULES) consensusRule!: ConsensusRule;
}

export class ClinicResponseDto extends ClinicBodyDto {
  @ApiProperty() id!: string;
  @ApiProperty() version!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class ClinicPageDto {
  @ApiProperty({ type: [ClinicResponseDto] }) items!: ClinicResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class CreateRoomDto {
  @ApiProperty() @IsUUID('all', { message: 'clinicId must be a UUID' }) clinicId!: string;
  @ApiProperty() @Transform(trim) @IsString() @SingleLine() @MinLength(1) @MaxLength(100) name!: string;
}

export class RoomResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() clinicId!: string;
  @ApiProperty() name!: string;
}

export class ListRoomsQuery {
  @ApiProperty() @IsUUID('all', { message: 'clinicId must be a UUID' }) clinicId!: string;
}
