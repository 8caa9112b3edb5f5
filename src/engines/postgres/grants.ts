// Pure planning for DatabaseGrant: expands the spec into privilege atoms using what exists in the catalog,
// compares them with what the grantee holds, and says what to grant and revoke.
//
// Scope (what a grant may revoke): privileges of the grantee on every object the spec names (the database,
// each listed schema, table, sequence and function, every object of an ALL … IN SCHEMA entry, each
// default-privilege entry), plus whatever `previous` recorded. So a privilege added by hand on an object the
// grant manages is drift and is revoked, while privileges on objects this grant never named are left to
// whoever granted them. Memberships: only the roles in memberOf and in `previous`.
import { UnsupportedError, type AppliedGrant } from '../engine.ts';
import type { DatabaseGrantParameters } from '../../apis/database-grant.ts';
import type { GrantRow } from './catalog.ts';
import {
  atomKey,
  atomText,
  displayName,
  expandPrivileges,
  parseAtom,
  scopedObjectText,
  type Atom,
  type DefaultObjectType,
  type GrantObject,
  type Level,
} from './sql/privileges.ts';

export interface Held {
  granteeExists: boolean;
  /** role → has ADMIN OPTION */
  memberships: Map<string, boolean>;
  atoms: Atom[];
  tables: Map<string, string[]>;
  sequences: Map<string, string[]>;
  functions: Map<string, { name: string; args: string }[]>;
}

const defaultTypes: Record<string, DefaultObjectType> = {
  r: 'TABLES',
  S: 'SEQUENCES',
  f: 'FUNCTIONS',
  T: 'TYPES',
  n: 'SCHEMAS',
};

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function defaultObject(r: GrantRow): GrantObject | undefined {
  const objectType = defaultTypes[r.objtype ?? ''];
  if (objectType === undefined) return undefined;
  const forRole = r.for_role ?? '';
  return r.schema === null
    ? { type: 'DEFAULT', objectType, forRole }
    : { type: 'DEFAULT', objectType, forRole, schema: r.schema };
}

/** The object a privilege row is about. */
function heldObject(r: GrantRow & { kind: AtomKind }): GrantObject | undefined {
  const schema = r.schema ?? '';
  const name = r.name ?? '';
  switch (r.kind) {
    case 'DATABASE':
    case 'SCHEMA':
      return { type: r.kind, name };
    case 'TABLE':
    case 'SEQUENCE':
      return { type: r.kind, schema, name };
    case 'FUNCTION':
      return { type: 'FUNCTION', schema, name, args: r.args ?? '' };
    case 'DEFAULT':
      return defaultObject(r);
  }
}

type AtomKind = 'DATABASE' | 'SCHEMA' | 'TABLE' | 'SEQUENCE' | 'FUNCTION' | 'DEFAULT';
const atomKinds: ReadonlySet<string> = new Set<AtomKind>([
  'DATABASE',
  'SCHEMA',
  'TABLE',
  'SEQUENCE',
  'FUNCTION',
  'DEFAULT',
]);

function isAtomRow(r: GrantRow): r is GrantRow & { kind: AtomKind } {
  return atomKinds.has(r.kind);
}

/** Records a row that is not a privilege: the grantee itself, a membership, or an existing object. */
function recordFact(held: Held, r: GrantRow): void {
  const schema = r.schema ?? '';
  const name = r.name ?? '';
  if (r.kind === 'GRANTEE') held.granteeExists = true;
  else if (r.kind === 'MEMBER') held.memberships.set(name, r.grantable === true);
  else if (r.kind === 'OBJECT_TABLE') push(held.tables, schema, name);
  else if (r.kind === 'OBJECT_SEQUENCE') push(held.sequences, schema, name);
  else push(held.functions, schema, { name, args: r.args ?? '' });
}

/** Sorts the rows of catalog.readGrants (read in `database`) into what the grantee holds and what exists. */
export function heldFromRows(rows: readonly GrantRow[], database: string): Held {
  const held: Held = {
    granteeExists: false,
    memberships: new Map(),
    atoms: [],
    tables: new Map(),
    sequences: new Map(),
    functions: new Map(),
  };
  for (const r of rows) {
    if (!isAtomRow(r)) {
      recordFact(held, r);
      continue;
    }
    const object = heldObject(r);
    if (object === undefined) continue;
    held.atoms.push({ privilege: r.privilege ?? '', object, grantable: r.grantable === true, database });
  }
  return held;
}

type PostgresGrant = NonNullable<DatabaseGrantParameters['postgres']>;
interface InSchema {
  schema?: string;
  names?: string[];
  allInSchema?: boolean;
}

const schemaOf = (entry: { schema?: string }) => entry.schema ?? 'public';

/** Schemas whose objects' privileges must be read, and those whose objects must be listed. */
export function schemasToRead(
  p: PostgresGrant | undefined,
  previous: readonly Atom[],
): { read: string[]; list: string[] } {
  const entries = [...(p?.tables ?? []), ...(p?.sequences ?? [])];
  const functions = p?.functions ?? [];
  // Object privileges are read per schema; database, schema and default privileges always.
  const previousSchemas = previous.flatMap((a) =>
    a.object.type === 'TABLE' || a.object.type === 'SEQUENCE' || a.object.type === 'FUNCTION'
      ? [a.object.schema]
      : [],
  );
  const read = new Set([...[...entries, ...functions].map(schemaOf), ...previousSchemas]);
  // Function names resolve against the catalog (overloads), so their schemas are always listed.
  const list = new Set([...entries.filter((e) => e.allInSchema === true), ...functions].map(schemaOf));
  return { read: [...read].sort(), list: [...list].sort() };
}

function withPrivileges(
  objects: GrantObject[],
  privileges: string[],
  grantable: boolean,
  database: string,
): Atom[] {
  return objects.flatMap((object) =>
    privileges.map((privilege) => ({ privilege, object, grantable, database })),
  );
}

const normalArgs = (args: string) => args.replace(/\s+/g, '');

function functionsNamed(held: Held, schema: string, signature: string): GrantObject[] {
  const paren = signature.indexOf('(');
  const name = paren < 0 ? signature : signature.slice(0, paren);
  const args = paren < 0 ? undefined : normalArgs(signature.slice(paren + 1, signature.lastIndexOf(')')));
  const found = (held.functions.get(schema) ?? []).filter(
    (f) => f.name === name && (args === undefined || normalArgs(f.args) === args),
  );
  if (found.length === 0) {
    throw new Error(
      `function ${schema}.${signature} does not exist; write argument types as PostgreSQL prints them (e.g. integer, text)`,
    );
  }
  return found.map((f) => ({ type: 'FUNCTION', schema, name: f.name, args: f.args }));
}

function inSchemaObjects(
  type: 'TABLE' | 'SEQUENCE' | 'FUNCTION',
  entry: InSchema,
  held: Held,
): GrantObject[] {
  const schema = entry.schema ?? 'public';
  if (type === 'FUNCTION') {
    if (entry.allInSchema === true) {
      return (held.functions.get(schema) ?? []).map((f) => ({ type, schema, name: f.name, args: f.args }));
    }
    return (entry.names ?? []).flatMap((signature) => functionsNamed(held, schema, signature));
  }
  const names =
    entry.allInSchema === true
      ? ((type === 'TABLE' ? held.tables : held.sequences).get(schema) ?? [])
      : (entry.names ?? []);
  return names.map((name) => ({ type, schema, name }));
}

const defaultLevels: Record<string, Level> = {
  tables: 'TABLE',
  sequences: 'SEQUENCE',
  functions: 'FUNCTION',
  types: 'TYPE',
  schemas: 'SCHEMA',
};

function defaultPrivilegeObject(d: NonNullable<PostgresGrant['defaultPrivileges']>[number]): GrantObject {
  const objectType = d.objectType.toUpperCase() as DefaultObjectType;
  return d.schema === undefined
    ? { type: 'DEFAULT', objectType, forRole: d.forRole }
    : { type: 'DEFAULT', objectType, forRole: d.forRole, schema: d.schema };
}

interface Section {
  level: Level;
  objects: GrantObject[];
  privileges: readonly string[];
  withGrantOption?: boolean;
}

/** The spec's entries as (level, objects, privileges) sections. */
function sections(p: PostgresGrant, database: string, held: Held): Section[] {
  const inSchema = (
    type: 'TABLE' | 'SEQUENCE' | 'FUNCTION',
    entries: (InSchema & Omit<Section, 'level' | 'objects'>)[],
  ) => entries.map((e): Section => ({ ...e, level: type, objects: inSchemaObjects(type, e, held) }));
  const db: Section[] =
    p.database === undefined
      ? []
      : [{ ...p.database, level: 'DATABASE', objects: [{ type: 'DATABASE', name: database }] }];
  return [
    ...db,
    ...(p.schemas ?? []).map((s): Section => ({
      ...s,
      level: 'SCHEMA',
      objects: [{ type: 'SCHEMA', name: s.name }],
    })),
    ...inSchema('TABLE', p.tables ?? []),
    ...inSchema('SEQUENCE', p.sequences ?? []),
    ...inSchema('FUNCTION', p.functions ?? []),
    ...(p.defaultPrivileges ?? []).map((d): Section => ({
      ...d,
      level: defaultLevels[d.objectType] ?? 'TABLE',
      objects: [defaultPrivilegeObject(d)],
    })),
  ];
}

/** The privilege atoms the spec asks for, with ALL expanded and ALL … IN SCHEMA resolved to today's objects. */
export function desiredAtoms(
  p: PostgresGrant | undefined,
  database: string | undefined,
  held: Held,
  serverVersion: number,
): Atom[] {
  if (p === undefined) return [];
  if (database === undefined) throw new UnsupportedError('postgres privileges need a database');
  const atoms = sections(p, database, held).flatMap((s) =>
    withPrivileges(
      s.objects,
      expandPrivileges(s.level, s.privileges, serverVersion),
      s.withGrantOption === true,
      database,
    ),
  );
  return dedupe(atoms);
}

/** One atom per privilege and object; if listed twice, the grant option wins. */
function dedupe(atoms: readonly Atom[]): Atom[] {
  const byKey = new Map<string, Atom>();
  for (const a of atoms) {
    const seen = byKey.get(atomKey(a));
    if (seen === undefined || (a.grantable && !seen.grantable)) byKey.set(atomKey(a), a);
  }
  return [...byKey.values()];
}

// ---- memberships ----

const adminSuffix = ' WITH ADMIN OPTION';

export function memberText(role: string, admin: boolean): string {
  return `${displayName(role)}${admin ? adminSuffix : ''}`;
}

export function parseMember(text: string): { role: string; admin: boolean } {
  const admin = text.endsWith(adminSuffix);
  const name = admin ? text.slice(0, -adminSuffix.length) : text;
  const role = name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name;
  return { role, admin };
}

// ---- the plan ----

export interface GrantPlan {
  grant: Atom[];
  revokeGrantOption: Atom[];
  revoke: Atom[];
  grantMember: { role: string; admin: boolean }[];
  revokeAdminOption: string[];
  revokeMember: string[];
  differences: string[];
  /** What the grantee holds within the grant's scope, in canonical form. */
  inScope: AppliedGrant;
}

export interface DesiredGrant {
  atoms: Atom[];
  memberOf: { role: string; withAdminOption: boolean }[];
}

function privilegePlan(desired: readonly Atom[], held: readonly Atom[], previous: readonly Atom[]) {
  const want = new Map(desired.map((a) => [atomKey(a), a]));
  const have = new Map(held.map((a) => [atomKey(a), a]));
  const managedObjects = new Set(desired.map(scopedObjectText));
  const previousKeys = new Set(previous.map(atomKey));
  const inScope = held.filter((a) => managedObjects.has(scopedObjectText(a)) || previousKeys.has(atomKey(a)));
  const grant: Atom[] = [];
  const revokeGrantOption: Atom[] = [];
  const differences: string[] = [];
  for (const [key, a] of want) {
    const h = have.get(key);
    if (h === undefined || (a.grantable && !h.grantable)) {
      grant.push(a);
      differences.push(h === undefined ? `missing ${atomText(a)}` : `missing grant option on ${key}`);
    } else if (!a.grantable && h.grantable) {
      revokeGrantOption.push(a);
      differences.push(`unwanted grant option on ${key}`);
    }
  }
  const revoke = inScope.filter((a) => !want.has(atomKey(a)));
  differences.push(...revoke.map((a) => `unwanted ${atomText(a)}`));
  return { grant, revokeGrantOption, revoke, differences, inScope };
}

function memberPlan(
  desired: DesiredGrant['memberOf'],
  held: Map<string, boolean>,
  previous: readonly string[],
) {
  const grantMember: { role: string; admin: boolean }[] = [];
  const revokeAdminOption: string[] = [];
  const differences: string[] = [];
  for (const m of desired) {
    const admin = held.get(m.role);
    if (admin === undefined || (m.withAdminOption && !admin)) {
      grantMember.push({ role: m.role, admin: m.withAdminOption });
      differences.push(
        admin === undefined ? `not a member of ${m.role}` : `missing admin option on ${m.role}`,
      );
    } else if (!m.withAdminOption && admin) {
      revokeAdminOption.push(m.role);
      differences.push(`unwanted admin option on ${m.role}`);
    }
  }
  const wanted = new Set(desired.map((m) => m.role));
  const revokeMember = previous.filter((role) => !wanted.has(role) && held.has(role));
  differences.push(...revokeMember.map((role) => `unwanted membership in ${role}`));
  const scope = new Set([...wanted, ...previous]);
  const inScope = [...held]
    .filter(([role]) => scope.has(role))
    .map(([role, admin]) => memberText(role, admin));
  return { grantMember, revokeAdminOption, revokeMember, differences, inScope };
}

export function planGrant(desired: DesiredGrant, held: Held, previous: AppliedGrant | undefined): GrantPlan {
  const previousAtoms = (previous?.privileges ?? []).map(parseAtom);
  const previousRoles = (previous?.memberOf ?? []).map((m) => parseMember(m).role);
  const p = privilegePlan(desired.atoms, held.atoms, previousAtoms);
  const m = memberPlan(desired.memberOf, held.memberships, previousRoles);
  return {
    grant: p.grant,
    revokeGrantOption: p.revokeGrantOption,
    revoke: p.revoke,
    grantMember: m.grantMember,
    revokeAdminOption: m.revokeAdminOption,
    revokeMember: m.revokeMember,
    differences: [...m.differences, ...p.differences],
    inScope: { memberOf: m.inScope.sort(), privileges: p.inScope.map(atomText).sort() },
  };
}

/** What a grant has applied once its plan succeeded: exactly the desired set. */
export function appliedOf(desired: DesiredGrant): AppliedGrant {
  return {
    memberOf: desired.memberOf.map((m) => memberText(m.role, m.withAdminOption)).sort(),
    privileges: desired.atoms.map(atomText).sort(),
  };
}
