import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { etagOf } from '../auth/users.mapper.js';
import { CurrentUser, Roles } from '../common/auth.decorators.js';
import { parseIfMatch } from '../common/if-match.js';
import type { Page } from '../common/pagination.js';
import { CaseAccessService } from './case-access.service.js';
import { CasesService } from './cases.service.js';
import {
  BreakGlassDto,
  CaseDetailDto,
  CasePageDto,
  FirstTreatmentDateDto,
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
  @ApiOperation({ summary: 'Refer a case' })
  @ApiConflictResponse({ description: 'the MRN belongs to a patient with another name or birth date' })
  @Roles('coordinator')
  @Audited('case.create', { entity: 'case' })
  @ApiCreatedResponse({ type: CaseDetailDto })
  create(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateCaseDto): Promise<CaseDetailDto> {
    return this.cases.create(user, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List cases' })
  @Roles('coordinator', 'clinician')
  @Audited('case.list', { entity: 'case' })
  @ApiOkResponse({ type: CasePageDto })
  list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListCasesQuery): Promise<Page<CaseSummaryDto>> {
    return this.cases.list(user, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a case' })
  @Roles('coordinator', 'clinician', 'admin')
  @Audited('case.read', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({ type: CaseDetailDto })
  get(@CurrentUser() user: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<CaseDetailDto> {
    return this.cases.get(user, id);
  }

  @Put(':id/first-treatment-date')
  @ApiOperation({ summary: 'Record the first treatment date' })
  @ApiConflictResponse({ description: 'the history was edited at the same moment; read the case again and retry' })
  @Roles('coordinator', 'clinician')
  @Audited('case.first_treatment_date', { entity: 'case', idParam: 'id' })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'the case version you read ("version" of the case), as an ETag; a 412 when it changed since',
  })
  @ApiOkResponse({ type: CaseDetailDto, description: 'the case (ETag: its version)' })
  @ApiPreconditionFailedResponse({ description: 'the case changed since the version in If-Match' })
  async setFirstTreatmentDate(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: FirstTreatmentDateDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CaseDetailDto> {
    const version = ifMatch === undefined || ifMatch.trim() === '' ? undefined : parseIfMatch(ifMatch);
    const saved = await this.cases.setFirstTreatmentDate(user, id, version, dto);
    void reply.header('etag', etagOf(saved.version));
    return saved;
  }

  @Post(':id/break-glass')
  @ApiOperation({ summary: 'Break the glass: read one case for a time' })
  @ApiTooManyRequestsResponse({
    description:
      'break-glass access to this case was granted too often in the last 24 hours (code break_glass_renewals_exhausted)',
  })
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
  @ApiOperation({ summary: 'Move a case in its workflow' })
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
