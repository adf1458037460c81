import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser, Roles } from '../common/auth.decorators.js';
import type { Page } from '../common/pagination.js';
import { CaseAccessService } from './case-access.service.js';
import { CasesService } from './cases.service.js';
import {
  BreakGlassDto,
  CaseDetailDto,
  CasePageDto,
  ListCasesQuery,
  TransitionDto,
  type CaseSummaryDto,
} from './dto/case.dto.js';
import { CreateCaseDto } from './dto/intake.dto.js';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CasesController {
  constructor(
    private readonly cases: CasesService,
    private readonly access: CaseAccessService,
  ) {}

  @Post()
  @Roles('coordinator')
  @Audited('case.create', { entity: 'case' })
  @ApiCreatedResponse({ type: CaseDetailDto })
  create(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateCaseDto): Promise<CaseDetailDto> {
    return this.cases.create(user, dto);
  }

  @Get()
  @Roles('coordinator', 'clinician')
  @Audited('case.list', { entity: 'case' })
  @ApiOkResponse({ type: CasePageDto })
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListCasesQuery): Promise<Page<CaseSummaryDto>> {
    return this.cases.list(user, query);
  }

  @Get(':id')
  @Roles('coordinator', 'clinician', 'admin')
  @Audited('case.read', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({ type: CaseDetailDto })
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<CaseDetailDto> {
    return this.cases.get(user, id);
  }

  @Post(':id/break-glass')
  @Roles('admin')
  @Audited('case.break_glass', { entity: 'break_glass_grant' })
  @ApiCreatedResponse({ description: 'a time-limited grant to read this case, audited at high severity' })
  breakGlass(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: BreakGlassDto,
  ): Promise<{ grantId: string; expiresAt: string }> {
    return this.access.breakGlass(user, id, dto.reason, dto.minutes);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @Roles('coordinator', 'clinician')
  @Audited('case.transition', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({ type: CaseDetailDto })
  @ApiConflictResponse({ description: 'Illegal transition (allowed ones listed) or readiness gaps' })
  transition(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: TransitionDto,
  ): Promise<CaseDetailDto> {
    return this.cases.transition(user, id, dto);
  }
}
