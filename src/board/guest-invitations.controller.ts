import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Audited, AuditedByService } from '../audit/audit.decorators.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { TokenPairDto } from '../auth/dto/auth.dto.js';
import { CurrentUser, GuestAllowed, Public, Roles } from '../common/auth.decorators.js';
import {
  CreatedGuestInvitationDto,
  CreateGuestInvitationDto,
  GuestInvitationDto,
  GuestViewDto,
  RedeemGuestInvitationDto,
} from './dto/guest-invitation.dto.js';
import { GuestInvitationsService } from './guest-invitations.service.js';

const id = new ParseUUIDPipe();

@ApiTags('board')
@ApiBearerAuth()
@Controller()
export class GuestInvitationsController {
  constructor(private readonly guests: GuestInvitationsService) {}

  @Post('board-sessions/:id/guest-invitations')
  @Roles('coordinator')
  @ApiOperation({ summary: 'Invite a guest (the referring doctor) to this session for one case on its agenda' })
  @Audited('guest.invitation.create', { entity: 'guest_invitation', severity: 'high' })
  @ApiCreatedResponse({ type: CreatedGuestInvitationDto })
  invite(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', id) sessionId: string,
    @Body() dto: CreateGuestInvitationDto,
  ): Promise<CreatedGuestInvitationDto> {
    return this.guests.invite(user, sessionId, dto);
  }

  @Get('board-sessions/:id/guest-invitations')
  @Roles('coordinator', 'clinician')
  @ApiOperation({ summary: "The session's guest invitations and where each stands" })
  @Audited('guest.invitation.list', { entity: 'board_session', idParam: 'id' })
  @ApiOkResponse({ type: [GuestInvitationDto] })
  list(@CurrentUser() user: AuthenticatedUser, @Param('id', id) sessionId: string): Promise<GuestInvitationDto[]> {
    return this.guests.list(user, sessionId);
  }

  @Post('guest-invitations/:id/revocation')
  @Roles('coordinator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw an invitation; a guest already in the room is cut off at once' })
  @Audited('guest.invitation.revoke', { entity: 'guest_invitation', idParam: 'id', severity: 'high' })
  @ApiOkResponse({ type: GuestInvitationDto })
  revoke(@CurrentUser() user: AuthenticatedUser, @Param('id', id) invitationId: string): Promise<GuestInvitationDto> {
    return this.guests.revoke(user, invitationId);
  }

  @Post('guest-invitations/redemption')
  @Public()
  @HttpCode(200)
  @AuditedByService('guest.invitation.redeem')
  @ApiOperation({ summary: 'Open an invitation link (once): the guest’s tokens' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiNotFoundResponse({ description: 'Unknown link' })
  @ApiGoneResponse({ description: 'Used, expired or withdrawn' })
  redeem(@Body() dto: RedeemGuestInvitationDto, @Req() request: FastifyRequest): Promise<TokenPairDto> {
    return this.guests.redeem(dto.token, { requestId: request.id, ip: request.ip });
  }

  @Get('guest/me')
  @GuestAllowed()
  @Roles('guest')
  @ApiOperation({ summary: "A guest's invitation: the session and the case they may see" })
  @Audited('guest.view', { entity: 'guest_invitation' })
  @ApiOkResponse({ type: GuestViewDto })
  view(@CurrentUser() user: AuthenticatedUser): Promise<GuestViewDto> {
    return this.guests.view(user);
  }
}
