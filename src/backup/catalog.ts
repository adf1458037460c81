import type pg from 'pg';

/** What backup and restore read from PostgreSQL's catalog. */
export interface CatalogTable {
  schema: string;
  name: string;
  columns: string[];
}

export interface CatalogSequence {
  schema: string;
  name: string;
}

/** The typeorm migrations table (src/database/data-source.ts): its rows are the manifest's migration list. */
export const MIGRATIONS_TABLE = 'schema_migration';

export type Queryable = Pick<pg.ClientBase, 'query' | 'escapeIdentifier'>;

// Schemas PostgreSQL itself owns; objects an extension created are left to the extension.
const USER_OBJECT = `
  n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`;

/**
 * Every table of the database that holds rows: ordinary tables (partitions
 * included; a partitioned parent holds none of its own) of every user schema,
 * permanent or unlogged, with their stored columns in order. Listed from the
 * catalog, so tables added by later migrations are covered without a change here.
 */
export async function listTables(db: Queryable): Promise<CatalogTable[]> {
  const { rows } = await db.query<{ schema: string; name: string; columns: string[] }>(
    `SELECT n.nspname AS schema, c.relname AS name,
            array(SELECT a.attname::text FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                   ORDER BY a.attnum) AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND c.relpersistence IN ('p', 'u') AND ${USER_OBJECT}
      ORDER BY n.nspname, c.relname`,
  );
  return rows;
}

export async function listSequences(db: Queryable): Promise<CatalogSequence[]> {
  const { rows } = await db.query<CatalogSequence>(
    `SELECT n.nspname AS schema, c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'S' AND c.relpersistence IN ('p', 'u') AND ${USER_OBJECT}
      ORDER BY n.nspname, c.relname`,
  );
  return rows;
}

/**
 * What a database already holds, for restore's "empty database only" rule:
 * relations (tables, views, sequences, …), and functions and types that are
 * not an extension's, in user schemas.
 */
export async function userObjects(db: Queryable): Promise<{ relations: number; routines: number; types: number }> {
  const { rows } = await db.query<{ relations: number; routines: number; types: number }>(
    `SELECT
       (SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND ${USER_OBJECT}) AS relations,
       (SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')) AS routines,
       (SELECT count(*)::int FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
           AND t.typtype IN ('e', 'd', 'r', 'm') -- enums, domains, ranges (their array types are implied)
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')) AS types`,
  );
  return rows[0] ?? { relations: 0, routines: 0, types: 0 };
}

/** "schema"."name", quoted. */
export function qualified(db: Pick<Queryable, 'escapeIdentifier'>, t: { schema: string; name: string }): string {
  return `${db.escapeIdentifier(t.schema)}.${db.escapeIdentifier(t.name)}`;
}

/**
 * Session settings both ends use, so that COPY's text is read exactly as it
 * was written (dates, intervals, floats, bytea), whatever the server's defaults.
 */
export const COPY_SETTINGS = [
  `SET LOCAL client_encoding = 'UTF8'`,
  `SET LOCAL DateStyle = 'ISO, YMD'`,
  `SET LOCAL IntervalStyle = 'postgres'`,
  `SET LOCAL extra_float_digits = 3`,
  `SET LOCAL bytea_output = 'hex'`,
  `SET LOCAL TimeZone = 'UTC'`,
];
