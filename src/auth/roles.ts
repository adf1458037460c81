/** The roles an administrator gives a staff account. */
export const ROLES = ['admin', 'coordinator', 'clinician'] as const;
export type StaffRole = (typeof ROLES)[number];
/**
 * Every role an account can have: the staff roles, and `guest`, an outside
 * doctor's account made by redeeming an invitation to one session for one
 * case (never assigned by an admin; it reaches only `@GuestAllowed()` routes).
 */
export const ALL_ROLES = [...ROLES, 'guest'] as const;
export type Role = (typeof ALL_ROLES)[number];
