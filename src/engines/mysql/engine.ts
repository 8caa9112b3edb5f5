// The Engine for MySQL 8 and MariaDB (the flavor decides their differences). One pool per instance; every
// operation validates names first, reads the catalogs, and writes only what a pure diff says differs.
import type { DatabaseParameters } from '../../apis/database.ts';
import type { DatabaseState, Engine, Observed, ConnectionSettings } from '../engine.ts';
import { readSchema, readSessions, readVersion, roleExists } from './catalog.ts';
import { defaultCharset, diffDatabase } from './diff.ts';
import { errno, MysqlEngineError } from './errors.ts';
import { flavorOf } from './flavor.ts';
import { GrantOperations } from './grants.ts';
import { checkCharset, checkDatabaseName, checkRoleName } from './names.ts';
import { openPool } from './pool.ts';
import { Runner, type EngineHooks } from './runner.ts';
import { alterDatabaseSql, createDatabaseSql, dropDatabaseSql, killConnectionSql } from './sql/database.ts';
import { createRoleSql, dropRoleSql } from './sql/role.ts';
import { UserOperations } from './users.ts';

export type { EngineHooks };

function checkDatabase(name: string, desired: DatabaseParameters): void {
  checkDatabaseName(name);
  checkCharset('charset', desired.mysql?.charset ?? defaultCharset);
  if (desired.mysql?.collation !== undefined) checkCharset('collation', desired.mysql.collation);
}

async function observeDatabase(
  run: Runner,
  name: string,
  desired: DatabaseParameters,
  signal?: AbortSignal,
): Promise<Observed<DatabaseState>> {
  checkDatabase(name, desired);
  const row = await run.read(`reading database ${name}`, signal, (db) => readSchema(db, name));
  if (row === undefined) return { exists: false, differences: [] };
  const state = { sizeBytes: row.sizeBytes, encoding: row.charset, collation: row.collation };
  return { exists: true, state, differences: diffDatabase(desired.mysql, row).differences };
}

async function updateDatabase(run: Runner, name: string, desired: DatabaseParameters, signal?: AbortSignal) {
  checkDatabase(name, desired);
  const row = await run.read(`reading database ${name}`, signal, (db) => readSchema(db, name));
  if (row === undefined) {
    throw new MysqlEngineError(`database ${name} does not exist`, errno.unknownDatabase, undefined);
  }
  const sql = alterDatabaseSql(name, diffDatabase(desired.mysql, row).change);
  if (sql !== null) await run.exec(sql, `changing database ${name}`, signal);
}

/** Kills the database's sessions (a session that ended meanwhile is fine), then drops it. */
async function dropDatabase(run: Runner, name: string, signal?: AbortSignal): Promise<void> {
  checkDatabaseName(name);
  const sessions = await run.read(`listing the sessions of ${name}`, signal, (db) => readSessions(db, name));
  for (const id of sessions) {
    try {
      await run.exec(killConnectionSql(id), `killing session ${id} of database ${name}`, signal);
    } catch (err) {
      if (!(err instanceof MysqlEngineError && err.errno === errno.unknownThread)) throw err;
    }
  }
  await run.exec(dropDatabaseSql(name), `dropping database ${name}`, signal);
}

/** Creates the engine for a mysql or mariadb instance; nothing connects until the first call. */
export function createMysqlEngine(settings: ConnectionSettings, hooks: EngineHooks = {}): Engine {
  const flavor = flavorOf(settings.engine);
  const run = new Runner(flavor, openPool(settings), settings, hooks);
  const users = new UserOperations(run);
  const grants = new GrantOperations(run);
  return {
    name: settings.engine,
    ping: async (signal) => ({ version: await run.read('connecting', signal, readVersion) }),
    observeDatabase: (name, desired, signal) => observeDatabase(run, name, desired, signal),
    createDatabase: async (name, desired, signal) => {
      checkDatabase(name, desired);
      const options = {
        charset: desired.mysql?.charset ?? defaultCharset,
        collation: desired.mysql?.collation,
      };
      await run.exec(createDatabaseSql(name, options), `creating database ${name}`, signal);
    },
    updateDatabase: (name, desired, signal) => updateDatabase(run, name, desired, signal),
    dropDatabase: (name, signal) => dropDatabase(run, name, signal),

    observeUser: (name, desired, signal) => users.observeUser(name, desired, signal),
    createUser: (name, desired, password, signal) => users.createUser(name, desired, password, signal),
    updateUser: (name, desired, signal) => users.updateUser(name, desired, signal),
    setPassword: (name, desired, password, signal) => users.setPassword(name, desired, password, signal),
    dropUser: (name, desired, signal) => users.dropUser(name, desired, signal),

    observeRole: async (name, _desired, signal) => {
      checkRoleName(flavor, name);
      const exists = await run.read(`reading role ${name}`, signal, (db) => roleExists(db, flavor, name));
      return exists ? { exists, state: {}, differences: [] } : { exists, differences: [] };
    },
    createRole: async (name, _desired, signal) => {
      checkRoleName(flavor, name);
      await run.exec(createRoleSql(flavor, name), `creating role ${name}`, signal);
    },
    // A MySQL/MariaDB role has no attributes of its own; its privileges come from DatabaseGrant.
    updateRole: (name) => {
      checkRoleName(flavor, name);
      return Promise.resolve();
    },
    dropRole: async (name, signal) => {
      checkRoleName(flavor, name);
      await run.exec(dropRoleSql(flavor, name), `dropping role ${name}`, signal);
    },

    observeGrant: (grantee, desired, previous, signal) =>
      grants.observeGrant(grantee, desired, previous, signal),
    applyGrant: (grantee, desired, previous, signal) => grants.applyGrant(grantee, desired, previous, signal),
    revokeGrant: (grantee, applied, signal) => grants.revokeGrant(grantee, applied, signal),

    close: () => run.close(),
  };
}
