import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
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
import {
  AvailabilityQuery,
  CreateExceptionDto,
  CreateSpecialistDto,
  DayAvailabilityDto,
  ExceptionResponseDto,
  ListExceptionsQuery,
  ListSpecialistsQuery,
  SetAvailabilityDto,
  SpecialistResponseDto,
  UpdateSpecialistDto,
  WeeklyAvailabilityDto,
  WeeklyAvailabilityQuery,
} from './dto/specialist.dto.js';
import { SpecialistsService } from './specialists.service.js';

@ApiTags('specialists')
@ApiBearerAuth()
@Controller('specialists')
export class SpecialistsController {
  constructor(private readonly specialists: SpecialistsService) {}

  @Post()
  @ApiOperation({ summary: 'Make a user a specialist' })
  @ApiConflictResponse({ description: 'this user is already a specialist' })
  // Disciplines decide who reviews pathology and who fills the board's quorum: admins assign them (issue 15 item 7).
  @Roles('admin')
  @Audited('specialist.create', { entity: 'specialist', severity: 'high' })
  @ApiCreatedResponse({ type: SpecialistResponseDto })
  create(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateSpecialistDto): Promise<SpecialistResponseDto> {
    return this.specialists.create(user, dto);
  }

  @Get()
  @ApiOperation({ summary: "List a clinic's specialists" })
  @Audited('specialist.list', { entity: 'specialist' })
  @ApiOkResponse({ type: [SpecialistResponseDto] })
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListSpecialistsQuery): Promise<SpecialistResponseDto[]> {
    return this.specialists.list(user, query.clinicId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a specialist' })
  @Audited('specialist.read', { entity: 'specialist', idParam: 'id' })
  @ApiOkResponse({ type: SpecialistResponseDto })
  get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<SpecialistResponseDto> {
    return this.specialists.get(user, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: "Change a specialist's disciplines, profession or credentials" })
  @Roles('admin')
  @Audited('specialist.update', { entity: 'specialist', idParam: 'id', severity: 'high' })
  @ApiOkResponse({ type: SpecialistResponseDto })
  update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: UpdateSpecialistDto,
  ): Promise<SpecialistResponseDto> {
    return this.specialists.update(user, id, dto);
  }

  @Get(':id/weekly-availability')
  @ApiOperation({ summary: "Read a specialist's weekly availability" })
  @Audited('specialist.weekly.read', { entity: 'specialist', idParam: 'id' })
  @ApiOkResponse({ type: WeeklyAvailabilityDto })
  weekly(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: WeeklyAvailabilityQuery,
  ): Promise<WeeklyAvailabilityDto> {
    return this.specialists.weekly(user, id, query.clinicId);
  }

  @Get(':id/exceptions')
  @ApiOperation({ summary: "List a specialist's time away and extra hours" })
  @Audited('specialist.exception.list', { entity: 'specialist', idParam: 'id' })
  @ApiOkResponse({ type: [ExceptionResponseDto] })
  listExceptions(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: ListExceptionsQuery,
  ): Promise<ExceptionResponseDto[]> {
    return this.specialists.exceptions(user, id, query);
  }

  @Put(':id/availability')
  @ApiOperation({ summary: "Set a specialist's weekly availability" })
  @HttpCode(204)
  @Roles('admin', 'coordinator')
  @Audited('specialist.availability.set', { entity: 'specialist', idParam: 'id' })
  @ApiNoContentResponse()
  setAvailability(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: SetAvailabilityDto,
  ): Promise<void> {
    return this.specialists.setAvailability(user, id, dto);
  }

  @Post(':id/exceptions')
  @ApiOperation({ summary: 'Add time away or extra hours' })
  @Roles('admin', 'coordinator')
  @Audited('specialist.exception.create', { entity: 'specialist_exception' })
  @ApiCreatedResponse()
  addException(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: CreateExceptionDto,
  ): Promise<{ id: string }> {
    return this.specialists.addException(user, id, dto);
  }

  @Get(':id/availability')
  @ApiOperation({ summary: "Read a specialist's free time on a day" })
  @Audited('specialist.availability.read', { entity: 'specialist', idParam: 'id' })
  @ApiOkResponse({ type: DayAvailabilityDto })
  availability(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: AvailabilityQuery,
  ): Promise<DayAvailabilityDto> {
    return this.specialists.availability(user, id, query);
  }
}
