// The only places where names and values enter SQL text: mysql2's own escaping. escapeId is always called with
// forbidQualified, otherwise it would split `a.b` into two identifiers.
import { escape, escapeId } from 'mysql2';

/** A backtick-quoted identifier: database, table, column, routine or (on MariaDB) role. */
export function id(name: string): string {
  return escapeId(name, true);
}

/** A quoted string literal. */
export function str(value: string): string {
  return escape(value);
}

/** An account 'user'@'host'. */
export function account(user: string, host: string): string {
  return `${str(user)}@${str(host)}`;
}

/**
 * A database name as a pattern of the database-level grant tables: there `_` and `%` are wildcards, so they
 * are escaped to mean themselves (and a database named `a_b` does not also open `axb`).
 */
export function grantDatabasePattern(name: string): string {
  return name.replace(/[\\_%]/g, (c) => `\\${c}`);
}

/** A database name in GRANT … ON db.*. */
export function grantDatabase(name: string): string {
  return id(grantDatabasePattern(name));
}

/** Reverses grantDatabase's escaping on a name read back from the grant tables. */
export function unescapeGrantDatabase(pattern: string): string {
  return pattern.replace(/\\([\\_%])/g, '$1');
}

/** A non-negative integer for KILL and resource limits; never a string that reached here by mistake. */
export function int(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a non-negative integer: ${value}`);
  return String(value);
}
