import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
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
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    if (this.drain.draining) {
      throw new ServiceUnavailableException({ status: 'shutting_down', message: 'The server is shutting down' });
    }
    return this.health.check([() => this.db.pingCheck('database', { timeout: 2000 })]);
  }
}
