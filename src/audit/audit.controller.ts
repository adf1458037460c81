import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/auth.decorators.js';
import type { Page } from '../common/pagination.js';
import { Audited } from './audit.decorators.js';
import { AuditService } from './audit.service.js';
import { AuditEventPageDto, ListAuditEventsQuery, type AuditEventResponseDto } from './dto/audit-event.dto.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'List audit events' })
  @Roles('admin')
  @Audited('audit.list', { entity: 'audit_event' })
  @ApiOkResponse({ type: AuditEventPageDto })
  list(@Query() query: ListAuditEventsQuery): Promise<Page<AuditEventResponseDto>> {
    return this.audit.list(query);
  }
}
