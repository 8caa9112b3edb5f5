// Pure comparisons of observed and desired state for databases and roles. Each difference comes with the
// statement that removes it, so Observe (the descriptions) and Update (the statements) cannot disagree.
import type { DatabaseRow, ExtensionRow, RoleRow, SchemaRow } from './catalog.ts';
import {
  alterDatabaseSql,
  alterSchemaOwnerSql,
  createExtensionSql,
  createSchemaSql,
  moveExtensionSql,
  updateExtensionSql,
  type PostgresDatabase,
} from './sql/database.ts';
import {
  alterRoleSql,
  grantMembershipSql,
  listElements,
  listParameters,
  resetConfigSql,
  setConfigSql,
  type AttributeName,
  type RoleAttributes,
} from './sql/role.ts';

export interface Change {
  description: string;
  sql: string;
  /** Where the statement runs: the admin database, or the database being reconciled. */
  in: 'admin' | 'database';
}

export interface ObservedDatabase extends DatabaseRow {
  /** Read only when the spec lists extensions or schemas. */
  extensions?: ExtensionRow[];
  schemas?: SchemaRow[];
}

function settingChanges(name: string, o: ObservedDatabase, p: PostgresDatabase): Change[] {
  const changes: Change[] = [];
  const admin = (description: string, sql: string) => changes.push({ description, sql, in: 'admin' });
  if (p.owner !== undefined && p.owner !== o.owner) {
    admin(`owner ${o.owner} → ${p.owner}`, alterDatabaseSql.owner(name, p.owner));
  }
  if (p.tablespace !== undefined && p.tablespace !== o.tablespace) {
    admin(`tablespace ${o.tablespace} → ${p.tablespace}`, alterDatabaseSql.tablespace(name, p.tablespace));
  }
  const limit = p.connectionLimit ?? -1;
  if (limit !== o.connectionLimit) {
    admin(
      `connection limit ${String(o.connectionLimit)} → ${String(limit)}`,
      alterDatabaseSql.connectionLimit(name, limit),
    );
  }
  const isTemplate = p.isTemplate ?? false;
  if (isTemplate !== o.isTemplate) {
    admin(
      `is template ${String(o.isTemplate)} → ${String(isTemplate)}`,
      alterDatabaseSql.isTemplate(name, isTemplate),
    );
  }
  const allow = p.allowConnections ?? true;
  if (allow !== o.allowConnections) {
    admin(
      `allow connections ${String(o.allowConnections)} → ${String(allow)}`,
      alterDatabaseSql.allowConnections(name, allow),
    );
  }
  return changes;
}

function extensionChanges(observed: ExtensionRow[], desired: PostgresDatabase['extensions']): Change[] {
  const changes: Change[] = [];
  for (const e of desired ?? []) {
    const o = observed.find((x) => x.name === e.name);
    if (o === undefined) {
      changes.push({
        description: `extension ${e.name} missing`,
        sql: createExtensionSql(e),
        in: 'database',
      });
      continue;
    }
    if (e.version !== undefined && e.version !== o.version) {
      const description = `extension ${e.name} version ${o.version} → ${e.version}`;
      changes.push({ description, sql: updateExtensionSql(e.name, e.version), in: 'database' });
    }
    if (e.schema !== undefined && e.schema !== o.schema) {
      const description = `extension ${e.name} schema ${o.schema} → ${e.schema}`;
      changes.push({ description, sql: moveExtensionSql(e.name, e.schema), in: 'database' });
    }
  }
  return changes;
}

function schemaChanges(
  observed: SchemaRow[],
  desired: PostgresDatabase['schemas'],
  dbOwner: string,
): Change[] {
  const changes: Change[] = [];
  for (const s of desired ?? []) {
    const owner = s.owner ?? dbOwner;
    const o = observed.find((x) => x.name === s.name);
    if (o === undefined) {
      changes.push({
        description: `schema ${s.name} missing`,
        sql: createSchemaSql(s.name, owner),
        in: 'database',
      });
    } else if (o.owner !== owner) {
      const description = `schema ${s.name} owner ${o.owner} → ${owner}`;
      changes.push({ description, sql: alterSchemaOwnerSql(s.name, owner), in: 'database' });
    }
  }
  return changes;
}

/**
 * What Update changes on an existing database. Encoding, collation, ctype and template are set at creation
 * only (the CRD makes them immutable), so they are observed but never reported as differences.
 */
export function planDatabase(
  name: string,
  o: ObservedDatabase,
  desired: PostgresDatabase | undefined,
): Change[] {
  const p = desired ?? {};
  const owner = p.owner ?? o.owner;
  return [
    ...settingChanges(name, o, p),
    // Schemas first: an extension may be installed into (or moved to) one the spec creates.
    ...schemaChanges(o.schemas ?? [], p.schemas, owner),
    ...extensionChanges(o.extensions ?? [], p.extensions),
  ];
}

export function diffDatabase(
  name: string,
  o: ObservedDatabase,
  desired: PostgresDatabase | undefined,
): string[] {
  return planDatabase(name, o, desired).map((c) => c.description);
}

// ---- roles ----

export interface DesiredRole {
  attributes: RoleAttributes;
  inRoles: readonly string[];
  config: Readonly<Record<string, string>>;
}

const attributeLabels: Record<AttributeName, string> = {
  login: 'login',
  inherit: 'inherit',
  superuser: 'superuser',
  createDB: 'createDB',
  createRole: 'createRole',
  replication: 'replication',
  bypassRLS: 'bypassRLS',
  connectionLimit: 'connection limit',
  validUntil: 'valid until',
};

function show(attribute: AttributeName, value: RoleAttributes[AttributeName]): string {
  if (attribute === 'validUntil') return value === null ? 'never' : new Date(value as number).toISOString();
  return String(value);
}

function attributeChanges(name: string, o: RoleRow, want: RoleAttributes): Change[] {
  const changed: Partial<RoleAttributes> = {};
  const descriptions: string[] = [];
  for (const a of Object.keys(want) as AttributeName[]) {
    if (o[a] === want[a]) continue;
    Object.assign(changed, { [a]: want[a] });
    descriptions.push(`${attributeLabels[a]} ${show(a, o[a])} → ${show(a, want[a])}`);
  }
  const sql = alterRoleSql(name, changed);
  return sql === undefined ? [] : [{ description: descriptions.join(', '), sql, in: 'admin' }];
}

/** Splits rolconfig entries ("name=value") into a map. */
export function parseConfig(entries: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq > 0) map.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return map;
}

/** Values compare as PostgreSQL stores them: list parameters element by element, others verbatim. */
function sameValue(key: string, a: string, b: string): boolean {
  if (!listParameters.has(key)) return a === b;
  return listElements(a).join('\0') === listElements(b).join('\0');
}

function configChanges(
  name: string,
  observed: readonly string[],
  desired: Readonly<Record<string, string>>,
): Change[] {
  const current = parseConfig(observed);
  const changes: Change[] = [];
  for (const [key, value] of Object.entries(desired)) {
    const now = current.get(key);
    if (now !== undefined && sameValue(key, now, value)) continue;
    const description =
      now === undefined ? `setting ${key} unset → ${value}` : `setting ${key} ${now} → ${value}`;
    changes.push({ description, sql: setConfigSql(name, key, value), in: 'admin' });
  }
  for (const [key, now] of current) {
    if (!(key in desired))
      changes.push({
        description: `setting ${key} ${now} → unset`,
        sql: resetConfigSql(name, key),
        in: 'admin',
      });
  }
  return changes;
}

/**
 * What Update changes on an existing role. Memberships are only added: without knowing which memberships an
 * earlier spec listed, removing others could undo a DatabaseGrant's memberOf. Role settings belong to the
 * spec: any not listed is reset.
 */
export function planRole(name: string, o: RoleRow, want: DesiredRole): Change[] {
  const memberships = want.inRoles
    .filter((r) => !o.memberOf.includes(r))
    .map((r): Change => ({
      description: `not a member of ${r}`,
      sql: grantMembershipSql(r, name, false),
      in: 'admin',
    }));
  return [
    ...attributeChanges(name, o, want.attributes),
    ...memberships,
    ...configChanges(name, o.config, want.config),
  ];
}
