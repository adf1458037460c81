import { ApiProperty } from '@nestjs/swagger';
import { IsDateString, Matches } from 'class-validator';
import { ISO_DATE } from '../../common/transforms.js';

export class BookItineraryDto {
  @ApiProperty({ example: '2026-12-03', description: 'the clinic day, in the clinic’s time zone' })
  @Matches(ISO_DATE, { message: 'date must be a date YYYY-MM-DD' })
  @IsDateString({ strict: true }, { message: 'date must be a real date' })
  date!: string;
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

export class CalendarRangeQuery {
  @ApiProperty({ example: '2026-12-01T00:00:00Z' }) @IsDateString() from!: string;
  @ApiProperty({ example: '2027-01-01T00:00:00Z' }) @IsDateString() to!: string;
}
