import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser, Roles } from '../common/auth.decorators.js';
import { RequestValidationException } from '../common/problem.js';
import { ConferenceReportQuery, ReportQuery } from '../diagnoses/dto/review.dto.js';
import { CONCORDANCE_REPORT_SCHEMA, CONFERENCE_REPORT_SCHEMA } from './report-schemas.js';
import { ReportsService, toCsv, type ConcordanceReport, type ConferenceReport } from './reports.service.js';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
@Roles('coordinator', 'clinician', 'admin')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('concordance')
  @ApiOperation({ summary: 'Concordance report' })
  @Audited('report.concordance', { entity: 'clinic' })
  @ApiOkResponse({
    description: 'JSON, or CSV with ?format=csv or Accept: text/csv',
    content: {
      'application/json': { schema: CONCORDANCE_REPORT_SCHEMA },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  async concordance(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: ReportQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConcordanceReport | string> {
    if (query.to <= query.from) throw RequestValidationException.field('to', 'to must be after from');
    const report = await this.reports.concordance(user, query.clinicId, query.from, query.to);
    if (query.format === 'csv' || (query.format === undefined && accept?.includes('text/csv') === true)) {
      void reply.header('content-type', 'text/csv; charset=utf-8');
      return toCsv(report);
    }
    return report;
  }

  @Get('conference')
  @ApiOperation({ summary: 'Conference (accreditation) report' })
  @Audited('report.conference', { entity: 'clinic' })
  @ApiOkResponse({ description: 'The CoC conference figures of a year', schema: CONFERENCE_REPORT_SCHEMA })
  conference(@CurrentUser() user: AuthenticatedUser, @Query() query: ConferenceReportQuery): Promise<ConferenceReport> {
    return this.reports.conference(user, query.clinicId, query.year, query.caseload);
  }
}
