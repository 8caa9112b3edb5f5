// Statement builders for databases, extensions and schemas: pure functions from names and parameters to SQL.
// Utility statements take no bound parameters, so every name goes through `ident` and every value through
// `literal`; numbers and booleans are rendered from typed values only.
import type { DatabaseParameters } from '../../../apis/database.ts';
import { ident, literal, recordLiteral } from '../names.ts';

export type PostgresDatabase = NonNullable<DatabaseParameters['postgres']>;
export type ExtensionSpec = NonNullable<PostgresDatabase['extensions']>[number];

function int(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${String(value)} is not an integer`);
  return String(value);
}

/** Renders an option only when it is set. */
function option<T>(value: T | undefined, render: (v: T) => string): string[] {
  return value === undefined ? [] : [render(value)];
}

export function createDatabaseSql(name: string, p: PostgresDatabase | undefined): string {
  const options = [
    ...option(p?.owner, (v) => `OWNER ${ident('owner', v)}`),
    ...option(p?.template, (v) => `TEMPLATE ${ident('template', v)}`),
    ...option(p?.encoding, (v) => `ENCODING ${literal('encoding', v)}`),
    ...option(p?.lcCollate, (v) => `LC_COLLATE ${literal('lcCollate', v)}`),
    ...option(p?.lcCtype, (v) => `LC_CTYPE ${literal('lcCtype', v)}`),
    ...option(p?.tablespace, (v) => `TABLESPACE ${ident('tablespace', v)}`),
    ...option(p?.connectionLimit, (v) => `CONNECTION LIMIT ${int(v)}`),
    ...option(p?.isTemplate, (v) => `IS_TEMPLATE ${String(v)}`),
    ...option(p?.allowConnections, (v) => `ALLOW_CONNECTIONS ${String(v)}`),
  ];
  const db = ident('database', name);
  return options.length === 0 ? `CREATE DATABASE ${db}` : `CREATE DATABASE ${db} WITH ${options.join(' ')}`;
}

/** The ALTER DATABASE statements that carry out one changeable setting. */
export const alterDatabaseSql = {
  owner: (name: string, owner: string) =>
    `ALTER DATABASE ${ident('database', name)} OWNER TO ${ident('owner', owner)}`,
  tablespace: (name: string, tablespace: string) =>
    `ALTER DATABASE ${ident('database', name)} SET TABLESPACE ${ident('tablespace', tablespace)}`,
  connectionLimit: (name: string, limit: number) =>
    `ALTER DATABASE ${ident('database', name)} WITH CONNECTION LIMIT ${int(limit)}`,
  isTemplate: (name: string, value: boolean) =>
    `ALTER DATABASE ${ident('database', name)} WITH IS_TEMPLATE ${String(value)}`,
  allowConnections: (name: string, value: boolean) =>
    `ALTER DATABASE ${ident('database', name)} WITH ALLOW_CONNECTIONS ${String(value)}`,
};

/** The database's comment is its ownership record; it goes with the database when it is dropped. */
export function recordDatabaseOwnerSql(name: string, record: string): string {
  return `COMMENT ON DATABASE ${ident('database', name)} IS ${recordLiteral(record)}`;
}

/** FORCE (PostgreSQL 13+) ends sessions that connect between our termination pass and the drop. */
export function dropDatabaseSql(name: string): string {
  return `DROP DATABASE IF EXISTS ${ident('database', name)} WITH (FORCE)`;
}

/**
 * The provider's sessions search pg_catalog only (pool.ts), so an extension without a schema of its own goes
 * to public, where a session with PostgreSQL's default search_path would have put it.
 */
export function createExtensionSql(e: ExtensionSpec): string {
  let sql = `CREATE EXTENSION IF NOT EXISTS ${ident('extension', e.name)}`;
  sql += ` SCHEMA ${ident('schema', e.schema ?? 'public')}`;
  if (e.version !== undefined) sql += ` VERSION ${literal('extension version', e.version)}`;
  return sql;
}

export function updateExtensionSql(name: string, version: string): string {
  return `ALTER EXTENSION ${ident('extension', name)} UPDATE TO ${literal('extension version', version)}`;
}

export function moveExtensionSql(name: string, schema: string): string {
  return `ALTER EXTENSION ${ident('extension', name)} SET SCHEMA ${ident('schema', schema)}`;
}

export function createSchemaSql(name: string, owner: string | undefined): string {
  const sql = `CREATE SCHEMA IF NOT EXISTS ${ident('schema', name)}`;
  return owner === undefined ? sql : `${sql} AUTHORIZATION ${ident('owner', owner)}`;
}

export function alterSchemaOwnerSql(name: string, owner: string): string {
  return `ALTER SCHEMA ${ident('schema', name)} OWNER TO ${ident('owner', owner)}`;
}
