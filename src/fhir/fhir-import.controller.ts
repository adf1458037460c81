import { Body, Controller, Header, HttpStatus, Post, Res, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser, Roles } from '../common/auth.decorators.js';
import { FhirExceptionFilter, FhirRoute } from './fhir-route.js';
import type { OperationOutcome } from './operation-outcome.js';
import { FhirReferralImportService } from './referral-import.service.js';

const OUTCOME = { type: 'object', description: 'a FHIR R4 OperationOutcome' } as const;

@ApiTags('fhir')
@ApiBearerAuth()
@Controller('fhir')
@UseFilters(FhirExceptionFilter)
export class FhirImportController {
  constructor(private readonly imports: FhirReferralImportService) {}

  @Post('referrals')
  @ApiOperation({ summary: 'Import a referral from a FHIR Bundle (mCODE)' })
  @FhirRoute()
  @Roles('coordinator')
  @Audited('case.fhir_import', { entity: 'case' })
  @Header('content-type', 'application/fhir+json; charset=utf-8')
  @Header('cache-control', 'no-store')
  @ApiConsumes('application/fhir+json', 'application/json')
  @ApiProduces('application/fhir+json')
  @ApiBody({
    description:
      'a FHIR R4 Bundle (mCODE) holding a referral: ServiceRequest (its identifier makes the import idempotent), Patient, the primary cancer Condition, staging and tumor marker Observations, history, and DocumentReferences with base64 attachments',
    schema: {
      type: 'object',
      required: ['resourceType'],
      properties: { resourceType: { type: 'string', enum: ['Bundle'] } },
    },
  })
  @ApiCreatedResponse({
    description: 'imported: an informational OperationOutcome naming the case; Location: /api/cases/{id}',
    schema: OUTCOME,
  })
  @ApiOkResponse({
    description: 'imported before (same ServiceRequest.identifier): the same case, nothing written',
    schema: OUTCOME,
  })
  @ApiBadRequestResponse({
    description: 'an OperationOutcome with one issue per refused element, each naming its FHIRPath; nothing written',
    schema: OUTCOME,
  })
  @ApiConflictResponse({
    description: 'the MRN belongs to another person, or the referral was imported into another clinic',
    schema: OUTCOME,
  })
  @ApiPayloadTooLargeResponse({ description: 'the Bundle is larger than the body limit', schema: OUTCOME })
  async importReferral(
    @CurrentUser() user: AuthenticatedUser,
    @Body() bundle: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OperationOutcome> {
    const result = await this.imports.import(user, bundle);
    void reply
      .status(result.created ? HttpStatus.CREATED : HttpStatus.OK)
      .header('location', `/api/cases/${result.caseId}`);
    return result.outcome;
  }
}
