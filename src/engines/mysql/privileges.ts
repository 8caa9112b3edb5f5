// The grant model: one privilege on one object, its canonical string (what status.atProvider keeps), and the
// expansion of a DatabaseGrant's mysql block into such privileges. Canonical strings quote names with
// backticks so that a name containing dots can never be confused with another object.
import type { DatabaseGrantParameters } from '../../apis/database-grant.ts';
import { mysqlPrivileges } from '../../apis/privileges.ts';
import { id } from './sql/quote.ts';

export type Target =
  | { level: 'global' }
  /**
   * `wildcard`: a database-level grant row whose name is stored unescaped, so its `_` match any character
   * (``GRANT … ON `a_b`.*`` as typed by hand): a row of its own, for `a_b` (where an escaped row shadows it)
   * and every name it matches. Only reads produce it.
   */
  | { level: 'database'; database: string; wildcard?: true }
  | { level: 'table'; database: string; table: string }
  | { level: 'column'; database: string; table: string; column: string }
  | { level: 'procedure' | 'function'; database: string; routine: string };

/** One privilege on one object; `GRANT OPTION` is a privilege of its level like any other. */
export interface Privilege {
  privilege: string;
  target: Target;
}

export const grantOption = 'GRANT OPTION';

/** The object part of a canonical string, also the key that groups privileges into one statement. */
export function objectKey(target: Target): string {
  switch (target.level) {
    case 'global':
      return '*.*';
    case 'database':
      return `DATABASE ${target.wildcard === true ? 'PATTERN ' : ''}${id(target.database)}`;
    case 'table':
    case 'column':
      return `TABLE ${id(target.database)}.${id(target.table)}`;
    case 'procedure':
    case 'function':
      return `${target.level.toUpperCase()} ${id(target.database)}.${id(target.routine)}`;
  }
}

/**
 * The object whose whole privilege set a grant manages when its spec names it: the server, a database's
 * `db.*` (however its grant rows spell the name), a table (its table-level privileges and GRANT OPTION), one
 * column of a table, a routine.
 */
export function scopeKey(target: Target): string {
  if (target.level === 'database') return `DATABASE ${id(target.database)}`;
  if (target.level === 'column')
    return `COLUMN ${id(target.database)}.${id(target.table)}.${id(target.column)}`;
  return objectKey(target);
}

/** e.g. "SELECT ON DATABASE `shop`", "UPDATE (`price`) ON TABLE `shop`.`items`", "EXECUTE ON PROCEDURE `shop`.`p`". */
export function canonical(p: Privilege): string {
  const column = p.target.level === 'column' ? ` (${id(p.target.column)})` : '';
  return `${p.privilege}${column} ON ${objectKey(p.target)}`;
}

const ident = '`((?:[^`]|``)+)`';
const canonicalPattern = new RegExp(
  `^([A-Z][A-Z ]*?)(?: \\(${ident}\\))? ON (?:(\\*\\.\\*)|DATABASE ${ident}|(TABLE|PROCEDURE|FUNCTION) ${ident}\\.${ident})$`,
);

const unquote = (s: string): string => s.replace(/``/g, '`');

function parsedTarget(m: RegExpExecArray): Target | undefined {
  const [, , column, global, database, kind, db, object] = m;
  if (global !== undefined) return { level: 'global' };
  if (database !== undefined) return { level: 'database', database: unquote(database) };
  if (db === undefined || object === undefined) return undefined;
  if (kind === 'TABLE') {
    const table = { database: unquote(db), table: unquote(object) };
    return column === undefined
      ? { level: 'table', ...table }
      : { level: 'column', ...table, column: unquote(column) };
  }
  const level = kind === 'PROCEDURE' ? 'procedure' : 'function';
  return { level, database: unquote(db), routine: unquote(object) };
}

/** Reads a canonical string back (from status.atProvider); undefined for anything this engine did not write. */
export function parseCanonical(text: string): Privilege | undefined {
  const m = canonicalPattern.exec(text);
  if (m?.[1] === undefined) return undefined;
  const target = parsedTarget(m);
  if (target === undefined || (target.level !== 'column') !== (m[2] === undefined)) return undefined;
  return { privilege: m[1], target };
}

type Level = keyof typeof mysqlPrivileges;

/** ALL means every privilege of the level, granted by name so that what the catalog shows matches exactly. */
function expand(level: Level, privileges: readonly string[]): string[] {
  const all = (mysqlPrivileges[level] as readonly string[]).filter((p) => p !== 'ALL' && p !== 'USAGE');
  const named = privileges.includes('ALL') ? all : privileges.filter((p) => p !== 'USAGE');
  return [...new Set(named)];
}

interface PrivilegeSet {
  privileges: readonly string[];
  withGrantOption?: boolean | undefined;
}

function onTarget(level: Level, set: PrivilegeSet, target: Target): Privilege[] {
  const names = expand(level, set.privileges);
  if (set.withGrantOption === true) names.push(grantOption);
  return names.map((privilege) => ({ privilege, target }));
}

function needDatabase(database: string | undefined): string {
  if (database === undefined) throw new RangeError('privileges below the global level need a database');
  return database;
}

/** One entry of a grant's mysql block: the privileges it asks for on one object. */
interface Entry {
  level: Level;
  set: PrivilegeSet;
  target: Target;
}

function entries(
  mysql: NonNullable<DatabaseGrantParameters['mysql']>,
  database: string | undefined,
): Entry[] {
  const out: Entry[] = [];
  if (mysql.global !== undefined)
    out.push({ level: 'global', set: mysql.global, target: { level: 'global' } });
  if (mysql.database !== undefined) {
    const target = { level: 'database' as const, database: needDatabase(database) };
    out.push({ level: 'database', set: mysql.database, target });
  }
  for (const t of mysql.tables ?? []) {
    const target = { level: 'table' as const, database: needDatabase(database), table: t.name };
    out.push({ level: 'table', set: t, target });
  }
  for (const c of mysql.columns ?? []) {
    const db = needDatabase(database);
    for (const column of c.columns) {
      out.push({
        level: 'column',
        set: c,
        target: { level: 'column', database: db, table: c.table, column },
      });
    }
  }
  for (const [level, routines] of [
    ['procedure', mysql.procedures],
    ['function', mysql.functions],
  ] as const) {
    for (const r of routines ?? []) {
      const target = { level, database: needDatabase(database), routine: r.name };
      out.push({ level: 'routine', set: r, target });
    }
  }
  return out;
}

/** Every privilege a grant's mysql block asks for, inside `database` (the grant's target database). */
export function desiredPrivileges(
  mysql: DatabaseGrantParameters['mysql'],
  database: string | undefined,
): Privilege[] {
  if (mysql === undefined) return [];
  return entries(mysql, database).flatMap((e) => onTarget(e.level, e.set, e.target));
}

/**
 * The objects a grant's mysql block names: on each, privileges outside the spec are revoked. Only what the
 * spec names, so two grants of one grantee on different objects (db1.* and db2.*, or db.* and one table of
 * it) never revoke each other's privileges. An entry that expands to nothing (global USAGE) still names its
 * object: the grant then holds that object at no privilege.
 */
export function managedScopes(
  mysql: DatabaseGrantParameters['mysql'],
  database: string | undefined,
): Target[] {
  if (mysql === undefined) return [];
  return entries(mysql, database).map((e) => e.target);
}

/** A membership's canonical string: the role, and whether the grantee may pass it on. */
export function membershipKey(role: string, withAdminOption: boolean): string {
  return withAdminOption ? `${role} WITH ADMIN OPTION` : role;
}

export function parseMembership(text: string): { role: string; withAdminOption: boolean } {
  const suffix = ' WITH ADMIN OPTION';
  return text.endsWith(suffix)
    ? { role: text.slice(0, -suffix.length), withAdminOption: true }
    : { role: text, withAdminOption: false };
}
