import { Body, Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Audited } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser, Roles } from '../common/auth.decorators.js';
import { PostponeCaseDto, PostponementDto } from './dto/postponement.dto.js';
import { PostponementsService } from './postponements.service.js';

@ApiTags('board sessions')
@ApiBearerAuth()
@Controller('board-sessions')
@Roles('coordinator')
export class PostponementsController {
  constructor(private readonly postponements: PostponementsService) {}

  @Post(':id/agenda/:caseId/postponement')
  @ApiOperation({ summary: 'Postpone a case to a later session' })
  @Audited('board_session.agenda.postpone', { entity: 'board_session', idParam: 'id' })
  @ApiCreatedResponse({ type: PostponementDto, description: 'the case is on the later agenda; the reason is kept' })
  @ApiNotFoundResponse({ description: 'the case is not on this agenda' })
  @ApiConflictResponse({
    description:
      'the later session is not later, belongs to another clinic, is closed or cancelled, or already lists the case; or the case was already presented',
  })
  postpone(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) sessionId: string,
    @Param('caseId', ParseUUIDPipe) caseId: string,
    @Body() dto: PostponeCaseDto,
  ): Promise<PostponementDto> {
    return this.postponements.postpone(user, sessionId, caseId, dto);
  }
}
