import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Audited } from '../audit/audit.decorators.js';
import { CurrentUser, DuringEnrolment, GuestAllowed, Roles } from '../common/auth.decorators.js';
import type { Page } from '../common/pagination.js';
import { parseIfMatch } from '../common/if-match.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import {
  ChangePasswordDto,
  CreatedUserResponseDto,
  CreateUserDto,
  ListUsersQuery,
  SetPasswordLinkDto,
  TotpCodeDto,
  TotpEnrolmentDto,
  UpdateUserDto,
  UserPageDto,
  UserResponseDto,
} from './dto/user.dto.js';
import { TotpService } from './totp.service.js';
import { etagOf, toUserResponse } from './users.mapper.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly totp: TotpService,
  ) {}

  @Get('me')
  @ApiOperation({ summary: 'Read the signed-in user' })
  @DuringEnrolment()
  @GuestAllowed()
  @Audited('user.read_self', { entity: 'user' })
  @ApiOkResponse({ type: UserResponseDto })
  me(@CurrentUser() user: AuthenticatedUser, @Res({ passthrough: true }) reply: FastifyReply): UserResponseDto {
    void reply.header('etag', etagOf(user.version));
    return toUserResponse(user);
  }

  @Put('me/password')
  @ApiOperation({ summary: 'Change your password' })
  @HttpCode(204)
  @DuringEnrolment()
  @Audited('user.password_change', { entity: 'user' })
  @ApiNoContentResponse({ description: 'Changed; every other session of the user ended' })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong current passwords; see Retry-After' })
  changePassword(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: ChangePasswordDto,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    return this.users.changeOwnPassword(user, dto, request.ip);
  }

  @Post('me/totp')
  @ApiOperation({ summary: 'Begin second-factor enrolment' })
  @ApiConflictResponse({ description: 'a second factor is already active' })
  @DuringEnrolment()
  @Audited('user.totp.begin', { entity: 'user' })
  @ApiCreatedResponse({ type: TotpEnrolmentDto, description: 'A new secret; active once a code is confirmed' })
  beginTotp(@CurrentUser() user: AuthenticatedUser): Promise<TotpEnrolmentDto> {
    return this.totp.begin(user.id);
  }

  @Post('me/totp/confirm')
  @ApiOperation({ summary: 'Confirm second-factor enrolment' })
  @ApiConflictResponse({ description: 'a second factor is already active, or no enrolment was begun' })
  @HttpCode(204)
  @DuringEnrolment()
  @Audited('user.totp.confirm', { entity: 'user' })
  @ApiNoContentResponse({ description: 'The second factor is active; this session is no longer restricted' })
  confirmTotp(@CurrentUser() user: AuthenticatedUser, @Body() dto: TotpCodeDto): Promise<void> {
    return this.totp.confirm(user.id, user.sessionId, dto.code);
  }

  @Get()
  @ApiOperation({ summary: 'List users' })
  @Roles('admin')
  @Audited('user.list', { entity: 'user' })
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: ListUsersQuery): Promise<Page<UserResponseDto>> {
    return this.users.list(query);
  }

  @Post()
  @ApiOperation({ summary: 'Create a user' })
  @ApiConflictResponse({ description: 'a user with this email already exists' })
  @Roles('admin')
  @Audited('user.create', { entity: 'user' })
  @ApiCreatedResponse({
    type: CreatedUserResponseDto,
    description: 'The account, without a password: give the user the one-time set-password link',
  })
  create(@Body() dto: CreateUserDto): Promise<CreatedUserResponseDto> {
    return this.users.create(dto);
  }

  @Post(':id/set-password-link')
  @ApiOperation({ summary: 'Issue a set-password link' })
  @Roles('admin')
  @Audited('user.set_password_link', { entity: 'user', idParam: 'id' })
  @ApiCreatedResponse({ type: SetPasswordLinkDto, description: 'A new one-time link; earlier ones stop working' })
  issueSetPasswordLink(@Param('id', new ParseUUIDPipe()) id: string): Promise<SetPasswordLinkDto> {
    return this.users.issueResetLink(id);
  }

  @Delete(':id/totp')
  @ApiOperation({ summary: "Reset a user's second factor" })
  @Roles('admin')
  @Audited('user.totp.reset', { entity: 'user', idParam: 'id' })
  @ApiOkResponse({ type: UserResponseDto, description: 'The second factor is removed; the user enrols again' })
  resetTotp(@Param('id', new ParseUUIDPipe()) id: string): Promise<UserResponseDto> {
    return this.users.resetSecondFactor(id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a user' })
  @Roles('admin')
  @Audited('user.read', { entity: 'user', idParam: 'id' })
  @ApiOkResponse({ type: UserResponseDto })
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserResponseDto> {
    const user = await this.users.get(id);
    void reply.header('etag', etagOf(user.version));
    return user;
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Edit a user' })
  @ApiConflictResponse({ description: 'the last active admin cannot be disabled or demoted' })
  @Roles('admin')
  @Audited('user.update', { entity: 'user', idParam: 'id' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag from the last read' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiPreconditionFailedResponse({ description: 'The user changed since the ETag was read' })
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateUserDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserResponseDto> {
    const user = await this.users.update(id, parseIfMatch(ifMatch), dto);
    void reply.header('etag', etagOf(user.version));
    return user;
  }
}
