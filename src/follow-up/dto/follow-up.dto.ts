import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
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
} from 'class-validator';
import { PostponementDto } from '../../board/dto/postponement.dto.js';
import { IsOmittable, IsRealDate, SingleLine } from '../../common/transforms.js';
import {
  ACTION_ITEM_STATUSES,
  RECOMMENDATION_OUTCOMES,
  type ActionItemStatus,
  type RecommendationOutcome,
} from '../entities/follow-up.entity.js';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** POST /cases/:id/action-items */
export class CreateActionItemDto {
  @ApiProperty({ format: 'uuid', description: 'a signed plan version of the case' })
  @IsUUID('all', { message: 'planId must be the id of a signed plan version of the case' })
  planId!: string;

  @ApiPropertyOptional({ description: 'the plan item this action carries out (its sequence)', minimum: 1 })
  @IsOptional()
  @IsInt({ message: 'planItemSequence must be the sequence of one of the plan’s items' })
  @Min(1)
  @Max(50)
  planItemSequence?: number;

  @ApiProperty({ example: 'Book neoadjuvant TCHP, cycle 1', maxLength: 500 })
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1, { message: 'description must say what is to be done' })
  @MaxLength(500)
  description!: string;

  @ApiProperty({ format: 'uuid', description: 'an active clinician who is a member of the case’s clinic' })
  @IsUUID('all', { message: 'responsibleClinicianId must name the responsible clinician (a user id)' })
  responsibleClinicianId!: string;

  @ApiProperty({ example: '2026-12-18', format: 'date' })
  @Matches(DATE, { message: 'dueDate must be a date YYYY-MM-DD' })
  @IsRealDate()
  dueDate!: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

/** PATCH /action-items/:id (If-Match) */
export class UpdateActionItemDto {
  @ApiPropertyOptional({ enum: ACTION_ITEM_STATUSES })
  @IsOmittable()
  @IsIn(ACTION_ITEM_STATUSES, { message: `status must be one of ${ACTION_ITEM_STATUSES.join(', ')}` })
  status?: ActionItemStatus;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    format: 'date',
    description:
      'when the treatment started (clinic’s calendar): not in the future, not before the plan was signed; null clears a wrong one',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @Matches(DATE, { message: 'treatmentStartedOn must be a date YYYY-MM-DD, or null' })
  @IsRealDate()
  treatmentStartedOn?: string | null;

  @ApiPropertyOptional({ format: 'date' })
  @IsOmittable()
  @Matches(DATE, { message: 'dueDate must be a date YYYY-MM-DD' })
  @IsRealDate()
  dueDate?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOmittable()
  @IsUUID('all', { message: 'responsibleClinicianId must name the responsible clinician (a user id)' })
  responsibleClinicianId?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @SingleLine()
  @MinLength(1, { message: 'description must say what is to be done' })
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 2000 })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MaxLength(2000)
  note?: string | null;
}

export class ListActionItemsQuery {
  @ApiPropertyOptional({
    enum: ['me', 'all'],
    default: 'me',
    description: 'me: the caller’s items; all: every item in the clinics the caller is a member of',
  })
  @IsOptional()
  @IsIn(['me', 'all'], { message: 'assignee must be me or all' })
  assignee?: 'me' | 'all';

  @ApiPropertyOptional({ enum: ACTION_ITEM_STATUSES })
  @IsOptional()
  @IsIn(ACTION_ITEM_STATUSES, { message: `status must be one of ${ACTION_ITEM_STATUSES.join(', ')}` })
  status?: ActionItemStatus;
}

export class ActionItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ example: 'C-1A2B3C4D' }) caseReference!: string;
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty({ nullable: true, type: Number }) planItemSequence!: number | null;
  @ApiProperty() description!: string;
  @ApiProperty({ format: 'uuid' }) responsibleClinicianId!: string;
  @ApiProperty() responsibleClinicianName!: string;
  @ApiProperty({ format: 'date' }) dueDate!: string;
  @ApiProperty({ enum: ACTION_ITEM_STATUSES }) status!: ActionItemStatus;
  @ApiProperty({ description: 'open and past its due date in the clinic’s time zone' }) overdue!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) treatmentStartedOn!: string | null;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ nullable: true, type: String }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() version!: number;
}

export class TaskDto extends ActionItemDto {
  @ApiProperty({ description: 'the patient as the app shows them ("Family, Given")' }) patientName!: string;
  @ApiProperty({ description: 'the case’s clinic time zone (IANA)' }) timeZone!: string;
}

/** PUT /cases/:id/recommendation-outcome */
export class RecordOutcomeDto {
  @ApiProperty({ enum: RECOMMENDATION_OUTCOMES })
  @IsIn(RECOMMENDATION_OUTCOMES, { message: `outcome must be one of ${RECOMMENDATION_OUTCOMES.join(', ')}` })
  outcome!: RecommendationOutcome;

  @ApiPropertyOptional({ description: 'required when the recommendation was modified or declined', maxLength: 1000 })
  @ValidateIf((o: RecordOutcomeDto) => o.outcome === 'modified' || o.outcome === 'declined' || o.reason !== undefined)
  @Transform(trim)
  @IsString({ message: 'reason must say why the recommendation was modified or declined' })
  @MinLength(3, { message: 'reason must say why the recommendation was modified or declined (at least 3 characters)' })
  @MaxLength(1000)
  reason?: string;
}

export class OutcomeEntryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty({ enum: RECOMMENDATION_OUTCOMES }) outcome!: RecommendationOutcome;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String }) recordedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) recordedByName!: string | null;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class RecommendationOutcomeDto {
  @ApiProperty({ type: OutcomeEntryDto, nullable: true, description: 'the latest entry; null when none is recorded' })
  current!: OutcomeEntryDto | null;
  @ApiProperty({ type: [OutcomeEntryDto], description: 'every entry, oldest first' }) history!: OutcomeEntryDto[];
}

export class FollowUpTimesDto {
  @ApiProperty({ format: 'date', description: 'the referral (case created), in the clinic’s calendar' })
  referredOn!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) firstPresentedOn!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date', description: 'earliest start recorded on an item' })
  firstTreatmentStartedOn!: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'referral → first board presentation; null until presented',
  })
  referralToBoardDays!: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'first presentation → first recorded treatment start; null until both are known',
  })
  boardToTreatmentDays!: number | null;
}

export class SignedPlanItemDto {
  @ApiProperty() sequence!: number;
  @ApiProperty() modality!: string;
  @ApiProperty() intent!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ nullable: true, type: String }) responsibleClinicianId!: string | null;
}

export class SignedPlanDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() number!: number;
  @ApiProperty({ format: 'date-time' }) signedAt!: string;
  @ApiProperty({ type: [SignedPlanItemDto] }) items!: SignedPlanItemDto[];
}

export class ClinicianChoiceDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() displayName!: string;
}

export class FollowUpDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ type: SignedPlanDto, nullable: true, description: 'the latest signed plan version, if any' })
  signedPlan!: SignedPlanDto | null;
  @ApiProperty({
    type: [ClinicianChoiceDto],
    description: 'who may be named responsible (active clinicians of the clinic)',
  })
  clinicians!: ClinicianChoiceDto[];
  @ApiProperty({ type: [ActionItemDto] }) actionItems!: ActionItemDto[];
  @ApiProperty({ type: RecommendationOutcomeDto }) outcome!: RecommendationOutcomeDto;
  @ApiProperty({ type: [PostponementDto] }) postponements!: PostponementDto[];
  @ApiProperty({ type: FollowUpTimesDto }) times!: FollowUpTimesDto;
}
