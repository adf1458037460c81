import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiPreconditionFailedResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Audited } from '../audit/audit.decorators.js';
import { CurrentUser, Roles } from '../common/auth.decorators.js';
import type { Page } from '../common/pagination.js';
import { parseIfMatch } from '../common/if-match.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { CreateUserDto, ListUsersQuery, UpdateUserDto, UserPageDto, UserResponseDto } from './dto/user.dto.js';
import { etagOf, toUserResponse } from './users.mapper.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @Audited('user.read_self', { entity: 'user' })
  @ApiOkResponse({ type: UserResponseDto })
  me(@CurrentUser() user: AuthenticatedUser, @Res({ passthrough: true }) reply: FastifyReply): UserResponseDto {
    void reply.header('etag', etagOf(user.version));
    return toUserResponse(user);
  }

  @Get()
  @Roles('admin')
  @Audited('user.list', { entity: 'user' })
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: ListUsersQuery): Promise<Page<UserResponseDto>> {
    return this.users.list(query);
  }

  @Post()
  @Roles('admin')
  @Audited('user.create', { entity: 'user' })
  @ApiCreatedResponse({ type: UserResponseDto })
  create(@Body() dto: CreateUserDto): Promise<UserResponseDto> {
    return this.users.create(dto);
  }

  @Get(':id')
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
