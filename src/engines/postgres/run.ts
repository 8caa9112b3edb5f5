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
