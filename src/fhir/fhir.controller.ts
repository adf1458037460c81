import { Controller, Get, Header, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser, Roles } from '../common/auth.decorators.js';
import { FhirService } from './fhir.service.js';

@ApiTags('fhir')
@ApiBearerAuth()
@Controller('cases/:id')
@Roles('coordinator', 'clinician')
export class FhirController {
  constructor(private readonly fhir: FhirService) {}

  @Get('fhir')
  @ApiOperation({ summary: 'Export a case as a FHIR Bundle (mCODE)' })
  @Header('content-type', 'application/fhir+json; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Audited('case.fhir_export', { entity: 'case', idParam: 'id' })
  @ApiOkResponse({ description: 'a FHIR R4 Bundle in the mCODE shape' })
  bundle(@CurrentUser() user: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.fhir.bundle(user, id);
  }
}
