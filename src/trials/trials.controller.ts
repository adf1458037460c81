import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser, Roles } from '../common/auth.decorators.js';
import { CreateTrialDto } from './dto/trial.dto.js';
import { TrialsService } from './trials.service.js';

@ApiTags('trials')
@ApiBearerAuth()
@Controller()
export class TrialsController {
  constructor(private readonly trials: TrialsService) {}

  @Post('trials')
  @Roles('coordinator', 'admin')
  @Audited('trial.create', { entity: 'trial' })
  @ApiCreatedResponse({ description: 'a trial with its eligibility' })
  create(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateTrialDto) {
    return this.trials.create(user, dto);
  }

  @Get('trials')
  @Roles('coordinator', 'clinician', 'admin')
  @Audited('trial.list', { entity: 'trial' })
  @ApiOkResponse({ description: 'every listed trial' })
  list() {
    return this.trials.list();
  }

  @Get('cases/:id/trial-matches')
  @Roles('coordinator', 'clinician')
  @Audited('trial.match', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({ description: 'open trials ranked for the case, each criterion met, failed or unknown' })
  matches(@CurrentUser() user: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.trials.matches(user, id);
  }
}
