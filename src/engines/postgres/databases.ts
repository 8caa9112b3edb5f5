// Database operations: observe, create, update, drop.
import type { DatabaseParameters } from '../../apis/database.ts';
import type { DatabaseState, Observed } from '../engine.ts';
import { readContents, readDatabases } from './catalog.ts';
import { planDatabase, type ObservedDatabase } from './diff.ts';
import { describeError, sqlState } from './errors.ts';
import { checkName } from './names.ts';
import type { Connections } from './pool.ts';
import { checkAborted, execute, executeChanges } from './run.ts';
import { createDatabaseSql, dropDatabaseSql } from './sql/database.ts';

/** Extensions and schemas live inside the database: they are read and applied there only when managed. */
function managesContents(desired: DatabaseParameters): boolean {
  const p = desired.postgres;
  return (p?.extensions?.length ?? 0) + (p?.schemas?.length ?? 0) > 0;
}

async function readObserved(
  c: Connections,
  name: string,
  desired: DatabaseParameters,
): Promise<ObservedDatabase | undefined> {
  const row = await c.readBatched('database', name, readDatabases);
  if (row === undefined) return undefined;
  if (!managesContents(desired) || !row.allowConnections) return row;
  return { ...row, ...(await c.with(name, readContents)) };
}

function stateOf(o: ObservedDatabase): DatabaseState {
  const { sizeBytes, ...rest } = o;
  return sizeBytes === undefined ? { ...rest } : { sizeBytes, ...rest };
}

export async function observeDatabase(
  c: Connections,
  name: string,
  desired: DatabaseParameters,
): Promise<Observed<DatabaseState>> {
  checkName('database', name);
  try {
    const o = await readObserved(c, name, desired);
    if (o === undefined) return { exists: false, differences: [] };
    const differences = planDatabase(name, o, desired.postgres).map((ch) => ch.description);
    return { exists: true, state: stateOf(o), differences };
  } catch (err) {
    throw describeError(`observe database ${name}`, err);
  }
}

export async function updateDatabase(
  c: Connections,
  name: string,
  desired: DatabaseParameters,
  signal: AbortSignal | undefined,
): Promise<void> {
  checkName('database', name);
  const o = await readObserved(c, name, desired).catch((err: unknown) => {
    throw describeError(`read database ${name}`, err);
  });
  if (o === undefined)
    throw describeError(`update database ${name}`, new Error('the database does not exist'));
  const changes = planDatabase(name, o, desired.postgres);
  const admin = changes.filter((ch) => ch.in === 'admin');
  const inside = changes.filter((ch) => ch.in === 'database');
  if (admin.length > 0) {
    await c.with(undefined, (client) => executeChanges(client, `update database ${name}`, admin, signal));
  }
  if (inside.length > 0) {
    await c.with(name, (client) => executeChanges(client, `update database ${name}`, inside, signal));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A new database can refuse connections for a moment (55000, or 3D000 before the catalog is visible). */
async function waitForConnections(c: Connections, name: string, timeoutMs: number, signal?: AbortSignal) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    checkAborted(signal);
    try {
      await c.with(name, (client) => client.query('SELECT 1'));
      return;
    } catch (err) {
      const code = sqlState(err);
      if ((code !== '55000' && code !== '3D000') || Date.now() > deadline) {
        throw describeError(`connect to new database ${name}`, err);
      }
      await sleep(200);
    }
  }
}

export async function createDatabase(
  c: Connections,
  name: string,
  desired: DatabaseParameters,
  options: { timeoutMs: number; signal: AbortSignal | undefined },
): Promise<void> {
  const sql = createDatabaseSql(name, desired.postgres);
  try {
    await c.with(undefined, (client) => client.query(sql));
  } catch (err) {
    // 42P04 duplicate_database: adopt it; Update below brings it to the spec.
    if (sqlState(err) !== '42P04') throw describeError(`create database ${name}`, err);
  }
  // A committed database whose catalog row allows connections accepts them, and Observe (run again right
  // after a create) reads that row and corrects any difference: a session is opened in the new database only
  // when its contents are managed, and that first session is also where a refusal would show.
  if (desired.postgres?.allowConnections === false || !managesContents(desired)) return;
  await waitForConnections(c, name, options.timeoutMs, options.signal);
  await updateDatabase(c, name, desired, options.signal);
}

export async function dropDatabase(
  c: Connections,
  name: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const sql = dropDatabaseSql(name);
  await c.closeDatabase(name);
  await c.with(undefined, async (client) => {
    // Best effort: ending sessions needs pg_signal_backend or membership in their roles; FORCE retries it.
    await client
      .query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      )
      .catch(() => undefined);
    await execute(client, `drop database ${name}`, sql, signal);
  });
}
