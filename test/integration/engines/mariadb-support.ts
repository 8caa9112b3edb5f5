// Helpers for the MariaDB engine tests: settings for the harness server, an admin connection for checks made
// behind the engine's back, logins as the users the engine creates, and unique names on the shared server.
import mysql from 'mysql2/promise';
import type { ConnectionSettings } from '../../../src/engines/engine.ts';
import type { DatabaseLogin } from '../../harness/postgres.ts';

export function mariadbSettings(
  admin: DatabaseLogin,
  overrides: Partial<ConnectionSettings> = {},
): ConnectionSettings {
  return {
    engine: 'mariadb',
    host: admin.host,
    port: admin.port,
    user: admin.user,
    password: admin.password,
    tls: { mode: 'disable' },
    connectTimeoutMs: 5000,
    maxConnections: 4,
    ...overrides,
  };
}

let counter = 0;

/** A name unique on the shared server: the test files of one run share it, and so do repeated runs. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${String(process.pid)}_${String(counter)}`;
}

/** Runs `fn` with a fresh admin connection, closed afterwards. */
export async function asAdmin<T>(
  admin: DatabaseLogin,
  fn: (conn: mysql.Connection) => Promise<T>,
): Promise<T> {
  const conn = await mysql.createConnection({ ...admin });
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

export async function queryRows(conn: mysql.Connection, sql: string, values: unknown[] = []) {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(sql, values);
  return rows;
}

/** Logs in as `user` (from 127.0.0.1, so the account 'user'@'127.0.0.1' or 'user'@'%' applies) and runs `fn`. */
export async function asUser<T>(
  admin: DatabaseLogin,
  login: { user: string; password: string; database?: string },
  fn: (conn: mysql.Connection) => Promise<T>,
): Promise<T> {
  const conn = await mysql.createConnection({ host: admin.host, port: admin.port, ...login });
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

/** The server's view of one user's privileges, per account, from SHOW GRANTS (independent of the engine's reads). */
export async function showGrants(conn: mysql.Connection, user: string, host: string): Promise<string[]> {
  const rows = await queryRows(conn, 'SHOW GRANTS FOR ?@?', [user, host]);
  return rows.map((r) => String(Object.values(r)[0]));
}
