// createPostgresEngine: the Engine of one PostgreSQL DatabaseInstance, over one set of pooled connections.
import type { ConnectionSettings, Engine } from '../engine.ts';
import { serverVersionNum } from './catalog.ts';
import { createDatabase, dropDatabase, observeDatabase, updateDatabase } from './databases.ts';
import { describeError } from './errors.ts';
import { applyGrant, observeGrant, revokeGrant } from './grant-ops.ts';
import { systemName } from './names.ts';
import { readOwners, recordOwner } from './ownership.ts';
import { Connections } from './pool.ts';
import {
  createAccount,
  desiredNologinRole,
  desiredUser,
  dropAccount,
  observeAccount,
  setPassword,
  updateAccount,
} from './roles.ts';

export function createPostgresEngine(settings: ConnectionSettings): Engine {
  const connections = new Connections(settings);
  let version: Promise<number> | undefined;
  // The server version decides which privileges exist (MAINTAIN from 17); it is read once per engine.
  const serverVersion = () => {
    version ??= connections.with(undefined, serverVersionNum).catch((err: unknown) => {
      version = undefined;
      throw err;
    });
    return version;
  };
  const ctx = { connections, serverVersion };
  const admin = { database: connections.adminDatabase, login: settings.user };
  const createOptions = (signal: AbortSignal | undefined) => ({
    timeoutMs: settings.connectTimeoutMs,
    signal,
  });

  return {
    name: 'postgres',
    async ping() {
      try {
        const v = await connections.with(undefined, (client) =>
          client.query<{ server_version: string }>('SHOW server_version'),
        );
        return { version: v.rows[0]?.server_version ?? 'unknown' };
      } catch (err) {
        throw describeError(`connect to ${settings.host}:${String(settings.port)}`, err);
      }
    },

    systemName: (objectClass, name) => systemName(objectClass, name, admin),
    readOwners: (objectClass, names) => readOwners(connections, objectClass, names),
    recordOwner: (objectClass, name, owner, signal) =>
      recordOwner(connections, objectClass, name, { record: owner, signal }),

    observeDatabase: (name, desired) => observeDatabase(connections, name, desired),
    createDatabase: (name, desired, owner, signal) =>
      createDatabase(connections, name, desired, { record: owner, ...createOptions(signal) }),
    updateDatabase: (name, desired, signal) => updateDatabase(connections, name, desired, signal),
    dropDatabase: (name, signal) => dropDatabase(connections, name, signal),

    observeUser: (name, desired) => observeAccount(connections, name, desiredUser(desired)),
    createUser: (name, desired, { password, owner }, signal) =>
      createAccount(connections, name, desiredUser(desired), { record: owner, password, signal }),
    updateUser: (name, desired, signal) => updateAccount(connections, name, desiredUser(desired), signal),
    setPassword: (name, _desired, password) => setPassword(connections, name, password),
    dropUser: (name, _desired, signal) => dropAccount(connections, name, signal),

    observeRole: (name, desired) => observeAccount(connections, name, desiredNologinRole(desired)),
    createRole: (name, desired, owner, signal) =>
      createAccount(connections, name, desiredNologinRole(desired), { record: owner, signal }),
    updateRole: (name, desired, signal) =>
      updateAccount(connections, name, desiredNologinRole(desired), signal),
    dropRole: (name, signal) => dropAccount(connections, name, signal),

    observeGrant: (grantee, desired, previous) => observeGrant(ctx, { grantee, desired, previous }),
    applyGrant: (grantee, desired, previous, signal) =>
      applyGrant(ctx, { grantee, desired, previous }, signal),
    revokeGrant: (grantee, applied, signal) => revokeGrant(ctx, grantee, applied, signal),

    close: () => connections.close(),
  };
}
