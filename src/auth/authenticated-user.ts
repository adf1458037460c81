import type { Role } from './roles.js';

/** The caller as the access guard resolved it for this request. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  sessionId: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /** The session may only enrol a second factor (an admin who has none yet). */
  enrolmentOnly?: boolean;
  totpEnabled?: boolean;
}
