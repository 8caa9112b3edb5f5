// Catalog reads. Every value is a bound parameter; each read is one statement, so observing costs one round
// trip per catalog that has to be consulted. Databases and roles are read for many names at once, so that
// concurrent observes can share a statement (batched-read.ts).
import type pg from 'pg';
import type { OwnedClass } from '../engine.ts';
import type { RoleAttributes } from './sql/role.ts';

export async function serverVersionNum(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ v: string }>('SELECT current_setting($1) AS v', [
    'server_version_num',
  ]);
  return Number(rows[0]?.v ?? 0);
}

export interface DatabaseRow {
  owner: string;
  encoding: string;
  collation: string;
  ctype: string;
  tablespace: string;
  connectionLimit: number;
  isTemplate: boolean;
  allowConnections: boolean;
  /** Absent when the admin may not connect to the database (pg_database_size needs CONNECT). */
  sizeBytes?: number;
  /** Database-wide settings (ALTER DATABASE … SET), as "name=value". */
  settings: string[];
}

/**
 * A database's or role's catalog row with its comment, which is where this provider keeps the object's
 * ownership record (databases and roles are shared objects: their comments live in pg_shdescription).
 */
export interface Commented<Row> {
  row: Row;
  /** Absent when the object has no comment. */
  comment?: string;
}

function commented<Row>(row: Row, comment: string | null): Commented<Row> {
  return comment === null ? { row } : { row, comment };
}

/** The databases among `names` that exist, by name. */
export async function readDatabases(
  client: pg.ClientBase,
  names: readonly string[],
): Promise<Map<string, Commented<DatabaseRow>>> {
  const { rows } = await client.query<{
    name: string;
    owner: string;
    encoding: string;
    collation: string;
    ctype: string;
    tablespace: string;
    connection_limit: number;
    is_template: boolean;
    allow_connections: boolean;
    size_bytes: string | null;
    settings: string[];
    comment: string | null;
  }>(
    `SELECT d.datname AS name, pg_get_userbyid(d.datdba) AS owner, pg_encoding_to_char(d.encoding) AS encoding,
            d.datcollate AS collation, d.datctype AS ctype, t.spcname AS tablespace,
            d.datconnlimit AS connection_limit, d.datistemplate AS is_template, d.datallowconn AS allow_connections,
            CASE WHEN has_database_privilege(d.oid, 'CONNECT') THEN pg_database_size(d.oid) END AS size_bytes,
            coalesce((SELECT s.setconfig FROM pg_db_role_setting s
                       WHERE s.setdatabase = d.oid AND s.setrole = 0), '{}') AS settings,
            shobj_description(d.oid, 'pg_database') AS comment
       FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace
      WHERE d.datname = ANY($1::text[])`,
    [names],
  );
  const found = new Map<string, Commented<DatabaseRow>>();
  for (const r of rows) {
    const row: DatabaseRow = {
      owner: r.owner,
      encoding: r.encoding,
      collation: r.collation,
      ctype: r.ctype,
      tablespace: r.tablespace,
      connectionLimit: r.connection_limit,
      isTemplate: r.is_template,
      allowConnections: r.allow_connections,
      settings: r.settings,
    };
    if (r.size_bytes !== null) row.sizeBytes = Number(r.size_bytes);
    found.set(r.name, commented(row, r.comment));
  }
  return found;
}

export interface ExtensionRow {
  name: string;
  schema: string;
  version: string;
}

export interface SchemaRow {
  name: string;
  owner: string;
}

/** Extensions and user schemas of the database `client` is connected to. */
export async function readContents(
  client: pg.ClientBase,
): Promise<{ extensions: ExtensionRow[]; schemas: SchemaRow[] }> {
  const { rows } = await client.query<{ extensions: ExtensionRow[]; schemas: SchemaRow[] }>(
    `SELECT
       (SELECT coalesce(json_agg(json_build_object('name', e.extname, 'schema', n.nspname, 'version', e.extversion)
                                 ORDER BY e.extname), '[]')
          FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace) AS extensions,
       (SELECT coalesce(json_agg(json_build_object('name', n.nspname, 'owner', pg_get_userbyid(n.nspowner))
                                 ORDER BY n.nspname), '[]')
          FROM pg_namespace n
         WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema') AS schemas`,
  );
  return rows[0] ?? { extensions: [], schemas: [] };
}

export interface RoleRow extends RoleAttributes {
  /** Role-wide settings (ALTER ROLE … SET), as "name=value". */
  config: string[];
  memberOf: string[];
}

export interface RoleEntry extends Commented<RoleRow> {
  /** Oid 10: the superuser initdb created, whatever it is called now. */
  bootstrap: boolean;
}

/** The roles among `names` that exist, by name. */
export async function readRoles(
  client: pg.ClientBase,
  names: readonly string[],
): Promise<Map<string, RoleEntry>> {
  const { rows } = await client.query<RoleRow & { name: string; comment: string | null; bootstrap: boolean }>(
    `SELECT r.rolname AS name, r.rolcanlogin AS login, r.rolinherit AS inherit, r.rolsuper AS superuser,
            r.rolcreatedb AS "createDB", r.rolcreaterole AS "createRole", r.rolreplication AS replication,
            r.rolbypassrls AS "bypassRLS", r.rolconnlimit AS "connectionLimit",
            CASE WHEN r.rolvaliduntil IS NULL OR r.rolvaliduntil = 'infinity' THEN NULL
                 ELSE (extract(epoch FROM r.rolvaliduntil) * 1000)::float8 END AS "validUntil",
            coalesce(r.rolconfig, '{}') AS config,
            ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                   WHERE m.member = r.oid ORDER BY 1) AS "memberOf",
            shobj_description(r.oid, 'pg_authid') AS comment, r.oid = 10 AS bootstrap
       FROM pg_roles r WHERE r.rolname = ANY($1::text[])`,
    [names],
  );
  return new Map(
    rows.map(({ name, comment, bootstrap, ...row }) => [name, { ...commented(row, comment), bootstrap }]),
  );
}

export async function readRole(client: pg.ClientBase, name: string): Promise<RoleRow | undefined> {
  return (await readRoles(client, [name])).get(name)?.row;
}

const commentsSql: Record<OwnedClass, string> = {
  database: `SELECT d.datname AS name, shobj_description(d.oid, 'pg_database') AS comment
               FROM pg_database d WHERE d.datname = ANY($1::text[])`,
  account: `SELECT r.rolname AS name, shobj_description(r.oid, 'pg_authid') AS comment
              FROM pg_roles r WHERE r.rolname = ANY($1::text[])`,
};

/**
 * The comments of those of `names` that exist and have one: the ownership records alone, without the rest
 * of the rows (a database's size, read by readDatabases, costs a walk of its files).
 */
export async function readComments(
  client: pg.ClientBase,
  objectClass: OwnedClass,
  names: readonly string[],
): Promise<Map<string, string>> {
  const { rows } = await client.query<{ name: string; comment: string | null }>(commentsSql[objectClass], [
    names,
  ]);
  return new Map(rows.flatMap((r) => (r.comment === null ? [] : [[r.name, r.comment] as const])));
}

/** One row of what a grantee holds, or of an object that exists, in the connected database. */
export interface GrantRow {
  kind:
    | 'GRANTEE'
    | 'MEMBER'
    | 'DATABASE'
    | 'SCHEMA'
    | 'TABLE'
    | 'SEQUENCE'
    | 'FUNCTION'
    | 'DEFAULT'
    | 'OBJECT_TABLE'
    | 'OBJECT_SEQUENCE'
    | 'OBJECT_FUNCTION';
  schema: string | null;
  name: string | null;
  args: string | null;
  objtype: string | null;
  for_role: string | null;
  privilege: string | null;
  grantable: boolean | null;
}

/** What readGrants reads besides the grantee's role memberships. */
export interface GrantScope {
  /** The database whose own privileges are read (from the shared catalog, so from any database). */
  database: string;
  /** Whether to read schema, object and default privileges; the session must then be in `database`. */
  objects: boolean;
  /** Schemas whose tables, sequences and functions' privileges are read. */
  schemas: string[];
  /** Schemas whose objects are listed (for ALL … IN SCHEMA and function overloads). */
  listSchemas: string[];
}

/**
 * Everything a grant needs in one statement: whether the grantee exists, its memberships, its privileges on
 * the connected database, on every schema, on tables, sequences and functions in `schemas`, its default
 * privileges, and the objects that exist in `listSchemas` (for ALL … IN SCHEMA and function overloads).
 */
export async function readGrants(
  client: pg.ClientBase,
  grantee: string,
  scope: GrantScope,
): Promise<GrantRow[]> {
  const { rows } = await client.query<GrantRow>(
    `WITH g AS (SELECT oid FROM pg_roles WHERE rolname = $1),
          rel AS (SELECT c.relname, c.relkind, c.relacl, n.nspname FROM pg_class c
                    JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')),
          fn AS (SELECT p.proname, oidvectortypes(p.proargtypes) AS args, p.proacl, n.nspname FROM pg_proc p
                   JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind <> 'p')
     SELECT 'GRANTEE' AS kind, NULL AS schema, NULL AS name, NULL AS args, NULL AS objtype, NULL AS for_role,
            NULL AS privilege, NULL::bool AS grantable FROM g
     UNION ALL
     SELECT 'MEMBER', NULL, r.rolname, NULL, NULL, NULL, NULL, m.admin_option
       FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN g ON m.member = g.oid
     UNION ALL
     SELECT 'DATABASE', NULL, d.datname, NULL, NULL, NULL, a.privilege_type, a.is_grantable
       FROM pg_database d CROSS JOIN LATERAL aclexplode(d.datacl) a JOIN g ON a.grantee = g.oid
      WHERE d.datname = $4
     UNION ALL
     SELECT 'SCHEMA', NULL, n.nspname, NULL, NULL, NULL, a.privilege_type, a.is_grantable
       FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a JOIN g ON a.grantee = g.oid
      WHERE $5
     UNION ALL
     SELECT CASE WHEN rel.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, rel.nspname, rel.relname, NULL, NULL,
            NULL, a.privilege_type, a.is_grantable
       FROM rel CROSS JOIN LATERAL aclexplode(rel.relacl) a JOIN g ON a.grantee = g.oid
      WHERE $5 AND rel.nspname = ANY($2::text[])
     UNION ALL
     SELECT 'FUNCTION', fn.nspname, fn.proname, fn.args, NULL, NULL, a.privilege_type, a.is_grantable
       FROM fn CROSS JOIN LATERAL aclexplode(fn.proacl) a JOIN g ON a.grantee = g.oid
      WHERE $5 AND fn.nspname = ANY($2::text[])
     UNION ALL
     SELECT 'DEFAULT', n.nspname, NULL, NULL, d.defaclobjtype::text, pg_get_userbyid(d.defaclrole),
            a.privilege_type, a.is_grantable
       FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
            CROSS JOIN LATERAL aclexplode(d.defaclacl) a JOIN g ON a.grantee = g.oid
      WHERE $5
     UNION ALL
     SELECT CASE WHEN rel.relkind = 'S' THEN 'OBJECT_SEQUENCE' ELSE 'OBJECT_TABLE' END, rel.nspname, rel.relname,
            NULL, NULL, NULL, NULL, NULL
       FROM rel WHERE $5 AND rel.nspname = ANY($3::text[])
     UNION ALL
     SELECT 'OBJECT_FUNCTION', fn.nspname, fn.proname, fn.args, NULL, NULL, NULL, NULL
       FROM fn WHERE $5 AND fn.nspname = ANY($3::text[])`,
    [grantee, scope.schemas, scope.listSchemas, scope.database, scope.objects],
  );
  return rows;
}
