import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsDateString,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  IsUrl,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { RECORD_TYPES, type RecordType } from '../../common/clinical-codes.js';
import { IsPastDate, ISO_DATE, trim, SingleLine } from '../../common/transforms.js';

export class WaiverDto {
  @ApiProperty({ enum: RECORD_TYPES }) @IsIn(RECORD_TYPES) item!: RecordType;
  @ApiProperty({ example: 'Outside MRI from 2026-09 judged sufficient by radiology' })
  @Transform(trim)
  @IsString()
  @MinLength(5)
  @MaxLength(2000)
  reason!: string;
}

/** Fields sent with an uploaded file (multipart form fields). */
export class RecordFieldsDto {
  @ApiProperty({ enum: RECORD_TYPES }) @IsIn(RECORD_TYPES) type!: RecordType;
  @ApiPropertyOptional({ example: '2026-10-02' })
  @IsOptional()
  @Matches(ISO_DATE, { message: 'documentDate must be a date YYYY-MM-DD' })
  @IsDateString({ strict: true }, { message: 'documentDate must be a real date' })
  @IsPastDate({ what: 'the date of the document' })
  documentDate?: string;
  @ApiPropertyOptional({ example: 'St. Elsewhere Hospital' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MaxLength(200)
  source?: string;
  @ApiPropertyOptional({ description: 'the record this one corrects' }) @IsOptional() @IsUUID() supersedesId?: string;
}

export class ImagingReferenceDto extends RecordFieldsDto {
  @ApiProperty({ example: '1.2.840.113619.2.55.3.604688119.868.1249343483.504' })
  @Matches(/^[0-9]+(\.[0-9]+)*$/, { message: 'studyUid must be a DICOM UID (digits and dots)' })
  @MaxLength(64)
  studyUid!: string;

  @ApiProperty({ example: 'https://pacs.example.org/dicomweb/studies/1.2.840...' })
  @IsUrl(
    { protocols: ['https', 'http'], require_protocol: true, require_tld: false },
    { message: 'url must be an http(s) DICOMweb URL' },
  )
  @MaxLength(2000)
  url!: string;
}

export class RecordResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() caseId!: string;
  @ApiProperty({ enum: RECORD_TYPES }) type!: RecordType;
  @ApiProperty({ enum: ['file', 'dicomweb'] }) kind!: 'file' | 'dicomweb';
  @ApiProperty({ nullable: true, type: String }) documentDate!: string | null;
  @ApiProperty({ nullable: true, type: String }) source!: string | null;
  @ApiProperty({ nullable: true, type: String }) mediaType!: string | null;
  @ApiProperty({ nullable: true, type: Number }) sizeBytes!: number | null;
  @ApiProperty({ nullable: true, type: String }) sha256!: string | null;
  @ApiProperty({ nullable: true, type: String }) studyUid!: string | null;
  @ApiProperty({ nullable: true, type: String }) url!: string | null;
  @ApiProperty({ nullable: true, type: String }) supersedesId!: string | null;
  @ApiProperty({ nullable: true, type: String }) supersededBy!: string | null;
  @ApiProperty() createdAt!: string;
}

export class ReadinessWaivedDto {
  @ApiProperty() reason!: string;
  @ApiProperty({ description: 'who waived it (user id)' }) by!: string;
  @ApiProperty() at!: string;
}

export class ReadinessItemDto {
  @ApiProperty({ enum: RECORD_TYPES }) item!: RecordType;
  @ApiProperty({ enum: ['current', 'stale', 'missing'] }) status!: 'current' | 'stale' | 'missing';
  @ApiProperty({ description: 'why, in words' }) reason!: string;
  @ApiPropertyOptional({ description: "the clinic's limit on the record's age" }) maxAgeDays?: number;
  @ApiPropertyOptional({ type: ReadinessWaivedDto }) waived?: ReadinessWaivedDto;
}

/** Whether a case has what its clinic requires before it can be scheduled. */
export class ReadinessReportDto {
  @ApiProperty() caseId!: string;
  @ApiProperty({ description: 'every item current or waived' }) ready!: boolean;
  @ApiProperty({ type: [ReadinessItemDto] }) items!: ReadinessItemDto[];
}

/** An image record's Deep Zoom descriptor: what OpenSeadragon needs to fetch its tiles. */
export class RecordDziDto {
  @ApiProperty({ description: 'pixels' }) width!: number;
  @ApiProperty({ description: 'pixels' }) height!: number;
  @ApiProperty({ description: 'pixels per tile side' }) tileSize!: number;
  @ApiProperty({ description: 'pixels each tile overlaps its neighbours' }) overlap!: number;
  @ApiProperty({ enum: ['jpeg'] }) format!: 'jpeg';
  @ApiProperty({ description: 'the highest level (full size); level 0 is one pixel' }) maxLevel!: number;
  @ApiProperty({ description: 'tile URL with {level}, {col} and {row} to fill in' }) tileUrl!: string;
}
