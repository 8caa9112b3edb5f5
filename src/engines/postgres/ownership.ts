// Ownership records (DESIGN.md §2 Ownership): on PostgreSQL, the comment of a database or role. What a record
// means is decided in src/resources/ownership; here it is only written and read back verbatim. Observe reads
// it with the rest of the object's row (catalog.ts); these serve the ownership module's own questions.
import type { OwnedClass } from '../engine.ts';
import { readComments } from './catalog.ts';
import { describeError } from './errors.ts';
import { checkName, checkRoleName } from './names.ts';
import type { Connections } from './pool.ts';
import { execute } from './run.ts';
import { recordDatabaseOwnerSql } from './sql/database.ts';
import { recordRoleOwnerSql } from './sql/role.ts';

const objectWord: Record<OwnedClass, string> = { database: 'database', account: 'role' };

/** The ownership records of those of `names` that exist and have one, in one statement. */
export async function readOwners(
  c: Connections,
  objectClass: OwnedClass,
  names: readonly string[],
): Promise<Map<string, string>> {
  // Bound, not quoted; checked all the same, so that a name PostgreSQL cannot hold (a NUL) is refused with
  // a message that says so rather than by the server's encoding error.
  for (const name of names) checkName(objectWord[objectClass], name);
  if (names.length === 0) return new Map();
  try {
    return await c.with(undefined, (client) => readComments(client, objectClass, names));
  } catch (err) {
    throw describeError(
      `read the ownership records of ${String(names.length)} ${objectWord[objectClass]}s`,
      err,
    );
  }
}

/** Replaces the ownership record of an existing database or role. */
export async function recordOwner(
  c: Connections,
  objectClass: OwnedClass,
  name: string,
  options: { record: string; signal: AbortSignal | undefined },
): Promise<void> {
  if (objectClass === 'account') checkRoleName('role', name);
  const sql =
    objectClass === 'database'
      ? recordDatabaseOwnerSql(name, options.record)
      : recordRoleOwnerSql(name, options.record);
  await c.with(undefined, (client) =>
    execute(client, `record the owner of ${objectWord[objectClass]} ${name}`, sql, options.signal),
  );
}
