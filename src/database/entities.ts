import { AuditEventEntity } from '../audit/entities/audit-event.entity.js';
import { AuthSessionEntity } from '../auth/entities/auth-session.entity.js';
import { RateLimitEntity } from '../auth/entities/rate-limit.entity.js';
import { RefreshTokenEntity } from '../auth/entities/refresh-token.entity.js';
import { UserEntity } from '../auth/entities/user.entity.js';

/** Every entity of every module; the data source and the CLI need them all. */
export const ENTITIES = [UserEntity, AuthSessionEntity, RefreshTokenEntity, RateLimitEntity, AuditEventEntity];
