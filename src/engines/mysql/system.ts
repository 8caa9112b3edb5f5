// Names on a MySQL/MariaDB server that no object may manage, decided from the name alone before any SQL: the
// servers' own schemas and accounts, the ownership ledger, and the admin login the provider connects as.
// Case-insensitive, although account names are case-sensitive on the server: `Root` is refused too, as a
// name nobody should be handed by mistake.
import { InvalidNameError, type OwnedClass } from '../engine.ts';
import { ledgerDatabase } from './sql/ledger.ts';

const systemSchemas = ['mysql', 'sys', 'information_schema', 'performance_schema'];

// root, the definers and session accounts the servers create for themselves, and PUBLIC (MariaDB 10.11's
// role that every account holds).
const systemAccounts = ['root', 'mariadb.sys', 'mysql.sys', 'mysql.session', 'mysql.infoschema', 'PUBLIC'];

/** Why `name` is never managed, or undefined; `adminUser` is the login of ConnectionSettings. */
export function systemName(adminUser: string, objectClass: OwnedClass, name: string): string | undefined {
  const folded = name.toLowerCase();
  const is = (candidate: string) => candidate.toLowerCase() === folded;
  if (objectClass === 'database') {
    if (is(ledgerDatabase)) return `"${name}" holds this provider's ownership records`;
    if (systemSchemas.some(is)) return `"${name}" is a MySQL/MariaDB system schema`;
    return undefined;
  }
  if (is(adminUser)) return `"${name}" is the admin login this provider connects as`;
  if (systemAccounts.some(is)) return `"${name}" is a MySQL/MariaDB system account`;
  return undefined;
}

/**
 * Refuses to write to a system name. The ownership rule refuses these before any engine call; the engine
 * refuses too, so that no caller can drop `mysql` or alter the admin login by mistake.
 */
export function checkNotSystem(adminUser: string, objectClass: OwnedClass, name: string): void {
  const reason = systemName(adminUser, objectClass, name);
  if (reason !== undefined) throw new InvalidNameError(`${reason}; it is never managed`);
}
