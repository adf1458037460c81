import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { etagOf } from '../auth/users.mapper.js';
import { CurrentUser, Roles } from '../common/auth.decorators.js';
import { parseIfMatch } from '../common/if-match.js';
import type { Page } from '../common/pagination.js';
import { BoardSessionsService } from './board-sessions.service.js';
import {
  AddAgendaItemDto,
  AgendaItemDto,
  AttendanceDto,
  BoardSessionDetailDto,
  BoardSessionDto,
  BoardSessionListItemDto,
  BoardSessionPageDto,
  CheckInDto,
  CheckOutDto,
  CreateBoardSessionDto,
  ListBoardSessionsQuery,
  PresentDto,
  PresenterViewAckDto,
  PresenterViewDto,
  ReorderAgendaDto,
  TranscriptDto,
  TranscriptQuery,
  UpdateAgendaItemDto,
  UpdateBoardSessionDto,
} from './dto/board-session.dto.js';
import { transcriptMarkdown } from './transcript.js';

const id = new ParseUUIDPipe();

@ApiTags('board sessions')
@ApiBearerAuth()
@Controller('board-sessions')
@Roles('coordinator', 'clinician')
export class BoardSessionsController {
  constructor(private readonly sessions: BoardSessionsService) {}

  @Post()
  @ApiOperation({ summary: 'Schedule a board session' })
  @Roles('coordinator')
  @Audited('board_session.create', { entity: 'board_session' })
  @ApiCreatedResponse({ type: BoardSessionDto })
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: CreateBoardSessionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BoardSessionDto> {
    const session = await this.sessions.create(user, dto);
    void reply.header('etag', etagOf(session.version));
    return session;
  }

  @Get()
  @ApiOperation({ summary: 'List board sessions' })
  @Audited('board_session.list', { entity: 'board_session' })
  @ApiOkResponse({ type: BoardSessionPageDto })
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: ListBoardSessionsQuery,
  ): Promise<Page<BoardSessionListItemDto>> {
    return this.sessions.list(user, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a board session' })
  @Audited('board_session.read', { entity: 'board_session', idParam: 'id' })
  @ApiOkResponse({ type: BoardSessionDetailDto })
  async get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', id) sessionId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BoardSessionDetailDto> {
    const session = await this.sessions.detail(user, sessionId);
    void reply.header('etag', etagOf(session.version));
    return session;
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Edit a board session' })
  @Roles('coordinator')
  @Audited('board_session.update', { entity: 'board_session', idParam: 'id' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag from the last read' })
  @ApiOkResponse({ type: BoardSessionDto })
  @ApiPreconditionFailedResponse({ description: 'The session changed since the ETag was read' })
  @ApiConflictResponse({ description: 'An illegal status change' })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', id) sessionId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateBoardSessionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BoardSessionDto> {
    const session = await this.sessions.update(user, sessionId, parseIfMatch(ifMatch), dto);
    void reply.header('etag', etagOf(session.version));
    return session;
  }

  @Get(':id/agenda')
  @ApiOperation({ summary: "Read a session's agenda" })
  @Audited('board_session.agenda.read', { entity: 'board_session', idParam: 'id' })
  @ApiOkResponse({ type: [AgendaItemDto] })
  async agenda(@CurrentUser() user: AuthenticatedUser, @Param('id', id) sessionId: string): Promise<AgendaItemDto[]> {
    return (await this.sessions.detail(user, sessionId)).agenda;
  }

  @Post(':id/agenda')
  @ApiOperation({ summary: 'Put a case on the agenda' })
  @Roles('coordinator')
  @Audited('board_session.agenda.add', { entity: 'board_session', idParam: 'id' })
  @ApiCreatedResponse({ type: [AgendaItemDto], description: 'the whole agenda, in order' })
  @ApiConflictResponse({ description: 'already on the agenda, or the case or session does not allow it' })
  add(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', id) sessionId: string,
    @Body() dto: AddAgendaItemDto,
  ): Promise<AgendaItemDto[]> {
    return this.sessions.addToAgenda(user, sessionId, dto);
  }

  @Put(':id/agenda/order')
  @ApiOperation({ summary: 'Reorder the agenda' })
  @ApiConflictResponse({ description: 'the session is closed or cancelled' })
  @Roles('coordinator')
  @Audited('board_session.agenda.reorder', { entity: 'board_session', idParam: 'id' })
  @ApiOkResponse({ type: [AgendaItemDto] })
  reorder(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', id) sessionId: string,
    @Body() dto: ReorderAgendaDto,
  ): Promise<AgendaItemDto[]> {
    return this.sessions.reorder(user, sessionId, dto.caseIds);
  }

  @Patch(':id/agenda/:caseId')
  @ApiOperation({ summary: 'Edit an agenda item' })
  @Roles('coordinator')
  @Audited('board_session.agenda.update', { entity: 'board_session', idParam: 'id' })
  @ApiOkResponse({ type: [AgendaItemDto], description: 'the whole agenda, in order' })
  @ApiConflictResponse({
    description: 'the session is closed or cancelled (a closed one still takes presentationReason)',
  })
  updateItem(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', id) sessionId: string,
    @Param('caseId', id) caseId: string,
    @Body() dto: UpdateAgendaItemDto,
  ): Promise<AgendaItemDto[]> {
    return this.sessions.updateAgendaItem(user, sessionId, caseId, dto);
  }

  @Post(':id/presenting')
  @ApiOperation({ summary: 'Present a case' })
  @ApiConflictResponse({ description: 'the session is closed or cancelled' })
  @HttpCode(200)
  @Audited('board_session.present', { entity: 'board_session', idParam: 'id' })
  @ApiOkResponse({ type: [AgendaItemDto] })
  present(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', id) sessionId: string,
    @Body() dto: PresentDto,
  ): Promise<AgendaItemDto[]> {
    return this.sessions.present(user, sessionId, dto.caseId);
  }

  @Put(':id/presenter-view')
  @ApiOperation({ summary: "Share the presenter's view" })
  @ApiConflictResponse({ description: 'the session is closed or cancelled, or the case is not the one on screen' })
  @Audited('board_session.presenter_view', { entity: 'board_session', idParam: 'id' })
  @ApiOkResponse({ type: PresenterViewAckDto, description: 'the view, logged and sent to everyone in the room' })
  presenterView(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', id) sessionId: string,
    @Body() dto: PresenterViewDto,
  ): Promise<PresenterViewAckDto> {
    return this.sessions.presenterView(user, sessionId, dto);
  }

  @Get(':id/attendance')
  @ApiOperation({ summary: "Read a session's attendance and quorum" })
  @Audited('board_session.attendance.read', { entity: 'board_session', idParam: 'id' })
  @ApiOkResponse({ type: AttendanceDto })
  attendance(@CurrentUser() user: AuthenticatedUser, @Param('id', id) sessionId: string): Promise<AttendanceDto> {
    return this.sessions.attendance(user, sessionId);
  }

  @Post(':id/attendance')
  @ApiOperation({ summary: 'Check in to a session' })
  @Audited('board_session.check_in', { entity: 'board_session', idParam: 'id' })
  @ApiCreatedResponse({ type: AttendanceDto })
  @ApiConflictResponse({ description: 'already checked in' })
  checkIn(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', id) sessionId: string,
    @Body() dto: CheckInDto,
  ): Promise<AttendanceDto> {
    return this.sessions.checkIn(user, sessionId, dto);
  }

  @Post(':id/attendance/check-out')
  @ApiOperation({ summary: 'Check out of a session' })
  @HttpCode(200)
  @Audited('board_session.check_out', { entity: 'board_session', idParam: 'id' })
  @ApiOkResponse({ type: AttendanceDto })
  @ApiConflictResponse({ description: 'not checked in' })
  checkOut(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', id) sessionId: string,
    @Body() dto: CheckOutDto,
  ): Promise<AttendanceDto> {
    return this.sessions.checkOut(user, sessionId, dto.userId);
  }

  @Get(':id/transcript')
  @ApiOperation({ summary: "Read a session's transcript" })
  @Audited('board_session.transcript', { entity: 'board_session', idParam: 'id' })
  @ApiOkResponse({
    description: 'JSON, or Markdown with ?format=markdown or Accept: text/markdown',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(TranscriptDto) } },
      'text/markdown': { schema: { type: 'string' } },
    },
  })
  @ApiExtraModels(TranscriptDto)
  async transcript(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', id) sessionId: string,
    @Query() query: TranscriptQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TranscriptDto | string> {
    const transcript = await this.sessions.transcript(user, sessionId);
    void reply.header('cache-control', 'no-store');
    const markdown = query.format === 'markdown' || (query.format === undefined && accept?.includes('text/markdown'));
    if (!markdown) return transcript;
    void reply.header('content-type', 'text/markdown; charset=utf-8');
    return transcriptMarkdown(transcript);
  }
}
