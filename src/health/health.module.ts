import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';

@Module({})
export class HealthModule {
  /**
   * On shutdown the health check answers 503 "shutting_down" for `graceMs`
   * while requests already on the wire are still served; then the server
   * stops accepting and finishes what is in flight.
   */
  static forRoot(graceMs: number): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false, gracefulShutdownTimeoutMs: graceMs })],
      controllers: [HealthController],
    };
  }
}
