// One client span per SQL statement. Only the statement's first keyword is recorded, never its text: a CREATE
// or ALTER of a user carries the password inline, and values are the user's data.
import { inSpan } from './spans.ts';

/** db.system values of the OpenTelemetry database conventions. */
export type DbSystem = 'postgresql' | 'mysql' | 'mariadb';

/** Where a statement runs. */
export interface SqlTarget {
  system: DbSystem;
  /** The database the connection is in, when it is in one. */
  database?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
}

const leadingComments = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;

/** The statement's first keyword, upper-case ("SELECT", "CREATE"), or "UNKNOWN". */
export function sqlOperation(sql: string): string {
  const keyword = /^[A-Za-z]+/.exec(sql.replace(leadingComments, ''))?.[0];
  return keyword === undefined ? 'UNKNOWN' : keyword.toUpperCase();
}

/** A driver error's code (a SQLSTATE such as 42P04, or mysql's ER_…), the only part of it a span records. */
function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code) ? `SQL error ${code}` : 'SQL error';
}

/** Runs one statement in a span named "<OPERATION> <database>". */
export function inSqlSpan<T>(target: SqlTarget, sql: string, run: () => Promise<T>): Promise<T> {
  const operation = sqlOperation(sql);
  const attributes: Record<string, string | number> = {
    'db.system': target.system,
    'db.operation': operation,
  };
  if (target.database !== undefined) attributes['db.name'] = target.database;
  if (target.host !== undefined) attributes['server.address'] = target.host;
  if (target.port !== undefined) attributes['server.port'] = target.port;
  const name = target.database === undefined ? operation : `${operation} ${target.database}`;
  return inSpan(name, { attributes, client: true, describeError: errorCode }, run);
}
