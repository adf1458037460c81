import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuditedByService, NotAudited } from '../../audit/audit.decorators.js';
import { Public } from '../../common/auth.decorators.js';
import { TokenPairDto } from '../dto/auth.dto.js';
import { OidcCallbackDto, OidcStartDto, SignInProviderListDto } from './dto/identity-provider.dto.js';
import { IdentityProvidersService } from './identity-providers.service.js';
import { OidcSignInService } from './oidc-sign-in.service.js';

@ApiTags('auth')
@Controller('auth/oidc')
export class OidcController {
  constructor(
    private readonly providers: IdentityProvidersService,
    private readonly signIn: OidcSignInService,
  ) {}

  @Get('providers')
  @ApiOperation({ summary: 'List the hospital sign-in buttons' })
  @Public()
  @NotAudited('the names of the enabled hospital sign-ins, for the sign-in screen; no patient or account data')
  @ApiOkResponse({ type: SignInProviderListDto })
  list(): Promise<SignInProviderListDto> {
    return this.providers.signInOptions();
  }

  @Post(':providerId/start')
  @ApiOperation({ summary: 'Start a hospital sign-in' })
  @Public()
  @HttpCode(200)
  @AuditedByService('auth.oidc.start')
  @ApiOkResponse({ type: OidcStartDto })
  @ApiNotFoundResponse({ description: 'code unknown_provider: no enabled provider with this id' })
  @ApiForbiddenResponse({ description: 'code issuer_mismatch: the provider names another issuer than configured' })
  @ApiBadGatewayResponse({ description: "code provider_unreachable: the provider's metadata could not be read" })
  start(
    @Param('providerId', new ParseUUIDPipe()) providerId: string,
    @Req() request: FastifyRequest,
  ): Promise<OidcStartDto> {
    return this.signIn.start(providerId, { requestId: request.id, ip: request.ip });
  }

  @Post('callback')
  @ApiOperation({ summary: 'Finish a hospital sign-in' })
  @Public()
  @HttpCode(200)
  @AuditedByService('auth.oidc.callback')
  @ApiOkResponse({ type: TokenPairDto, description: "Consilium's own token pair, as from a password sign-in" })
  @ApiBadRequestResponse({
    description:
      'code invalid_state (unknown, expired or used state: a replay), invalid_code (the provider refused the code) or provider_error (refused at the provider)',
  })
  @ApiForbiddenResponse({
    description:
      'code issuer_mismatch, email_missing, email_not_verified, email_domain_not_allowed, unknown_account (the provider only matches accounts), account_disabled or admin_not_allowed',
  })
  @ApiNotFoundResponse({ description: 'code unknown_provider: the provider was disabled meanwhile' })
  @ApiBadGatewayResponse({ description: 'code provider_unreachable or sign_in_failed: the provider failed' })
  callback(@Body() dto: OidcCallbackDto, @Req() request: FastifyRequest): Promise<TokenPairDto> {
    return this.signIn.callback(dto, { requestId: request.id, ip: request.ip });
  }
}
