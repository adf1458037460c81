import { rm } from 'node:fs/promises';
import path from 'node:path';
import { withAdmin } from './global-setup.mjs';

export default async function globalTeardown() {
  const state = globalThis.__consiliumTestPostgres;
  if (state === undefined) return;
  await withAdmin(state.adminUrl, async (client) => {
    // Test files drop their own databases; this catches any a crash left.
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname = $1',
      [state.template],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  });
  if (state.embedded !== undefined) {
    await state.embedded.stop();
    await rm(path.dirname(state.embedded.dataDir), { recursive: true, force: true });
  }
}
