// Name checks and quoting. Every identifier reaches SQL through `ident`, which refuses what PostgreSQL would
// silently truncate (> 63 bytes) or cannot store (NUL) before pg's escapeIdentifier quotes it; every value
// through `literal` (pg's escapeLiteral, which also handles backslashes with E'…').
import { escapeIdentifier, escapeLiteral } from 'pg';
import { InvalidNameError, type OwnedClass } from '../engine.ts';

/** NAMEDATALEN - 1: PostgreSQL truncates longer identifiers, which would silently address another object. */
export const maxIdentifierBytes = 63;

/** Throws InvalidNameError when `name` cannot be a PostgreSQL identifier; `what` says which name it is. */
export function checkName(what: string, name: string): void {
  if (name.length === 0) throw new InvalidNameError(`${what} name must not be empty`);
  if (name.includes('\0')) throw new InvalidNameError(`${what} name must not contain a NUL character`);
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > maxIdentifierBytes) {
    throw new InvalidNameError(
      `${what} name is ${bytes} bytes in UTF-8; PostgreSQL allows at most ${maxIdentifierBytes}`,
    );
  }
}

/**
 * Names PostgreSQL keeps for itself as roles: the pseudo-roles of GRANT, the role-valued keywords, and the
 * predefined pg_* roles (membership in pg_write_server_files and friends is a superuser's power).
 */
const reservedRole = /^(public|none|current_user|session_user|current_role)$|^pg_/i;

/** Throws InvalidNameError when `name` cannot name a role the provider may act as or hand out. */
export function checkRoleName(what: string, name: string): void {
  checkName(what, name);
  if (reservedRole.test(name)) throw new InvalidNameError(`${what} "${name}" is a name PostgreSQL reserves`);
}

/** The databases every PostgreSQL server has: the default database and the templates CREATE DATABASE copies. */
const systemDatabases: ReadonlySet<string> = new Set(['postgres', 'template0', 'template1']);

/** Who the provider is on this server; both are the server's to keep, never a resource's to manage. */
export interface AdminIdentity {
  /** The administrative database it connects to. */
  database: string;
  /** The login it connects as. */
  login: string;
}

/**
 * Why `name` is never managed, or undefined. Names are compared ignoring case: a quoted "Postgres" is another
 * role than postgres, but refusing it too costs nothing, while missing a system object could cost the server.
 */
export function systemName(objectClass: OwnedClass, name: string, admin: AdminIdentity): string | undefined {
  const folded = name.toLowerCase();
  if (objectClass === 'database') {
    if (folded === admin.database.toLowerCase())
      return `"${name}" is the administrative database this provider connects to`;
    if (systemDatabases.has(folded)) return `"${name}" is a PostgreSQL system database`;
    return undefined;
  }
  if (folded === admin.login.toLowerCase()) return `"${name}" is the admin login this provider connects as`;
  // The bootstrap superuser is usually called postgres; Observe recognises it under any name (oid 10).
  if (folded === 'postgres') return `"${name}" is the usual name of PostgreSQL's bootstrap superuser`;
  if (reservedRole.test(name)) return `"${name}" is a role name PostgreSQL reserves for itself`;
  return undefined;
}

/** A checked, quoted identifier. */
export function ident(what: string, name: string): string {
  checkName(what, name);
  return escapeIdentifier(name);
}

/** A quoted string literal; NUL cannot be sent in a query, so it is refused like in a name. */
export function literal(what: string, value: string): string {
  if (value.includes('\0')) throw new InvalidNameError(`${what} must not contain a NUL character`);
  return escapeLiteral(value);
}

/** An ownership record as a literal; an empty comment is no comment to PostgreSQL, so it would erase a record. */
export function recordLiteral(record: string): string {
  if (record === '') throw new InvalidNameError('the ownership record must not be empty');
  return literal('the ownership record', record);
}

const parameterName = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** Configuration parameter names are written unquoted in SET, so only plain (dotted) identifiers pass. */
export function parameter(name: string): string {
  if (!parameterName.test(name) || name.length > maxIdentifierBytes) {
    throw new InvalidNameError(
      `configuration parameter "${name}" must be an identifier such as search_path or auto_explain.log_min_duration`,
    );
  }
  return name;
}
