// DatabaseGrant operations: one catalog read per observe; apply runs only the statements of the plan, in one
// transaction, so an up-to-date grant costs a single read and a failed apply leaves nothing half done.
import type { DatabaseGrantParameters } from '../../apis/database-grant.ts';
import type { AppliedGrant, Grantee, Observed } from '../engine.ts';
import { readGrants } from './catalog.ts';
import { describeError, sqlState } from './errors.ts';
import {
  appliedOf,
  desiredAtoms,
  heldFromRows,
  parseMember,
  planGrant,
  schemasToRead,
  type GrantPlan,
} from './grants.ts';
import { checkName } from './names.ts';
import type { Connections } from './pool.ts';
import { execute } from './run.ts';
import { grantMembershipSql, revokeAdminOptionSql, revokeMembershipSql } from './sql/role.ts';
import { groupAtoms, parseAtom, privilegeSql, type Atom } from './sql/privileges.ts';
import type pg from 'pg';

interface Context {
  connections: Connections;
  serverVersion: () => Promise<number>;
}

function checkNames(grantee: Grantee, desired: DatabaseGrantParameters): void {
  checkName(grantee.kind, grantee.name);
  if (desired.database !== undefined) checkName('database', desired.database);
  for (const m of desired.memberOf ?? []) checkName('role', m.role);
}

/** What a grant operation is about. */
export interface GrantRequest {
  grantee: Grantee;
  desired: DatabaseGrantParameters;
  previous: AppliedGrant | undefined;
}

/**
 * Whether the grant touches nothing inside its database (only the database itself and role memberships, now
 * and before): it is then read and applied from the administrative database, whose pooled connections stay
 * open, instead of opening a session in every target database.
 */
export function databaseLevelOnly(desired: DatabaseGrantParameters, previous: readonly Atom[]): boolean {
  const p = desired.postgres;
  const inside = [p?.schemas, p?.tables, p?.sequences, p?.functions, p?.defaultPrivileges];
  return (
    inside.every((list) => (list?.length ?? 0) === 0) && previous.every((a) => a.object.type === 'DATABASE')
  );
}

/** The database a grant's session connects to: the target, or the administrative one (databaseLevelOnly). */
function sessionDatabase(ctx: Context, { desired, previous }: GrantRequest): string | undefined {
  return databaseLevelOnly(desired, previousAtoms(ctx, desired, previous)) ? undefined : desired.database;
}

function previousAtoms(
  ctx: Context,
  desired: DatabaseGrantParameters,
  previous: AppliedGrant | undefined,
): Atom[] {
  const database = desired.database ?? ctx.connections.adminDatabase;
  return (previous?.privileges ?? []).map(parseAtom).filter((a) => a.database === database);
}

/**
 * Reads the grantee's privileges on `client`. `serverVersion` is read beforehand by the caller: asking for it
 * here would need a second connection while this one is held, and enough concurrent grants would then hold
 * every connection of the budget while waiting for one more.
 */
async function readPlan(
  ctx: Context,
  client: pg.ClientBase,
  { grantee, desired, previous }: GrantRequest,
  serverVersion: number,
): Promise<{ plan: GrantPlan; granteeExists: boolean; applied: AppliedGrant }> {
  const database = desired.database ?? ctx.connections.adminDatabase;
  const before = previousAtoms(ctx, desired, previous);
  const { read, list } = schemasToRead(desired.postgres, before);
  const objects = !databaseLevelOnly(desired, before) || database === ctx.connections.adminDatabase;
  const rows = await readGrants(client, grantee.name, {
    database,
    objects,
    schemas: read,
    listSchemas: list,
  });
  const held = heldFromRows(rows, database);
  const want = {
    atoms: desiredAtoms(desired.postgres, desired.database, held, serverVersion),
    memberOf: (desired.memberOf ?? []).map((m) => ({
      role: m.role,
      withAdminOption: m.withAdminOption ?? false,
    })),
  };
  return {
    plan: planGrant(want, held, previous),
    granteeExists: held.granteeExists,
    applied: appliedOf(want),
  };
}

export async function observeGrant(ctx: Context, request: GrantRequest): Promise<Observed<AppliedGrant>> {
  const { grantee, desired, previous } = request;
  checkNames(grantee, desired);
  const what = `observe grant to ${grantee.kind} ${grantee.name}`;
  try {
    const version = await ctx.serverVersion();
    const { plan, granteeExists } = await ctx.connections.with(sessionDatabase(ctx, request), (client) =>
      readPlan(ctx, client, request, version),
    );
    const held = plan.inScope.privileges.length + plan.inScope.memberOf.length > 0;
    const differences = granteeExists
      ? plan.differences
      : [`${grantee.kind} ${grantee.name} does not exist`, ...plan.differences];
    return { exists: held || previous !== undefined, state: plan.inScope, differences };
  } catch (err) {
    throw describeError(what, err);
  }
}

/** The plan's statements in order: first take away, then give. */
function statements(plan: GrantPlan, grantee: string): { description: string; sql: string }[] {
  const privileges = (action: 'grant' | 'revoke' | 'revokeGrantOption', atoms: Atom[]) =>
    groupAtoms(atoms).map((group) => ({
      description: `${action} ${group.map((a) => a.privilege).join(', ')}`,
      sql: privilegeSql(action, group, grantee),
    }));
  return [
    ...plan.revokeMember.map((role) => ({
      description: `revoke ${role}`,
      sql: revokeMembershipSql(role, grantee),
    })),
    ...plan.revokeAdminOption.map((role) => ({
      description: `revoke admin option on ${role}`,
      sql: revokeAdminOptionSql(role, grantee),
    })),
    ...privileges('revoke', plan.revoke),
    ...privileges('revokeGrantOption', plan.revokeGrantOption),
    ...plan.grantMember.map((m) => ({
      description: `grant ${m.role}`,
      sql: grantMembershipSql(m.role, grantee, m.admin),
    })),
    ...privileges('grant', plan.grant),
  ];
}

export async function applyGrant(
  ctx: Context,
  request: GrantRequest,
  signal: AbortSignal | undefined,
): Promise<AppliedGrant> {
  const { grantee, desired } = request;
  checkNames(grantee, desired);
  const what = `grant to ${grantee.kind} ${grantee.name}`;
  const version = await ctx.serverVersion().catch((err: unknown) => {
    throw describeError(what, err);
  });
  return ctx.connections.with(sessionDatabase(ctx, request), async (client) => {
    const { plan, applied } = await readPlan(ctx, client, request, version).catch((err: unknown) => {
      throw describeError(what, err);
    });
    const todo = statements(plan, grantee.name);
    if (todo.length === 0) return applied;
    await client.query('BEGIN');
    try {
      for (const s of todo) await execute(client, `${what}: ${s.description}`, s.sql, signal);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    return applied;
  });
}

/** Objects, databases or the grantee may already be gone when a grant is deleted; that is success. */
const gone = new Set(['3D000', '42704', '42P01', '3F000', '42883']);

async function revokeIgnoringGone(client: pg.ClientBase, what: string, sql: string, signal?: AbortSignal) {
  try {
    await execute(client, what, sql, signal);
  } catch (err) {
    if (!gone.has((err as { code?: string }).code ?? '')) throw err;
  }
}

export async function revokeGrant(
  ctx: Context,
  grantee: Grantee,
  applied: AppliedGrant,
  signal: AbortSignal | undefined,
): Promise<void> {
  checkName(grantee.kind, grantee.name);
  const what = `revoke from ${grantee.kind} ${grantee.name}`;
  const byDatabase = new Map<string, Atom[]>();
  for (const atom of applied.privileges.map(parseAtom)) {
    byDatabase.set(atom.database, [...(byDatabase.get(atom.database) ?? []), atom]);
  }
  for (const [database, atoms] of byDatabase) {
    const groups = groupAtoms(atoms.map((a) => ({ ...a, grantable: false })));
    // Privileges on the database itself are revoked from the administrative database, like they are read.
    const session = atoms.every((a) => a.object.type === 'DATABASE') ? undefined : database;
    try {
      await ctx.connections.with(session, async (client) => {
        for (const g of groups)
          await revokeIgnoringGone(client, what, privilegeSql('revoke', g, grantee.name), signal);
      });
    } catch (err) {
      if (sqlState(err) !== '3D000') throw describeError(what, err);
    }
  }
  const roles = applied.memberOf.map((m) => parseMember(m).role);
  if (roles.length === 0) return;
  await ctx.connections.with(undefined, async (client) => {
    for (const role of roles)
      await revokeIgnoringGone(client, what, revokeMembershipSql(role, grantee.name), signal);
  });
}
