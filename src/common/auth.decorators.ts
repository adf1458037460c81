import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from '../auth/roles.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';

export const IS_PUBLIC = 'consilium:public';
export const ROLES = 'consilium:roles';
export const DURING_ENROLMENT = 'consilium:during-enrolment';
export const GUEST_ALLOWED = 'consilium:guest-allowed';

/** The route needs no access token. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * The route also answers a session restricted to second-factor enrolment
 * (an admin without a second factor): reading oneself, enrolling, signing out.
 */
export const DuringEnrolment = (): MethodDecorator => SetMetadata(DURING_ENROLMENT, true);

/**
 * A guest (an invited outside doctor) may call the route too. Guests reach
 * no other route; what they may see on it (the invited case only) is the
 * service's check (CaseAccessService, BoardSessionsService).
 */
export const GuestAllowed = (): MethodDecorator => SetMetadata(GUEST_ALLOWED, true);

/** Only these roles may call the route (any authenticated user when absent). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES, roles);

/** The authenticated caller, as set by the access guard. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthenticatedUser => {
  const request = ctx.switchToHttp().getRequest<{ user?: AuthenticatedUser }>();
  if (request.user === undefined) throw new Error('CurrentUser used on a public route');
  return request.user;
});
