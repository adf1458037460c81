import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsDateString,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CLOCK_TIME } from '../../common/clinical-codes.js';
import { ISO_DATE, IsOmittable, IsRealDateTime } from '../../common/transforms.js';

export class DayParams {
  @ApiProperty({ example: '2026-12-03', description: 'the clinic day, in the clinic’s time zone' })
  @Matches(ISO_DATE, { message: 'date must be a date YYYY-MM-DD' })
  @IsDateString({ strict: true }, { message: 'date must be a real date' })
  date!: string;
}

export class EditedAppointmentDto {
  @ApiProperty() @IsString() @MaxLength(50) discipline!: string;
  @ApiProperty() @IsUUID() specialistId!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @IsUUID() roomId?: string | null;
  @ApiProperty({ example: '2026-12-03T16:00:00Z' }) @IsDateString({ strict: true }) start!: string;
  @ApiProperty({ example: '2026-12-03T16:45:00Z' }) @IsDateString({ strict: true }) end!: string;
}

/** `{ date }` plans and books; `{ date, appointments }` books a coordinator's edited itinerary after checking it. */
export class BookItineraryDto extends DayParams {
  @ApiPropertyOptional({ type: [EditedAppointmentDto] })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => EditedAppointmentDto)
  appointments?: EditedAppointmentDto[];

  @ApiPropertyOptional({ example: '10:00', description: 'the patient arrives no earlier (clinic time)' })
  @IsOmittable()
  @Matches(CLOCK_TIME, { message: 'arriveFrom must be a time HH:mm' })
  arriveFrom?: string;

  @ApiPropertyOptional({ example: '11:00', description: 'the first visit starts no later (clinic time)' })
  @IsOmittable()
  @Matches(CLOCK_TIME, { message: 'arriveBy must be a time HH:mm' })
  arriveBy?: string;
}

export class AppointmentDto {
  @ApiProperty() id!: string;
  @ApiProperty() discipline!: string;
  @ApiProperty() specialistId!: string;
  @ApiProperty({ nullable: true, type: String }) roomId!: string | null;
  @ApiProperty() patientAttends!: boolean;
  @ApiProperty() start!: string;
  @ApiProperty() end!: string;
  @ApiProperty({ enum: ['booked', 'cancelled'] }) status!: 'booked' | 'cancelled';
}

export class ItineraryDto {
  @ApiProperty() id!: string;
  @ApiProperty() caseId!: string;
  @ApiProperty() date!: string;
  @ApiProperty({ enum: ['booked', 'cancelled'] }) status!: 'booked' | 'cancelled';
  @ApiProperty({ description: 'minutes from the first to the last patient-attended visit' }) timeInClinic!: number;
  @ApiProperty({ type: [AppointmentDto] }) appointments!: AppointmentDto[];
}

/** Optional, so that a calendar app can subscribe to the bare URL (src/scheduling/calendar-layout.ts). */
export class CalendarRangeQuery {
  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', description: 'default: 30 days ago (or `to` − 210 days)' })
  @IsOptional()
  @IsRealDateTime()
  from?: string;

  @ApiPropertyOptional({
    example: '2027-01-01T00:00:00Z',
    description: 'default: 180 days ahead (or `from` + 210 days)',
  })
  @IsOptional()
  @IsRealDateTime()
  to?: string;
}

export class PlanDayDto {
  @ApiProperty() @IsUUID() clinicId!: string;
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(60)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  caseIds!: string[];
}

export class DayQuery {
  @ApiProperty() @IsUUID() clinicId!: string;
}

export class ProposedAppointmentDto {
  @ApiProperty() discipline!: string;
  @ApiProperty() specialistId!: string;
  @ApiProperty({ nullable: true, type: String }) roomId!: string | null;
  @ApiProperty() patientAttends!: boolean;
  @ApiProperty() start!: string;
  @ApiProperty() end!: string;
}

/** One patient of a day plan, placed: their proposed visits and minutes from first to last attended visit. */
export class PlacedCaseDto {
  @ApiProperty() caseId!: string;
  @ApiProperty({ description: 'minutes from the first to the last patient-attended visit' }) timeInClinic!: number;
  @ApiProperty({ type: [ProposedAppointmentDto] }) appointments!: ProposedAppointmentDto[];
}

/** A patient a plan or a repair could not place, and why in words. */
export class UnplacedCaseDto {
  @ApiProperty() caseId!: string;
  @ApiProperty() reason!: string;
}

export class DayPlanDto {
  @ApiProperty() date!: string;
  @ApiProperty() clinicId!: string;
  @ApiProperty({ type: [PlacedCaseDto] }) placed!: PlacedCaseDto[];
  @ApiProperty({ type: [UnplacedCaseDto] }) unplaced!: UnplacedCaseDto[];
  @ApiProperty({ description: 'Minutes, summed over placed cases' }) totalTimeInClinic!: number;
  @ApiProperty({ description: "Σ of each placed case's shortest day had it been alone: no plan of them is shorter" })
  lowerBound!: number;
  @ApiProperty({ description: 'Every case placed at its lower bound: no plan can be better' }) provenOptimal!: boolean;
}

export class FreeWindowDto {
  @ApiProperty() start!: string;
  @ApiProperty() end!: string;
}

/** A booked appointment on the clinic day; `conflict` when its specialist is no longer free then. */
export class DaySlotDto {
  @ApiProperty() appointmentId!: string;
  @ApiProperty({ description: 'the specialist is no longer free for the whole appointment' }) conflict!: boolean;
  @ApiProperty() caseId!: string;
  @ApiProperty() discipline!: string;
  @ApiProperty() patientAttends!: boolean;
  @ApiProperty() start!: string;
  @ApiProperty() end!: string;
}

export class DaySpecialistDto {
  @ApiProperty() specialistId!: string;
  @ApiProperty({ type: [String] }) disciplines!: string[];
  @ApiProperty({ type: [FreeWindowDto], description: 'availability on the day, booked time included' })
  free!: FreeWindowDto[];
  @ApiProperty({ type: [DaySlotDto] }) appointments!: DaySlotDto[];
}

export class DayRoomDto {
  @ApiProperty() roomId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [DaySlotDto] }) appointments!: DaySlotDto[];
}

/** Who a case of the day is: shown on the timeline by name and MRN, never by colour alone. */
export class DayPatientDto {
  @ApiProperty() caseId!: string;
  @ApiProperty() patientId!: string;
  @ApiProperty() familyName!: string;
  @ApiProperty() givenName!: string;
  @ApiProperty() mrn!: string;
  @ApiProperty() synthetic!: boolean;
}

export class DayViewDto {
  @ApiProperty() date!: string;
  @ApiProperty() clinicId!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ type: [DaySpecialistDto] }) bySpecialist!: DaySpecialistDto[];
  @ApiProperty({ type: [DayRoomDto] }) byRoom!: DayRoomDto[];
  @ApiProperty({
    type: [DayPatientDto],
    description:
      "the day's patients, each disclosure audited; empty for admins, who read patient data only under break-glass",
  })
  patients!: DayPatientDto[];
}

/** An itinerary the repair moved: its appointments before and after. */
export class MovedItineraryDto {
  @ApiProperty() caseId!: string;
  @ApiProperty({ type: [AppointmentDto] }) before!: AppointmentDto[];
  @ApiProperty({ type: [AppointmentDto] }) after!: AppointmentDto[];
}

export class RepairDto {
  @ApiProperty() date!: string;
  @ApiProperty() clinicId!: string;
  @ApiProperty({ type: [MovedItineraryDto] }) moved!: MovedItineraryDto[];
  @ApiProperty({ type: [UnplacedCaseDto] }) unplaced!: UnplacedCaseDto[];
}
