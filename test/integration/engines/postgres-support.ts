// Helpers for the PostgreSQL engine tests: settings for the harness server, a direct admin client for
// making drift by hand, logins as the users the engine created, and a statement counter.
import pg from 'pg';
import type { ConnectionSettings } from '../../../src/engines/engine.ts';
import type { TestEnvironment } from '../../harness/environment.ts';

export const suffix = String(process.pid);
export const applicationName = `dbops-pg-engine-test-${suffix}`;

export function settingsFor(
  env: TestEnvironment,
  overrides: Partial<ConnectionSettings> = {},
): ConnectionSettings {
  return {
    engine: 'postgres',
    host: env.postgres.admin.host,
    port: env.postgres.admin.port,
    user: env.postgres.admin.user,
    password: env.postgres.admin.password,
    database: 'postgres',
    tls: { mode: 'disable' },
    connectTimeoutMs: 5000,
    maxConnections: 3,
    applicationName,
    statementTimeoutMs: 30_000,
    ...overrides,
  };
}

/** An ownership record such as the ownership module writes; the engine stores it verbatim. */
export function record(name: string): string {
  return `managed by provider-dbops: engine test ${suffix}/${name}`;
}

/** Runs `work` on a fresh client of the harness admin, connected to `database`. */
export async function asAdmin<T>(
  env: TestEnvironment,
  database: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ ...env.postgres.admin, database });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs `work` logged in as `user` with `password`. */
export async function asUser<T>(
  env: TestEnvironment,
  login: { user: string; password: string; database: string },
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ host: env.postgres.admin.host, port: env.postgres.admin.port, ...login });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Counts the statements the engine sends (every pg query goes through Client.prototype.query). */
export async function countStatements(work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  // Patched and restored on the prototype itself, so it is never called unbound.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original = pg.Client.prototype.query;
  const patched = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    seen.push(typeof first === 'string' ? first : JSON.stringify(first));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  pg.Client.prototype.query = patched as typeof original;
  try {
    await work();
  } finally {
    pg.Client.prototype.query = original;
  }
  return seen;
}
