// Reads of the server's real state. The admin login has SELECT on the mysql schema, so it reads the grant
// tables of every account through information_schema (which shows all accounts' rows only to such a login)
// and mysql.* directly where information_schema is inexact or has nothing: table, column and routine
// privileges, role memberships and, on MariaDB, the account settings kept as JSON in mysql.global_priv (and a
// role's server-wide privileges, from SHOW GRANTS). Observations read the ownership ledger (sql/ledger.ts) in
// the same statement as the catalog.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { OwnedClass } from '../engine.ts';
import { errno, missingLedger } from './errors.ts';
import type { Flavor } from './flavor.ts';
import { grantOption, type Privilege, type Target } from './privileges.ts';
import { ledgerExistsSql, ownedReadSql, ownerColumn, readOwnersSql, type Statement } from './sql/ledger.ts';
import { grantDatabasePattern } from './sql/quote.ts';
import type { AccountOptions, RequireTls } from './sql/user.ts';

export type Reader = Pick<Pool, 'query'>;

async function rows(db: Reader, sql: string, values: unknown[]): Promise<RowDataPacket[]> {
  const [result] = await db.query<RowDataPacket[]>(sql, values);
  return result;
}

export async function readVersion(db: Reader): Promise<string> {
  const found = await rows(db, 'SELECT VERSION() AS version', []);
  return String(found[0]?.['version']);
}

export interface SchemaRow {
  charset: string;
  collation: string;
  sizeBytes: number;
}

// information_schema compares names without regard to case: `Orders` would find `orders`, another object
// (and on a case-sensitive server, another database). BINARY compares them as the server stores them.
function schemaQuery(name: string): Statement {
  return {
    sql:
      'SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation,' +
      ' (SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) FROM information_schema.TABLES WHERE BINARY TABLE_SCHEMA = ?) AS size' +
      ' FROM information_schema.SCHEMATA WHERE BINARY SCHEMA_NAME = ?',
    values: [name, name],
  };
}

function schemaRow(row: RowDataPacket | undefined): SchemaRow | undefined {
  if (row === undefined) return undefined;
  return {
    charset: String(row['charset']),
    collation: String(row['collation']),
    sizeBytes: Number(row['size']),
  };
}

export async function readSchema(db: Reader, name: string): Promise<SchemaRow | undefined> {
  const { sql, values } = schemaQuery(name);
  return schemaRow((await rows(db, sql, values))[0]);
}

/** What a catalog read found of one object, and the object's ownership record. */
export interface Owned<T> {
  found: T;
  owner: string | undefined;
}

/**
 * A catalog read of one object and its ownership record in one round trip. Before this provider's first
 * ownership write the ledger does not exist: there are no records, and the catalog is read alone.
 */
async function ownedRows(
  db: Reader,
  catalog: Statement,
  objectClass: OwnedClass,
  name: string,
): Promise<Owned<RowDataPacket[]>> {
  const { sql, values } = ownedReadSql(catalog, objectClass, name);
  let found: RowDataPacket[];
  try {
    found = await rows(db, sql, values);
  } catch (err) {
    if (!missingLedger(err)) throw err;
    return { found: await rows(db, catalog.sql, catalog.values), owner: undefined };
  }
  const owner = found[0]?.[ownerColumn] as unknown;
  // The row of a missing object has only NULL catalog columns (see ownedReadSql).
  const present = found.filter((r) => Object.entries(r).some(([k, v]) => k !== ownerColumn && v !== null));
  return { found: present, owner: typeof owner === 'string' ? owner : undefined };
}

export async function readSchemaOwned(db: Reader, name: string): Promise<Owned<SchemaRow | undefined>> {
  const { found, owner } = await ownedRows(db, schemaQuery(name), 'database', name);
  return { found: schemaRow(found[0]), owner };
}

/** Sessions using the database, except the reader's own. */
export async function readSessions(db: Reader, database: string): Promise<number[]> {
  const found = await rows(
    db,
    'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE BINARY DB = ? AND ID <> CONNECTION_ID()',
    [database],
  );
  return found.map((r) => Number(r['id']));
}

/** One account of a user as the server has it. */
export interface AccountRow {
  host: string;
  plugin: string;
  options: AccountOptions;
}

const mariadbSslTypes: Readonly<Record<number, RequireTls | 'SPECIFIED'>> = {
  1: 'SSL',
  2: 'X509',
  3: 'SPECIFIED',
};
const mysqlSslTypes: Readonly<Record<string, RequireTls | 'SPECIFIED'>> = {
  ANY: 'SSL',
  X509: 'X509',
  SPECIFIED: 'SPECIFIED',
};

/** REQUIRE ISSUER/SUBJECT/CIPHER (SPECIFIED) is not something this engine sets; it counts as X509 for the diff. */
function requireOf(value: RequireTls | 'SPECIFIED' | undefined): RequireTls {
  if (value === 'SPECIFIED') return 'X509';
  return value ?? 'NONE';
}

function mariadbAccount(host: string, priv: Record<string, unknown>): AccountRow {
  const n = (key: string): number => (typeof priv[key] === 'number' ? priv[key] : 0);
  return {
    host,
    plugin: typeof priv['plugin'] === 'string' ? priv['plugin'] : '',
    options: {
      maxQueriesPerHour: n('max_questions'),
      maxUpdatesPerHour: n('max_updates'),
      maxConnectionsPerHour: n('max_connections'),
      maxUserConnections: n('max_user_connections'),
      requireTls: requireOf(mariadbSslTypes[n('ssl_type')]),
      locked: priv['account_locked'] === true,
    },
  };
}

function mysqlAccount(row: RowDataPacket): AccountRow {
  return {
    host: String(row['Host']),
    plugin: String(row['plugin']),
    options: {
      maxQueriesPerHour: Number(row['max_questions']),
      maxUpdatesPerHour: Number(row['max_updates']),
      maxConnectionsPerHour: Number(row['max_connections']),
      maxUserConnections: Number(row['max_user_connections']),
      requireTls: requireOf(mysqlSslTypes[String(row['ssl_type'])]),
      locked: row['account_locked'] === 'Y',
    },
  };
}

/** mysql2 parses columns the server types as JSON; a server that sends Priv as text gets it parsed here. */
function jsonObject(value: unknown): Record<string, unknown> {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

function accountsQuery(flavor: Flavor, user: string): Statement {
  const sql =
    flavor === 'mariadb'
      ? 'SELECT Host, Priv FROM mysql.global_priv WHERE User = ?'
      : 'SELECT Host, plugin, max_questions, max_updates, max_connections, max_user_connections, ssl_type, account_locked' +
        ' FROM mysql.user WHERE User = ?';
  return { sql, values: [user] };
}

function accountRows(flavor: Flavor, found: RowDataPacket[]): AccountRow[] {
  if (flavor === 'mysql') return found.map(mysqlAccount);
  return found
    .map((r) => ({
      host: String(r['Host']),
      priv: jsonObject(r['Priv']),
    }))
    .filter((r) => r.priv['is_role'] !== true)
    .map((r) => mariadbAccount(r.host, r.priv));
}

/** The user's accounts (roles excluded), one per host. */
export async function readAccounts(db: Reader, flavor: Flavor, user: string): Promise<AccountRow[]> {
  const { sql, values } = accountsQuery(flavor, user);
  return accountRows(flavor, await rows(db, sql, values));
}

/** readAccounts, and the ownership record of the name. */
export async function readAccountsOwned(
  db: Reader,
  flavor: Flavor,
  user: string,
): Promise<Owned<AccountRow[]>> {
  const { found, owner } = await ownedRows(db, accountsQuery(flavor, user), 'account', user);
  return { found: accountRows(flavor, found), owner };
}

/**
 * A MariaDB role is flagged is_role. A MySQL 8 role is an account 'role'@'%' that CREATE ROLE leaves locked and
 * without credentials, which tells it apart from a user of the same name.
 */
function roleQuery(flavor: Flavor, role: string): Statement {
  const sql =
    flavor === 'mariadb'
      ? "SELECT 1 AS found FROM mysql.user WHERE User = ? AND Host = '' AND is_role = 'Y'"
      : "SELECT 1 AS found FROM mysql.user WHERE User = ? AND Host = '%' AND account_locked = 'Y' AND authentication_string = ''";
  return { sql, values: [role] };
}

/** Whether the role exists, and the ownership record of the name. */
export async function readRoleOwned(db: Reader, flavor: Flavor, role: string): Promise<Owned<boolean>> {
  const { found, owner } = await ownedRows(db, roleQuery(flavor, role), 'account', role);
  return { found: found.length > 0, owner };
}

/** Whether the ledger table exists (and the admin login can see it). */
export async function ledgerExists(db: Reader): Promise<boolean> {
  const { sql, values } = ledgerExistsSql();
  return (await rows(db, sql, values)).length > 0;
}

/** The ownership records of those of `names` that have one; none while there is no ledger. */
export async function readOwnerRecords(
  db: Reader,
  objectClass: OwnedClass,
  names: readonly string[],
): Promise<Map<string, string>> {
  const records = new Map<string, string>();
  if (names.length === 0) return records;
  const { sql, values } = readOwnersSql(objectClass, names);
  try {
    for (const row of await rows(db, sql, values)) records.set(String(row['name']), String(row['owner']));
  } catch (err) {
    if (!missingLedger(err)) throw err;
  }
  return records;
}

/** A grantee as the catalogs name it: information_schema's GRANTEE is 'user'@'host' (host '' for a MariaDB role). */
export interface CatalogGrantee {
  user: string;
  host: string;
}

export function granteeLabel(g: CatalogGrantee): string {
  return `'${g.user}'@'${g.host}'`;
}

type Found = Map<string, Privilege[]>;

function add(found: Found, label: string, privilege: Privilege): void {
  const list = found.get(label) ?? [];
  list.push(privilege);
  found.set(label, list);
}

/** MariaDB reports REPLICATION CLIENT under its newer name. */
const aliases: Readonly<Record<string, string>> = { 'BINLOG MONITOR': 'REPLICATION CLIENT' };

/**
 * One information_schema row: its privilege and, when IS_GRANTABLE, the object's GRANT OPTION. USAGE means no
 * privilege; such a row only carries a grant option given alone (GRANT USAGE … WITH GRANT OPTION).
 */
function addRow(found: Found, row: RowDataPacket, target: Target): void {
  const label = String(row['GRANTEE']);
  const name = String(row['PRIVILEGE_TYPE']);
  if (name !== 'USAGE') add(found, label, { privilege: aliases[name] ?? name, target });
  if (row['IS_GRANTABLE'] === 'YES') add(found, label, { privilege: grantOption, target });
}

/** A MariaDB role: the only grantee with the empty host (checkHost refuses it for accounts). */
const mariadbRole = (flavor: Flavor, g: CatalogGrantee): boolean => flavor === 'mariadb' && g.host === '';

/**
 * The privileges of an `ON *.*` line of SHOW GRANTS, e.g. "GRANT SELECT, PROCESS ON *.* TO `r` WITH GRANT
 * OPTION"; undefined for any other line.
 */
export function globalGrantLine(line: string): string[] | undefined {
  const m = /^GRANT (.+?) ON \*\.\* TO /.exec(line);
  if (m?.[1] === undefined) return undefined;
  const names = m[1].split(', ').filter((p) => p !== 'USAGE');
  const privileges = names.map((p) => aliases[p] ?? p);
  return line.endsWith(' WITH GRANT OPTION') ? [...privileges, grantOption] : privileges;
}

/**
 * MariaDB leaves roles out of information_schema.USER_PRIVILEGES, so a role's server-wide privileges come from
 * SHOW GRANTS. For a name that is no role the server shows the account name@'%' instead, under another
 * heading; those lines are not the role's.
 */
async function readRoleGlobal(db: Reader, role: CatalogGrantee, found: Found): Promise<void> {
  let lines: RowDataPacket[];
  try {
    lines = await rows(db, 'SHOW GRANTS FOR ?', [role.user]);
  } catch (err) {
    if ((err as { errno?: unknown } | null)?.errno === errno.noSuchGrant) return;
    throw err;
  }
  const heading = `Grants for ${role.user}`;
  for (const row of lines) {
    const line = row[heading] as unknown;
    const privileges = typeof line === 'string' ? globalGrantLine(line) : undefined;
    for (const privilege of privileges ?? [])
      add(found, granteeLabel(role), { privilege, target: { level: 'global' } });
  }
}

async function readGlobal(
  db: Reader,
  flavor: Flavor,
  grantees: CatalogGrantee[],
  found: Found,
): Promise<void> {
  const accounts = grantees.filter((g) => !mariadbRole(flavor, g)).map(granteeLabel);
  if (accounts.length > 0) {
    const sql =
      'SELECT GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE IN (?)';
    for (const row of await rows(db, sql, [accounts])) addRow(found, row, { level: 'global' });
  }
  for (const role of grantees.filter((g) => mariadbRole(flavor, g))) await readRoleGlobal(db, role, found);
}

/**
 * The database's `db.*` rows, however they spell its name: escaped as this engine writes it, or verbatim (with
 * its `_` as wildcards), as a GRANT typed by hand usually does. information_schema compares names ignoring
 * case, so rows are matched exactly here.
 */
async function readDatabaseLevel(
  db: Reader,
  labels: string[],
  database: string,
  found: Found,
): Promise<void> {
  const escaped = grantDatabasePattern(database);
  const sql =
    'SELECT GRANTEE, TABLE_SCHEMA, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.SCHEMA_PRIVILEGES' +
    ' WHERE GRANTEE IN (?) AND TABLE_SCHEMA IN (?)';
  for (const row of await rows(db, sql, [labels, [...new Set([escaped, database])]])) {
    const schema = String(row['TABLE_SCHEMA']);
    if (schema === escaped) addRow(found, row, { level: 'database', database });
    else if (schema === database) addRow(found, row, { level: 'database', database, wildcard: true });
  }
}

/**
 * The SET columns of mysql.tables_priv, columns_priv and procs_priv name privileges in mixed case ('Show view',
 * 'Alter Routine'); 'Grant' is the object's GRANT OPTION and MariaDB's 'Delete versioning rows' is DELETE HISTORY.
 */
const setNames: Readonly<Record<string, string>> = {
  Grant: grantOption,
  'Delete versioning rows': 'DELETE HISTORY',
};

export function setPrivileges(value: unknown): string[] {
  if (typeof value !== 'string' || value === '') return [];
  return value.split(',').map((name) => setNames[name] ?? name.toUpperCase());
}

const rowLabel = (row: RowDataPacket): string =>
  granteeLabel({ user: String(row['User']), host: String(row['Host']) });

/**
 * Table and column privileges come from mysql.tables_priv and columns_priv rather than information_schema:
 * their names compare exactly, and a table's GRANT OPTION held without any table privilege (given with column
 * privileges) has a row only there.
 */
async function readTableLevel(
  db: Reader,
  accounts: unknown[][],
  database: string,
  found: Found,
): Promise<void> {
  const tables =
    'SELECT User, Host, Table_name, Table_priv FROM mysql.tables_priv WHERE (User, Host) IN (?) AND Db = ?';
  for (const row of await rows(db, tables, [accounts, database])) {
    const target = { level: 'table' as const, database, table: String(row['Table_name']) };
    for (const privilege of setPrivileges(row['Table_priv']))
      add(found, rowLabel(row), { privilege, target });
  }
  const columns =
    'SELECT User, Host, Table_name, Column_name, Column_priv FROM mysql.columns_priv' +
    ' WHERE (User, Host) IN (?) AND Db = ?';
  for (const row of await rows(db, columns, [accounts, database])) {
    const table = String(row['Table_name']);
    const target = { level: 'column' as const, database, table, column: String(row['Column_name']) };
    for (const privilege of setPrivileges(row['Column_priv']))
      add(found, rowLabel(row), { privilege, target });
  }
}

const routineLevels: Readonly<Record<string, 'procedure' | 'function'>> = {
  PROCEDURE: 'procedure',
  FUNCTION: 'function',
};

async function readRoutineLevel(
  db: Reader,
  accounts: unknown[][],
  database: string,
  found: Found,
): Promise<void> {
  const sql =
    'SELECT User, Host, Routine_name, Routine_type, Proc_priv FROM mysql.procs_priv' +
    ' WHERE (User, Host) IN (?) AND Db = ?';
  for (const row of await rows(db, sql, [accounts, database])) {
    // MariaDB also keeps PACKAGE and PACKAGE BODY rows, which no grant names.
    const level = routineLevels[String(row['Routine_type'])];
    if (level === undefined) continue;
    const target = { level, database, routine: String(row['Routine_name']) };
    for (const privilege of setPrivileges(row['Proc_priv'])) add(found, rowLabel(row), { privilege, target });
  }
}

/** Where to read privileges: the server level, and every level within each database. */
export interface PrivilegeScope {
  global: boolean;
  databases: readonly string[];
}

/** Every privilege each grantee holds where `scope` says, GRANT OPTION included; keyed by granteeLabel. */
export async function readPrivileges(
  db: Reader,
  flavor: Flavor,
  grantees: CatalogGrantee[],
  scope: PrivilegeScope,
): Promise<Found> {
  const found: Found = new Map();
  const labels = grantees.map(granteeLabel);
  if (labels.length === 0) return found;
  if (scope.global) await readGlobal(db, flavor, grantees, found);
  // mysql2 writes a list of pairs as ('u', 'h'), ('u', 'h2') for the row comparison (User, Host) IN (…).
  const accounts = grantees.map((g) => [g.user, g.host]);
  for (const database of scope.databases) {
    await readDatabaseLevel(db, labels, database, found);
    await readTableLevel(db, accounts, database, found);
    await readRoutineLevel(db, accounts, database, found);
  }
  return found;
}

export interface MembershipRow {
  role: string;
  withAdminOption: boolean;
}

/** Roles granted to one grantee. */
export async function readMemberships(
  db: Reader,
  flavor: Flavor,
  grantee: CatalogGrantee,
): Promise<MembershipRow[]> {
  const sql =
    flavor === 'mariadb'
      ? 'SELECT Role AS role, Admin_option AS admin FROM mysql.roles_mapping WHERE User = ? AND Host = ?'
      : "SELECT FROM_USER AS role, WITH_ADMIN_OPTION AS admin FROM mysql.role_edges WHERE TO_USER = ? AND TO_HOST = ? AND FROM_HOST = '%'";
  const found = await rows(db, sql, [grantee.user, grantee.host]);
  return found.map((r) => ({ role: String(r['role']), withAdminOption: r['admin'] === 'Y' }));
}

/** Whether a plugin is loaded; MariaDB's ed25519 is a separate library that may not be. */
export async function pluginActive(db: Reader, plugin: string): Promise<boolean> {
  const sql = "SELECT 1 FROM information_schema.PLUGINS WHERE PLUGIN_NAME = ? AND PLUGIN_STATUS = 'ACTIVE'";
  return (await rows(db, sql, [plugin])).length > 0;
}
