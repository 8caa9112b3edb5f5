// Statements for databases (MySQL schemas). Charset and collation are passed as string literals, which both
// flavors accept after CHARACTER SET and COLLATE.
import { id, int, str } from './quote.ts';

export interface CharsetOptions {
  charset?: string | undefined;
  collation?: string | undefined;
}

function charsetClauses(options: CharsetOptions): string {
  const parts: string[] = [];
  if (options.charset !== undefined) parts.push(`CHARACTER SET ${str(options.charset)}`);
  if (options.collation !== undefined) parts.push(`COLLATE ${str(options.collation)}`);
  return parts.length === 0 ? '' : ` ${parts.join(' ')}`;
}

export function createDatabaseSql(name: string, options: CharsetOptions): string {
  return `CREATE DATABASE ${id(name)}${charsetClauses(options)}`;
}

/** Null when nothing is to change. */
export function alterDatabaseSql(name: string, change: CharsetOptions): string | null {
  const clauses = charsetClauses(change);
  return clauses === '' ? null : `ALTER DATABASE ${id(name)}${clauses}`;
}

export function dropDatabaseSql(name: string): string {
  return `DROP DATABASE IF EXISTS ${id(name)}`;
}

export function killConnectionSql(connectionId: number): string {
  return `KILL CONNECTION ${int(connectionId)}`;
}
