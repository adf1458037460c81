import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser, Roles } from '../common/auth.decorators.js';
import { CreateTrialDto, ListTrialsQuery, UpdateTrialDto, WithdrawTrialDto } from './dto/trial.dto.js';
import { TrialDto, TrialMatchResultDto } from './dto/trial-response.dto.js';
import { TrialsService } from './trials.service.js';

@ApiTags('trials')
@ApiBearerAuth()
@Controller()
export class TrialsController {
  constructor(private readonly trials: TrialsService) {}

  @Post('trials')
  @ApiOperation({ summary: 'List a clinical trial' })
  @ApiConflictResponse({ description: "the trial is already on this clinic's list" })
  @Roles('coordinator', 'admin')
  @Audited('trial.create', { entity: 'trial' })
  @ApiCreatedResponse({ type: TrialDto, description: 'a trial with its eligibility' })
  create(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateTrialDto) {
    return this.trials.create(user, dto);
  }

  @Get('trials')
  @ApiOperation({ summary: 'List clinical trials' })
  @Roles('coordinator', 'clinician', 'admin')
  @Audited('trial.list', { entity: 'trial' })
  @ApiOkResponse({ type: [TrialDto], description: "the trials of the user's clinics (or of one clinic)" })
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListTrialsQuery) {
    return this.trials.list(user, query.clinicId);
  }

  @Get('trials/:trialId')
  @ApiOperation({ summary: 'Read a clinical trial' })
  @Roles('coordinator', 'clinician', 'admin')
  @Audited('trial.read', { entity: 'trial', idParam: 'trialId' })
  @ApiOkResponse({ type: TrialDto, description: 'a trial of one of your clinics' })
  get(@CurrentUser() user: AuthenticatedUser, @Param('trialId', new ParseUUIDPipe()) trialId: string) {
    return this.trials.get(user, trialId);
  }

  @Patch('trials/:trialId')
  @ApiOperation({ summary: 'Edit a clinical trial' })
  @ApiConflictResponse({ description: 'a withdrawn trial is not edited' })
  @Roles('coordinator', 'admin')
  @Audited('trial.update', { entity: 'trial', idParam: 'trialId' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'the version last read, as "<version>"' })
  @ApiOkResponse({ type: TrialDto, description: 'the edited trial' })
  update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('trialId', new ParseUUIDPipe()) trialId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateTrialDto,
  ) {
    return this.trials.update(user, trialId, ifMatch, dto);
  }

  @Post('trials/:trialId/withdrawal')
  @ApiOperation({ summary: 'Withdraw a clinical trial' })
  @ApiConflictResponse({ description: 'the trial was already withdrawn' })
  @HttpCode(200)
  @Roles('coordinator', 'admin')
  @Audited('trial.withdraw', { entity: 'trial', idParam: 'trialId' })
  @ApiOkResponse({ type: TrialDto, description: 'the trial, withdrawn: kept with its reason, no longer offered' })
  withdraw(
    @CurrentUser() user: AuthenticatedUser,
    @Param('trialId', new ParseUUIDPipe()) trialId: string,
    @Body() dto: WithdrawTrialDto,
  ) {
    return this.trials.withdraw(user, trialId, dto.reason);
  }

  @Get('cases/:id/trial-matches')
  @ApiOperation({ summary: 'Match open trials to a case' })
  @Roles('coordinator', 'clinician')
  @Audited('trial.match', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({
    type: [TrialMatchResultDto],
    description: 'open trials ranked for the case, each criterion met, failed or unknown',
  })
  matches(@CurrentUser() user: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.trials.matches(user, id);
  }
}
