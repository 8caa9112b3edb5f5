// DatabaseGrant on MySQL/MariaDB. A user's grant applies to each of its accounts (every allowed host), a
// role's to the role. Observe reads the real privileges from the catalogs; apply revokes what the grant
// dropped and grants what is missing, per account, so an up-to-date grant sends no write at all.
//
// Scope (what a grant may revoke), as on PostgreSQL: every privilege of the grantee on each object the spec
// names — the server if it has `global`, the target database's db.* if it has `database`, each listed table
// (table-level privileges and its GRANT OPTION), each listed column, each listed routine — plus whatever it
// applied before. So a privilege added by hand on a managed object is drift and is revoked, while two grants
// of one grantee on different objects (db1.* and db2.*, or db.* and a table of it) leave each other alone.
// Two grants naming the same object (both `global`, say) do fight: give each object to one grant.
// Memberships: only the roles in memberOf and in what was applied before.
import type { DatabaseGrantParameters } from '../../apis/database-grant.ts';
import type { AppliedGrant, Grantee, Observed } from '../engine.ts';
import {
  granteeLabel,
  readMemberships,
  readPrivileges,
  type CatalogGrantee,
  type PrivilegeScope,
  type Reader,
} from './catalog.ts';
import { diffPrivileges, diffSets, type PrivilegeDiff, type PrivilegeWant, type SetDiff } from './diff.ts';
import { checkDatabaseName, checkHost, checkObjectName, checkRoleName, checkUserName } from './names.ts';
import {
  canonical,
  desiredPrivileges,
  managedScopes,
  membershipKey,
  parseCanonical,
  parseMembership,
  type Target as Scope,
} from './privileges.ts';
import type { Runner } from './runner.ts';
import { grantSql, revokeSql } from './sql/grant.ts';
import { account } from './sql/quote.ts';
import { grantRoleSql, revokeRoleSql, roleSql, setDefaultRoleSql } from './sql/role.ts';

/** One account (or role) receiving the grant: how the catalogs name it and how GRANT names it. */
interface Target extends CatalogGrantee {
  label: string;
  sql: string;
}

function targets(run: Runner, grantee: Grantee): Target[] {
  if (grantee.kind === 'role') {
    checkRoleName(run.flavor, grantee.name);
    // A MariaDB role has the empty host in the catalogs; a MySQL role is the account 'role'@'%'.
    const host = run.flavor === 'mariadb' ? '' : '%';
    const role = { user: grantee.name, host };
    return [{ ...role, label: granteeLabel(role), sql: roleSql(run.flavor, grantee.name) }];
  }
  checkUserName(run.flavor, grantee.name);
  const hosts = [...new Set(grantee.hosts ?? ['%'])].sort();
  hosts.forEach(checkHost);
  return hosts.map((host) => {
    const user = { user: grantee.name, host };
    return { ...user, label: granteeLabel(user), sql: account(grantee.name, host) };
  });
}

function checkTargetNames(objects: readonly Scope[]): void {
  for (const target of objects) {
    if (target.level === 'global') continue;
    checkDatabaseName(target.database);
    if (target.level === 'table' || target.level === 'column') checkObjectName('table', target.table);
    if (target.level === 'column') checkObjectName('column', target.column);
    if (target.level === 'procedure' || target.level === 'function')
      checkObjectName(target.level, target.routine);
  }
}

/** The desired and previously applied privileges and memberships, all names validated. */
interface Plan {
  targets: Target[];
  privileges: PrivilegeWant;
  memberships: { desired: string[]; previous: string[] };
}

/** The parts of a DatabaseGrant this engine reads; revokeGrant plans with none of them. */
type GrantSpec = Pick<DatabaseGrantParameters, 'mysql' | 'database' | 'memberOf'>;

function plan(run: Runner, grantee: Grantee, desired: GrantSpec, previous: AppliedGrant | undefined): Plan {
  const wanted = desiredPrivileges(desired.mysql, desired.database);
  const scopes = managedScopes(desired.mysql, desired.database);
  // Entries of status.atProvider this engine cannot read back are left alone rather than guessed at.
  const before = (previous?.privileges ?? []).flatMap((p) => parseCanonical(p) ?? []);
  checkTargetNames([...scopes, ...before.map((p) => p.target)]);
  const members = (desired.memberOf ?? []).map((m) => ({
    role: m.role,
    withAdminOption: m.withAdminOption ?? false,
  }));
  const membersBefore = (previous?.memberOf ?? []).map(parseMembership);
  for (const m of [...members, ...membersBefore]) checkRoleName(run.flavor, m.role);
  return {
    targets: targets(run, grantee),
    privileges: { desired: wanted, previous: before, scopes },
    memberships: {
      desired: members.map((m) => membershipKey(m.role, m.withAdminOption)),
      previous: membersBefore.map((m) => membershipKey(m.role, m.withAdminOption)),
    },
  };
}

/** Where the catalogs must be read: every level the plan wants, manages or applied before. */
function readScope(p: Plan): PrivilegeScope {
  const { desired, previous, scopes } = p.privileges;
  const all = [...scopes, ...desired.map((d) => d.target), ...previous.map((d) => d.target)];
  const databases = all.flatMap((t) => (t.level === 'global' ? [] : [t.database]));
  return { global: all.some((t) => t.level === 'global'), databases: [...new Set(databases)].sort() };
}

interface Observation {
  privileges: PrivilegeDiff;
  memberships: SetDiff;
}

async function read(db: Reader, run: Runner, p: Plan): Promise<Observation> {
  const privileges = await readPrivileges(db, run.flavor, p.targets, readScope(p));
  const memberships = new Map<string, Set<string>>();
  for (const t of p.targets) {
    // Holding a role with ADMIN OPTION also means holding it.
    const rows = await readMemberships(db, run.flavor, t);
    const keys = rows.flatMap((m) => (m.withAdminOption ? [m.role, membershipKey(m.role, true)] : [m.role]));
    memberships.set(t.label, new Set(keys));
  }
  const labels = p.targets.map((t) => t.label);
  return {
    privileges: diffPrivileges(p.privileges, privileges, labels),
    memberships: diffSets(p.memberships.desired, p.memberships.previous, memberships, labels),
  };
}

function observe(run: Runner, p: Plan, signal?: AbortSignal): Promise<Observation> {
  const who = p.targets.map((t) => t.label).join(', ');
  return run.read(`reading the grants of ${who}`, signal, (db) => read(db, run, p));
}

/** One account's share of an apply: what was observed, what the plan wants. */
interface Step {
  run: Runner;
  plan: Plan;
  found: Observation;
  signal: AbortSignal | undefined;
}

async function applyPrivileges(step: Step, t: Target): Promise<void> {
  const { run, signal } = step;
  const change = step.found.privileges.changes.get(t.label);
  if (change === undefined) return;
  for (const sql of revokeSql(t.sql, change.revoke)) await run.exec(sql, `revoking from ${t.label}`, signal);
  for (const sql of grantSql(t.sql, change.grant)) await run.exec(sql, `granting to ${t.label}`, signal);
}

/**
 * Revokes first: REVOKE role also drops its ADMIN OPTION, so a role still wanted (without that option) is
 * granted again afterwards. Returns whether any membership changed.
 */
async function applyMemberships(step: Step, t: Target): Promise<boolean> {
  const { run, signal } = step;
  const change = step.found.memberships.changes.get(t.label);
  if (change === undefined) return false;
  const revoked = new Set(change.revoke.map((k) => parseMembership(k).role));
  for (const role of revoked) {
    await run.exec(revokeRoleSql(run.flavor, role, t.sql), `revoking role ${role} from ${t.label}`, signal);
  }
  const regrant = step.plan.memberships.desired.filter((k) => revoked.has(parseMembership(k).role));
  const grants = [...new Set([...change.grant, ...regrant])].map(parseMembership);
  for (const m of grants) {
    await run.exec(grantRoleSql(run.flavor, m, t.sql), `granting role ${m.role} to ${t.label}`, signal);
  }
  return revoked.size > 0 || grants.length > 0;
}

/** After memberships changed, the roles the account now holds (from any grant) become its default roles. */
async function resetDefaultRole(step: Step, t: Target): Promise<void> {
  const { run, signal } = step;
  const held = await run.read(`reading the roles of ${t.label}`, signal, (db) =>
    readMemberships(db, run.flavor, t),
  );
  const sql = setDefaultRoleSql(
    run.flavor,
    held.map((m) => m.role),
    t.sql,
  );
  await run.exec(sql, `setting the default role of ${t.label}`, signal);
}

async function converge(step: Step, kind: Grantee['kind']): Promise<void> {
  for (const t of step.plan.targets) {
    await applyPrivileges(step, t);
    const changed = await applyMemberships(step, t);
    if (changed && kind === 'user') await resetDefaultRole(step, t);
  }
}

/** The grant operations of the Engine, bound to one runner. */
export class GrantOperations {
  constructor(private readonly run: Runner) {}

  async observeGrant(
    grantee: Grantee,
    desired: DatabaseGrantParameters,
    previous: AppliedGrant | undefined,
    signal?: AbortSignal,
  ): Promise<Observed<AppliedGrant>> {
    const found = await observe(this.run, plan(this.run, grantee, desired, previous), signal);
    const state = { memberOf: found.memberships.applied, privileges: found.privileges.applied };
    return {
      exists: state.memberOf.length > 0 || state.privileges.length > 0,
      state,
      differences: [...found.privileges.differences, ...found.memberships.differences],
    };
  }

  async applyGrant(
    grantee: Grantee,
    desired: DatabaseGrantParameters,
    previous: AppliedGrant | undefined,
    signal?: AbortSignal,
  ): Promise<AppliedGrant> {
    const p = plan(this.run, grantee, desired, previous);
    const found = await observe(this.run, p, signal);
    await converge({ run: this.run, plan: p, found, signal }, grantee.kind);
    const sorted = (items: string[]): string[] => [...new Set(items)].sort();
    return {
      memberOf: sorted(p.memberships.desired),
      privileges: sorted(p.privileges.desired.map(canonical)),
    };
  }

  async revokeGrant(grantee: Grantee, applied: AppliedGrant, signal?: AbortSignal): Promise<void> {
    const p = plan(this.run, grantee, {}, applied);
    const found = await observe(this.run, p, signal);
    await converge({ run: this.run, plan: p, found, signal }, grantee.kind);
  }
}
