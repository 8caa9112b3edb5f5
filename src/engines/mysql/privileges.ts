// The grant model: one privilege on one object, its canonical string (what status.atProvider keeps), and the
// expansion of a DatabaseGrant's mysql block into such privileges. Canonical strings quote names with
// backticks so that a name containing dots can never be confused with another object.
import type { DatabaseGrantParameters } from '../../apis/database-grant.ts';
import { mysqlPrivileges } from '../../apis/privileges.ts';
import { id } from './sql/quote.ts';

export type Target =
  | { level: 'global' }
  | { level: 'database'; database: string }
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
      return `DATABASE ${id(target.database)}`;
    case 'table':
    case 'column':
      return `TABLE ${id(target.database)}.${id(target.table)}`;
    case 'procedure':
    case 'function':
      return `${target.level.toUpperCase()} ${id(target.database)}.${id(target.routine)}`;
  }
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

/** Every privilege a grant's mysql block asks for, inside `database` (the grant's target database). */
export function desiredPrivileges(
  mysql: DatabaseGrantParameters['mysql'],
  database: string | undefined,
): Privilege[] {
  if (mysql === undefined) return [];
  const out: Privilege[] = [];
  if (mysql.global !== undefined) out.push(...onTarget('global', mysql.global, { level: 'global' }));
  if (mysql.database !== undefined) {
    out.push(
      ...onTarget('database', mysql.database, { level: 'database', database: needDatabase(database) }),
    );
  }
  for (const t of mysql.tables ?? []) {
    out.push(...onTarget('table', t, { level: 'table', database: needDatabase(database), table: t.name }));
  }
  for (const c of mysql.columns ?? []) {
    const db = needDatabase(database);
    for (const column of c.columns) {
      out.push(...onTarget('column', c, { level: 'column', database: db, table: c.table, column }));
    }
  }
  for (const [level, routines] of [
    ['procedure', mysql.procedures],
    ['function', mysql.functions],
  ] as const) {
    for (const r of routines ?? []) {
      out.push(...onTarget('routine', r, { level, database: needDatabase(database), routine: r.name }));
    }
  }
  return out;
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
