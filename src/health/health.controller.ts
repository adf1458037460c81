import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import { NotAudited } from '../audit/audit.decorators.js';
import { OwnRateLimit } from '../auth/public-rate-limit.guard.js';
import { Public } from '../common/auth.decorators.js';
import { DrainState } from './drain-state.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly drain: DrainState,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Check liveness and the database' })
  @Public()
  @OwnRateLimit('the liveness probe: a throttled probe would take a healthy instance out of service')
  @NotAudited('liveness probe; no patient or user data')
  // Terminus documents the route only where it can require @nestjs/swagger (not under jest's
  // ESM loader), so the document would differ by where it is made: described here instead.
  @HealthCheck({ swaggerDocumentation: false, noCache: true })
  @ApiOkResponse({
    description: 'The server is up and its database answers',
    schema: {
      type: 'object',
      required: ['status'],
      properties: {
        status: { type: 'string', enum: ['ok'] },
        info: { type: 'object', additionalProperties: { type: 'object', properties: { status: { type: 'string' } } } },
        error: { type: 'object', additionalProperties: { type: 'object', properties: { status: { type: 'string' } } } },
        details: {
          type: 'object',
          additionalProperties: { type: 'object', properties: { status: { type: 'string' } } },
        },
      },
    },
  })
  check(): Promise<HealthCheckResult> {
    if (this.drain.draining) {
      throw new ServiceUnavailableException({ status: 'shutting_down', message: 'The server is shutting down' });
    }
    return this.health.check([() => this.db.pingCheck('database', { timeout: 2000 })]);
  }
}
