import type { Selector } from '../selector.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { DISCIPLINES, type Discipline } from '../../common/clinical-codes.js';
import { IsRealDateTime } from '../../common/transforms.js';
import {
  EVIDENCE_SOURCES,
  MANAGEMENT_IMPACTS,
  type EvidenceSource,
  type ManagementImpact,
} from '../../cases/clinical/comparison.js';
import {
  FINDING_TYPES,
  VERIFICATIONS,
  type FindingType,
  type Verification,
} from '../entities/diagnosis-change.entity.js';
import { AssessmentDto } from './assessment.dto.js';
import { SingleLine } from '../../common/transforms.js';

export const REVIEW_SOURCES = ['pathology_review', 'radiology_review', 'board'] as const;
export type ReviewSource = (typeof REVIEW_SOURCES)[number];

/** A review or the board's diagnosis of a case (the referring one comes with the referral). */
export class RecordAssessmentDto extends AssessmentDto {
  @ApiProperty({ enum: REVIEW_SOURCES }) @IsIn(REVIEW_SOURCES) source!: ReviewSource;

  @ApiPropertyOptional({ enum: EVIDENCE_SOURCES, isArray: true, description: 'board: what the change rests on' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(EVIDENCE_SOURCES, { each: true })
  evidenceSources?: EvidenceSource[];

  @ApiPropertyOptional({ enum: DISCIPLINES, description: 'board: the discipline that drove the change' })
  @IsOptional()
  @IsIn(DISCIPLINES)
  drivingDiscipline?: Discipline;

  @ApiPropertyOptional({ enum: MANAGEMENT_IMPACTS, description: "board: the chair's call on management impact" })
  @IsOptional()
  @IsIn(MANAGEMENT_IMPACTS)
  managementImpact?: ManagementImpact;

  @ApiPropertyOptional({
    type: [String],
    description: "the annotations (findings marked on the case's records) the review rests on",
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  evidenceAnnotationIds?: string[];
}

export class VerificationDto {
  @ApiProperty({ enum: VERIFICATIONS }) @IsIn(VERIFICATIONS) outcome!: Verification;
  @ApiPropertyOptional({ example: 'surgical pathology 2027-01-10' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  basis?: string;
}

export class RegionDto {
  @ApiProperty() @IsNumber() @Min(0) x!: number;
  @ApiProperty() @IsNumber() @Min(0) y!: number;
  @ApiProperty() @IsNumber() @Min(0) width!: number;
  @ApiProperty() @IsNumber() @Min(0) height!: number;
}

/** Where on a record: a page (and region) of a document, or slide coordinates. */
export class AnchorDto {
  @ApiProperty({ enum: ['page', 'slide'] }) @IsIn(['page', 'slide']) kind!: 'page' | 'slide';
  @ApiPropertyOptional({ description: 'page: 1-based' }) @IsOptional() @IsInt() @Min(1) @Max(100000) page?: number;
  @ApiPropertyOptional({ type: RegionDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RegionDto)
  region?: RegionDto;
  @ApiPropertyOptional({ description: 'slide: label or id' })
  @IsOptional()
  @IsString()
  @SingleLine()
  @MaxLength(100)
  slide?: string;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0) x?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0) y?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() @Min(0) @Max(1000) zoom?: number;
}

export class AnnotationInputDto {
  @ApiProperty({ type: AnchorDto }) @IsObject() @ValidateNested() @Type(() => AnchorDto) anchor!: AnchorDto;
  @ApiPropertyOptional({
    description:
      'the place as a W3C Web Annotation selector: on an image a FragmentSelector (media fragments, ' +
      '"xywh=pixel:x,y,w,h") or an SvgSelector (one circle, polygon or path, image pixels); on a PDF a ' +
      'FragmentSelector (RFC 3778, "page=N") refinedBy the region in PDF units. Derived from the anchor when omitted.',
    example: {
      type: 'FragmentSelector',
      conformsTo: 'http://www.w3.org/TR/media-frags/',
      value: 'xywh=pixel:120,80,400,300',
    },
    type: 'object',
    additionalProperties: {},
  })
  @IsOptional()
  @IsObject()
  selector?: Record<string, unknown>;
  @ApiProperty({ enum: FINDING_TYPES }) @IsIn(FINDING_TYPES) findingType!: FindingType;
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    example: { histology: '8520/3' },
    description: 'coded values: histologic_type {histology}, grade {grade}, receptor_status {marker, value}, …',
  })
  @IsObject()
  values!: Record<string, string | number | boolean>;
  @ApiProperty()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(10000)
  text!: string;
}

export class CreateAnnotationDto extends AnnotationInputDto {
  @ApiProperty() @IsUUID() recordId!: string;
}

/** An annotation's target as the Web Annotation model writes it: the record, and where on it. */
export class AnnotationTargetDto {
  @ApiProperty({ example: 'urn:uuid:5b0c…', description: 'the record' }) source!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'absent: the whole record' })
  selector?: Selector;
}

/** One version of an annotation (amendments are new versions; none is ever changed). */
export class AnnotationResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() caseId!: string;
  @ApiProperty() recordId!: string;
  @ApiProperty({ type: AnchorDto }) anchor!: AnchorDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'W3C Web Annotation selector; null: the whole record',
  })
  selector!: Selector | null;
  @ApiProperty({ type: AnnotationTargetDto }) target!: AnnotationTargetDto;
  @ApiProperty({ enum: FINDING_TYPES }) findingType!: FindingType;
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    description: 'the coded values of the finding',
  })
  values!: Record<string, string | number | boolean>;
  @ApiProperty() text!: string;
  @ApiProperty({ description: '1 for the first, then each amendment' }) version!: number;
  @ApiProperty({ type: String, nullable: true, description: 'the version this one amends' }) supersedesId!:
    string | null;
  @ApiProperty({ type: String, nullable: true }) authorId!: string | null;
  @ApiProperty({ enum: DISCIPLINES }) authorDiscipline!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ReportQuery {
  @ApiProperty() @IsUUID() clinicId!: string;
  @ApiProperty({ example: '2026-01-01' }) @IsRealDateTime() from!: string;
  @ApiProperty({ example: '2027-01-01', description: 'exclusive' }) @IsRealDateTime() to!: string;
  @ApiPropertyOptional({ enum: ['json', 'csv'] }) @IsOptional() @IsIn(['json', 'csv']) format?: 'json' | 'csv';
}

export class ConferenceReportQuery {
  @ApiProperty() @IsUUID() clinicId!: string;
  @ApiProperty({ example: 2026 })
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;
  @ApiPropertyOptional({ description: 'annual analytic caseload, for the case-volume figure' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  caseload?: number;
}
