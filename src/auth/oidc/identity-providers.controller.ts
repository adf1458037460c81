import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Patch, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Audited } from '../../audit/audit.decorators.js';
import { Roles } from '../../common/auth.decorators.js';
import { parseIfMatch } from '../../common/if-match.js';
import {
  CreateIdentityProviderDto,
  IdentityProviderListDto,
  IdentityProviderResponseDto,
  UpdateIdentityProviderDto,
} from './dto/identity-provider.dto.js';
import { IdentityProvidersService } from './identity-providers.service.js';

const etagOf = (version: number): string => `"${version}"`;

@ApiTags('identity-providers')
@ApiBearerAuth()
@Controller('identity-providers')
export class IdentityProvidersController {
  constructor(private readonly providers: IdentityProvidersService) {}

  @Get()
  @ApiOperation({ summary: 'List the hospital sign-in providers' })
  @Roles('admin')
  @Audited('identity_provider.list', { entity: 'identity_provider' })
  @ApiOkResponse({ type: IdentityProviderListDto })
  list(): Promise<IdentityProviderListDto> {
    return this.providers.list();
  }

  @Post()
  @ApiOperation({ summary: 'Add a hospital sign-in provider' })
  @Roles('admin')
  @Audited('identity_provider.create', { entity: 'identity_provider', severity: 'high' })
  @ApiConflictResponse({ description: 'a provider with this name already exists' })
  @ApiCreatedResponse({ type: IdentityProviderResponseDto })
  async create(
    @Body() dto: CreateIdentityProviderDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IdentityProviderResponseDto> {
    const provider = await this.providers.create(dto);
    void reply.header('etag', etagOf(provider.version));
    return provider;
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a hospital sign-in provider' })
  @Roles('admin')
  @Audited('identity_provider.read', { entity: 'identity_provider', idParam: 'id' })
  @ApiOkResponse({ type: IdentityProviderResponseDto })
  async get(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IdentityProviderResponseDto> {
    const provider = await this.providers.get(id);
    void reply.header('etag', etagOf(provider.version));
    return provider;
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Edit a hospital sign-in provider' })
  @Roles('admin')
  @Audited('identity_provider.update', { entity: 'identity_provider', idParam: 'id', severity: 'high' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag from the last read' })
  @ApiConflictResponse({ description: 'a provider with this name already exists' })
  @ApiOkResponse({ type: IdentityProviderResponseDto })
  @ApiPreconditionFailedResponse({ description: 'The provider changed since the ETag was read' })
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateIdentityProviderDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IdentityProviderResponseDto> {
    const provider = await this.providers.update(id, parseIfMatch(ifMatch), dto);
    void reply.header('etag', etagOf(provider.version));
    return provider;
  }
}
