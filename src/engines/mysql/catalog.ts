// Reads of the server's real state. The admin login has SELECT on the mysql schema, so it reads the grant
// tables of every account through information_schema (which shows all accounts' rows only to such a login)
// and mysql.* directly where information_schema has nothing: routine privileges, role memberships and, on
// MariaDB, the account settings kept as JSON in mysql.global_priv. Observations read the ownership ledger
// (sql/ledger.ts) in the same statement as the catalog.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { OwnedClass } from '../engine.ts';
import { missingLedger } from './errors.ts';
import type { Flavor } from './flavor.ts';
import { grantOption, type Privilege } from './privileges.ts';
import { ledgerExistsSql, ownedReadSql, ownerColumn, readOwnersSql, type Statement } from './sql/ledger.ts';
import { grantDatabasePattern, unescapeGrantDatabase } from './sql/quote.ts';
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

function schemaQuery(name: string): Statement {
  return {
    sql:
      'SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation,' +
      ' (SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?) AS size' +
      ' FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
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
    'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
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

function privilegeName(row: RowDataPacket): string {
  const name = String(row['PRIVILEGE_TYPE']);
  return aliases[name] ?? name;
}

/** IS_GRANTABLE is per row; the grant option of an object is one privilege of it. */
function addRow(found: Found, row: RowDataPacket, privilege: Privilege): void {
  const label = String(row['GRANTEE']);
  add(found, label, privilege);
  if (row['IS_GRANTABLE'] === 'YES') add(found, label, { privilege: grantOption, target: privilege.target });
}

async function readGlobal(db: Reader, labels: string[], found: Found): Promise<void> {
  const sql =
    'SELECT GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE IN (?)';
  for (const row of await rows(db, sql, [labels])) {
    if (row['PRIVILEGE_TYPE'] !== 'USAGE')
      addRow(found, row, { privilege: privilegeName(row), target: { level: 'global' } });
  }
}

async function readDatabaseLevel(
  db: Reader,
  labels: string[],
  database: string,
  found: Found,
): Promise<void> {
  const sql =
    'SELECT GRANTEE, TABLE_SCHEMA, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.SCHEMA_PRIVILEGES' +
    ' WHERE GRANTEE IN (?) AND TABLE_SCHEMA = ?';
  for (const row of await rows(db, sql, [labels, grantDatabasePattern(database)])) {
    const target = {
      level: 'database' as const,
      database: unescapeGrantDatabase(String(row['TABLE_SCHEMA'])),
    };
    addRow(found, row, { privilege: privilegeName(row), target });
  }
}

async function readTableLevel(db: Reader, labels: string[], database: string, found: Found): Promise<void> {
  const tables =
    'SELECT GRANTEE, TABLE_NAME, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.TABLE_PRIVILEGES' +
    ' WHERE GRANTEE IN (?) AND TABLE_SCHEMA = ?';
  for (const row of await rows(db, tables, [labels, database])) {
    const target = { level: 'table' as const, database, table: String(row['TABLE_NAME']) };
    addRow(found, row, { privilege: privilegeName(row), target });
  }
  const columns =
    'SELECT GRANTEE, TABLE_NAME, COLUMN_NAME, PRIVILEGE_TYPE FROM information_schema.COLUMN_PRIVILEGES' +
    ' WHERE GRANTEE IN (?) AND TABLE_SCHEMA = ?';
  for (const row of await rows(db, columns, [labels, database])) {
    const target = {
      level: 'column' as const,
      database,
      table: String(row['TABLE_NAME']),
      column: String(row['COLUMN_NAME']),
    };
    add(found, String(row['GRANTEE']), { privilege: privilegeName(row), target });
  }
}

/** procs_priv.Proc_priv is a SET of 'Execute', 'Alter Routine', 'Grant'. */
const routinePrivileges: Readonly<Record<string, string>> = {
  Execute: 'EXECUTE',
  'Alter Routine': 'ALTER ROUTINE',
  Grant: grantOption,
};

function addRoutineRow(found: Found, label: string, row: RowDataPacket, database: string): void {
  const level = String(row['Routine_type']) === 'PROCEDURE' ? ('procedure' as const) : ('function' as const);
  const target = { level, database, routine: String(row['Routine_name']) };
  for (const name of String(row['Proc_priv']).split(',')) {
    const privilege = routinePrivileges[name];
    if (privilege !== undefined) add(found, label, { privilege, target });
  }
}

async function readRoutineLevel(
  db: Reader,
  grantees: CatalogGrantee[],
  database: string,
  found: Found,
): Promise<void> {
  const sql =
    'SELECT Routine_name, Routine_type, Proc_priv FROM mysql.procs_priv WHERE User = ? AND Host = ? AND Db = ?';
  for (const g of grantees) {
    for (const row of await rows(db, sql, [g.user, g.host, database]))
      addRoutineRow(found, granteeLabel(g), row, database);
  }
}

/** Every privilege each grantee holds globally and, when given, within `database`; keyed by granteeLabel. */
export async function readPrivileges(
  db: Reader,
  grantees: CatalogGrantee[],
  database: string | undefined,
): Promise<Found> {
  const found: Found = new Map();
  const labels = grantees.map(granteeLabel);
  if (labels.length === 0) return found;
  await readGlobal(db, labels, found);
  if (database !== undefined) {
    await readDatabaseLevel(db, labels, database, found);
    await readTableLevel(db, labels, database, found);
    await readRoutineLevel(db, grantees, database, found);
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
