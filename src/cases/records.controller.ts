import {
  Body,
  Controller,
  Get,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser, GuestAllowed, Roles } from '../common/auth.decorators.js';
import {
  ImagingReferenceDto,
  ReadinessReportDto,
  RecordDziDto,
  RecordResponseDto,
  WaiverDto,
} from './dto/record.dto.js';
import { RecordTilesService } from './record-tiles.service.js';
import { ReadinessService, type ReadinessReport } from './readiness.service.js';
import { RecordsService } from './records.service.js';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases/:id')
export class RecordsController {
  constructor(
    private readonly records: RecordsService,
    private readonly readiness: ReadinessService,
    private readonly tiles: RecordTilesService,
  ) {}

  @Post('records')
  @ApiOperation({ summary: 'Upload a record file' })
  @ApiConflictResponse({ description: 'the record named in supersedesId was already superseded' })
  @Roles('coordinator', 'clinician')
  @Audited('record.create', { entity: 'record' })
  @ApiConsumes('multipart/form-data')
  @ApiCreatedResponse({
    type: RecordResponseDto,
    description: 'fields type, documentDate?, source?, supersedesId?, then file',
  })
  upload(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Req() request: FastifyRequest,
  ): Promise<RecordResponseDto> {
    return this.records.upload(user, id, request);
  }

  @Post('records/imaging-references')
  @ApiOperation({ summary: 'Add an imaging study by DICOMweb reference' })
  @ApiConflictResponse({ description: 'the record named in supersedesId was already superseded' })
  @Roles('coordinator', 'clinician')
  @Audited('record.create', { entity: 'record' })
  @ApiCreatedResponse({ type: RecordResponseDto })
  addImagingReference(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: ImagingReferenceDto,
  ): Promise<RecordResponseDto> {
    return this.records.addImagingReference(user, id, dto);
  }

  @Get('records')
  @GuestAllowed()
  @ApiOperation({ summary: "List a case's records" })
  @Roles('coordinator', 'clinician', 'admin')
  @Audited('record.list', { entity: 'record' })
  @ApiOkResponse({ type: [RecordResponseDto] })
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<RecordResponseDto[]> {
    return this.records.list(user, id);
  }

  @Get('records/:recordId/content')
  @GuestAllowed()
  @ApiOperation({ summary: "Download a record's file" })
  @ApiConflictResponse({ description: 'the record is an imaging reference: open its DICOMweb URL' })
  @Roles('coordinator', 'clinician', 'admin')
  @Audited('record.download', { entity: 'record', idParam: 'recordId' })
  @ApiOkResponse({ description: 'the file' })
  async content(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('recordId', new ParseUUIDPipe()) recordId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const file = await this.records.content(user, id, recordId);
    void reply.header('cache-control', 'no-store');
    // With its length declared, a download cut off by a failed integrity check is visibly short.
    return new StreamableFile(file.stream, {
      type: file.mediaType,
      disposition: `attachment; filename="${file.filename}"`,
      length: file.size,
    });
  }

  @Get('records/:recordId/dzi')
  @GuestAllowed()
  @ApiOperation({ summary: "Read an image record's Deep Zoom descriptor" })
  @ApiConflictResponse({ description: 'the record is not an image' })
  @Roles('coordinator', 'clinician', 'admin')
  @Audited('record.view', { entity: 'record', idParam: 'recordId' })
  @ApiOkResponse({ type: RecordDziDto })
  dzi(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('recordId', new ParseUUIDPipe()) recordId: string,
  ): Promise<RecordDziDto> {
    return this.tiles.descriptor(user, id, recordId);
  }

  @Get('records/:recordId/tiles/:level/:tile')
  @GuestAllowed()
  @ApiOperation({ summary: 'Read one Deep Zoom tile of an image record (tile is col_row)' })
  @ApiConflictResponse({ description: 'the record is not an image' })
  @Roles('coordinator', 'clinician', 'admin')
  @Audited('record.tile.read', { entity: 'record', idParam: 'recordId' })
  @ApiOkResponse({ description: 'the tile, a JPEG' })
  async tile(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('recordId', new ParseUUIDPipe()) recordId: string,
    @Param('level', new ParseIntPipe()) level: number,
    @Param('tile') tile: string,
  ): Promise<StreamableFile> {
    const bytes = await this.tiles.tile(user, id, recordId, level, tile);
    // No long-lived cache header: every API answer is no-store (audit-hooks.ts), PHI included;
    // OpenSeadragon keeps the tiles of the open image in memory.
    return new StreamableFile(bytes, { type: 'image/jpeg', length: bytes.length });
  }

  @Get('readiness')
  @ApiOperation({ summary: "Read a case's readiness" })
  @ApiOkResponse({ type: ReadinessReportDto })
  @Roles('coordinator', 'clinician', 'admin')
  @Audited('case.readiness.read', { entity: 'case', idParam: 'id' })
  report(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<ReadinessReport> {
    return this.readiness.report(user, id);
  }

  @Post('readiness/waivers')
  @ApiOperation({ summary: 'Waive a readiness item' })
  @ApiCreatedResponse({ type: ReadinessReportDto })
  @Roles('coordinator')
  @Audited('case.readiness.waive', { entity: 'readiness_waiver' })
  waive(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: WaiverDto,
  ): Promise<ReadinessReport> {
    return this.readiness.waive(user, id, dto);
  }
}
