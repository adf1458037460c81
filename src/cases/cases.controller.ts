import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser, Roles } from '../common/auth.decorators.js';
import type { Page } from '../common/pagination.js';
import { CasesService } from './cases.service.js';
import { CaseDetailDto, CasePageDto, ListCasesQuery, TransitionDto, type CaseSummaryDto } from './dto/case.dto.js';
import { CreateCaseDto } from './dto/intake.dto.js';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

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
  @Roles('coordinator', 'clinician')
  @Audited('case.read', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({ type: CaseDetailDto })
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<CaseDetailDto> {
    return this.cases.get(user, id);
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
