// Pure comparisons of desired and observed state. Each returns what to change and the differences in words,
// so Observe and Update agree by construction and an up-to-date object costs no write.
import type { DatabaseUserParameters } from '../../apis/database-user.ts';
import type { DatabaseParameters } from '../../apis/database.ts';
import type { AccountRow, SchemaRow } from './catalog.ts';
import type { AuthPlugin } from './flavor.ts';
import { canonical, scopeKey, type Privilege, type Target } from './privileges.ts';
import type { CharsetOptions } from './sql/database.ts';
import type { AccountOptions } from './sql/user.ts';

/** The server's default character set for new databases when the spec names none. */
export const defaultCharset = 'utf8mb4';

export interface DatabaseDiff {
  change: CharsetOptions;
  differences: string[];
}

/**
 * Charset and collation. Without a collation the charset's default applies, so only a charset change is
 * compared; ALTER DATABASE … CHARACTER SET then also resets the collation to that default.
 */
export function diffDatabase(desired: DatabaseParameters['mysql'], observed: SchemaRow): DatabaseDiff {
  const charset = desired?.charset ?? defaultCharset;
  const collation = desired?.collation;
  const change: CharsetOptions = {};
  const differences: string[] = [];
  if (observed.charset !== charset) {
    change.charset = charset;
    differences.push(`character set ${observed.charset} → ${charset}`);
  }
  if (collation !== undefined && observed.collation !== collation) {
    change.collation = collation;
    differences.push(`collation ${observed.collation} → ${collation}`);
  }
  return { change, differences };
}

/** What a DatabaseUser asks for on every one of its accounts. */
export interface DesiredAccounts {
  hosts: string[];
  options: AccountOptions;
  plugin: AuthPlugin | undefined;
}

/** The spec's account settings with the CRD defaults filled in (a spec without a mysql block gets them all). */
export function desiredAccounts(spec: DatabaseUserParameters['mysql']): DesiredAccounts {
  const mysql = spec ?? {};
  const requireTls = mysql.requireX509 === true ? 'X509' : mysql.requireSSL === true ? 'SSL' : 'NONE';
  return {
    hosts: [...new Set(mysql.allowedHosts ?? ['%'])].sort(),
    options: {
      maxQueriesPerHour: mysql.maxQueriesPerHour ?? 0,
      maxUpdatesPerHour: mysql.maxUpdatesPerHour ?? 0,
      maxConnectionsPerHour: mysql.maxConnectionsPerHour ?? 0,
      maxUserConnections: mysql.maxUserConnections ?? 0,
      requireTls,
      locked: mysql.accountLocked === true,
    },
    plugin: mysql.authPlugin,
  };
}

const optionWords: Readonly<Record<keyof AccountOptions, string>> = {
  maxQueriesPerHour: 'max queries per hour',
  maxUpdatesPerHour: 'max updates per hour',
  maxConnectionsPerHour: 'max connections per hour',
  maxUserConnections: 'max user connections',
  requireTls: 'require',
  locked: 'account locked',
};

/** The options of one account that differ, and the words for them. */
export function diffAccountOptions(
  desired: AccountOptions,
  observed: AccountOptions,
): { change: Partial<AccountOptions>; differences: string[] } {
  const change: Partial<AccountOptions> = {};
  const differences: string[] = [];
  for (const key of Object.keys(optionWords) as (keyof AccountOptions)[]) {
    if (desired[key] !== observed[key]) {
      Object.assign(change, { [key]: desired[key] });
      differences.push(`${optionWords[key]} ${String(observed[key])} → ${String(desired[key])}`);
    }
  }
  return { change, differences };
}

export interface UserDiff {
  /** Accounts to create: they need the password. */
  missingHosts: string[];
  /** Accounts for hosts no longer allowed: dropped. */
  extraHosts: string[];
  /** Existing accounts whose options differ. */
  changes: { host: string; change: Partial<AccountOptions> }[];
  /** Existing accounts on another auth plugin than desired: switching needs the password. */
  pluginHosts: string[];
  differences: string[];
}

export function diffUser(desired: DesiredAccounts, observed: readonly AccountRow[]): UserDiff {
  const byHost = new Map(observed.map((a) => [a.host, a]));
  const diff: UserDiff = {
    missingHosts: desired.hosts.filter((h) => !byHost.has(h)),
    extraHosts: [...byHost.keys()].filter((h) => !desired.hosts.includes(h)).sort(),
    changes: [],
    pluginHosts: [],
    differences: [],
  };
  for (const host of diff.missingHosts) diff.differences.push(`account for host ${host} missing`);
  for (const host of diff.extraHosts) diff.differences.push(`account for host ${host} not allowed any more`);
  for (const host of desired.hosts) {
    const account = byHost.get(host);
    if (account === undefined) continue;
    const { change, differences } = diffAccountOptions(desired.options, account.options);
    if (differences.length > 0) diff.changes.push({ host, change });
    diff.differences.push(...differences.map((d) => `${d} (host ${host})`));
    if (desired.plugin !== undefined && account.plugin !== desired.plugin) {
      diff.pluginHosts.push(host);
      diff.differences.push(`auth plugin ${account.plugin} → ${desired.plugin} (host ${host})`);
    }
  }
  return diff;
}

/** What to grant and revoke on one grantee (one account or role). */
export interface GranteeChanges {
  grant: string[];
  revoke: string[];
}

export interface SetDiff {
  /** Per grantee label, in the order given. */
  changes: Map<string, GranteeChanges>;
  /** What this grant has applied: each desired or previous item present on every grantee. */
  applied: string[];
  differences: string[];
}

/**
 * Compares role memberships per grantee. Only roles this grant owns are looked at — the desired ones and those
 * it applied before — so memberships given by other grants or by hand are never revoked, while a desired one
 * revoked by hand is drift, granted again.
 */
export function diffSets(
  desired: readonly string[],
  previous: readonly string[],
  observed: ReadonlyMap<string, ReadonlySet<string>>,
  labels: readonly string[],
): SetDiff {
  const want = new Set(desired);
  const dropped = [...new Set(previous)].filter((p) => !want.has(p));
  const changes = new Map<string, GranteeChanges>();
  const differences: string[] = [];
  for (const label of labels) {
    const has = observed.get(label) ?? new Set<string>();
    const grant = [...want].filter((p) => !has.has(p));
    const revoke = dropped.filter((p) => has.has(p));
    changes.set(label, { grant, revoke });
    differences.push(...grant.map((p) => `${p} missing for ${label}`));
    differences.push(...revoke.map((p) => `${p} to be revoked from ${label}`));
  }
  const owned = [...want, ...dropped];
  const applied = owned.filter(
    (p) => labels.length > 0 && labels.every((l) => observed.get(l)?.has(p) === true),
  );
  return { changes, applied: applied.sort(), differences };
}

/** What a grant wants of privileges, and where it may take privileges away. */
export interface PrivilegeWant {
  desired: readonly Privilege[];
  /** What the grant applied last (status.atProvider): revoked wherever it is, once it left the spec. */
  previous: readonly Privilege[];
  /** The objects the spec names (managedScopes): there, every privilege not desired is revoked. */
  scopes: readonly Target[];
}

export interface PrivilegeDiff {
  /** Per grantee label, in the order given. */
  changes: Map<string, { grant: Privilege[]; revoke: Privilege[] }>;
  /** What this grant has applied: each desired or previous privilege present on every grantee. */
  applied: string[];
  differences: string[];
}

function unique(privileges: readonly Privilege[]): Map<string, Privilege> {
  return new Map(privileges.map((p) => [canonical(p), p]));
}

const byKey = ([a]: [string, Privilege], [b]: [string, Privilege]): number => (a < b ? -1 : a > b ? 1 : 0);

/** One grantee's changes, keyed by canonical string: `scopes` are scopeKeys. */
function granteeChanges(
  desired: ReadonlyMap<string, Privilege>,
  previous: ReadonlyMap<string, Privilege>,
  scopes: ReadonlySet<string>,
  has: ReadonlyMap<string, Privilege>,
): { grant: [string, Privilege][]; revoke: [string, Privilege][] } {
  const grant = [...desired].filter(([key]) => !has.has(key));
  const unwanted = ([key, p]: [string, Privilege]) =>
    !desired.has(key) && (previous.has(key) || scopes.has(scopeKey(p.target)));
  return { grant, revoke: [...has].filter(unwanted).sort(byKey) };
}

/**
 * Converges each grantee's privileges to the spec within the grant's scope, as PostgreSQL does: what the spec
 * asks for and a grantee lacks is granted; what a grantee holds on an object the spec names but the spec does
 * not ask for (added by hand, GRANT OPTION included) is revoked, and so is what the grant applied before and
 * dropped. Privileges on objects the spec does not name belong to other grants or to whoever gave them.
 */
export function diffPrivileges(
  want: PrivilegeWant,
  observed: ReadonlyMap<string, readonly Privilege[]>,
  labels: readonly string[],
): PrivilegeDiff {
  const desired = unique(want.desired);
  const previous = unique(want.previous);
  const scopes = new Set(want.scopes.map(scopeKey));
  const held = new Map(labels.map((l) => [l, unique(observed.get(l) ?? [])]));
  const diff: PrivilegeDiff = { changes: new Map(), applied: [], differences: [] };
  for (const [label, has] of held) {
    const { grant, revoke } = granteeChanges(desired, previous, scopes, has);
    diff.changes.set(label, { grant: grant.map(([, p]) => p), revoke: revoke.map(([, p]) => p) });
    diff.differences.push(...grant.map(([key]) => `${key} missing for ${label}`));
    diff.differences.push(
      ...revoke.map(([key]) =>
        previous.has(key)
          ? `${key} to be revoked from ${label}`
          : `${key} not in the spec, to be revoked from ${label}`,
      ),
    );
  }
  const owned = [...new Set([...desired.keys(), ...previous.keys()])];
  diff.applied = owned
    .filter((key) => labels.length > 0 && labels.every((l) => held.get(l)?.has(key) === true))
    .sort();
  return diff;
}
