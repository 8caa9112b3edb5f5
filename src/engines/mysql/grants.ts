// DatabaseGrant on MySQL/MariaDB. A user's grant applies to each of its accounts (every allowed host), a
// role's to the role. Observe reads the real privileges from the catalogs; apply revokes what the grant
// dropped and grants what is missing, per account, so an up-to-date grant sends no write at all.
import type { DatabaseGrantParameters } from '../../apis/database-grant.ts';
import type { AppliedGrant, Grantee, Observed } from '../engine.ts';
import {
  granteeLabel,
  readMemberships,
  readPrivileges,
  type CatalogGrantee,
  type Reader,
} from './catalog.ts';
import { diffSets, type SetDiff } from './diff.ts';
import { checkDatabaseName, checkHost, checkObjectName, checkRoleName, checkUserName } from './names.ts';
import {
  canonical,
  desiredPrivileges,
  membershipKey,
  parseCanonical,
  parseMembership,
  type Privilege,
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

function checkPrivilegeNames(privileges: readonly Privilege[]): void {
  for (const { target } of privileges) {
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
  database: string | undefined;
  privileges: { desired: string[]; previous: string[] };
  memberships: { desired: string[]; previous: string[] };
}

/** The parts of a DatabaseGrant this engine reads; revokeGrant plans with none of them. */
type GrantSpec = Pick<DatabaseGrantParameters, 'mysql' | 'database' | 'memberOf'>;

function plan(run: Runner, grantee: Grantee, desired: GrantSpec, previous: AppliedGrant | undefined): Plan {
  const wanted = desiredPrivileges(desired.mysql, desired.database);
  // Entries of status.atProvider this engine cannot read back are left alone rather than guessed at.
  const before = (previous?.privileges ?? []).flatMap((p) => parseCanonical(p) ?? []);
  checkPrivilegeNames([...wanted, ...before]);
  const members = (desired.memberOf ?? []).map((m) => ({
    role: m.role,
    withAdminOption: m.withAdminOption ?? false,
  }));
  const membersBefore = (previous?.memberOf ?? []).map(parseMembership);
  for (const m of [...members, ...membersBefore]) checkRoleName(run.flavor, m.role);
  return {
    targets: targets(run, grantee),
    database: desired.database,
    privileges: { desired: wanted.map(canonical), previous: before.map(canonical) },
    memberships: {
      desired: members.map((m) => membershipKey(m.role, m.withAdminOption)),
      previous: membersBefore.map((m) => membershipKey(m.role, m.withAdminOption)),
    },
  };
}

/** Databases named by previously applied privileges, which the scope must include to revoke them. */
function databases(p: Plan): (string | undefined)[] {
  const named = p.privileges.previous.flatMap((c) => {
    const t = parseCanonical(c)?.target;
    return t !== undefined && t.level !== 'global' ? [t.database] : [];
  });
  return [...new Set([p.database, ...named])];
}

interface Observation {
  privileges: SetDiff;
  memberships: SetDiff;
}

async function read(db: Reader, run: Runner, p: Plan): Promise<Observation> {
  const privileges = new Map<string, Set<string>>(p.targets.map((t) => [t.label, new Set<string>()]));
  for (const database of databases(p)) {
    const found = await readPrivileges(db, p.targets, database);
    for (const [label, list] of found) for (const priv of list) privileges.get(label)?.add(canonical(priv));
  }
  const memberships = new Map<string, Set<string>>();
  for (const t of p.targets) {
    // Holding a role with ADMIN OPTION also means holding it.
    const rows = await readMemberships(db, run.flavor, t);
    const keys = rows.flatMap((m) => (m.withAdminOption ? [m.role, membershipKey(m.role, true)] : [m.role]));
    memberships.set(t.label, new Set(keys));
  }
  const labels = p.targets.map((t) => t.label);
  return {
    privileges: diffSets(p.privileges.desired, p.privileges.previous, privileges, labels),
    memberships: diffSets(p.memberships.desired, p.memberships.previous, memberships, labels),
  };
}

function observe(run: Runner, p: Plan, signal?: AbortSignal): Promise<Observation> {
  const who = p.targets.map((t) => t.label).join(', ');
  return run.read(`reading the grants of ${who}`, signal, (db) => read(db, run, p));
}

const parsed = (items: readonly string[]): Privilege[] => items.flatMap((c) => parseCanonical(c) ?? []);

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
  for (const sql of revokeSql(t.sql, parsed(change.revoke)))
    await run.exec(sql, `revoking from ${t.label}`, signal);
  for (const sql of grantSql(t.sql, parsed(change.grant)))
    await run.exec(sql, `granting to ${t.label}`, signal);
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

/** Revokes what `applied` lists and the server still has; nothing for accounts that are gone. */

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
    return { memberOf: sorted(p.memberships.desired), privileges: sorted(p.privileges.desired) };
  }

  async revokeGrant(grantee: Grantee, applied: AppliedGrant, signal?: AbortSignal): Promise<void> {
    const p = plan(this.run, grantee, {}, applied);
    const found = await observe(this.run, p, signal);
    await converge({ run: this.run, plan: p, found, signal }, grantee.kind);
  }
}
