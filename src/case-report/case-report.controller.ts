import { Controller, Get, Headers, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser, Roles } from '../common/auth.decorators.js';
import { RequestValidationException } from '../common/problem.js';
import { reportHtml } from './case-report.js';
import { reportPdf } from './case-report.pdf.js';
import { CaseReportService } from './case-report.service.js';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('cases/:id')
@Roles('coordinator', 'clinician')
export class CaseReportController {
  constructor(private readonly reports: CaseReportService) {}

  @Get('report')
  @ApiOperation({ summary: 'The second-opinion letter and patient summary' })
  @Audited('case.report', { entity: 'case', idParam: 'id' })
  @ApiQuery({ name: 'format', required: false, enum: ['html', 'pdf'] })
  @ApiOkResponse({
    description:
      'the letter to the referring doctor and the patient summary: HTML, or PDF (?format=pdf or Accept: application/pdf)',
  })
  async report(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query('format') format: string | undefined,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | Buffer> {
    if (format !== undefined && format !== 'html' && format !== 'pdf')
      throw RequestValidationException.field('format', 'format must be html or pdf');
    const report = await this.reports.report(user, id);
    void reply.header('cache-control', 'no-store');
    if (format === 'pdf' || (format === undefined && accept?.includes('application/pdf') === true)) {
      void reply.header('content-type', 'application/pdf');
      void reply.header('content-disposition', 'inline; filename="second-opinion.pdf"');
      return reportPdf(report);
    }
    void reply.header('content-type', 'text/html; charset=utf-8');
    return reportHtml(report);
  }
}
