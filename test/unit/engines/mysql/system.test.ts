// The names no object may manage on MySQL/MariaDB, decided without SQL: each case says why it is (or is not)
// refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidNameError, type OwnedClass } from '../../../../src/engines/engine.ts';
import { checkNotSystem, systemName } from '../../../../src/engines/mysql/system.ts';

const admin = 'dbops_admin';

describe('systemName', () => {
  const cases: [string, OwnedClass, string, string | undefined][] = [
    ['the server catalog', 'database', 'mysql', '"mysql" is a MySQL/MariaDB system schema'],
    ['the sys schema', 'database', 'sys', '"sys" is a MySQL/MariaDB system schema'],
    [
      'information_schema, in capitals as tools write it',
      'database',
      'INFORMATION_SCHEMA',
      '"INFORMATION_SCHEMA" is a MySQL/MariaDB system schema',
    ],
    [
      'performance_schema',
      'database',
      'performance_schema',
      '"performance_schema" is a MySQL/MariaDB system schema',
    ],
    [
      'the ownership ledger: dropping it would forget every owner',
      'database',
      'dbops_provider',
      '"dbops_provider" holds this provider\'s ownership records',
    ],
    ['an application database', 'database', 'orders', undefined],
    ['a database merely starting like a system one', 'database', 'mysql_app', undefined],
    ['an account named like a schema is not a schema', 'account', 'sys', undefined],
    ['root', 'account', 'root', '"root" is a MySQL/MariaDB system account'],
    [
      'root in another case (the server would not match, but nobody means it)',
      'account',
      'Root',
      '"Root" is a MySQL/MariaDB system account',
    ],
    [
      "MariaDB's definer of the sys views",
      'account',
      'mariadb.sys',
      '"mariadb.sys" is a MySQL/MariaDB system account',
    ],
    ["MySQL's sys definer", 'account', 'mysql.sys', '"mysql.sys" is a MySQL/MariaDB system account'],
    [
      "MySQL's session plugin account",
      'account',
      'mysql.session',
      '"mysql.session" is a MySQL/MariaDB system account',
    ],
    [
      "MySQL's information_schema definer",
      'account',
      'mysql.infoschema',
      '"mysql.infoschema" is a MySQL/MariaDB system account',
    ],
    [
      "MariaDB's PUBLIC role, which every account holds",
      'account',
      'public',
      '"public" is a MySQL/MariaDB system account',
    ],
    [
      'the admin login the provider connects as',
      'account',
      'dbops_admin',
      '"dbops_admin" is the admin login this provider connects as',
    ],
    [
      'the admin login in another case',
      'account',
      'DBOPS_ADMIN',
      '"DBOPS_ADMIN" is the admin login this provider connects as',
    ],
    ['a database named like the admin login is an ordinary database', 'database', 'dbops_admin', undefined],
    ['an application user', 'account', 'app', undefined],
  ];
  for (const [why, objectClass, name, expected] of cases) {
    it(`${objectClass} ${name}: ${why}`, () => {
      assert.equal(systemName(admin, objectClass, name), expected);
    });
  }
});

describe('checkNotSystem', () => {
  it('refuses a system name with the reason, before any statement', () => {
    assert.throws(
      () => {
        checkNotSystem(admin, 'database', 'mysql');
      },
      (err: unknown) =>
        err instanceof InvalidNameError &&
        /"mysql" is a MySQL\/MariaDB system schema; it is never managed/.test(err.message),
    );
  });

  it('lets any other name through', () => {
    checkNotSystem(admin, 'account', 'app');
  });
});
