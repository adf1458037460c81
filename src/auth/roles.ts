export const ROLES = ['admin', 'coordinator', 'clinician'] as const;
export type Role = (typeof ROLES)[number];
