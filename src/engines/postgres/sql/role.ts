// Statement builders for roles (users are LOGIN roles): attributes, passwords, memberships and per-role
// settings. Pure functions; names through `ident`, values through `literal`.
import { ident, literal, parameter, recordLiteral } from '../names.ts';

/** The role attributes this provider manages, with PostgreSQL's defaults filled in. */
export interface RoleAttributes {
  login: boolean;
  inherit: boolean;
  superuser: boolean;
  createDB: boolean;
  createRole: boolean;
  replication: boolean;
  bypassRLS: boolean;
  connectionLimit: number;
  /** Epoch milliseconds; null means no expiry. */
  validUntil: number | null;
}

export type AttributeName = keyof RoleAttributes;

const flagWords: Record<Exclude<AttributeName, 'connectionLimit' | 'validUntil'>, string> = {
  login: 'LOGIN',
  inherit: 'INHERIT',
  superuser: 'SUPERUSER',
  createDB: 'CREATEDB',
  createRole: 'CREATEROLE',
  replication: 'REPLICATION',
  bypassRLS: 'BYPASSRLS',
};

/** One role option clause for `attribute` set to its value in `attrs`. */
function clause(attribute: AttributeName, attrs: Partial<RoleAttributes>): string {
  if (attribute === 'connectionLimit') {
    const limit = attrs.connectionLimit ?? -1;
    if (!Number.isSafeInteger(limit)) throw new RangeError('connection limit must be an integer');
    return `CONNECTION LIMIT ${String(limit)}`;
  }
  if (attribute === 'validUntil') {
    const until = attrs.validUntil ?? null;
    return `VALID UNTIL ${literal('valid until', until === null ? 'infinity' : new Date(until).toISOString())}`;
  }
  return (attrs[attribute] === true ? '' : 'NO') + flagWords[attribute];
}

/**
 * Attributes a non-superuser admin may not even mention (PostgreSQL checks the option, not its value, in
 * ALTER ROLE), so CREATE ROLE names them only when they are wanted.
 */
const superuserOnly: ReadonlySet<AttributeName> = new Set(['superuser', 'replication', 'bypassRLS']);

/** `verifier` is what PASSWORD gets: the SCRAM verifier roles.ts makes, never the password itself. */
export function createRoleSql(name: string, attrs: RoleAttributes, verifier: string | undefined): string {
  const clauses = (Object.keys(attrs) as AttributeName[])
    .filter((a) => !superuserOnly.has(a) || attrs[a] === true)
    .filter((a) => a !== 'validUntil' || attrs.validUntil !== null)
    .map((a) => clause(a, attrs));
  if (verifier !== undefined) clauses.push(`PASSWORD ${literal('password', verifier)}`);
  return `CREATE ROLE ${ident('role', name)} WITH ${clauses.join(' ')}`;
}

/** ALTER ROLE for the given attributes only (those that differ), or undefined when there are none. */
export function alterRoleSql(name: string, changed: Partial<RoleAttributes>): string | undefined {
  const clauses = (Object.keys(changed) as AttributeName[]).map((a) => clause(a, changed));
  return clauses.length === 0 ? undefined : `ALTER ROLE ${ident('role', name)} WITH ${clauses.join(' ')}`;
}

/** `verifier`: as for createRoleSql. */
export function setPasswordSql(name: string, verifier: string): string {
  return `ALTER ROLE ${ident('role', name)} WITH PASSWORD ${literal('password', verifier)}`;
}

/** The role's comment is its ownership record; it goes with the role when it is dropped. */
export function recordRoleOwnerSql(name: string, record: string): string {
  return `COMMENT ON ROLE ${ident('role', name)} IS ${recordLiteral(record)}`;
}

export function dropRoleSql(name: string): string {
  return `DROP ROLE IF EXISTS ${ident('role', name)}`;
}

export function grantMembershipSql(role: string, member: string, withAdminOption: boolean): string {
  const sql = `GRANT ${ident('role', role)} TO ${ident('member', member)}`;
  return withAdminOption ? `${sql} WITH ADMIN OPTION` : sql;
}

export function revokeMembershipSql(role: string, member: string): string {
  return `REVOKE ${ident('role', role)} FROM ${ident('member', member)}`;
}

export function revokeAdminOptionSql(role: string, member: string): string {
  return `REVOKE ADMIN OPTION FOR ${ident('role', role)} FROM ${ident('member', member)}`;
}

/**
 * Parameters whose value is a list (GUC_LIST_QUOTE): a single quoted string would become one element, so
 * the elements are written as separate literals.
 */
export const listParameters: ReadonlySet<string> = new Set([
  'search_path',
  'temp_tablespaces',
  'session_preload_libraries',
  'local_preload_libraries',
]);

/** Splits a list value written as `"$user", public` into its elements. */
export function listElements(value: string): string[] {
  const elements: string[] = [];
  const pattern = /\s*(?:"((?:[^"]|"")*)"|([^,]*?))\s*(?:,|$)/gy;
  for (let m = pattern.exec(value); m !== null && m.index < value.length; m = pattern.exec(value)) {
    elements.push(m[1] !== undefined ? m[1].replaceAll('""', '"') : (m[2] ?? ''));
  }
  return elements.filter((e) => e !== '');
}

export function setConfigSql(role: string, key: string, value: string): string {
  const elements = listParameters.has(key) ? listElements(value) : [value];
  // An empty list is the empty string, as in SET search_path TO ''.
  const rendered =
    elements.length === 0 ? "''" : elements.map((e) => literal(`value of ${key}`, e)).join(', ');
  return `ALTER ROLE ${ident('role', role)} SET ${parameter(key)} TO ${rendered}`;
}

export function resetConfigSql(role: string, key: string): string {
  return `ALTER ROLE ${ident('role', role)} RESET ${parameter(key)}`;
}
