/**
 * The CME migration carries specialists forward: existing ones keep their
 * disciplines and get no profession or credentials (shown "not recorded",
 * never guessed); the database refuses an unknown profession; down() takes
 * the columns away and leaves every specialist.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source.js';
import { createTestDatabase, revertMigrations } from './utils/test-database.js';

describe('Migration: attendance for CME (profession and credentials)', () => {
  let ds: DataSource;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    ds = new DataSource(dataSourceOptions(db.url, 2));
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await drop();
  });

  it('should keep every specialist, with profession and credentials not recorded, and revert cleanly', async () => {
    await revertMigrations(ds, 'AttendanceCme1795732000000');
    const [user] = await ds.query<{ id: string }[]>(
      `INSERT INTO app_user (email, display_name, role, version) VALUES ('gc@example.org', 'Gene Counsel', 'clinician', 1) RETURNING id`,
    );
    await ds.query(`INSERT INTO specialist (user_id, disciplines) VALUES ($1, ARRAY['genetic_counseling'])`, [
      user?.id,
    ]);

    await ds.runMigrations({ transaction: 'each' });
    const after = await ds.query<{ disciplines: string[]; profession: string | null; credentials: string | null }[]>(
      'SELECT disciplines, profession, credentials FROM specialist WHERE user_id = $1',
      [user?.id],
    );
    expect(after).toEqual([{ disciplines: ['genetic_counseling'], profession: null, credentials: null }]);
    await expect(
      ds.query(`UPDATE specialist SET profession = 'wizard' WHERE user_id = $1`, [user?.id]),
    ).rejects.toThrow(/CHK_specialist_profession/);
    await expect(ds.query(`UPDATE specialist SET credentials = '' WHERE user_id = $1`, [user?.id])).rejects.toThrow(
      /CHK_specialist_credentials/,
    );
    await ds.query(
      `UPDATE specialist SET profession = 'genetic_counselor', credentials = 'MS, CGC' WHERE user_id = $1`,
      [user?.id],
    );

    await revertMigrations(ds, 'AttendanceCme1795732000000');
    const columns = await ds.query<{ column_name: string }[]>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'specialist' AND column_name IN ('profession', 'credentials')`,
    );
    expect(columns).toEqual([]);
    const kept = await ds.query<{ disciplines: string[] }[]>('SELECT disciplines FROM specialist WHERE user_id = $1', [
      user?.id,
    ]);
    expect(kept).toEqual([{ disciplines: ['genetic_counseling'] }]);
    await ds.runMigrations({ transaction: 'each' });
  });
});
