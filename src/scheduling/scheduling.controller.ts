import { Body, Controller, Delete, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser, Roles } from '../common/auth.decorators.js';
import { CalendarService } from './calendar.service.js';
import {
  BookItineraryDto,
  CalendarRangeQuery,
  DayPlanDto,
  DayQuery,
  DayViewDto,
  ItineraryDto,
  PlanDayDto,
  DayParams,
  RepairDto,
} from './dto/itinerary.dto.js';
import { SchedulingService } from './scheduling.service.js';

@ApiTags('scheduling')
@ApiBearerAuth()
@Controller('cases/:id/itinerary')
export class ItineraryController {
  constructor(private readonly scheduling: SchedulingService) {}

  @Post()
  @ApiOperation({ summary: "Book the patient's itinerary" })
  @Roles('coordinator')
  @Audited('itinerary.book', { entity: 'itinerary' })
  @ApiCreatedResponse({ type: ItineraryDto })
  @ApiConflictResponse({ description: 'not ready, already booked, nothing fits, or a lost race (resource named)' })
  book(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: BookItineraryDto,
  ): Promise<ItineraryDto> {
    return this.scheduling.book(user, id, dto.date, dto.appointments, { from: dto.arriveFrom, by: dto.arriveBy });
  }

  @Get()
  @ApiOperation({ summary: 'Read the booked itinerary' })
  @Roles('coordinator', 'clinician', 'admin')
  @Audited('itinerary.read', { entity: 'itinerary' })
  @ApiOkResponse({ type: ItineraryDto })
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<ItineraryDto> {
    return this.scheduling.get(user, id);
  }

  @Delete()
  @ApiOperation({ summary: 'Cancel the itinerary' })
  @HttpCode(204)
  @Roles('coordinator')
  @Audited('itinerary.cancel', { entity: 'itinerary' })
  @ApiNoContentResponse()
  cancel(@CurrentUser() user: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.scheduling.cancel(user, id);
  }
}

@ApiTags('scheduling')
@ApiBearerAuth()
@Controller()
export class CalendarController {
  constructor(private readonly calendars: CalendarService) {}

  @Get('cases/:id/itinerary.ics')
  @ApiOperation({ summary: "Export the patient's visits (iCalendar)" })
  @Roles('coordinator', 'clinician')
  @Header('content-type', 'text/calendar; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Audited('itinerary.calendar', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({ description: 'the patient’s visits as iCalendar' })
  patient(@CurrentUser() user: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<string> {
    return this.calendars.patientItinerary(user, id);
  }

  @Get('specialists/:id/calendar.ics')
  @ApiOperation({ summary: "Export a specialist's appointments (iCalendar)" })
  @Roles('coordinator', 'clinician', 'admin')
  @Header('content-type', 'text/calendar; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Audited('specialist.calendar', { entity: 'specialist', idParam: 'id' })
  @ApiOkResponse({
    description:
      'the specialist’s booked appointments as iCalendar; without from/to, the last 30 days and the next 180',
  })
  specialist(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() range: CalendarRangeQuery,
  ): Promise<string> {
    return this.calendars.specialistCalendar(user, id, range);
  }
}

@ApiTags('scheduling')
@ApiBearerAuth()
@Controller('schedule/days/:date')
export class ScheduleDayController {
  constructor(private readonly scheduling: SchedulingService) {}

  @Get()
  @ApiOperation({ summary: 'Read a clinic day' })
  @Roles('coordinator', 'clinician', 'admin')
  @Audited('schedule.day.read', { entity: 'clinic' })
  @ApiOkResponse({ type: DayViewDto })
  day(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: DayParams,
    @Query() query: DayQuery,
  ): Promise<DayViewDto> {
    return this.scheduling.day(user, params.date, query.clinicId);
  }

  @Post('repair')
  @ApiOperation({ summary: 'Repair a clinic day after a change of availability' })
  @HttpCode(200)
  @Roles('coordinator')
  @Audited('schedule.day.repair', { entity: 'clinic' })
  @ApiOkResponse({ type: RepairDto, description: 're-plans only the itineraries whose specialist is no longer free' })
  repair(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: DayParams,
    @Body() dto: DayQuery,
  ): Promise<RepairDto> {
    return this.scheduling.repair(user, params.date, dto.clinicId);
  }

  @Post('plan')
  @ApiOperation({ summary: 'Propose a joint plan for a clinic day' })
  @HttpCode(200)
  @Roles('coordinator')
  @Audited('schedule.day.plan', { entity: 'clinic' })
  @ApiOkResponse({ type: DayPlanDto, description: 'a proposal; nothing is booked' })
  plan(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: DayParams,
    @Body() dto: PlanDayDto,
  ): Promise<DayPlanDto> {
    return this.scheduling.planDay(user, params.date, dto.clinicId, dto.caseIds);
  }
}
