import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiProperty,
  ApiBearerAuth,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Audited, AuditedByService } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser, Public, Roles } from '../common/auth.decorators.js';
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

export class LetterTokenDto {
  @ApiProperty({ description: 'The token from the letter link in the mail' })
  @IsString({ message: 'token must be the code from the letter link' })
  @Matches(/^[A-Za-z0-9_-]{20,100}$/, { message: 'token must be the code from the letter link' })
  token!: string;
}

/** The referring doctor's mailed link: no account, the link is the authority. */
@ApiTags('reports')
@Controller('letters')
export class LetterLinkController {
  constructor(private readonly reports: CaseReportService) {}

  @Post('download')
  @Public()
  @HttpCode(200)
  @AuditedByService('letter.download')
  @ApiOperation({ summary: "The signed second-opinion letter, as PDF, by the referring doctor's link" })
  @ApiOkResponse({ description: 'application/pdf' })
  @ApiNotFoundResponse({ description: 'Unknown link' })
  @ApiGoneResponse({ description: 'The link expired or a newer letter replaced it' })
  async download(
    @Body() dto: LetterTokenDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const report = await this.reports.reportByLetterLink(dto.token, { requestId: request.id, ip: request.ip });
    void reply.header('cache-control', 'no-store');
    void reply.header('content-type', 'application/pdf');
    void reply.header('content-disposition', 'attachment; filename="second-opinion-letter.pdf"');
    return reportPdf(report);
  }
}
