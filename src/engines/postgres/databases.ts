// Database operations: observe, create, update, drop.
import type { DatabaseParameters } from '../../apis/database.ts';
import type { DatabaseState, Observed } from '../engine.ts';
import { readContents, readDatabases, type Commented } from './catalog.ts';
import { planDatabase, type ObservedDatabase } from './diff.ts';
import { describeError, PostgresError, sqlState } from './errors.ts';
import { checkName, checkRoleName, ident } from './names.ts';
import type pg from 'pg';
import type { Connections } from './pool.ts';
import { checkAborted, execute, executeChanges } from './run.ts';
import { createDatabaseSql, dropDatabaseSql, recordDatabaseOwnerSql } from './sql/database.ts';

/** Extensions and schemas live inside the database: they are read and applied there only when managed. */
function managesContents(desired: DatabaseParameters): boolean {
  const p = desired.postgres;
  return (p?.extensions?.length ?? 0) + (p?.schemas?.length ?? 0) > 0;
}

async function readObserved(
  c: Connections,
  name: string,
  desired: DatabaseParameters,
): Promise<Commented<ObservedDatabase> | undefined> {
  const found = await c.readBatched('database', name, readDatabases);
  if (found === undefined) return undefined;
  if (!managesContents(desired) || !found.row.allowConnections) return found;
  return { ...found, row: { ...found.row, ...(await c.with(name, readContents)) } };
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
    const found = await readObserved(c, name, desired);
    if (found === undefined) return { exists: false, differences: [] };
    const { row, comment } = found;
    const differences = planDatabase(name, row, desired.postgres).map((ch) => ch.description);
    const observed = { exists: true, state: stateOf(row), differences };
    return comment === undefined ? observed : { ...observed, owner: comment };
  } catch (err) {
    throw describeError(`observe database ${name}`, err);
  }
}

/**
 * Making a role the owner of a database (CREATE DATABASE … OWNER, ALTER DATABASE … OWNER TO) needs the admin
 * login to be a member of that role. A DBA grants the login that membership, and so does this when the login
 * may (CREATEROLE, or ADMIN OPTION on the role); when it may not, the error says which GRANT is missing. A
 * role that does not exist yet (its DatabaseUser is still being created) is left to the statement's own error.
 */
async function joinOwnerRole(client: pg.ClientBase, database: string, owner: string): Promise<void> {
  checkRoleName('owner', owner);
  const { rows } = await client.query<{ member: boolean; login: string }>(
    `SELECT pg_has_role(current_user, oid, 'MEMBER') AS member, current_user AS login
       FROM pg_roles WHERE rolname = $1`,
    [owner],
  );
  const row = rows[0];
  if (row === undefined || row.member) return;
  try {
    await client.query(`GRANT ${ident('owner', owner)} TO CURRENT_USER`);
  } catch (err) {
    if (sqlState(err) !== '42501')
      throw describeError(`make ${owner} the owner of database ${database}`, err);
    throw new PostgresError(
      `make ${owner} the owner of database ${database}: the admin login "${row.login}" is not a member of ` +
        `role "${owner}" and may not grant itself that membership; a superuser can run ` +
        `GRANT ${ident('owner', owner)} TO ${ident('login', row.login)}`,
      '42501',
    );
  }
}

export async function updateDatabase(
  c: Connections,
  name: string,
  desired: DatabaseParameters,
  signal: AbortSignal | undefined,
): Promise<void> {
  checkName('database', name);
  const found = await readObserved(c, name, desired).catch((err: unknown) => {
    throw describeError(`read database ${name}`, err);
  });
  if (found === undefined)
    throw describeError(`update database ${name}`, new Error('the database does not exist'));
  const changes = planDatabase(name, found.row, desired.postgres);
  const admin = changes.filter((ch) => ch.in === 'admin');
  const inside = changes.filter((ch) => ch.in === 'database');
  const owner = desired.postgres?.owner;
  // A new owner, and schemas created for or handed to it, all need the admin login to act as that role.
  if (owner !== undefined && changes.length > 0) {
    await c.with(undefined, (client) => joinOwnerRole(client, name, owner));
  }
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

/**
 * CREATE DATABASE cannot run in a transaction, so the ownership record is written after it; a database left
 * without one would be nobody's to manage or drop. It is new and empty, so it is dropped again.
 */
async function recordNewDatabase(c: Connections, name: string, recordSql: string): Promise<void> {
  try {
    await c.with(undefined, (client) => client.query(recordSql));
  } catch (err) {
    // Not cancellable: the reconcile that is giving up is the one that must not leave the database behind.
    const dropped = await dropDatabase(c, name, undefined).then(
      () => true,
      () => false,
    );
    const outcome = dropped ? 'so it was dropped again' : 'and dropping it again failed too; drop it by hand';
    throw describeError(`create database ${name}: writing its ownership record failed, ${outcome}`, err);
  }
}

export async function createDatabase(
  c: Connections,
  name: string,
  desired: DatabaseParameters,
  options: { record: string; timeoutMs: number; signal: AbortSignal | undefined },
): Promise<void> {
  const sql = createDatabaseSql(name, desired.postgres);
  // Built before anything is sent, so that a record PostgreSQL cannot store fails the create up front.
  const recordSql = recordDatabaseOwnerSql(name, options.record);
  const owner = desired.postgres?.owner;
  try {
    await c.with(undefined, async (client) => {
      if (owner !== undefined) await joinOwnerRole(client, name, owner);
      await client.query(sql);
    });
  } catch (err) {
    // 42P04 duplicate_database included: an existing database is taken over only through recordOwner.
    throw describeError(`create database ${name}`, err);
  }
  await recordNewDatabase(c, name, recordSql);
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
