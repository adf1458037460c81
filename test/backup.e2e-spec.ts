/**
 * npm run db:backup / db:restore: a logical backup taken through the live
 * database, restored into an empty one, is the same database (every table's
 * rows, every sequence), and an app on it serves the data; restore refuses a
 * database that is not empty and a damaged or truncated archive, and leaves
 * the database as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGunzip, createGzip } from 'node:zlib';
import pg from 'pg';
import request from 'supertest';
import tar from 'tar-stream';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import { backupDatabase } from '../src/backup/backup.js';
import { restoreDatabase } from '../src/backup/restore.js';
import { dataSourceOptions } from '../src/database/data-source.js';
import { boardWorld, type BoardWorld } from './utils/board-fixtures.js';
import { freePort, isListening, startServer } from './utils/server-process.js';
import {
  bearer,
  createTestApp,
  createUser,
  login,
  TEST_PASSWORD,
  type TestApp,
  type TestUser,
  type Tokens,
} from './utils/test-app.js';
import { createTestDatabase, databaseUrl, revertMigrations, testServer, withAdmin } from './utils/test-database.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The built command-line tool, as `npm run db:backup` / `db:restore` run it. */
function cli(tool: 'db-backup' | 'db-restore', args: string[], env: Record<string, string | undefined>): Run {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, LOG_LEVEL: 'warn', ...env }))
    if (v !== undefined) childEnv[k] = v;
  const run = spawnSync(process.execPath, [path.join(root, `dist/src/backup/${tool}.cli.js`), ...args], {
    cwd: root,
    env: childEnv,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** An empty database (not the migrated template) on the test server. */
async function emptyDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const { adminUrl, template } = testServer();
  const name = `${template}_restore_${Math.random().toString(36).slice(2, 8)}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(name)} TEMPLATE template0`));
  return {
    url: databaseUrl(adminUrl, name),
    drop: () =>
      withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Every table of the database with its row count and a checksum of all its
 * rows (in a fixed order), and every sequence's state: two databases with the
 * same picture hold the same data.
 */
async function picture(url: string): Promise<Record<string, string>> {
  return withClient(url, async (c) => {
    await c.query(`SET TimeZone = 'UTC'`);
    const out: Record<string, string> = {};
    const tables = await c.query<{ s: string; t: string }>(
      `SELECT n.nspname AS s, c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
    );
    for (const { s, t } of tables.rows) {
      const q = `${c.escapeIdentifier(s)}.${c.escapeIdentifier(t)}`;
      const { rows } = await c.query<{ n: number; h: string }>(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(x, E'\\n' ORDER BY x COLLATE "C"), '')) AS h
           FROM (SELECT r::text AS x FROM ${q} r) rows`,
      );
      out[`${s}.${t}`] = `${rows[0].n} rows, md5 ${rows[0].h}`;
    }
    const sequences = await c.query<{ s: string; q: string }>(
      `SELECT n.nspname AS s, c.relname AS q FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'S' ORDER BY 1, 2`,
    );
    for (const { s, q } of sequences.rows) {
      const { rows } = await c.query<{ v: string; called: boolean }>(
        `SELECT last_value::text AS v, is_called AS called FROM ${c.escapeIdentifier(s)}.${c.escapeIdentifier(q)}`,
      );
      out[`sequence ${s}.${q}`] = `${rows[0].v} ${rows[0].called}`;
    }
    return out;
  });
}

async function relationCount(url: string): Promise<number> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'`,
    );
    return rows[0].n;
  });
}

/** The archive's entries, read back with a real tar reader. */
async function entries(file: string): Promise<{ name: string; data: Buffer }[]> {
  const extract = tar.extract();
  const out: { name: string; data: Buffer }[] = [];
  const reading = pipeline(createReadStream(file), createGunzip(), extract);
  for await (const entry of extract) {
    const parts: Buffer[] = [];
    for await (const chunk of entry as AsyncIterable<Buffer>) parts.push(chunk);
    out.push({ name: entry.header.name, data: Buffer.concat(parts) });
  }
  await reading;
  return out;
}

async function writeArchive(file: string, list: { name: string; data: Buffer }[]): Promise<void> {
  const pack = tar.pack();
  const writing = pipeline(pack, createGzip(), createWriteStream(file));
  for (const e of list) pack.entry({ name: e.name }, e.data);
  pack.finalize();
  await writing;
}

describe('db:backup and db:restore', () => {
  let work: string;
  let source: TestApp;
  let admin: TestUser;
  let world: BoardWorld;
  let coordEmail: string;
  let recordId: string;
  let archive: string;
  let backup: Run;
  let before: Record<string, string>;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'consilium-backup-'));
    source = await createTestApp();
    admin = await createUser(source, 'admin');
    const adminTokens = await login(source, admin);
    world = await boardWorld(source.http, adminTokens, (q, p) => source.dataSource.query(q, p), { cases: 3 });
    const [coord] = await source.dataSource.query<{ email: string }[]>(`SELECT email FROM app_user WHERE id = $1`, [
      world.coord.id,
    ]);
    coordEmail = coord.email;
    const record = await request(source.http)
      .post(`/api/cases/${world.cases[0]}/records`)
      .set(bearer(world.coord.tokens))
      .field('type', 'pathology_report')
      .attach('file', PDF, 'pathology.pdf');
    expect(record.status).toBe(201);
    recordId = record.body.id as string;
    // Board data beyond the fixture: a check-in and "now presenting" (events on the log).
    const checkIn = await request(source.http)
      .post(`/api/board-sessions/${world.sessionId}/attendance`)
      .set(bearer(world.doctors[0].tokens))
      .send({ discipline: 'pathology' });
    expect(checkIn.status).toBe(201);
    const presenting = await request(source.http)
      .post(`/api/board-sessions/${world.sessionId}/presenting`)
      .set(bearer(world.coord.tokens))
      .send({ caseId: world.cases[1] });
    expect(presenting.status).toBeLessThan(300);
    archive = path.join(work, 'backup.tar.gz');
    // Through the live database, while the app holds its connections.
    backup = cli('db-backup', [archive], { DATABASE_URL: source.databaseUrl, DATA_DIR: source.dataDir });
    before = await picture(source.databaseUrl);
  });
  afterAll(async () => {
    await source?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('should restore a backup into an empty database with every table and sequence identical, and serve it', async () => {
    expect(backup).toMatchObject({ status: 0 });
    // The record's bytes are rows of the database (record_blob_chunk), not files beside it.
    expect(backup.stdout).toMatch(/backup written to .*backup\.tar\.gz .* 0 record files/);
    // The data under test is really there (a backup of nothing would compare equal too).
    for (const table of [
      'app_user',
      'audit_event',
      'board_event',
      'agenda_item',
      'attendance',
      'case_record',
      'record_blob',
      'record_blob_chunk',
      'second_opinion_case',
      'patient',
      'clinic',
    ]) {
      expect(before[`public.${table}`]).not.toMatch(/^0 rows/);
    }
    // It is an archive any tar reader opens: manifest first, end marker last.
    const list = await entries(archive);
    expect(list[0].name).toBe('manifest.json');
    expect(list.at(-1)!.name).toBe('end.json');
    const manifest = JSON.parse(list[0].data.toString()) as {
      migrations: { name: string }[];
      tables: { name: string; rows: number }[];
      server: { version: string };
    };
    expect(manifest.migrations.map((m) => m.name).sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
    expect(manifest.tables.find((t) => t.name === 'audit_event')!.rows).toBe(
      Number(before['public.audit_event'].split(' ')[0]),
    );

    const target = await emptyDatabase();
    const restoredData = await mkdtemp(path.join(tmpdir(), 'consilium-restored-'));
    let restored: TestApp | undefined;
    try {
      const run = cli('db-restore', [archive], { DATABASE_URL: target.url, DATA_DIR: restoredData });
      expect(run).toMatchObject({ status: 0 });
      expect(run.stdout).toContain('0 record files; the schema was already current');
      expect(await picture(target.url)).toEqual(before);

      // An app on the restored database: the same people sign in (second factors included), the record downloads.
      restored = await createTestApp({ DATABASE_URL: target.url, DATA_DIR: restoredData });
      const coordinator = await login(restored, { email: coordEmail, password: TEST_PASSWORD });
      const download = await request(restored.http)
        .get(`/api/cases/${world.cases[0]}/records/${recordId}/content`)
        .set(bearer(coordinator))
        .buffer(true);
      expect(download.status).toBe(200);
      expect(Buffer.compare(download.body as Buffer, PDF)).toBe(0);
      const adminTokens: Tokens = await login(restored, admin);
      const audit = await request(restored.http).get('/api/audit-events?limit=5').set(bearer(adminTokens));
      expect(audit.status).toBe(200);
      // New rows take new ids: the sequences came back where they were.
      const session = await request(restored.http)
        .get(`/api/board-sessions/${world.sessionId}`)
        .set(bearer(coordinator));
      expect(session.status).toBe(200);
      expect(session.body.agenda).toHaveLength(3);
    } finally {
      await restored?.close();
      await target.drop();
      await rm(restoredData, { recursive: true, force: true });
    }
  });

  it('should refuse a database that is not empty, or in use, and leave it as it was', async () => {
    expect(backup.status).toBe(0);
    const now = await picture(source.databaseUrl);
    const refused = cli('db-restore', [archive], { DATABASE_URL: source.databaseUrl, DATA_DIR: source.dataDir });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      /refused: the database "[^"]+" is not empty: it holds \d+ tables, \d+ of them with rows/,
    );
    expect(refused.stderr).toContain('--force');
    expect(refused.stderr).toContain('The database was not changed.');
    // --force replaces a database, but never one an app is using.
    const inUse = cli('db-restore', [archive, '--force'], {
      DATABASE_URL: source.databaseUrl,
      DATA_DIR: source.dataDir,
    });
    expect(inUse.status).toBe(1);
    expect(inUse.stderr).toMatch(/refused: \d+ other connections? (is|are) open to the database .*stop the app/);
    expect(await picture(source.databaseUrl)).toEqual(now);

    // A migrated database without rows is not empty either: restore does not guess what may go.
    const migrated = await createTestDatabase();
    try {
      const schemaOnly = cli('db-restore', [archive], { DATABASE_URL: migrated.url, DATA_DIR: work });
      expect(schemaOnly.status).toBe(1);
      expect(schemaOnly.stderr).toContain('it holds a schema');
      // With --force (no one connected), it is replaced by the backup.
      const forced = cli('db-restore', [archive, '--force'], { DATABASE_URL: migrated.url, DATA_DIR: work });
      expect(forced).toMatchObject({ status: 0 });
      expect(forced.stdout).toContain('replacing what the database held');
      expect(await picture(migrated.url)).toEqual(before);
    } finally {
      await migrated.drop();
    }
  });

  it('should refuse a user that may not hold triggers off, before changing anything', async () => {
    expect(backup.status).toBe(0);
    const { adminUrl, template } = testServer();
    const role = `${template}_owner`.slice(0, 60);
    const target = await emptyDatabase();
    const name = decodeURIComponent(new URL(target.url).pathname.slice(1));
    await withAdmin(adminUrl, async (c) => {
      await c.query(`CREATE ROLE ${c.escapeIdentifier(role)} LOGIN PASSWORD 'restore-test-password' NOSUPERUSER`);
      await c.query(`ALTER DATABASE ${c.escapeIdentifier(name)} OWNER TO ${c.escapeIdentifier(role)}`);
    });
    try {
      const url = new URL(target.url);
      url.username = role;
      url.password = 'restore-test-password';
      const run = cli('db-restore', [archive], { DATABASE_URL: url.toString(), DATA_DIR: work });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        `refused: restoring needs a superuser (the user "${role}" may not set session_replication_role`,
      );
      expect(await relationCount(target.url)).toBe(0);
    } finally {
      await target.drop();
      await withAdmin(adminUrl, (c) => c.query(`DROP ROLE IF EXISTS ${c.escapeIdentifier(role)}`));
    }
  });

  it('should refuse a truncated or damaged archive and leave the empty database empty', async () => {
    expect(backup.status).toBe(0);
    const bytes = await readFile(archive);
    const target = await emptyDatabase();
    try {
      const attempt = async (name: string, content: Buffer): Promise<string> => {
        const file = path.join(work, name);
        await writeFile(file, content);
        const run = cli('db-restore', [file], { DATABASE_URL: target.url, DATA_DIR: work });
        expect({ name, status: run.status }).toEqual({ name, status: 1 });
        expect(run.stderr).toContain('The database was not changed.');
        expect(await relationCount(target.url)).toBe(0);
        return run.stderr;
      };
      // Cut short: after the manifest, in the middle of the rows, and just before the end.
      for (const at of [0.5, 0.9, 0.999]) {
        expect(await attempt(`cut-${at}.tar.gz`, bytes.subarray(0, Math.floor(bytes.length * at)))).toContain(
          'the archive ends too early: it is incomplete',
        );
      }
      // Damaged in the middle: the gzip checksum catches it.
      const flipped = Buffer.from(bytes);
      flipped[Math.floor(flipped.length / 2)] ^= 0xff;
      expect(await attempt('flipped.tar.gz', flipped)).toMatch(/the archive (is damaged|ends too early)/);
      // A valid gzip'd tar whose rows were altered: the per-table checksum catches it.
      const list = await entries(archive);
      const audit = list.find((e) => /^data\/\d+-audit_event\//.test(e.name))!;
      const altered = list.map((e) =>
        e === audit ? { name: e.name, data: Buffer.from(e.data.toString().replace('success', 'failure')) } : e,
      );
      await writeArchive(path.join(work, 'altered.tar.gz'), altered);
      expect(await attempt('altered.tar.gz', await readFile(path.join(work, 'altered.tar.gz')))).toContain(
        'the rows of audit_event in the archive do not match their checksum',
      );
      // Complete but for its end marker.
      await writeArchive(path.join(work, 'no-end.tar.gz'), list.slice(0, -1));
      expect(await attempt('no-end.tar.gz', await readFile(path.join(work, 'no-end.tar.gz')))).toContain(
        'the archive ends before end.json: it is incomplete',
      );
      expect(await attempt('not-a-backup.tar.gz', Buffer.from('not an archive at all\n'))).toContain(
        'the archive is damaged',
      );
    } finally {
      await target.drop();
    }
  });

  it('should carry an older backup forward with the migrations made since', async () => {
    const old = await createTestDatabase();
    const target = await emptyDatabase();
    const ds = new DataSource(dataSourceOptions(old.url, 2));
    await ds.initialize();
    try {
      // A database from before "trials per clinic", with a trial listed for everyone.
      await revertMigrations(ds, 'TrialsPerClinic1795726100000');
      const clinics: string[] = [];
      for (const name of ['A', 'B']) {
        const [row] = await ds.query<{ id: string }[]>(
          `INSERT INTO clinic (name, time_zone, day_start, day_end, cancer_types, required_disciplines, precedence,
                               required_record_types, readiness_rules, quorum_disciplines, consensus_rule, version)
           VALUES ($1, 'America/Denver', '08:00', '17:00', ARRAY['C50'], '[]', '[]', '{}', '[]', ARRAY['pathology'],
                   'majority_without_required_dissent', 1) RETURNING id`,
          [name],
        );
        clinics.push(row.id);
      }
      await ds.query(
        `INSERT INTO trial (nct_id, title, phase, status, eligibility, version) VALUES ('NCT01234567', 'A trial', '3', 'recruiting', '{}', 1)`,
      );
      const file = path.join(work, 'old.tar.gz');
      // Entries of 200 bytes: each table's rows span several, cut mid-row.
      const backup = await backupDatabase({ url: old.url, file, chunkBytes: 200 });
      expect(backup.manifest.migrations.map((m) => m.name)).not.toContain('TrialsPerClinic1795726100000');
      const chunks = (await entries(file)).filter((e) => /^data\/\d+-clinic\//.test(e.name));
      expect(chunks.length).toBeGreaterThan(1);
      expect(chunks.every((c) => c.data.length <= 200)).toBe(true);

      const summary = await restoreDatabase({ url: target.url, file });
      // Every migration made since the backup, in order, from "trials per clinic" on.
      const stamp = (name: string): number => Number(/\d{13}$/.exec(name)![0]);
      const names = MIGRATIONS.map((m) => m.name).sort((a, b) => stamp(a) - stamp(b));
      expect(summary.newerMigrations).toEqual(names.slice(names.indexOf('TrialsPerClinic1795726100000')));
      await withClient(target.url, async (c) => {
        const trials = await c.query<{ clinic_id: string }>(`SELECT clinic_id FROM trial ORDER BY clinic_id`);
        expect(trials.rows.map((r) => r.clinic_id)).toEqual([...clinics].sort());
        const applied = await c.query<{ name: string }>(`SELECT name FROM schema_migration`);
        expect(applied.rows.map((r) => r.name).sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
      });
    } finally {
      await ds.destroy();
      await old.drop();
      await target.drop();
    }
  });
});

describe('db:backup and db:restore on the embedded PostgreSQL', () => {
  it('should back up through the server an app runs without disturbing it, else start and stop one itself', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'consilium-backup-embedded-'));
    await chmod(parent, 0o755); // as root, PostgreSQL runs as "postgres" and must enter it
    const port = await freePort();
    const env = {
      DATABASE_URL: undefined,
      DATA_DIR: path.join(parent, 'data'),
      EMBEDDED_PG_PORT: String(port),
      DEMO_DATA: 'false',
      ADMIN_EMAIL: 'first.admin@example.org',
      ADMIN_PASSWORD: 'a-long-admin-password',
      SHUTDOWN_GRACE_MS: '0',
    };
    try {
      const app = await startServer(env, 90_000);
      let live: Run;
      try {
        // The tool finds the running server from PostgreSQL's lock file, even with another EMBEDDED_PG_PORT.
        live = cli('db-backup', [path.join(parent, 'live.tar.gz')], { ...env, EMBEDDED_PG_PORT: String(port + 1) });
        expect(live).toMatchObject({ status: 0 });
        expect(live.stderr).toContain(
          `the running embedded PostgreSQL (data in ${path.join(env.DATA_DIR, 'pg')}, port ${port}; left running)`,
        );
        expect((await fetch(`${app.baseUrl}/api/health`)).status).toBe(200);
        const signIn = await fetch(`${app.baseUrl}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }),
        });
        expect(signIn.status).toBe(200);
      } finally {
        app.child.kill('SIGTERM');
      }
      expect(await app.exited).toBe(0);
      await expect(isListening(port)).resolves.toBe(false);

      // The app is down: the tool starts the server for the backup and stops it after.
      const cold = cli('db-backup', [path.join(parent, 'cold.tar.gz')], env);
      expect(cold).toMatchObject({ status: 0 });
      expect(cold.stderr).toContain('started for this and stopped after');
      await expect(isListening(port)).resolves.toBe(false);
      const manifests = await Promise.all(
        ['live', 'cold'].map(
          async (n) =>
            JSON.parse((await entries(path.join(parent, `${n}.tar.gz`)))[0].data.toString()) as {
              tables: { name: string; rows: number }[];
            },
        ),
      );
      expect(manifests[0].tables.find((t) => t.name === 'app_user')!.rows).toBe(1);
      expect(manifests[1].tables.find((t) => t.name === 'app_user')!.rows).toBe(1);

      const refused = cli('db-restore', [path.join(parent, 'cold.tar.gz')], env);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('is not empty');
      await expect(isListening(port)).resolves.toBe(false);
      const forced = cli('db-restore', [path.join(parent, 'cold.tar.gz'), '--force'], env);
      expect(forced).toMatchObject({ status: 0 });
      await expect(isListening(port)).resolves.toBe(false);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
