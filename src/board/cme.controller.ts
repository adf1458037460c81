import { Controller, Get, Headers, Param, ParseIntPipe, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser, Roles } from '../common/auth.decorators.js';
import { AttendanceRosterService } from './attendance-roster.service.js';
import {
  RosterFormatQuery,
  SessionRosterDto,
  YearCertificateQuery,
  YearRosterDto,
  YearRosterQuery,
  type RosterFormat,
} from './dto/roster.dto.js';
import { sessionRosterCsv, yearRosterCsv } from './roster-csv.js';
import { certificatePdf, sessionRosterPdf, yearRosterPdf } from './roster.pdf.js';

const uuid = new ParseUUIDPipe();
const READERS = "the clinic's coordinators and administrators";

/** ?format=, else the Accept header, else JSON. */
function formatOf(query: RosterFormatQuery, accept: string | undefined): RosterFormat {
  if (query.format !== undefined) return query.format;
  if (accept?.includes('text/csv') === true) return 'csv';
  if (accept?.includes('application/pdf') === true) return 'pdf';
  return 'json';
}

function file(reply: FastifyReply, type: string, name: string): void {
  void reply.header('cache-control', 'no-store');
  void reply.header('content-type', type);
  void reply.header('content-disposition', `attachment; filename="${name}"`);
}

const rosterContent = (model: string) => ({
  'application/json': { schema: { $ref: getSchemaPath(model) } },
  'text/csv': { schema: { type: 'string' as const } },
  'application/pdf': { schema: { type: 'string' as const, format: 'binary' } },
});

/** Safe in a file name: letters, digits and dashes. */
const slug = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 60) || 'roster';

/**
 * Continuing medical education: the attendance roster of a board session and
 * of a clinic's year (JSON, CSV or PDF), and certificates of attendance.
 */
@ApiTags('attendance rosters')
@ApiBearerAuth()
@Controller()
@Roles('coordinator', 'clinician', 'admin')
@ApiExtraModels(SessionRosterDto, YearRosterDto)
export class CmeController {
  constructor(private readonly rosters: AttendanceRosterService) {}

  @Get('board-sessions/:id/roster')
  @ApiOperation({
    summary: "A session's attendance roster",
    description: `Each attendee's name, profession, discipline, every stay in and out, total minutes and credit hours. Readers: ${READERS}.`,
  })
  @ApiProduces('application/json', 'text/csv', 'application/pdf')
  @Audited('board_session.roster', { entity: 'board_session', idParam: 'id' })
  @ApiOkResponse({
    description: 'JSON, or CSV / PDF with ?format= or Accept',
    content: rosterContent('SessionRosterDto'),
  })
  @ApiForbiddenResponse({ description: 'a clinician of the clinic: rosters are for coordinators and administrators' })
  @ApiNotFoundResponse({ description: 'no such session, or not one of your clinics' })
  async sessionRoster(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuid) id: string,
    @Query() query: RosterFormatQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionRosterDto | string | Buffer> {
    const roster = await this.rosters.sessionRoster(user, id);
    const name = `roster-${roster.session.startsAt.slice(0, 10)}-${slug(roster.session.title)}`;
    switch (formatOf(query, accept)) {
      case 'json':
        void reply.header('cache-control', 'no-store');
        return roster;
      case 'csv':
        file(reply, 'text/csv; charset=utf-8', `${name}.csv`);
        return sessionRosterCsv(roster);
      case 'pdf':
        file(reply, 'application/pdf', `${name}.pdf`);
        return sessionRosterPdf(roster);
    }
  }

  @Get('board-sessions/:id/certificates/:userId')
  @ApiOperation({
    summary: "A person's certificate of attendance at a session (PDF)",
    description: `Readers: ${READERS}, and the person themselves.`,
  })
  @ApiProduces('application/pdf')
  @Audited('board_session.certificate', { entity: 'board_session', idParam: 'id' })
  @ApiOkResponse({ content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } })
  @ApiForbiddenResponse({ description: "another person's certificate, asked by a clinician" })
  @ApiNotFoundResponse({ description: 'no such session, not one of your clinics, or no attendance recorded' })
  async sessionCertificate(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', uuid) id: string,
    @Param('userId', uuid) userId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const certificate = await this.rosters.sessionCertificate(user, id, userId);
    const s = certificate.sessions[0]?.session;
    file(
      reply,
      'application/pdf',
      `certificate-${s?.startsAt.slice(0, 10) ?? ''}-${slug(certificate.person.displayName)}.pdf`,
    );
    return certificatePdf(certificate);
  }

  @Get('attendance-rosters/:year')
  @ApiOperation({
    summary: "A clinic's attendance roster for a calendar year",
    description: `Per person: the sessions attended, total minutes and credit hours; the year in the clinic's time zone. Readers: ${READERS}.`,
  })
  @ApiProduces('application/json', 'text/csv', 'application/pdf')
  @Audited('attendance_roster.year', { entity: 'clinic' })
  @ApiOkResponse({ description: 'JSON, or CSV / PDF with ?format= or Accept', content: rosterContent('YearRosterDto') })
  @ApiForbiddenResponse({ description: 'a clinician of the clinic' })
  @ApiNotFoundResponse({ description: 'not one of your clinics' })
  async yearRoster(
    @CurrentUser() user: AuthenticatedUser,
    @Param('year', new ParseIntPipe()) year: number,
    @Query() query: YearRosterQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<YearRosterDto | string | Buffer> {
    const roster = await this.rosters.yearRoster(user, query.clinicId, year);
    const name = `roster-${year}-${slug(roster.clinicName)}`;
    switch (formatOf(query, accept)) {
      case 'json':
        void reply.header('cache-control', 'no-store');
        return roster;
      case 'csv':
        file(reply, 'text/csv; charset=utf-8', `${name}.csv`);
        return yearRosterCsv(roster);
      case 'pdf':
        file(reply, 'application/pdf', `${name}.pdf`);
        return yearRosterPdf(roster);
    }
  }

  @Get('attendance-rosters/:year/certificates/:userId')
  @ApiOperation({
    summary: "A person's certificate of attendance for a year of a clinic's sessions (PDF)",
    description: `Readers: ${READERS}, and the person themselves.`,
  })
  @ApiProduces('application/pdf')
  @Audited('attendance_roster.certificate', { entity: 'clinic' })
  @ApiOkResponse({ content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } })
  @ApiForbiddenResponse({ description: "another person's certificate, asked by a clinician" })
  @ApiNotFoundResponse({ description: 'not one of your clinics, or no attendance recorded in the year' })
  async yearCertificate(
    @CurrentUser() user: AuthenticatedUser,
    @Param('year', new ParseIntPipe()) year: number,
    @Param('userId', uuid) userId: string,
    @Query() query: YearCertificateQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const certificate = await this.rosters.yearCertificate(user, query.clinicId, year, userId);
    file(reply, 'application/pdf', `certificate-${year}-${slug(certificate.person.displayName)}.pdf`);
    return certificatePdf(certificate);
  }
}
