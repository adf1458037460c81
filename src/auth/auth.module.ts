import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { DatabaseModule } from '../database/database.module.js';
import { AccessGuard } from './access.guard.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { BootstrapAdmin } from './bootstrap-admin.js';
import { ACCOUNT_THROTTLER, LoginThrottlerGuard, accountTracker } from './login-throttler.guard.js';
import { PasswordHasher } from './password-hasher.js';
import { PgThrottlerStorage } from './pg-throttler.storage.js';
import { SessionsService } from './sessions.service.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [
    DatabaseModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.auth.accessSecret,
        signOptions: { algorithm: 'HS256', issuer: 'consilium' },
        verifyOptions: { algorithms: ['HS256'], issuer: 'consilium' },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, DataSource],
      useFactory: (config: AppConfig, dataSource: DataSource) => {
        const { login } = config.auth;
        return {
          storage: new PgThrottlerStorage(dataSource),
          throttlers: [
            { name: 'default', limit: login.ipLimit, ttl: login.ipWindowSeconds * 1000 },
            {
              name: ACCOUNT_THROTTLER,
              limit: login.accountLimit,
              ttl: login.accountWindowSeconds * 1000,
              getTracker: accountTracker,
            },
          ],
        };
      },
    }),
  ],
  controllers: [AuthController, UsersController],
  providers: [
    AuthService,
    SessionsService,
    PasswordHasher,
    UsersService,
    LoginThrottlerGuard,
    BootstrapAdmin,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [SessionsService, UsersService],
})
export class AuthModule {}
