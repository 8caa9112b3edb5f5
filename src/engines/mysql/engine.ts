// The Engine for MySQL 8 and MariaDB (the flavor decides their differences). One pool per instance; every
// operation validates names first, reads the catalogs, and writes only what a pure diff says differs.
// Ownership records live in the ledger (ledger.ts): creates claim the name there first, drops remove the
// record, and observations read it in the same round trip as the catalog.
import type { DatabaseParameters } from '../../apis/database.ts';
import type { DatabaseState, Engine, Observed, ConnectionSettings, OwnedClass } from '../engine.ts';
import { readRoleOwned, readSchema, readSchemaOwned, readSessions, readVersion } from './catalog.ts';
import { defaultCharset, diffDatabase } from './diff.ts';
import { alreadyExists, errno, MysqlEngineError, refusedByServer } from './errors.ts';
import { flavorOf, type Flavor } from './flavor.ts';
import { GrantOperations } from './grants.ts';
import { Ledger, ownership, type Claim } from './ledger.ts';
import { checkCharset, checkDatabaseName, checkRoleName, checkUserName } from './names.ts';
import { openPool } from './pool.ts';
import { Runner, type EngineHooks } from './runner.ts';
import { alterDatabaseSql, createDatabaseSql, dropDatabaseSql, killConnectionSql } from './sql/database.ts';
import { createRoleSql, dropRoleSql } from './sql/role.ts';
import { checkNotSystem, systemName } from './system.ts';
import { UserOperations } from './users.ts';

export type { EngineHooks };

function checkDatabase(name: string, desired: DatabaseParameters): void {
  checkDatabaseName(name);
  checkCharset('charset', desired.mysql?.charset ?? defaultCharset);
  if (desired.mysql?.collation !== undefined) checkCharset('collation', desired.mysql.collation);
}

/** Roles and users share one name space on both flavors, so a name of either class is checked as a user's. */
function checkOwnedName(flavor: Flavor, objectClass: OwnedClass, name: string): void {
  if (objectClass === 'database') checkDatabaseName(name);
  else checkUserName(flavor, name);
}

/** What the operations of one engine share. */
interface Server {
  run: Runner;
  ledger: Ledger;
  /** The login the engine connects as, which is never managed. */
  admin: string;
}

async function observeDatabase(
  { run, admin }: Server,
  name: string,
  desired: DatabaseParameters,
  signal?: AbortSignal,
): Promise<Observed<DatabaseState>> {
  checkDatabase(name, desired);
  const { found: row, owner } = await run.read(`reading database ${name}`, signal, (db) =>
    readSchemaOwned(db, name),
  );
  const known = ownership(owner, systemName(admin, 'database', name));
  if (row === undefined) return { exists: false, differences: [], ...known };
  const state = { sizeBytes: row.sizeBytes, encoding: row.charset, collation: row.collation };
  return { exists: true, state, differences: diffDatabase(desired.mysql, row).differences, ...known };
}

/** A create of one statement: the claim, the statement, and the error number meaning "already exists". */
interface ClaimedCreate extends Claim {
  sql: string;
  existsErrno: number;
}

/**
 * Claims the name, then runs the statement that creates the object. An object that was there before a fresh
 * claim is refused, and the claim withdrawn; so is a claim whose statement the server refused, which created
 * nothing. When the outcome is unknown (the connection broke), the claim stays for the retry.
 */
async function createClaimed(
  { run, ledger }: Server,
  create: ClaimedCreate,
  signal: AbortSignal | undefined,
): Promise<void> {
  const fresh = await ledger.claim(create, signal);
  try {
    await run.exec(create.sql, `creating ${create.what}`, signal);
  } catch (err) {
    if (fresh && refusedByServer(err)) await ledger.forget(create.objectClass, create.name, create.owner);
    if (err instanceof MysqlEngineError && err.errno === create.existsErrno) {
      throw new MysqlEngineError(alreadyExists(create.what), err.errno, err.code);
    }
    throw err;
  }
}

async function updateDatabase(
  { run, admin }: Server,
  name: string,
  desired: DatabaseParameters,
  signal?: AbortSignal,
) {
  checkDatabase(name, desired);
  checkNotSystem(admin, 'database', name);
  const row = await run.read(`reading database ${name}`, signal, (db) => readSchema(db, name));
  if (row === undefined) {
    throw new MysqlEngineError(`database ${name} does not exist`, errno.unknownDatabase, undefined);
  }
  const sql = alterDatabaseSql(name, diffDatabase(desired.mysql, row).change);
  if (sql !== null) await run.exec(sql, `changing database ${name}`, signal);
}

/** Kills the database's sessions (a session that ended meanwhile is fine), drops it, then its record. */
async function dropDatabase(
  { run, ledger, admin }: Server,
  name: string,
  signal?: AbortSignal,
): Promise<void> {
  checkDatabaseName(name);
  checkNotSystem(admin, 'database', name);
  const sessions = await run.read(`listing the sessions of ${name}`, signal, (db) => readSessions(db, name));
  for (const id of sessions) {
    try {
      await run.exec(killConnectionSql(id), `killing session ${id} of database ${name}`, signal);
    } catch (err) {
      if (!(err instanceof MysqlEngineError && err.errno === errno.unknownThread)) throw err;
    }
  }
  await run.exec(dropDatabaseSql(name), `dropping database ${name}`, signal);
  await ledger.forget('database', name, undefined, signal);
}

/** Creates the engine for a mysql or mariadb instance; nothing connects until the first call. */
export function createMysqlEngine(settings: ConnectionSettings, hooks: EngineHooks = {}): Engine {
  const flavor = flavorOf(settings.engine);
  const admin = settings.user;
  const run = new Runner(flavor, openPool(settings), settings, hooks);
  const ledger = new Ledger(run);
  const server: Server = { run, ledger, admin };
  const users = new UserOperations(run, ledger, admin);
  const grants = new GrantOperations(run);
  const checkRole = (name: string) => {
    checkRoleName(flavor, name);
    checkNotSystem(admin, 'account', name);
  };
  return {
    name: settings.engine,
    ping: async (signal) => ({ version: await run.read('connecting', signal, readVersion) }),

    systemName: (objectClass, name) => systemName(admin, objectClass, name),
    readOwners: (objectClass, names, signal) => ledger.read(objectClass, names, signal),
    recordOwner: async (objectClass, name, owner, signal) => {
      checkOwnedName(flavor, objectClass, name);
      checkNotSystem(admin, objectClass, name);
      await ledger.record(objectClass, name, owner, signal);
    },

    observeDatabase: (name, desired, signal) => observeDatabase(server, name, desired, signal),
    createDatabase: async (name, desired, owner, signal) => {
      checkDatabase(name, desired);
      checkNotSystem(admin, 'database', name);
      const options = {
        charset: desired.mysql?.charset ?? defaultCharset,
        collation: desired.mysql?.collation,
      };
      const create = {
        objectClass: 'database' as const,
        name,
        owner,
        what: `database ${name}`,
        sql: createDatabaseSql(name, options),
        existsErrno: errno.databaseExists,
      };
      await createClaimed(server, create, signal);
    },
    updateDatabase: (name, desired, signal) => updateDatabase(server, name, desired, signal),
    dropDatabase: (name, signal) => dropDatabase(server, name, signal),

    observeUser: (name, desired, signal) => users.observeUser(name, desired, signal),
    createUser: (name, desired, account, signal) => users.createUser(name, desired, account, signal),
    updateUser: (name, desired, signal) => users.updateUser(name, desired, signal),
    setPassword: (name, desired, password, signal) => users.setPassword(name, desired, password, signal),
    dropUser: (name, desired, signal) => users.dropUser(name, desired, signal),

    observeRole: async (name, _desired, signal) => {
      checkRoleName(flavor, name);
      const { found: exists, owner } = await run.read(`reading role ${name}`, signal, (db) =>
        readRoleOwned(db, flavor, name),
      );
      const known = ownership(owner, systemName(admin, 'account', name));
      return exists
        ? { exists, state: {}, differences: [], ...known }
        : { exists, differences: [], ...known };
    },
    createRole: async (name, _desired, owner, signal) => {
      checkRole(name);
      const create = {
        objectClass: 'account' as const,
        name,
        owner,
        what: `role ${name}`,
        sql: createRoleSql(flavor, name),
        existsErrno: errno.cannotUser,
      };
      await createClaimed(server, create, signal);
    },
    // A MySQL/MariaDB role has no attributes of its own; its privileges come from DatabaseGrant.
    updateRole: (name) => {
      checkRole(name);
      return Promise.resolve();
    },
    dropRole: async (name, signal) => {
      checkRole(name);
      await run.exec(dropRoleSql(flavor, name), `dropping role ${name}`, signal);
      await ledger.forget('account', name, undefined, signal);
    },

    observeGrant: (grantee, desired, previous, signal) =>
      grants.observeGrant(grantee, desired, previous, signal),
    applyGrant: (grantee, desired, previous, signal) => grants.applyGrant(grantee, desired, previous, signal),
    revokeGrant: (grantee, applied, signal) => grants.revokeGrant(grantee, applied, signal),

    close: () => run.close(),
  };
}
