// Two tenants on one DatabaseInstance, for the ownership tests: plain SQL on the test servers (as the admin login
// or another login), the conditions they wait for, and the setup where team A's namespace holds the instance
// and allows team B's.
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { DatabaseLogin } from '../../harness/postgres.ts';
import { eventually } from '../../harness/wait.ts';
import type { Kind, Provider } from './support.ts';

export type Engine = 'postgres' | 'mariadb';

export interface Login {
  user: string;
  password: string;
}

/** Plain SQL on the test server, as the admin login or as another login. */
export interface Server {
  login: DatabaseLogin;
  query(sql: string, values?: unknown[], database?: string): Promise<Record<string, unknown>[]>;
  queryAs(as: Login, sql: string, values?: unknown[], database?: string): Promise<Record<string, unknown>[]>;
  canLogIn(as: Login): Promise<boolean>;
  fillTable(database: string): Promise<void>;
  rows(database: string): Promise<number>;
  /** Whether a database of exactly this name (byte for byte) exists. */
  exactly(database: string): Promise<boolean>;
  /** An application's open session on `database`. */
  session(database: string): Promise<{ ping(): Promise<unknown>; end(): Promise<void> }>;
}

export function postgresServer(login: DatabaseLogin): Server {
  const queryAs = async (as: Login, sql: string, values: unknown[] = [], database = 'postgres') => {
    const client = new pg.Client({ host: login.host, port: login.port, ...as, database });
    await client.connect();
    try {
      return (await client.query(sql, values)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };
  const query = (sql: string, values: unknown[] = [], database = 'postgres') =>
    queryAs({ user: login.user, password: login.password }, sql, values, database);
  return {
    login,
    query,
    queryAs,
    canLogIn: (as) =>
      queryAs(as, 'SELECT 1').then(
        () => true,
        () => false,
      ),
    fillTable: async (database) => {
      await query('CREATE TABLE orders (id int)', [], database);
      await query('INSERT INTO orders VALUES (1), (2), (3)', [], database);
    },
    rows: async (database) =>
      Number((await query('SELECT count(*) AS n FROM orders', [], database))[0]?.['n']),
    exactly: async (database) =>
      (await query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).length === 1,
    session: async (database) => {
      const client = new pg.Client({ ...login, database });
      client.on('error', () => undefined);
      await client.connect();
      return { ping: () => client.query('SELECT 1'), end: () => client.end() };
    },
  };
}

export function mariadbServer(login: DatabaseLogin): Server {
  const queryAs = async (as: Login, sql: string, values: unknown[] = [], database?: string) => {
    const conn = await mysql.createConnection({
      host: login.host,
      port: login.port,
      ...as,
      ...(database === undefined ? {} : { database }),
    });
    try {
      const [rows] = await conn.query(sql, values);
      return rows as Record<string, unknown>[];
    } finally {
      await conn.end();
    }
  };
  const query = (sql: string, values: unknown[] = []) =>
    queryAs({ user: login.user, password: login.password }, sql, values);
  return {
    login,
    query,
    queryAs,
    canLogIn: (as) =>
      queryAs(as, 'SELECT 1').then(
        () => true,
        () => false,
      ),
    fillTable: async (database) => {
      await query(`CREATE TABLE \`${database}\`.orders (id int)`);
      await query(`INSERT INTO \`${database}\`.orders VALUES (1), (2), (3)`);
    },
    rows: async (database) =>
      Number((await query(`SELECT count(*) AS n FROM \`${database}\`.orders`))[0]?.['n']),
    exactly: async (database) =>
      (await query('SELECT 1 FROM information_schema.SCHEMATA WHERE BINARY SCHEMA_NAME = ?', [database]))
        .length === 1,
    session: async (database) => {
      const conn = await mysql.createConnection({ ...login, database });
      conn.on('error', () => undefined);
      return { ping: () => conn.query('SELECT 1'), end: () => conn.end() };
    },
  };
}

export const externalName = (name: string) => ({ 'crossplane.io/external-name': name });
export const adopt = { 'dbops.dbprovision.io/adopt': 'true' };
export const synced = (
  mg:
    | { status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] } }
    | undefined,
) => mg?.status?.conditions?.find((c) => c.type === 'Synced');
export const conflict = (p: Provider, kind: Kind, name: string, message: RegExp) =>
  eventually(`${kind} ${name} Synced=False/Conflict ${message.source}`, async () => {
    const mg = await p.get(kind, name);
    const s = synced(mg);
    return s?.status === 'False' && s.reason === 'Conflict' && message.test(s.message ?? '') ? mg : undefined;
  });

/** Team A, whose namespace holds the instance, and team B, which the instance allows too. */
export interface Tenants {
  a: Provider;
  b: Provider;
  server: Server;
}

export async function twoTenants(provider: Provider, engine: Engine, instance: string): Promise<Tenants> {
  const a = await provider.tenant(`${engine}-a`);
  const b = await provider.tenant(`${engine}-b`);
  const admin = engine === 'postgres' ? a.env.postgres.admin : a.env.mariadb.admin;
  const server = engine === 'postgres' ? postgresServer(admin) : mariadbServer(admin);
  await a.instance(instance, engine, admin);
  await a.patchSpec('DatabaseInstance', instance, { forProvider: { allowedNamespaces: [b.namespace] } });
  await a.ready('DatabaseInstance', instance);
  return { a, b, server };
}
