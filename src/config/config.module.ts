import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig, ENV } from './app-config.js';
import type { Env } from './env.schema.js';

/**
 * Provides the validated environment. Entry points (server, tests, CLI) load
 * and validate it once and pass it in, so nothing else reads `process.env`.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          ignoreEnvVars: true,
          load: [() => ({ ...env })],
        }),
      ],
      providers: [{ provide: ENV, useValue: env }, AppConfig],
      exports: [ENV, AppConfig],
    };
  }
}
