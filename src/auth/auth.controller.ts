import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Audited, AuditedByService } from '../audit/audit.decorators.js';
import { CurrentUser, DuringEnrolment, GuestAllowed, Public } from '../common/auth.decorators.js';
import { AuthService } from './auth.service.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { LoginDto, RefreshDto, SetPasswordDto, SetPasswordResultDto, TokenPairDto } from './dto/auth.dto.js';
import { LoginRateLimitGuard } from './login-rate-limit.guard.js';
import { OwnRateLimit } from './public-rate-limit.guard.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @ApiOperation({ summary: 'Sign in' })
  @Public()
  @OwnRateLimit('login is throttled per account and address by LoginRateLimitGuard')
  @HttpCode(200)
  @UseGuards(LoginRateLimitGuard)
  @AuditedByService('auth.login')
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({
    description:
      'Invalid email or password; or (code second_factor_required / second_factor_invalid) the TOTP code is missing or wrong',
  })
  @ApiForbiddenResponse({
    description:
      'code password_login_disabled: password sign-in is turned off for the address (PASSWORD_LOGIN_ENABLED, or its hospital sign-in); admins are let through',
  })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts; see Retry-After' })
  login(@Body() dto: LoginDto, @Req() request: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.login(dto.email, dto.password, dto.totp, { requestId: request.id, ip: request.ip });
  }

  @Post('set-password')
  @ApiOperation({ summary: 'Set a password from a one-time link' })
  @Public()
  @HttpCode(200)
  @AuditedByService('auth.set_password')
  @ApiOkResponse({ type: SetPasswordResultDto, description: 'The password is set; sign in with it' })
  @ApiBadRequestResponse({ description: 'The link is unknown, used or expired, or the password is too weak' })
  setPassword(@Body() dto: SetPasswordDto, @Req() request: FastifyRequest): Promise<SetPasswordResultDto> {
    return this.auth.setPassword(dto.token, dto.password, { requestId: request.id, ip: request.ip });
  }

  @Post('refresh')
  @ApiOperation({ summary: 'Refresh the token pair' })
  @Public()
  @HttpCode(200)
  @AuditedByService('auth.refresh')
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'Invalid, reused, expired or revoked refresh token' })
  refresh(@Body() dto: RefreshDto, @Req() request: FastifyRequest): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken, { requestId: request.id, ip: request.ip });
  }

  @Post('logout')
  @ApiOperation({ summary: 'Sign out' })
  @HttpCode(204)
  @DuringEnrolment()
  @GuestAllowed()
  @ApiBearerAuth()
  @Audited('auth.logout', { entity: 'auth_session' })
  @ApiNoContentResponse({ description: 'The session is ended' })
  logout(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    return this.auth.logout(user);
  }
}
