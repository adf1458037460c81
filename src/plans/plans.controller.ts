import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Res } from '@nestjs/common';
import {
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
import { PlanBodyDto, ThirdOpinionDto, VoteDto } from './dto/plan.dto.js';
import { PlansService } from './plans.service.js';

const uuid = new ParseUUIDPipe();
type PlanView = Awaited<ReturnType<PlansService['get']>>;

@ApiTags('plans')
@ApiBearerAuth()
@Controller('cases/:id')
@Roles('coordinator', 'clinician')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  private tagged(reply: FastifyReply, plan: PlanView): PlanView {
    void reply.header('etag', etagOf(plan.version));
    return plan;
  }

  @Get('plans')
  @ApiOperation({ summary: "List a case's plan versions" })
  @Audited('plan.list', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({ description: 'every version with its votes and live consensus state' })
  list(@CurrentUser() user: AuthenticatedUser, @Param('id', uuid) id: string) {
    return this.plans.list(user, id);
  }

  @Post('plans')
  @ApiOperation({ summary: 'Draft a plan version' })
  @Roles('clinician')
  @Audited('plan.draft', { entity: 'plan_version' })
  @ApiCreatedResponse({ description: 'a new draft version (ETag)' })
  async draft(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuid) id: string,
    @Body() dto: PlanBodyDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.tagged(reply, await this.plans.draft(user, id, dto));
  }

  @Get('plans/:planId')
  @ApiOperation({ summary: 'Read a plan version' })
  @Audited('plan.read', { entity: 'plan_version', idParam: 'planId' })
  @ApiOkResponse({ description: 'the version (ETag)' })
  async get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuid) id: string,
    @Param('planId', uuid) planId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.tagged(reply, await this.plans.get(user, id, planId));
  }

  @Patch('plans/:planId')
  @ApiOperation({ summary: 'Edit a draft plan version' })
  @Roles('clinician')
  @Audited('plan.update', { entity: 'plan_version', idParam: 'planId' })
  @ApiHeader({ name: 'If-Match', required: true })
  @ApiOkResponse({ description: 'the edited draft (ETag)' })
  @ApiPreconditionFailedResponse({ description: 'stale If-Match' })
  @ApiConflictResponse({ description: 'not a draft (a signed version never changes)' })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuid) id: string,
    @Param('planId', uuid) planId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: PlanBodyDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.tagged(reply, await this.plans.update(user, id, planId, ifMatch, dto));
  }

  @Post('plans/:planId/proposal')
  @ApiOperation({ summary: 'Propose a plan version to the board' })
  @ApiConflictResponse({ description: 'not a draft version' })
  @HttpCode(200)
  @Roles('clinician')
  @Audited('plan.propose', { entity: 'plan_version', idParam: 'planId' })
  @ApiOkResponse({ description: 'proposed to the board (plan.proposed); any earlier proposal is superseded' })
  propose(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuid) id: string,
    @Param('planId', uuid) planId: string,
  ) {
    return this.plans.propose(user, id, planId);
  }

  @Put('plans/:planId/votes/me')
  @ApiOperation({ summary: 'Vote on a proposed plan version' })
  @ApiConflictResponse({
    description: 'not a proposed version, or the case is not on the agenda of an open board session',
  })
  @Roles('clinician')
  @Audited('plan.vote', { entity: 'plan_version', idParam: 'planId' })
  @ApiOkResponse({ description: 'the version with the live consensus state (plan.voted)' })
  vote(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuid) id: string,
    @Param('planId', uuid) planId: string,
    @Body() dto: VoteDto,
  ) {
    return this.plans.vote(user, id, planId, dto);
  }

  @Post('plans/:planId/signature')
  @ApiOperation({ summary: 'Sign a plan version' })
  @HttpCode(200)
  @Roles('clinician')
  @Audited('plan.sign', { entity: 'plan_version', idParam: 'planId' })
  @ApiOkResponse({ description: 'signed (immutable), the case reaches consensus (plan.signed)' })
  @ApiConflictResponse({ description: 'the consensus rule is not met, or not a proposed version' })
  sign(@CurrentUser() user: AuthenticatedUser, @Param('id', uuid) id: string, @Param('planId', uuid) planId: string) {
    return this.plans.sign(user, id, planId);
  }

  @Post('third-opinion')
  @ApiOperation({ summary: 'Request a third opinion' })
  @ApiConflictResponse({ description: 'the case is not on the agenda of an open board session' })
  @Audited('plan.third_opinion', { entity: 'third_opinion_request' })
  @ApiCreatedResponse({ description: 'recorded; the case moves to third_opinion_requested' })
  thirdOpinion(@CurrentUser() user: AuthenticatedUser, @Param('id', uuid) id: string, @Body() dto: ThirdOpinionDto) {
    return this.plans.thirdOpinion(user, id, dto);
  }
}
