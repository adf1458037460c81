import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Put, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Audited } from '../../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../../auth/authenticated-user.js';
import { etagOf } from '../../auth/users.mapper.js';
import { CurrentUser, Roles } from '../../common/auth.decorators.js';
import { PageQuery, type Page } from '../../common/pagination.js';
import { HistoryVersionDto, HistoryVersionPageDto, PatientHistoryDto } from './dto/history.dto.js';
import { HistoryService } from './history.service.js';

const uuid = new ParseUUIDPipe();

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases/:id/history')
export class HistoryController {
  constructor(private readonly history: HistoryService) {}

  @Get()
  @ApiOperation({ summary: "Read the patient's history" })
  @Roles('coordinator', 'clinician', 'admin')
  @Audited('case.history.read', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({ type: HistoryVersionDto, description: 'the current version (ETag); version 0 before the first' })
  async get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HistoryVersionDto> {
    const current = await this.history.get(user, id);
    void reply.header('etag', etagOf(current.version));
    return current;
  }

  @Put()
  @ApiOperation({ summary: "Write a new version of the patient's history" })
  @Roles('coordinator', 'clinician')
  @Audited('case.history.update', { entity: 'case_history' })
  @ApiHeader({
    name: 'If-Match',
    required: true,
    description: 'the ETag of the version you edited ("0" for the first)',
  })
  @ApiOkResponse({ type: HistoryVersionDto, description: 'the new version (ETag); the one before is kept' })
  @ApiPreconditionFailedResponse({ description: 'another version was written since you read yours' })
  @ApiResponse({ status: 428, description: 'If-Match missing' })
  async replace(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuid) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: PatientHistoryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<HistoryVersionDto> {
    const saved = await this.history.replace(user, id, ifMatch, dto);
    void reply.header('etag', etagOf(saved.version));
    return saved;
  }

  @Get('versions')
  @ApiOperation({ summary: "List the history's versions" })
  @Roles('coordinator', 'clinician', 'admin')
  @Audited('case.history.versions', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({ type: HistoryVersionPageDto, description: 'every version, newest first, with author and time' })
  versions(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuid) id: string,
    @Query() query: PageQuery,
  ): Promise<Page<HistoryVersionDto>> {
    return this.history.versions(user, id, query);
  }
}
