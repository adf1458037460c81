import type { DataSource } from 'typeorm';

/** The demo logins' shared password and e-mail domain: public (they are in the README). */
export const DEMO_PASSWORD = 'consilium-demo';
export const DEMO_EMAIL_DOMAIN = 'demo.consilium.dev';

interface DemoEnv {
  NODE_ENV: 'development' | 'production' | 'test';
  DEMO_DATA: boolean;
  ADMIN_EMAIL?: string;
  ADMIN_PASSWORD?: string;
}

/**
 * Whether `npm start` may load the synthetic demo: never in production,
 * whatever DEMO_DATA says (its logins and password are public); otherwise
 * when asked and on the embedded database only.
 */
export function demoSeedDecision(env: DemoEnv, embeddedDatabase: boolean): { seed: boolean; reason: string } {
  if (env.NODE_ENV === 'production') return { seed: false, reason: 'NODE_ENV=production never loads the demo' };
  if (!env.DEMO_DATA) return { seed: false, reason: 'DEMO_DATA=false' };
  if (!embeddedDatabase) return { seed: false, reason: 'DATABASE_URL is set (npm run seed:demo seeds it on purpose)' };
  return { seed: true, reason: 'development on the embedded database' };
}

/** A configuration error for production with the demo's public credentials, or undefined. */
export function demoCredentialProblem(env: DemoEnv): string | undefined {
  if (env.NODE_ENV !== 'production') return undefined;
  if (env.ADMIN_EMAIL !== undefined && env.ADMIN_EMAIL.toLowerCase().endsWith(`@${DEMO_EMAIL_DOMAIN}`)) {
    return `ADMIN_EMAIL must not be a demo account (@${DEMO_EMAIL_DOMAIN}) when NODE_ENV=production`;
  }
  if (env.ADMIN_PASSWORD === DEMO_PASSWORD) {
    return 'ADMIN_PASSWORD must not be the public demo password when NODE_ENV=production';
  }
  return undefined;
}

/** Whether the database holds active demo logins (their password is public). */
export async function demoAccountsPresent(ds: Pick<DataSource, 'query'>): Promise<boolean> {
  const rows = await ds.query<unknown[]>(`SELECT 1 FROM app_user WHERE active AND email LIKE $1 LIMIT 1`, [
    `%@${DEMO_EMAIL_DOMAIN}`,
  ]);
  return rows.length > 0;
}
