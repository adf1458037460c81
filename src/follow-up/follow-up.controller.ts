import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { etagOf } from '../auth/users.mapper.js';
import { CurrentUser, Roles } from '../common/auth.decorators.js';
import {
  ActionItemDto,
  CreateActionItemDto,
  FollowUpDto,
  ListActionItemsQuery,
  RecommendationOutcomeDto,
  RecordOutcomeDto,
  TaskDto,
  UpdateActionItemDto,
} from './dto/follow-up.dto.js';
import { FollowUpService } from './follow-up.service.js';

const uuid = new ParseUUIDPipe();

/** A case's follow-up: its action items, the outcome of the recommendation, the times. */
@ApiTags('follow-up')
@ApiBearerAuth()
@Controller('cases/:id')
@Roles('coordinator', 'clinician')
export class CaseFollowUpController {
  constructor(private readonly followUp: FollowUpService) {}

  @Get('follow-up')
  @ApiOperation({ summary: "Read a case's follow-up" })
  @Audited('follow_up.read', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({
    type: FollowUpDto,
    description: 'action items, outcome history, postponements, and referral→board and board→treatment days',
  })
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', uuid) id: string): Promise<FollowUpDto> {
    return this.followUp.followUp(user, id);
  }

  @Get('action-items')
  @ApiOperation({ summary: "List a case's action items" })
  @Audited('action_item.list', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({ type: [ActionItemDto] })
  list(@CurrentUser() user: AuthenticatedUser, @Param('id', uuid) id: string): Promise<ActionItemDto[]> {
    return this.followUp.list(user, id);
  }

  @Post('action-items')
  @ApiOperation({ summary: 'Add an action item from a signed plan' })
  @Audited('action_item.create', { entity: 'action_item' })
  @ApiCreatedResponse({ type: ActionItemDto, description: 'the item (ETag); its responsible clinician is mailed' })
  @ApiBadRequestResponse({ description: 'the responsible clinician is not an active clinician of the clinic, …' })
  @ApiConflictResponse({ description: 'the plan version is not signed' })
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuid) id: string,
    @Body() dto: CreateActionItemDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ActionItemDto> {
    const item = await this.followUp.create(user, id, dto);
    void reply.header('etag', etagOf(item.version));
    return item;
  }

  @Get('recommendation-outcome')
  @ApiOperation({ summary: 'Read the outcome of the recommendation' })
  @Audited('recommendation_outcome.read', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({ type: RecommendationOutcomeDto })
  outcome(@CurrentUser() user: AuthenticatedUser, @Param('id', uuid) id: string): Promise<RecommendationOutcomeDto> {
    return this.followUp.outcome(user, id);
  }

  @Put('recommendation-outcome')
  @ApiOperation({ summary: 'Record the outcome of the recommendation' })
  @Audited('recommendation_outcome.record', { entity: 'recommendation_outcome' })
  @ApiOkResponse({ type: RecommendationOutcomeDto, description: 'appended to the history; the latest is current' })
  @ApiConflictResponse({ description: 'no plan has been signed for the case' })
  record(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuid) id: string,
    @Body() dto: RecordOutcomeDto,
  ): Promise<RecommendationOutcomeDto> {
    return this.followUp.recordOutcome(user, id, dto);
  }
}

/** Action items across cases: "my tasks", and editing one. */
@ApiTags('follow-up')
@ApiBearerAuth()
@Controller('action-items')
@Roles('coordinator', 'clinician')
export class ActionItemsController {
  constructor(private readonly followUp: FollowUpService) {}

  @Get()
  @ApiOperation({ summary: 'List action items ("my tasks")' })
  @Audited('action_item.tasks', { entity: 'action_item' })
  @ApiOkResponse({ type: [TaskDto], description: 'by due date, at most 500; overdue ones flagged' })
  tasks(@CurrentUser() user: AuthenticatedUser, @Query() query: ListActionItemsQuery): Promise<TaskDto[]> {
    return this.followUp.tasks(user, query);
  }

  @Patch(':itemId')
  @ApiOperation({ summary: 'Edit an action item' })
  @Audited('action_item.update', { entity: 'action_item', idParam: 'itemId' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag from the last read' })
  @ApiOkResponse({ type: ActionItemDto, description: 'the item (ETag)' })
  @ApiPreconditionFailedResponse({ description: 'the item changed since the ETag was read' })
  @ApiConflictResponse({ description: 'a cancelled item with a treatment start' })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('itemId', uuid) itemId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateActionItemDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ActionItemDto> {
    const item = await this.followUp.update(user, itemId, ifMatch, dto);
    void reply.header('etag', etagOf(item.version));
    return item;
  }
}
