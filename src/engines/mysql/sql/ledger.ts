// The ownership ledger: one table on the server that records which object of this provider owns each database
// and account. MySQL has no schema comments and MariaDB no account attributes, so the records cannot live on
// the objects themselves; a table also keeps a record after its object vanished, which is how a vanished
// object is told from one that never existed. Names and records are bound values, never SQL text.
import type { OwnedClass } from '../../engine.ts';
import { userNameMaxLength } from '../flavor.ts';
import { objectNameMaxLength } from '../names.ts';
import { id } from './quote.ts';

/** A statement with `?` placeholders and the values bound to them (an array fills `IN (?)`). */
export interface Statement {
  sql: string;
  values: (string | string[])[];
}

export const ledgerDatabase = 'dbops_provider';
export const ledgerTable = 'owners';
/** The longest database or user name of either flavor (MariaDB user names: 80). */
export const ledgerNameMaxLength = Math.max(objectNameMaxLength, ...Object.values(userNameMaxLength));
export const ownerMaxLength = 512;

const table = `${id(ledgerDatabase)}.${id(ledgerTable)}`;

// utf8mb4_bin: names are compared as the server compares account and (on Linux) database names, byte for
// byte, so `Orders` and `orders` are two records.
export function createLedgerDatabaseSql(): string {
  return `CREATE DATABASE IF NOT EXISTS ${id(ledgerDatabase)} CHARACTER SET 'utf8mb4' COLLATE 'utf8mb4_bin'`;
}

// object_class is a VARCHAR rather than an ENUM so that a class added later needs no ALTER TABLE. recorded_at
// is for people reading the table (server time); DATETIME because TIMESTAMP ends in January 2038 on MySQL and
// MariaDB before 11.5, after which every write would fail. InnoDB and a primary key: replication and Galera
// clusters require both.
export function createLedgerTableSql(): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${table} (` +
    'object_class VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, ' +
    `name VARCHAR(${String(ledgerNameMaxLength)}) NOT NULL, ` +
    `owner VARCHAR(${String(ownerMaxLength)}) NOT NULL, ` +
    'recorded_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, ' +
    'PRIMARY KEY (object_class, name)' +
    ") ENGINE=InnoDB CHARACTER SET 'utf8mb4' COLLATE 'utf8mb4_bin'"
  );
}

export function ledgerExistsSql(): Statement {
  return {
    sql: 'SELECT 1 AS found FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    values: [ledgerDatabase, ledgerTable],
  };
}

/** Takes `name` for `owner`; fails with a duplicate key when any record exists, which the caller reads then. */
export function claimSql(objectClass: OwnedClass, name: string, owner: string): Statement {
  return {
    sql: `INSERT INTO ${table} (object_class, name, owner) VALUES (?, ?, ?)`,
    values: [objectClass, name, owner],
  };
}

/** Records `owner`, replacing any record. */
export function recordSql(objectClass: OwnedClass, name: string, owner: string): Statement {
  return {
    sql:
      `INSERT INTO ${table} (object_class, name, owner) VALUES (?, ?, ?)` +
      ' ON DUPLICATE KEY UPDATE owner = ?, recorded_at = CURRENT_TIMESTAMP',
    values: [objectClass, name, owner, owner],
  };
}

/** Removes the record; with `owner`, only if it is still that owner's. */
export function forgetSql(objectClass: OwnedClass, name: string, owner?: string): Statement {
  const sql = `DELETE FROM ${table} WHERE object_class = ? AND name = ?`;
  return owner === undefined
    ? { sql, values: [objectClass, name] }
    : { sql: `${sql} AND owner = ?`, values: [objectClass, name, owner] };
}

/** The records of `names` (not empty: IN () is a syntax error). */
export function readOwnersSql(objectClass: OwnedClass, names: readonly string[]): Statement {
  if (names.length === 0) throw new RangeError('no names to read');
  return {
    sql: `SELECT name, owner FROM ${table} WHERE object_class = ? AND name IN (?)`,
    values: [objectClass, [...names]],
  };
}

/** The column of ownedReadSql's rows that carries the record. */
export const ownerColumn = 'dbops_owner';

/**
 * A catalog read of one object extended with that object's record, in one round trip. The catalog rows are
 * LEFT JOINed onto a one-row driver, so the record arrives even when the object does not exist: there is
 * then a single row whose catalog columns are all NULL. `catalog` must therefore select at least one column
 * that is never NULL, and none named like ownerColumn.
 */
export function ownedReadSql(catalog: Statement, objectClass: OwnedClass, name: string): Statement {
  return {
    sql:
      `SELECT c.*, o.owner AS ${ownerColumn} FROM (SELECT 1) AS driver` +
      ` LEFT JOIN (${catalog.sql}) AS c ON TRUE` +
      ` LEFT JOIN ${table} AS o ON o.object_class = ? AND o.name = ?`,
    values: [...catalog.values, objectClass, name],
  };
}
