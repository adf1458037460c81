import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  ValidateIf,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { DISCIPLINES, type Discipline } from '../../common/clinical-codes.js';
import { PageQuery } from '../../common/pagination.js';
import {
  AGENDA_MODES,
  PRESENTATION_REASONS,
  SESSION_STATUSES,
  type AgendaMode,
  type PresentationReason,
  type SessionStatus,
} from '../entities/board-session.entity.js';
import type { PresentationStatus } from '../presentation.js';
import { IsRealDateTime, SingleLine } from '../../common/transforms.js';

const REASON_MESSAGE = `presentationReason must be one of ${PRESENTATION_REASONS.join(', ')}`;
const PRESENTATION_REASON_DOC =
  'why the case is presented (CoC Standard 2.5): the first four are prospective management discussions, information_teaching is retrospective';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export class CreateBoardSessionDto {
  @ApiProperty() @IsUUID() clinicId!: string;
  @ApiProperty({ example: 'Breast tumor board' })
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1)
  @MaxLength(200)
  title!: string;
  @ApiProperty({ example: '2026-12-03T19:00:00Z' }) @IsDateString({ strict: true }) startsAt!: string;
  @ApiProperty({ example: '2026-12-03T20:30:00Z' }) @IsDateString({ strict: true }) endsAt!: string;
  @ApiPropertyOptional({ description: 'a clinician member of the clinic' }) @IsOptional() @IsUUID() chairId?: string;
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @SingleLine() @MaxLength(200) location?: string;
  @ApiPropertyOptional({ example: 'https://video.example.org/board' })
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true })
  @MaxLength(500)
  videoUrl?: string;
}

export class UpdateBoardSessionDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1)
  @MaxLength(200)
  title?: string;
  @ApiPropertyOptional() @IsOptional() @IsDateString({ strict: true }) startsAt?: string;
  @ApiPropertyOptional() @IsOptional() @IsDateString({ strict: true }) endsAt?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsUUID() chairId?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MaxLength(200)
  location?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true })
  @MaxLength(500)
  videoUrl?: string | null;
  @ApiPropertyOptional({
    enum: SESSION_STATUSES,
    description: 'scheduled → in_progress → closed; scheduled → cancelled',
  })
  @IsOptional()
  @IsIn(SESSION_STATUSES)
  status?: SessionStatus;
}

export class ListBoardSessionsQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() clinicId?: string;
  @ApiPropertyOptional({ description: 'sessions starting at or after (ISO 8601)' })
  @IsOptional()
  @IsRealDateTime()
  from?: string;
  @ApiPropertyOptional({ description: 'sessions starting before (ISO 8601)' })
  @IsOptional()
  @IsRealDateTime()
  to?: string;
  @ApiPropertyOptional({ description: 'only the sessions with this case on their agenda' })
  @IsOptional()
  @IsUUID()
  caseId?: string;
}

export class AddAgendaItemDto {
  @ApiProperty() @IsUUID() caseId!: string;
  @ApiPropertyOptional({ enum: AGENDA_MODES, default: 'discuss' }) @IsOptional() @IsIn(AGENDA_MODES) mode?: AgendaMode;
  @ApiPropertyOptional({ enum: PRESENTATION_REASONS, description: PRESENTATION_REASON_DOC })
  @IsOptional()
  @IsIn(PRESENTATION_REASONS, { message: REASON_MESSAGE })
  presentationReason?: PresentationReason;
}

/** Either or both; a reason may also be recorded (or corrected) after the session closed. */
export class UpdateAgendaItemDto {
  // Absent keeps the mode; null is not a mode (the column is NOT NULL), so it is refused by name.
  @ApiPropertyOptional({ enum: AGENDA_MODES })
  @ValidateIf((o: UpdateAgendaItemDto) => o.mode !== undefined)
  @IsIn(AGENDA_MODES, { message: `mode must be one of ${AGENDA_MODES.join(', ')}` })
  mode?: AgendaMode;
  @ApiPropertyOptional({
    enum: PRESENTATION_REASONS,
    nullable: true,
    description: `${PRESENTATION_REASON_DOC}; null clears it`,
  })
  @IsOptional()
  @IsIn(PRESENTATION_REASONS, { message: REASON_MESSAGE })
  presentationReason?: PresentationReason | null;
}

export class ReorderAgendaDto {
  @ApiProperty({ type: [String], description: 'every case on the agenda, in the new order' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  caseIds!: string[];
}

export class PresentDto {
  @ApiProperty({ description: 'the case now presented; it must be on the agenda' }) @IsUUID() caseId!: string;
}

export class CheckInDto {
  @ApiProperty({ enum: DISCIPLINES }) @IsIn(DISCIPLINES) discipline!: Discipline;
  @ApiPropertyOptional({ description: 'a coordinator checking someone else in; default: yourself' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

export class CheckOutDto {
  @ApiPropertyOptional({ description: 'a coordinator checking someone else out; default: yourself' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

export class TranscriptQuery {
  @ApiPropertyOptional({ enum: ['json', 'markdown'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'markdown'])
  format?: 'json' | 'markdown';
}

/** Who is presented: what a coordinator checks before moving the agenda on. */
export class AgendaPatientDto {
  @ApiProperty() familyName!: string;
  @ApiProperty() givenName!: string;
  @ApiProperty() mrn!: string;
  @ApiProperty({ example: '1961-05-04' }) birthDate!: string;
  @ApiProperty({ description: 'a made-up patient (demo or test data)' }) synthetic!: boolean;
}

/** The cancer as last assessed (the board's, else a review's, else the referring one). */
export class AgendaDiagnosisDto {
  @ApiProperty({ enum: ['referring', 'pathology_review', 'radiology_review', 'board'] }) source!: string;
  @ApiProperty({ nullable: true, type: String, example: 'C50.4' }) primarySite!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '8500/3' }) histology!: string | null;
}

export class AgendaItemDto {
  @ApiProperty() caseId!: string;
  @ApiProperty({ type: AgendaPatientDto }) patient!: AgendaPatientDto;
  @ApiProperty({ type: AgendaDiagnosisDto, nullable: true }) diagnosis!: AgendaDiagnosisDto | null;
  @ApiProperty() position!: number;
  @ApiProperty({ enum: AGENDA_MODES }) mode!: AgendaMode;
  @ApiProperty() caseStatus!: string;
  @ApiProperty({ nullable: true, type: String }) presentedAt!: string | null;
  @ApiProperty({ enum: PRESENTATION_REASONS, nullable: true, description: PRESENTATION_REASON_DOC })
  presentationReason!: PresentationReason | null;
  @ApiProperty({
    enum: ['prospective', 'retrospective', 'unknown'],
    nullable: true,
    description:
      'CoC 2.5, from the reason and the first treatment date: unknown when the reason, or for a newly diagnosed case the treatment date, is not recorded; null until presented',
  })
  prospectiveStatus!: PresentationStatus | null;
  @ApiProperty({
    nullable: true,
    type: Boolean,
    description: 'prospectiveStatus as a yes/no: null while not presented or unknown',
  })
  prospective!: boolean | null;
}

export class AttendanceEntryDto {
  @ApiProperty() userId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty() discipline!: string;
  @ApiProperty() joinedAt!: string;
  @ApiProperty({ nullable: true, type: String }) leftAt!: string | null;
}

export class QuorumDto {
  @ApiProperty({ type: [String] }) required!: string[];
  @ApiProperty({ type: [String] }) present!: string[];
  @ApiProperty({ type: [String] }) missing!: string[];
  @ApiProperty() met!: boolean;
}

export class AttendanceDto {
  @ApiProperty({ type: [AttendanceEntryDto] }) entries!: AttendanceEntryDto[];
  @ApiProperty({ type: QuorumDto }) quorum!: QuorumDto;
}

export class BoardSessionDto {
  @ApiProperty() id!: string;
  @ApiProperty() clinicId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() startsAt!: string;
  @ApiProperty() endsAt!: string;
  @ApiProperty({ nullable: true, type: String }) chairId!: string | null;
  @ApiProperty({ nullable: true, type: String }) location!: string | null;
  @ApiProperty({ nullable: true, type: String }) videoUrl!: string | null;
  @ApiProperty({ enum: SESSION_STATUSES }) status!: SessionStatus;
  @ApiProperty({ nullable: true, type: String }) presentingCaseId!: string | null;
  @ApiProperty() version!: number;
}

export class BoardSessionDetailDto extends BoardSessionDto {
  @ApiProperty({ type: [AgendaItemDto] }) agenda!: AgendaItemDto[];
  @ApiProperty({ type: AttendanceDto }) attendance!: AttendanceDto;
}

export class BoardSessionListItemDto extends BoardSessionDto {
  @ApiProperty({ description: 'cases on the agenda' }) caseCount!: number;
}

export class BoardSessionPageDto {
  @ApiProperty({ type: [BoardSessionListItemDto] }) items!: BoardSessionListItemDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class BoardEventDto {
  @ApiProperty({ description: 'increasing within the log' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) sessionId!: string | null;
  @ApiProperty({ nullable: true, type: String }) caseId!: string | null;
  @ApiProperty({ example: 'message.posted' }) type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) payload!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String, description: 'the user who caused it' }) actor!: string | null;
  @ApiProperty() at!: string;
}

export class TranscriptDto {
  @ApiProperty({ type: BoardSessionDto }) session!: BoardSessionDto;
  @ApiProperty({ type: AttendanceDto }) attendance!: AttendanceDto;
  @ApiProperty({ type: [AgendaItemDto] }) agenda!: AgendaItemDto[];
  @ApiProperty({
    type: [BoardEventDto],
    description:
      'messages and decisions in order; messages about patients who did not consent to recording are left out',
  })
  events!: BoardEventDto[];
  @ApiProperty({ description: 'messages left out for want of consent to recording' }) omittedMessages!: number;
}

/** `session:join` on the `/board` socket. */
export class JoinSessionMessage {
  @IsUUID() sessionId!: string;
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'number' ? String(value) : value))
  @IsString()
  @Matches(/^\d{1,18}$/, { message: 'afterId must be an event id' })
  afterId?: string;
}

/** `message:post` on the `/board` socket. */
export class PostMessage {
  @IsUUID() sessionId!: string;
  @IsOptional() @IsUUID() caseId?: string;
  @Transform(trim) @IsString() @MinLength(1) @MaxLength(4000) body!: string;
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,100}$/, { message: 'clientMsgId must be 1-100 letters, digits or . _ : -' })
  clientMsgId!: string;
}

export class LeaveSessionMessage {
  @IsUUID() sessionId!: string;
}

/**
 * What the presenter has on screen, for "follow the presenter": the record
 * open (none: the case's overview), its page, and the view's zoom and centre
 * in the viewer's own coordinates (an image: OpenSeadragon viewport units,
 * x 0–1 across the width; a PDF: the zoom factor and the centre as fractions
 * of the page). The pointer, when shown, in the same units.
 */
export class PresenterViewDto {
  @ApiProperty({ description: 'the case on screen; it must be the one being presented' }) @IsUUID() caseId!: string;
  @ApiProperty({ nullable: true, type: String, description: 'the record open, or null for none' })
  @IsOptional()
  @IsUUID()
  recordId!: string | null;
  @ApiPropertyOptional({ description: 'PDF: the page open, 1-based' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000)
  page?: number;
  @ApiProperty({ description: 'zoom: 1 fits the width' }) @IsNumber() @Min(0.01) @Max(1000) zoom!: number;
  @ApiProperty({ description: 'centre of the view, across' }) @IsNumber() @Min(-10) @Max(10) x!: number;
  @ApiProperty({ description: 'centre of the view, down' }) @IsNumber() @Min(-10) @Max(10) y!: number;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'the pointer, across (null: not shown)' })
  @IsOptional()
  @IsNumber()
  @Min(-10)
  @Max(10)
  pointerX?: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'the pointer, down' })
  @IsOptional()
  @IsNumber()
  @Min(-10)
  @Max(10)
  pointerY?: number | null;
}

/** `presenter:view` on the `/board` socket: the same view, on the connection the room already has open. */
export class PresenterViewMessage extends PresenterViewDto {
  @IsUUID() sessionId!: string;
}

export class PresenterViewAckDto {
  @ApiProperty({ description: 'the event log id of this view' }) eventId!: string;
}
