import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PROFESSIONS, type Profession } from '../../specialists/professions.js';

export const ROSTER_FORMATS = ['json', 'csv', 'pdf'] as const;
export type RosterFormat = (typeof ROSTER_FORMATS)[number];
export const COUNTED_UNTIL = ['checked_out', 'session_end', 'session_closed', 'now'] as const;

export class RosterFormatQuery {
  @ApiPropertyOptional({ enum: ROSTER_FORMATS, description: 'json (default), csv or pdf; or ask by Accept' })
  @IsOptional()
  @IsIn(ROSTER_FORMATS)
  format?: RosterFormat;
}

export class YearRosterQuery extends RosterFormatQuery {
  @ApiProperty() @IsUUID() clinicId!: string;
}

export class YearCertificateQuery {
  @ApiProperty() @IsUUID() clinicId!: string;
}

export class RosterStayDto {
  @ApiProperty({ description: 'the discipline the person attended for' }) discipline!: string;
  @ApiProperty({ format: 'date-time' }) joinedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'null: never checked out' })
  leftAt!: string | null;
  @ApiProperty({ format: 'date-time', description: 'counted from: check-in, or the start if checked in earlier' })
  countedFrom!: string;
  @ApiProperty({ format: 'date-time' }) countedTo!: string;
  @ApiProperty({
    enum: COUNTED_UNTIL,
    description:
      "why the stay's counted time ends there: the check-out (but never past the session's closing), or for a stay never checked out the earliest of the session's scheduled end, its closing, and now",
  })
  countedUntil!: (typeof COUNTED_UNTIL)[number];
  @ApiProperty({ description: 'whole minutes counted' }) minutes!: number;
}

export class RosterAttendeeDto {
  @ApiProperty() userId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: PROFESSIONS, nullable: true, description: 'null: not recorded' }) profession!: Profession | null;
  @ApiProperty({ type: String, nullable: true }) credentials!: string | null;
  @ApiProperty({ type: [String] }) disciplines!: string[];
  @ApiProperty({ type: [RosterStayDto] }) stays!: RosterStayDto[];
  @ApiProperty({ description: 'total whole minutes (overlapping stays counted once)' }) minutes!: number;
  @ApiProperty({ description: 'minutes / 60, rounded down to the quarter hour' }) creditHours!: number;
}

export class RosterSessionDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ enum: ['scheduled', 'in_progress', 'closed', 'cancelled'] }) status!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) closedAt!: string | null;
}

export class SessionRosterDto {
  @ApiProperty() clinicId!: string;
  @ApiProperty() clinicName!: string;
  @ApiProperty({ description: "the clinic's time zone, in which the CSV and PDF give times" }) timeZone!: string;
  @ApiProperty({ type: RosterSessionDto }) session!: RosterSessionDto;
  @ApiProperty({ type: [RosterAttendeeDto] }) attendees!: RosterAttendeeDto[];
  @ApiProperty({ type: String, nullable: true, description: 'the configured CME credit designation; null: none' })
  creditDesignation!: string | null;
}

export class YearRosterSessionDto {
  @ApiProperty() id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ enum: ['scheduled', 'in_progress', 'closed'] }) status!: string;
  @ApiProperty() attendees!: number;
}

export class YearRosterEntryDto {
  @ApiProperty() sessionId!: string;
  @ApiProperty() minutes!: number;
  @ApiProperty() creditHours!: number;
}

export class YearRosterPersonDto {
  @ApiProperty() userId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: PROFESSIONS, nullable: true, description: 'null: not recorded' }) profession!: Profession | null;
  @ApiProperty({ type: String, nullable: true }) credentials!: string | null;
  @ApiProperty({ type: [String] }) disciplines!: string[];
  @ApiProperty({ type: [YearRosterEntryDto] }) sessions!: YearRosterEntryDto[];
  @ApiProperty() sessionsAttended!: number;
  @ApiProperty() minutes!: number;
  @ApiProperty({ description: "the sum of each session's credit hours" }) creditHours!: number;
}

export class YearRosterDto {
  @ApiProperty() clinicId!: string;
  @ApiProperty() clinicName!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty() year!: number;
  @ApiProperty({ type: [YearRosterSessionDto], description: 'sessions held in the year (not cancelled), by start' })
  sessions!: YearRosterSessionDto[];
  @ApiProperty({ type: [YearRosterPersonDto] }) people!: YearRosterPersonDto[];
  @ApiProperty({ type: String, nullable: true }) creditDesignation!: string | null;
}
