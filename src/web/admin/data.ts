/** What several admin views load: every user, every clinic, and the admin's own time zone. */
import { client, ok, type Schemas } from '../api/client.js';

export type User = Schemas['UserResponseDto'];
export type Clinic = Schemas['ClinicResponseDto'];

/** Every user, page after page (for pickers: a person is chosen by name, never by typing an id). */
export async function allUsers(): Promise<User[]> {
  const users: User[] = [];
  let cursor: string | undefined;
  do {
    const page = await ok(client.GET('/api/users', { params: { query: { limit: 200, cursor } } }));
    users.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return users;
}

/** Every clinic (an admin sees them all), by name. */
export async function allClinics(): Promise<Clinic[]> {
  const clinics: Clinic[] = [];
  let cursor: string | undefined;
  do {
    const page = await ok(client.GET('/api/clinics', { params: { query: { limit: 200, cursor } } }));
    clinics.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return clinics;
}

/**
 * The zone of this screen, for times that belong to no clinic (the audit
 * trail, a link's expiry); always shown with its label.
 */
export const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The If-Match header for an edit of what was read at this version. */
export const ifMatch = (version: number): { 'If-Match': string } => ({ 'If-Match': `"${version}"` });

/** Who a user is, in a list of choices: "Dr. Ada Rivera (ada@example.org)". */
export const userLabel = (u: Pick<User, 'displayName' | 'email'>): string => `${u.displayName} (${u.email})`;
