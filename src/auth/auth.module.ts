import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config.js';
import { DatabaseModule } from '../database/database.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { AccessGuard } from './access.guard.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { BootstrapAdmin } from './bootstrap-admin.js';
import { LoginRateLimitGuard } from './login-rate-limit.guard.js';
import { LoginThrottle } from './login-throttle.js';
import { IdentityProvidersController } from './oidc/identity-providers.controller.js';
import { IdentityProvidersService } from './oidc/identity-providers.service.js';
import { OidcController } from './oidc/oidc.controller.js';
import { OidcSignInService } from './oidc/oidc-sign-in.service.js';
import { PasswordHasher } from './password-hasher.js';
import { PublicRateLimitGuard } from './public-rate-limit.guard.js';
import { SessionsService } from './sessions.service.js';
import { SetPasswordLinksService } from './set-password-links.service.js';
import { TotpService } from './totp.service.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [
    DatabaseModule,
    NotificationsModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // A KeyObject: given a string, jsonwebtoken first tries (and fails) to
        // parse it as a public key on every verification.
        secret: createSecretKey(Buffer.from(config.auth.accessSecret, 'utf8')),
        signOptions: { algorithm: 'HS256', issuer: 'consilium' },
        verifyOptions: { algorithms: ['HS256'], issuer: 'consilium' },
      }),
    }),
  ],
  controllers: [AuthController, UsersController, OidcController, IdentityProvidersController],
  providers: [
    AuthService,
    SessionsService,
    PasswordHasher,
    UsersService,
    LoginRateLimitGuard,
    LoginThrottle,
    SetPasswordLinksService,
    TotpService,
    BootstrapAdmin,
    IdentityProvidersService,
    OidcSignInService,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_GUARD, useClass: PublicRateLimitGuard },
  ],
  exports: [SessionsService, UsersService, TotpService],
})
export class AuthModule {}
