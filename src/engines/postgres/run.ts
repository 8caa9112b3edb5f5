// Runs planned statements with errors described for users (never with the statement text).
import type pg from 'pg';
import type { Change } from './diff.ts';
import { describeError } from './errors.ts';

/** Stops between statements when the reconcile was cancelled. */
export function checkAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
}

export async function execute(
  client: pg.ClientBase,
  what: string,
  sql: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  checkAborted(signal);
  try {
    await client.query(sql);
  } catch (err) {
    throw describeError(what, err);
  }
}

export async function executeChanges(
  client: pg.ClientBase,
  what: string,
  changes: readonly Change[],
  signal: AbortSignal | undefined,
): Promise<void> {
  for (const change of changes) await execute(client, `${what}: ${change.description}`, change.sql, signal);
}

/** Runs `work` between BEGIN and COMMIT on `client`: when any of it fails, none of it stays. */
export async function inTransaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      // The session is lost or in an unknown state: an error that is not an SQL error makes Connections close
      // it rather than hand it out again, and the server rolls back what was not committed.
      throw new Error('the connection failed in the middle of a transaction');
    });
    throw err;
  }
}
