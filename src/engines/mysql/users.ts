// DatabaseUser on MySQL/MariaDB: one account user@host per allowed host, all with the same password and
// settings. Removing a host drops its account; adding one creates it, which needs the password. The name's
// ownership record is in the ledger (ledger.ts), one for all of its accounts.
import type { DatabaseUserParameters } from '../../apis/database-user.ts';
import { UnsupportedError, type AccountState, type Observed } from '../engine.ts';
import { pluginActive, readAccounts, readAccountsOwned, type AccountRow } from './catalog.ts';
import { desiredAccounts, diffUser, type DesiredAccounts } from './diff.ts';
import { alreadyExists, errno, MysqlEngineError, refusedByServer } from './errors.ts';
import { checkAuthPlugin } from './flavor.ts';
import { ownership, type Ledger } from './ledger.ts';
import { checkHost, checkUserName } from './names.ts';
import type { Runner } from './runner.ts';
import { alterUserSql, createUserSql, dropUserSql, setPasswordSql } from './sql/user.ts';
import { checkNotSystem, systemName } from './system.ts';

/** Validates everything of a user before any statement. */
function checked(run: Runner, name: string, desired: DatabaseUserParameters): DesiredAccounts {
  checkUserName(run.flavor, name);
  const accounts = desiredAccounts(desired.mysql);
  accounts.hosts.forEach(checkHost);
  checkAuthPlugin(run.flavor, accounts.plugin);
  return accounts;
}

/**
 * MariaDB's ed25519 lives in a library the server may not have loaded. The admin installs it when it can:
 * INSTALL SONAME needs INSERT on mysql.plugin, not SUPER, so the usual provisioning login can.
 */
async function ensurePlugin(run: Runner, accounts: DesiredAccounts, signal?: AbortSignal): Promise<void> {
  if (run.flavor !== 'mariadb' || accounts.plugin !== 'ed25519') return;
  if (await run.read('checking the ed25519 plugin', signal, (db) => pluginActive(db, 'ed25519'))) return;
  try {
    await run.exec("INSTALL SONAME 'auth_ed25519'", 'loading the ed25519 auth plugin', signal);
  } catch (err) {
    throw new UnsupportedError(
      `the ed25519 auth plugin is not loaded and cannot be: ${(err as Error).message}. ` +
        'Load it on the server (INSTALL SONAME auth_ed25519, or plugin_load_add) or grant the admin INSERT on mysql.plugin',
    );
  }
}

/** The user operations of the Engine, bound to one runner. */
export class UserOperations {
  constructor(
    private readonly run: Runner,
    private readonly ledger: Ledger,
    /** The login the engine connects as, which is never managed. */
    private readonly adminUser: string,
  ) {}

  /** checked(), for a statement that writes: system accounts and the admin login are refused too. */
  private writable(name: string, desired: DatabaseUserParameters): DesiredAccounts {
    const accounts = checked(this.run, name, desired);
    checkNotSystem(this.adminUser, 'account', name);
    return accounts;
  }

  /** The user's accounts as the server has them. */
  private accounts(name: string, signal: AbortSignal | undefined): Promise<AccountRow[]> {
    return this.run.read(`reading user ${name}`, signal, (db) => readAccounts(db, this.run.flavor, name));
  }

  async observeUser(
    name: string,
    desired: DatabaseUserParameters,
    signal?: AbortSignal,
  ): Promise<Observed<AccountState>> {
    const accounts = checked(this.run, name, desired);
    const { found, owner } = await this.run.read(`reading user ${name}`, signal, (db) =>
      readAccountsOwned(db, this.run.flavor, name),
    );
    const known = ownership(owner, systemName(this.adminUser, 'account', name));
    if (found.length === 0) return { exists: false, differences: [], ...known };
    const diff = diffUser(accounts, found);
    const state: AccountState = {
      hosts: found.map((a) => a.host).sort(),
      authPlugins: [...new Set(found.map((a) => a.plugin))].sort(),
    };
    return { exists: true, state, differences: diff.differences, ...known };
  }

  /**
   * Claims the name, then creates an account per host. An account of the name that exists before a fresh
   * claim means the user exists: refused, the claim withdrawn, nothing created. A claim that was ours already
   * is a create that stopped half way: its accounts get this password (a retry may bring a new one, and the
   * old one was never published), the missing ones are created.
   */
  async createUser(
    name: string,
    desired: DatabaseUserParameters,
    { password, owner }: { password: string; owner: string },
    signal?: AbortSignal,
  ): Promise<void> {
    const accounts = this.writable(name, desired);
    await ensurePlugin(this.run, accounts, signal);
    const what = `user ${name}`;
    const fresh = await this.ledger.claim({ objectClass: 'account', name, owner, what }, signal);
    const found = await this.accounts(name, signal);
    if (fresh && found.length > 0) {
      await this.ledger.forget('account', name, owner, signal);
      throw new MysqlEngineError(alreadyExists(what), errno.cannotUser, undefined);
    }
    const existing = new Set(found.map((a) => a.host));
    let created = 0;
    try {
      for (const host of accounts.hosts) {
        const target = { user: name, host };
        const sql = existing.has(host)
          ? setPasswordSql(this.run.flavor, target, accounts.plugin, password)
          : createUserSql(this.run.flavor, target, accounts, password);
        await this.run.exec(sql, `creating account ${name}@${host}`, signal, [password]);
        created += 1;
      }
    } catch (err) {
      // A claim that created nothing is withdrawn; once an account exists, it stays for the retry to finish.
      if (fresh && created === 0 && refusedByServer(err)) await this.ledger.forget('account', name, owner);
      throw err;
    }
  }

  /**
   * Drops accounts of removed hosts and changes the settings that differ. Creating the account of an added host
   * or switching the auth plugin needs the password, which this call does not have: it fails saying so, and
   * setPassword does both.
   */
  async updateUser(name: string, desired: DatabaseUserParameters, signal?: AbortSignal): Promise<void> {
    const accounts = this.writable(name, desired);
    const found = await this.accounts(name, signal);
    const diff = diffUser(accounts, found);
    for (const host of diff.extraHosts) {
      await this.run.exec(dropUserSql({ user: name, host }), `dropping account ${name}@${host}`, signal);
    }
    for (const { host, change } of diff.changes) {
      const sql = alterUserSql({ user: name, host }, change);
      if (sql !== null) await this.run.exec(sql, `changing account ${name}@${host}`, signal);
    }
    const needPassword = [...diff.missingHosts, ...diff.pluginHosts];
    if (needPassword.length > 0) {
      throw new MysqlEngineError(
        `user ${name}: the accounts for ${needPassword.join(', ')} need the password (a new host or a new auth plugin); set the password to create or switch them`,
        undefined,
        undefined,
      );
    }
  }

  /** Sets the password (and the desired plugin) on every allowed host's account, creating those that are missing. */
  async setPassword(
    name: string,
    desired: DatabaseUserParameters,
    password: string,
    signal?: AbortSignal,
  ): Promise<void> {
    const accounts = this.writable(name, desired);
    await ensurePlugin(this.run, accounts, signal);
    const found = await this.accounts(name, signal);
    const existing = new Set(found.map((a) => a.host));
    for (const host of accounts.hosts) {
      const target = { user: name, host };
      const sql = existing.has(host)
        ? setPasswordSql(this.run.flavor, target, accounts.plugin, password)
        : createUserSql(this.run.flavor, target, accounts, password);
      await this.run.exec(sql, `setting the password of ${name}@${host}`, signal, [password]);
    }
  }

  /** Drops every account of the name, then its ownership record. */
  async dropUser(name: string, desired: DatabaseUserParameters, signal?: AbortSignal): Promise<void> {
    const accounts = this.writable(name, desired);
    const found = await this.accounts(name, signal);
    const hosts = new Set([...accounts.hosts, ...found.map((a) => a.host)]);
    for (const host of hosts) {
      await this.run.exec(dropUserSql({ user: name, host }), `dropping account ${name}@${host}`, signal);
    }
    await this.ledger.forget('account', name, undefined, signal);
  }
}
