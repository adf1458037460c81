import type { AuthenticatedUser } from './authenticated-user.js';
import type { UserResponseDto } from './dto/user.dto.js';
import type { UserEntity } from './entities/user.entity.js';

export function toUserResponse(user: UserEntity | (AuthenticatedUser & { active?: boolean })): UserResponseDto {
  const entity = 'passwordHash' in user;
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    active: user.active ?? true,
    totpEnabled: entity ? user.totpEnabledAt !== null : user.totpEnabled === true,
    // A signed-in caller has a password.
    passwordSet: entity ? user.passwordHash !== null : true,
    version: user.version,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

/** Strong ETag from a row version. */
export function etagOf(version: number): string {
  return `"${version}"`;
}
