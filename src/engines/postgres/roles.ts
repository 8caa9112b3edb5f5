// Users (LOGIN roles) and roles (NOLOGIN): observe, create, update, password, drop.
import type { DatabaseRoleParameters } from '../../apis/database-role.ts';
import type { DatabaseUserParameters } from '../../apis/database-user.ts';
import { InvalidNameError, type AccountState, type Observed } from '../engine.ts';
import { readRole, readRoles, type RoleEntry, type RoleRow } from './catalog.ts';
import { planRole, type DesiredRole } from './diff.ts';
import { describeError } from './errors.ts';
import { checkRoleName } from './names.ts';
import type { Connections } from './pool.ts';
import { execute, executeChanges, inTransaction } from './run.ts';
import { newScramVerifier } from './scram.ts';
import { createRoleSql, dropRoleSql, recordRoleOwnerSql, setPasswordSql } from './sql/role.ts';

type RoleSpec = NonNullable<DatabaseRoleParameters['postgres']>;
type UserSpec = NonNullable<DatabaseUserParameters['postgres']>;

/** PostgreSQL's defaults for the attributes a spec leaves out. */
export const roleDefaults = {
  inherit: true,
  superuser: false,
  createDB: false,
  createRole: false,
  replication: false,
  bypassRLS: false,
  connectionLimit: -1,
};

function validUntilOf(p: RoleSpec | UserSpec | undefined): number | null {
  const text = p !== undefined && 'validUntil' in p ? p.validUntil : undefined;
  if (text === undefined) return null;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new RangeError(`validUntil ${text} is not a timestamp`);
  return ms;
}

function desiredRole(p: RoleSpec | UserSpec | undefined, login: boolean): DesiredRole {
  const q = { ...roleDefaults, inRoles: [], configParameters: {}, ...p };
  return {
    attributes: {
      login,
      inherit: q.inherit,
      superuser: q.superuser,
      createDB: q.createDB,
      createRole: q.createRole,
      replication: q.replication,
      bypassRLS: q.bypassRLS,
      connectionLimit: q.connectionLimit,
      validUntil: validUntilOf(p),
    },
    inRoles: q.inRoles,
    config: q.configParameters,
  };
}

export function desiredUser(desired: DatabaseUserParameters): DesiredRole {
  return desiredRole(desired.postgres, desired.postgres?.login ?? true);
}

/** A DatabaseRole never logs in. */
export function desiredNologinRole(desired: DatabaseRoleParameters): DesiredRole {
  return desiredRole(desired.postgres, false);
}

function stateOf(row: RoleRow): AccountState {
  return {
    ...row,
    validUntil: row.validUntil === null ? undefined : new Date(row.validUntil).toISOString(),
  };
}

/** The ownership record and, for the bootstrap superuser, why it is the server's own. */
function ownershipOf(name: string, found: RoleEntry): Pick<Observed<AccountState>, 'owner' | 'system'> {
  return {
    ...(found.comment === undefined ? {} : { owner: found.comment }),
    ...(found.bootstrap ? { system: `role "${name}" is the bootstrap superuser of this server` } : {}),
  };
}

/**
 * What a PASSWORD clause is given: a SCRAM verifier, never the password, which a server with statement logging
 * would write to its log. NUL is refused as before: no client could send it to log in.
 */
function passwordVerifier(password: string): string {
  if (password.includes('\0')) throw new InvalidNameError('password must not contain a NUL character');
  return newScramVerifier(password);
}

export async function observeAccount(
  c: Connections,
  name: string,
  want: DesiredRole,
): Promise<Observed<AccountState>> {
  checkRoleName('role', name);
  const found = await c.readBatched('role', name, readRoles).catch((err: unknown) => {
    throw describeError(`observe role ${name}`, err);
  });
  if (found === undefined) return { exists: false, differences: [] };
  return {
    exists: true,
    state: stateOf(found.row),
    differences: planRole(name, found.row, want).map((ch) => ch.description),
    ...ownershipOf(name, found),
  };
}

export async function updateAccount(
  c: Connections,
  name: string,
  want: DesiredRole,
  signal: AbortSignal | undefined,
): Promise<void> {
  checkRoleName('role', name);
  await c.with(undefined, async (client) => {
    const row = await readRole(client, name).catch((err: unknown) => {
      throw describeError(`read role ${name}`, err);
    });
    if (row === undefined) throw new Error(`update role ${name}: the role does not exist`);
    await executeChanges(client, `update role ${name}`, planRole(name, row, want), signal);
  });
}

/**
 * Creates the role with its ownership record in one transaction, so that the role never exists without it,
 * then brings memberships and settings to the spec. A role that exists already (42710) is an error: it is
 * taken over only through recordOwner.
 */
export async function createAccount(
  c: Connections,
  name: string,
  want: DesiredRole,
  options: { record: string; password?: string; signal: AbortSignal | undefined },
): Promise<void> {
  const verifier = options.password === undefined ? undefined : passwordVerifier(options.password);
  const sql = createRoleSql(name, want.attributes, verifier);
  const recordSql = recordRoleOwnerSql(name, options.record);
  try {
    await c.with(undefined, (client) =>
      inTransaction(client, async () => {
        await client.query(sql);
        await client.query(recordSql);
      }),
    );
  } catch (err) {
    throw describeError(`create role ${name}`, err, options.password);
  }
  await updateAccount(c, name, want, options.signal);
}

export async function setPassword(c: Connections, name: string, password: string): Promise<void> {
  const sql = setPasswordSql(name, passwordVerifier(password));
  try {
    await c.with(undefined, (client) => client.query(sql));
  } catch (err) {
    throw describeError(`set password of ${name}`, err, password);
  }
}

export async function dropAccount(
  c: Connections,
  name: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  checkRoleName('role', name);
  const sql = dropRoleSql(name);
  await c.with(undefined, (client) => execute(client, `drop role ${name}`, sql, signal));
}
