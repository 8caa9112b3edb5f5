// The contract between the managed kinds (src/resources) and the SQL engines. One Engine per DatabaseInstance
// holds one connection pool, reused by every reconcile of every resource on that server. Each operation reads
// the real state from the server's catalogs and compares it with the desired parameters in a pure diff, so an
// up-to-date resource costs reads only, and Update changes only what differs. The engines own all SQL; the
// kinds never build a statement.
import type { DatabaseGrantParameters } from '../apis/database-grant.ts';
import type { DatabaseRoleParameters } from '../apis/database-role.ts';
import type { DatabaseUserParameters } from '../apis/database-user.ts';
import type { DatabaseParameters } from '../apis/database.ts';
import type { Engine as EngineName } from '../apis/engine-table.ts';

export type { EngineName };

export type TlsMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

/** How to reach a server, resolved from a DatabaseInstance and its Secrets by the instance connector. */
export interface ConnectionSettings {
  engine: EngineName;
  host: string;
  port: number;
  user: string;
  password: string;
  /** PostgreSQL: the administrative database; ignored by MySQL/MariaDB. */
  database?: string;
  tls: {
    mode: TlsMode;
    /** PEM bundle to trust; the system store when absent. */
    ca?: string;
    /** PEM client certificate and key for mutual TLS. */
    cert?: string;
    key?: string;
    /** Host name to verify under verify-full when it differs from host. */
    serverName?: string;
  };
  connectTimeoutMs: number;
  maxConnections: number;
  /** PostgreSQL session settings. */
  applicationName?: string;
  statementTimeoutMs?: number;
  /** MySQL/MariaDB connection character set. */
  charset?: string;
}

/**
 * What Observe learned about one object on the server. `differences` names what Update would change, in
 * words a user understands ("connection limit 10 → 20"); empty means up to date.
 */
export interface Observed<State> {
  exists: boolean;
  state?: State;
  differences: string[];
  /**
   * The object's ownership record as stored on the server, verbatim (src/resources/ownership decides what it
   * means); absent when there is none. A ledger (MySQL/MariaDB accounts and schemas) can hold a record for an
   * object that no longer exists, which is how a vanished object is recognised after a restart.
   */
  owner?: string;
  /** Why the object is the server's own and never managed (e.g. PostgreSQL's bootstrap superuser). */
  system?: string;
}

/** What a new login starts with: its password and its ownership record. */
export interface NewAccount {
  password: string;
  owner: string;
}

/** The server objects that have an owner: databases (MySQL schemas) and accounts (roles, users). */
export type OwnedClass = 'database' | 'account';

/** Thrown for desired state the engine cannot express (an option that does not exist on this engine or version). */
export class UnsupportedError extends Error {
  override name = 'UnsupportedError';
}

/** Thrown for names the engine refuses (length, characters); the message says which rule. */
export class InvalidNameError extends Error {
  override name = 'InvalidNameError';
}

export interface DatabaseState {
  sizeBytes?: number;
  /** Engine-specific observed settings for status.atProvider (encoding, collation, extensions…). */
  [key: string]: unknown;
}

export interface AccountState {
  [key: string]: unknown;
}

/**
 * What a grant has applied, in canonical strings (e.g. "SELECT ON TABLE public.orders"): kept in
 * status.atProvider so that privileges removed from the spec can be revoked.
 */
export interface AppliedGrant {
  memberOf: string[];
  privileges: string[];
}

/** Who receives a grant. MySQL/MariaDB accounts exist once per host; a grant applies to each. */
export interface Grantee {
  kind: 'user' | 'role';
  name: string;
  hosts?: string[];
}

export interface Engine {
  readonly name: EngineName;
  /** Connects (through the pool) and returns the server version. */
  ping(signal?: AbortSignal): Promise<{ version: string }>;

  /**
   * Why `name` is never managed: a system database or account of this engine, or the admin login the
   * provider connects as. Undefined for any other name. Decided without SQL, before any is sent.
   */
  systemName(objectClass: OwnedClass, name: string): string | undefined;
  /** The ownership records of those of `names` that have one. */
  readOwners(
    objectClass: OwnedClass,
    names: readonly string[],
    signal?: AbortSignal,
  ): Promise<Map<string, string>>;
  /** Stores `owner` as the ownership record of an existing object (adoption), replacing any record. */
  recordOwner(objectClass: OwnedClass, name: string, owner: string, signal?: AbortSignal): Promise<void>;

  observeDatabase(
    name: string,
    desired: DatabaseParameters,
    signal?: AbortSignal,
  ): Promise<Observed<DatabaseState>>;
  /**
   * Creates the database with `owner` as its ownership record, and what it contains (extensions, schemas,
   * default privileges); waits until it accepts connections. Fails when the database exists: an existing
   * object is only ever taken over through recordOwner.
   */
  createDatabase(
    name: string,
    desired: DatabaseParameters,
    owner: string,
    signal?: AbortSignal,
  ): Promise<void>;
  updateDatabase(name: string, desired: DatabaseParameters, signal?: AbortSignal): Promise<void>;
  /** Terminates (PostgreSQL) or kills (MySQL) its sessions first. */
  dropDatabase(name: string, signal?: AbortSignal): Promise<void>;

  /**
   * Observes the account's attributes, memberships and settings. Passwords are not compared: a non-superuser
   * admin cannot read password hashes, so the kinds track the password they last set and call setPassword.
   */
  observeUser(
    name: string,
    desired: DatabaseUserParameters,
    signal?: AbortSignal,
  ): Promise<Observed<AccountState>>;
  /** Creates the account with `owner` as its ownership record; fails when it exists, as createDatabase. */
  createUser(
    name: string,
    desired: DatabaseUserParameters,
    account: NewAccount,
    signal?: AbortSignal,
  ): Promise<void>;
  updateUser(name: string, desired: DatabaseUserParameters, signal?: AbortSignal): Promise<void>;
  /** Sets the password (on every host's account for MySQL/MariaDB), with the desired auth plugin. */
  setPassword(
    name: string,
    desired: DatabaseUserParameters,
    password: string,
    signal?: AbortSignal,
  ): Promise<void>;
  /** Drops the account and its ownership record; as do dropDatabase and dropRole. */
  dropUser(name: string, desired: DatabaseUserParameters, signal?: AbortSignal): Promise<void>;

  observeRole(
    name: string,
    desired: DatabaseRoleParameters,
    signal?: AbortSignal,
  ): Promise<Observed<AccountState>>;
  /** Creates the role with `owner` as its ownership record; fails when it exists, as createDatabase. */
  createRole(
    name: string,
    desired: DatabaseRoleParameters,
    owner: string,
    signal?: AbortSignal,
  ): Promise<void>;
  updateRole(name: string, desired: DatabaseRoleParameters, signal?: AbortSignal): Promise<void>;
  dropRole(name: string, signal?: AbortSignal): Promise<void>;

  /**
   * Reads the grantee's privileges and memberships within the grant's scope (database, schemas, objects) and
   * compares them with `desired` and with `previous`, what this grant applied last time.
   */
  observeGrant(
    grantee: Grantee,
    desired: DatabaseGrantParameters,
    previous: AppliedGrant | undefined,
    signal?: AbortSignal,
  ): Promise<Observed<AppliedGrant>>;
  /** Grants what is missing and revokes what `previous` had that `desired` no longer has; returns what is now applied. */
  applyGrant(
    grantee: Grantee,
    desired: DatabaseGrantParameters,
    previous: AppliedGrant | undefined,
    signal?: AbortSignal,
  ): Promise<AppliedGrant>;
  /** Revokes everything in `applied`. */
  revokeGrant(grantee: Grantee, applied: AppliedGrant, signal?: AbortSignal): Promise<void>;

  /** Ends the pool; the engine is unusable afterwards. */
  close(): Promise<void>;
}
