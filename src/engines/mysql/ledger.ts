// Ownership records of one server, kept in the ledger table (sql/ledger.ts). The ledger is created by the
// first write that needs it, once per engine; reads before then find no records. A create claims its name
// in the ledger before it creates anything, so two claimants of one name can never both go ahead.
import type { Observed, OwnedClass } from '../engine.ts';
import { ledgerExists, readOwnerRecords } from './catalog.ts';
import { errno, missingLedger, MysqlEngineError, OwnedElsewhereError } from './errors.ts';
import type { Runner } from './runner.ts';
import {
  claimSql,
  createLedgerDatabaseSql,
  createLedgerTableSql,
  forgetSql,
  ledgerDatabase,
  ledgerTable,
  ownerMaxLength,
  recordSql,
  type Statement,
} from './sql/ledger.ts';

/** A record must fit its column: a server in a non-strict sql_mode would cut it short without a word. */
export function checkOwnerRecord(owner: string): void {
  const length = Array.from(owner).length;
  if (length === 0 || length > ownerMaxLength) {
    throw new RangeError(
      `an ownership record has 1 to ${String(ownerMaxLength)} characters, not ${String(length)}`,
    );
  }
}

/** The ownership fields of an observation, each only when there is something to say. */
export function ownership(
  owner: string | undefined,
  system: string | undefined,
): Pick<Observed<unknown>, 'owner' | 'system'> {
  return { ...(owner === undefined ? {} : { owner }), ...(system === undefined ? {} : { system }) };
}

/** A name taken for an owner before its object is created; `what` names it in messages ("user app"). */
export interface Claim {
  objectClass: OwnedClass;
  name: string;
  owner: string;
  what: string;
}

export class Ledger {
  private created: Promise<void> | undefined;

  constructor(private readonly run: Runner) {}

  /** The records of those of `names` that have one. */
  read(
    objectClass: OwnedClass,
    names: readonly string[],
    signal?: AbortSignal,
  ): Promise<Map<string, string>> {
    return this.run.read('reading ownership records', signal, (db) =>
      readOwnerRecords(db, objectClass, names),
    );
  }

  /** Records `owner` for `name`, replacing any record. */
  async record(objectClass: OwnedClass, name: string, owner: string, signal?: AbortSignal): Promise<void> {
    checkOwnerRecord(owner);
    await this.write(recordSql(objectClass, name, owner), `recording the owner of ${name}`, signal);
  }

  /**
   * Takes `name` for `owner` before it is created. Returns true when this call made the record, false when
   * it was already `owner`'s (a create that stopped half way, now retried); throws when another owner holds it.
   */
  async claim(claim: Claim, signal?: AbortSignal): Promise<boolean> {
    const { objectClass, name, owner, what } = claim;
    checkOwnerRecord(owner);
    try {
      await this.write(claimSql(objectClass, name, owner), `claiming ${what}`, signal);
      return true;
    } catch (err) {
      if (!(err instanceof MysqlEngineError && err.errno === errno.duplicateKey)) throw err;
    }
    const held = (await this.read(objectClass, [name], signal)).get(name);
    if (held === owner) return false;
    if (held === undefined) {
      throw new MysqlEngineError(
        `the ownership record of ${what} changed while claiming it`,
        undefined,
        undefined,
      );
    }
    throw new OwnedElsewhereError(what, held);
  }

  /** Removes the record of `name`; with `owner`, only while it is that owner's. */
  async forget(objectClass: OwnedClass, name: string, owner?: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.run.write(
        forgetSql(objectClass, name, owner),
        `removing the owner record of ${name}`,
        signal,
      );
    } catch (err) {
      // No ledger, no record.
      if (!missingLedger(err)) throw err;
    }
  }

  /** Runs a write, creating the ledger first; once more if the ledger was dropped (by hand) meanwhile. */
  private async write(statement: Statement, doing: string, signal?: AbortSignal): Promise<void> {
    await this.ensure();
    try {
      await this.run.write(statement, doing, signal);
    } catch (err) {
      if (!missingLedger(err)) throw err;
      this.created = undefined;
      await this.ensure();
      await this.run.write(statement, doing, signal);
    }
  }

  /**
   * Creates the ledger unless it is there, once per engine; concurrent writers wait for the same attempt, and a
   * failed attempt is made again by the next write. Looking first means an admin login without CREATE works
   * on a ledger a DBA made for it. No signal: the attempt is shared, so one caller's abort must not end it.
   */
  private ensure(): Promise<void> {
    if (this.created === undefined) {
      const attempt = this.create().catch((err: unknown) => {
        if (this.created === attempt) this.created = undefined;
        throw err;
      });
      this.created = attempt;
    }
    return this.created;
  }

  private async create(): Promise<void> {
    if (await this.run.read('looking for the ownership ledger', undefined, ledgerExists)) return;
    await this.run.exec(
      createLedgerDatabaseSql(),
      `creating the ownership ledger database ${ledgerDatabase}`,
    );
    await this.run.exec(
      createLedgerTableSql(),
      `creating the ownership ledger table ${ledgerDatabase}.${ledgerTable}`,
    );
  }
}
