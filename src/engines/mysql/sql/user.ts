// Statements for accounts 'user'@'host'. Every account of a user gets the same settings; the engine calls
// these once per host. The auth clause is the one place where the flavors' syntax differs.
import { mysqlAuthPlugins } from '../../../apis/database-user.ts';
import type { AuthPlugin, Flavor } from '../flavor.ts';
import { account, int, str } from './quote.ts';

export interface Account {
  user: string;
  host: string;
}

export type RequireTls = 'NONE' | 'SSL' | 'X509';

/** The per-account settings the engine manages (everything except the password). */
export interface AccountOptions {
  maxQueriesPerHour: number;
  maxUpdatesPerHour: number;
  maxConnectionsPerHour: number;
  maxUserConnections: number;
  requireTls: RequireTls;
  locked: boolean;
}

const limitClauses: readonly [keyof AccountOptions, string][] = [
  ['maxQueriesPerHour', 'MAX_QUERIES_PER_HOUR'],
  ['maxUpdatesPerHour', 'MAX_UPDATES_PER_HOUR'],
  ['maxConnectionsPerHour', 'MAX_CONNECTIONS_PER_HOUR'],
  ['maxUserConnections', 'MAX_USER_CONNECTIONS'],
];

/**
 * MySQL: IDENTIFIED WITH plugin BY 'pw'. MariaDB: IDENTIFIED VIA plugin USING PASSWORD('pw'), which hashes the
 * password for that plugin (IDENTIFIED BY on MariaDB always means mysql_native_password).
 */
export function identifiedSql(flavor: Flavor, plugin: AuthPlugin | undefined, password: string): string {
  if (plugin === undefined) return `IDENTIFIED BY ${str(password)}`;
  // The plugin is emitted as a keyword, so it must be one of the known names, whatever the caller checked.
  if (!mysqlAuthPlugins.includes(plugin)) throw new RangeError(`unknown auth plugin ${plugin as string}`);
  return flavor === 'mysql'
    ? `IDENTIFIED WITH ${plugin} BY ${str(password)}`
    : `IDENTIFIED VIA ${plugin} USING PASSWORD(${str(password)})`;
}

/** REQUIRE, WITH limits and ACCOUNT clauses for the given (possibly partial) options, in the order both flavors accept. */
export function optionClauses(options: Partial<AccountOptions>): string[] {
  const clauses: string[] = [];
  if (options.requireTls !== undefined) clauses.push(`REQUIRE ${options.requireTls}`);
  const limits = limitClauses.flatMap(([key, keyword]) => {
    const value = options[key];
    return typeof value === 'number' ? [`${keyword} ${int(value)}`] : [];
  });
  if (limits.length > 0) clauses.push(`WITH ${limits.join(' ')}`);
  if (options.locked !== undefined) clauses.push(options.locked ? 'ACCOUNT LOCK' : 'ACCOUNT UNLOCK');
  return clauses;
}

export interface NewAccount {
  options: AccountOptions;
  plugin?: AuthPlugin | undefined;
}

export function createUserSql(
  flavor: Flavor,
  target: Account,
  desired: NewAccount,
  password: string,
): string {
  const parts = [
    `CREATE USER ${account(target.user, target.host)}`,
    identifiedSql(flavor, desired.plugin, password),
    ...optionClauses(desired.options),
  ];
  return parts.join(' ');
}

/** Null when nothing is to change. */
export function alterUserSql(target: Account, change: Partial<AccountOptions>): string | null {
  const clauses = optionClauses(change);
  return clauses.length === 0 ? null : `ALTER USER ${account(target.user, target.host)} ${clauses.join(' ')}`;
}

export function setPasswordSql(
  flavor: Flavor,
  target: Account,
  plugin: AuthPlugin | undefined,
  password: string,
): string {
  return `ALTER USER ${account(target.user, target.host)} ${identifiedSql(flavor, plugin, password)}`;
}

export function dropUserSql(target: Account): string {
  return `DROP USER IF EXISTS ${account(target.user, target.host)}`;
}
