// The privilege model of DatabaseGrant: one atom is one privilege on one object for the grantee, with or
// without the grant option. Atoms have a canonical string (kept in status.atProvider, parsed back to revoke
// what left the spec) and turn into GRANT/REVOKE statements here. Privilege words reach SQL only from the
// allow-lists below; names only through `ident`.
import { UnsupportedError } from '../../engine.ts';
import { ident } from '../names.ts';

export type DefaultObjectType = 'TABLES' | 'SEQUENCES' | 'FUNCTIONS' | 'TYPES' | 'SCHEMAS';

export type GrantObject =
  | { type: 'DATABASE'; name: string }
  | { type: 'SCHEMA'; name: string }
  | { type: 'TABLE' | 'SEQUENCE'; schema: string; name: string }
  /** `args` is the argument type list as the catalog prints it (oidvectortypes). */
  | { type: 'FUNCTION'; schema: string; name: string; args: string }
  | { type: 'DEFAULT'; objectType: DefaultObjectType; forRole: string; schema?: string };

export interface Atom {
  privilege: string;
  object: GrantObject;
  grantable: boolean;
  /** The database the object is in (for a DATABASE object, the database itself). */
  database: string;
}

/** Privileges per object kind; ALL in a spec expands to this list (MAINTAIN only from PostgreSQL 17). */
export const levelPrivileges = {
  DATABASE: ['CONNECT', 'CREATE', 'TEMPORARY'],
  SCHEMA: ['USAGE', 'CREATE'],
  TABLE: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'MAINTAIN'],
  SEQUENCE: ['USAGE', 'SELECT', 'UPDATE'],
  FUNCTION: ['EXECUTE'],
  TYPE: ['USAGE'],
} as const;

export type Level = keyof typeof levelPrivileges;

export const defaultObjectLevel: Record<DefaultObjectType, Level> = {
  TABLES: 'TABLE',
  SEQUENCES: 'SEQUENCE',
  FUNCTIONS: 'FUNCTION',
  TYPES: 'TYPE',
  SCHEMAS: 'SCHEMA',
};

export function levelOf(object: GrantObject): Level {
  return object.type === 'DEFAULT' ? defaultObjectLevel[object.objectType] : object.type;
}

/** Expands ALL and checks each privilege against its level's allow-list and the server version. */
export function expandPrivileges(
  level: Level,
  requested: readonly string[],
  serverVersion: number,
): string[] {
  const known: readonly string[] = levelPrivileges[level];
  const available = known.filter((p) => p !== 'MAINTAIN' || serverVersion >= 170000);
  const out = new Set<string>();
  for (const p of requested) {
    if (p === 'ALL') available.forEach((a) => out.add(a));
    else if (!known.includes(p))
      throw new UnsupportedError(`${p} is not a privilege on a ${level.toLowerCase()}`);
    else if (!available.includes(p)) throw new UnsupportedError(`${p} needs PostgreSQL 17 or later`);
    else out.add(p);
  }
  return [...out];
}

// ---- canonical strings ----

const plainName = /^[a-z_][a-z0-9_]*$/;

/** A name as PostgreSQL's quote_ident would print it (keywords aside): bare when plain, quoted otherwise. */
export function displayName(name: string): string {
  return plainName.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

export function objectText(o: GrantObject): string {
  switch (o.type) {
    case 'DATABASE':
    case 'SCHEMA':
      return `${o.type} ${displayName(o.name)}`;
    case 'TABLE':
    case 'SEQUENCE':
      return `${o.type} ${displayName(o.schema)}.${displayName(o.name)}`;
    case 'FUNCTION':
      return `FUNCTION ${displayName(o.schema)}.${displayName(o.name)}(${o.args})`;
    case 'DEFAULT': {
      const where = o.schema === undefined ? '' : ` IN SCHEMA ${displayName(o.schema)}`;
      return `DEFAULT ${o.objectType}${where} FOR ROLE ${displayName(o.forRole)}`;
    }
  }
}

const grantOptionSuffix = ' WITH GRANT OPTION';

/**
 * The object with its database, e.g. "TABLE public.orders IN DATABASE app": status keeps no other record of
 * which database to connect to when a grant is deleted.
 */
export function scopedObjectText(a: Pick<Atom, 'object' | 'database'>): string {
  const text = objectText(a.object);
  return a.object.type === 'DATABASE' ? text : `${text} IN DATABASE ${displayName(a.database)}`;
}

/** The key of an atom regardless of the grant option: what GRANT and REVOKE address. */
export function atomKey(a: Atom): string {
  return `${a.privilege} ON ${scopedObjectText(a)}`;
}

/** The canonical string, e.g. "SELECT ON TABLE public.orders IN DATABASE app WITH GRANT OPTION". */
export function atomText(a: Atom): string {
  return `${atomKey(a)}${a.grantable ? grantOptionSuffix : ''}`;
}

export { parseAtom } from './parse.ts';

// ---- statements ----

/**
 * Argument lists come from the catalog (or from status, which the provider wrote): type names, commas,
 * spaces, dots, brackets and quoted names. No semicolons or comment markers can pass, so the list cannot
 * end the statement.
 */
const argumentList = /^[A-Za-z0-9_ ,.[\]"]*$/;

function objectSql(o: Exclude<GrantObject, { type: 'DEFAULT' }>): string {
  switch (o.type) {
    case 'DATABASE':
      return `DATABASE ${ident('database', o.name)}`;
    case 'SCHEMA':
      return `SCHEMA ${ident('schema', o.name)}`;
    case 'TABLE':
    case 'SEQUENCE':
      return `${o.type} ${ident('schema', o.schema)}.${ident(o.type.toLowerCase(), o.name)}`;
    case 'FUNCTION':
      if (!argumentList.test(o.args)) throw new UnsupportedError(`unexpected function arguments "${o.args}"`);
      return `FUNCTION ${ident('schema', o.schema)}.${ident('function', o.name)}(${o.args})`;
  }
}

function checkedPrivileges(atoms: readonly Atom[]): string {
  return atoms
    .map((a) => {
      const known: readonly string[] = levelPrivileges[levelOf(a.object)];
      if (!known.includes(a.privilege)) throw new UnsupportedError(`${a.privilege} is not a privilege here`);
      return a.privilege;
    })
    .join(', ');
}

export type Action = 'grant' | 'revoke' | 'revokeGrantOption';

/** One statement for a group of atoms on the same object (and, for grants, with the same grant option). */
export function privilegeSql(action: Action, atoms: readonly Atom[], grantee: string): string {
  const first = atoms[0];
  if (first === undefined) throw new RangeError('no privileges');
  const privs = checkedPrivileges(atoms);
  const to = ident('grantee', grantee);
  const o = first.object;
  const prefix =
    o.type === 'DEFAULT'
      ? `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident('role', o.forRole)}${o.schema === undefined ? '' : ` IN SCHEMA ${ident('schema', o.schema)}`} `
      : '';
  const target = o.type === 'DEFAULT' ? o.objectType : objectSql(o);
  switch (action) {
    case 'grant':
      return `${prefix}GRANT ${privs} ON ${target} TO ${to}${first.grantable ? grantOptionSuffix : ''}`;
    case 'revoke':
      return `${prefix}REVOKE ${privs} ON ${target} FROM ${to}`;
    case 'revokeGrantOption':
      return `${prefix}REVOKE GRANT OPTION FOR ${privs} ON ${target} FROM ${to}`;
  }
}

/** Groups atoms by object (and grant option) so that one statement covers each group, in a stable order. */
export function groupAtoms(atoms: readonly Atom[]): Atom[][] {
  const groups = new Map<string, Atom[]>();
  for (const a of atoms) {
    const key = `${scopedObjectText(a)}|${String(a.grantable)}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [a]);
    else group.push(a);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
}
