import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser, Roles } from '../common/auth.decorators.js';
import { parseIfMatch } from '../common/if-match.js';
import { PageQuery, type Page } from '../common/pagination.js';
import { ClinicsService } from './clinics.service.js';
import {
  ClinicBodyDto,
  ClinicPageDto,
  ClinicResponseDto,
  CreateRoomDto,
  ListRoomsQuery,
  RoomResponseDto,
} from './dto/clinic.dto.js';

const etag = (version: number): string => `"${version}"`;

@ApiTags('clinics')
@ApiBearerAuth()
@Controller('clinics')
export class ClinicsController {
  constructor(private readonly clinics: ClinicsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a clinic' })
  @ApiConflictResponse({ description: 'a clinic with this name already exists' })
  @Roles('admin')
  @Audited('clinic.create', { entity: 'clinic' })
  @ApiCreatedResponse({ type: ClinicResponseDto })
  create(@Body() dto: ClinicBodyDto): Promise<ClinicResponseDto> {
    return this.clinics.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List your clinics' })
  @Audited('clinic.list', { entity: 'clinic' })
  @ApiOkResponse({ type: ClinicPageDto })
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: PageQuery): Promise<Page<ClinicResponseDto>> {
    return this.clinics.list(user, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a clinic' })
  @Audited('clinic.read', { entity: 'clinic', idParam: 'id' })
  @ApiOkResponse({ type: ClinicResponseDto })
  async get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ClinicResponseDto> {
    const clinic = await this.clinics.get(user, id);
    void reply.header('etag', etag(clinic.version));
    return clinic;
  }

  @Put(':id')
  @ApiOperation({ summary: 'Edit a clinic' })
  @ApiConflictResponse({ description: 'a clinic with this name already exists' })
  @Roles('admin', 'coordinator')
  @Audited('clinic.update', { entity: 'clinic', idParam: 'id' })
  @ApiHeader({ name: 'If-Match', required: true })
  @ApiOkResponse({ type: ClinicResponseDto })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: ClinicBodyDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ClinicResponseDto> {
    const clinic = await this.clinics.update(user, id, parseIfMatch(ifMatch), dto);
    void reply.header('etag', etag(clinic.version));
    return clinic;
  }

  @Get(':id/members')
  @ApiOperation({ summary: "List a clinic's members" })
  @Audited('clinic.members.list', { entity: 'clinic', idParam: 'id' })
  @ApiOkResponse({ type: [String], description: 'user ids' })
  members(@CurrentUser() user: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<string[]> {
    return this.clinics.members(user, id);
  }

  @Put(':id/members/:userId')
  @ApiOperation({ summary: 'Add a member to a clinic' })
  @HttpCode(204)
  @Roles('admin', 'coordinator')
  @Audited('clinic.members.add', { entity: 'clinic', idParam: 'id', severity: 'high' })
  @ApiNoContentResponse()
  addMember(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('userId', new ParseUUIDPipe()) userId: string,
  ): Promise<void> {
    return this.clinics.addMember(user, id, userId);
  }

  @Delete(':id/members/:userId')
  @ApiOperation({ summary: 'Remove a member from a clinic' })
  @HttpCode(204)
  @Roles('admin', 'coordinator')
  @Audited('clinic.members.remove', { entity: 'clinic', idParam: 'id', severity: 'high' })
  @ApiNoContentResponse()
  removeMember(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('userId', new ParseUUIDPipe()) userId: string,
  ): Promise<void> {
    return this.clinics.removeMember(user, id, userId);
  }
}

@ApiTags('clinics')
@ApiBearerAuth()
@Controller('rooms')
export class RoomsController {
  constructor(private readonly clinics: ClinicsService) {}

  @Post()
  @ApiOperation({ summary: 'Add a room to a clinic' })
  @ApiConflictResponse({ description: 'this clinic already has a room with this name' })
  @Roles('admin', 'coordinator')
  @Audited('room.create', { entity: 'room' })
  @ApiCreatedResponse({ type: RoomResponseDto })
  create(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateRoomDto): Promise<RoomResponseDto> {
    return this.clinics.createRoom(user, dto);
  }

  @Get()
  @ApiOperation({ summary: "List a clinic's rooms" })
  @Audited('room.list', { entity: 'room' })
  @ApiOkResponse({ type: [RoomResponseDto] })
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListRoomsQuery): Promise<RoomResponseDto[]> {
    return this.clinics.rooms(user, query.clinicId);
  }
}
