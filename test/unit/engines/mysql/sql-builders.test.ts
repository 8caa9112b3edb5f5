// The statement builders, table-driven per flavor: the exact SQL each flavor gets. MySQL 8 statements
// (IDENTIFIED WITH, 'role'@'%' roles, SET DEFAULT ROLE ALL) are checked here only: there is no MySQL server
// in the test environment.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Flavor } from '../../../../src/engines/mysql/flavor.ts';
import {
  alterDatabaseSql,
  createDatabaseSql,
  dropDatabaseSql,
  killConnectionSql,
} from '../../../../src/engines/mysql/sql/database.ts';
import { grantSql, onClause, revokeSql } from '../../../../src/engines/mysql/sql/grant.ts';
import {
  createRoleSql,
  dropRoleSql,
  grantRoleSql,
  revokeRoleSql,
  setDefaultRoleSql,
} from '../../../../src/engines/mysql/sql/role.ts';
import {
  alterUserSql,
  createUserSql,
  dropUserSql,
  identifiedSql,
  setPasswordSql,
  type AccountOptions,
} from '../../../../src/engines/mysql/sql/user.ts';
import type { Privilege } from '../../../../src/engines/mysql/privileges.ts';

const none: AccountOptions = {
  maxQueriesPerHour: 0,
  maxUpdatesPerHour: 0,
  maxConnectionsPerHour: 0,
  maxUserConnections: 0,
  requireTls: 'NONE',
  locked: false,
};

describe('database statements', () => {
  const cases: [string, string, string][] = [
    [
      'charset only',
      createDatabaseSql('shop', { charset: 'utf8mb4' }),
      "CREATE DATABASE `shop` CHARACTER SET 'utf8mb4'",
    ],
    [
      'charset and collation',
      createDatabaseSql('a.b', { charset: 'latin1', collation: 'latin1_bin' }),
      "CREATE DATABASE `a.b` CHARACTER SET 'latin1' COLLATE 'latin1_bin'",
    ],
    ['neither', createDatabaseSql('x', {}), 'CREATE DATABASE `x`'],
    [
      'alter collation',
      String(alterDatabaseSql('x', { collation: 'utf8mb4_bin' })),
      "ALTER DATABASE `x` COLLATE 'utf8mb4_bin'",
    ],
    ['drop', dropDatabaseSql('we`ird'), 'DROP DATABASE IF EXISTS `we``ird`'],
    ['kill', killConnectionSql(42), 'KILL CONNECTION 42'],
  ];
  for (const [name, actual, expected] of cases)
    it(name, () => {
      assert.equal(actual, expected);
    });

  it('alters nothing when nothing changes', () => {
    assert.equal(alterDatabaseSql('x', {}), null);
  });
  it('kills only a real connection id', () => {
    for (const bad of [-1, 1.5, Number.NaN]) assert.throws(() => killConnectionSql(bad), RangeError);
  });
});

describe('user statements', () => {
  const target = { user: 'app', host: '10.0.0.%' };
  const cases: [Flavor, string, string, string][] = [
    ['mysql', 'default plugin', identifiedSql('mysql', undefined, "p'w"), "IDENTIFIED BY 'p\\'w'"],
    ['mariadb', 'default plugin', identifiedSql('mariadb', undefined, 'pw'), "IDENTIFIED BY 'pw'"],
    [
      'mysql',
      'caching_sha2_password',
      identifiedSql('mysql', 'caching_sha2_password', 'pw'),
      "IDENTIFIED WITH caching_sha2_password BY 'pw'",
    ],
    [
      'mysql',
      'sha256_password',
      identifiedSql('mysql', 'sha256_password', 'pw'),
      "IDENTIFIED WITH sha256_password BY 'pw'",
    ],
    [
      'mariadb',
      'ed25519',
      identifiedSql('mariadb', 'ed25519', 'pw'),
      "IDENTIFIED VIA ed25519 USING PASSWORD('pw')",
    ],
    [
      'mariadb',
      'mysql_native_password',
      identifiedSql('mariadb', 'mysql_native_password', 'pw'),
      "IDENTIFIED VIA mysql_native_password USING PASSWORD('pw')",
    ],
    [
      'mysql',
      'create with every option',
      createUserSql(
        'mysql',
        target,
        {
          options: {
            maxQueriesPerHour: 1,
            maxUpdatesPerHour: 2,
            maxConnectionsPerHour: 3,
            maxUserConnections: 4,
            requireTls: 'X509',
            locked: true,
          },
          plugin: 'caching_sha2_password',
        },
        'pw',
      ),
      "CREATE USER 'app'@'10.0.0.%' IDENTIFIED WITH caching_sha2_password BY 'pw' REQUIRE X509 WITH MAX_QUERIES_PER_HOUR 1 MAX_UPDATES_PER_HOUR 2 MAX_CONNECTIONS_PER_HOUR 3 MAX_USER_CONNECTIONS 4 ACCOUNT LOCK",
    ],
    [
      'mariadb',
      'create with defaults',
      createUserSql('mariadb', target, { options: none }, 'pw'),
      "CREATE USER 'app'@'10.0.0.%' IDENTIFIED BY 'pw' REQUIRE NONE WITH MAX_QUERIES_PER_HOUR 0 MAX_UPDATES_PER_HOUR 0 MAX_CONNECTIONS_PER_HOUR 0 MAX_USER_CONNECTIONS 0 ACCOUNT UNLOCK",
    ],
    [
      'mysql',
      'alter only what changed',
      String(alterUserSql(target, { maxUserConnections: 5, locked: false })),
      "ALTER USER 'app'@'10.0.0.%' WITH MAX_USER_CONNECTIONS 5 ACCOUNT UNLOCK",
    ],
    [
      'mariadb',
      'alter require',
      String(alterUserSql(target, { requireTls: 'SSL' })),
      "ALTER USER 'app'@'10.0.0.%' REQUIRE SSL",
    ],
    [
      'mysql',
      'set password',
      setPasswordSql('mysql', target, 'caching_sha2_password', 'pw'),
      "ALTER USER 'app'@'10.0.0.%' IDENTIFIED WITH caching_sha2_password BY 'pw'",
    ],
    [
      'mariadb',
      'set password',
      setPasswordSql('mariadb', target, 'ed25519', 'pw'),
      "ALTER USER 'app'@'10.0.0.%' IDENTIFIED VIA ed25519 USING PASSWORD('pw')",
    ],
    ['mysql', 'drop', dropUserSql(target), "DROP USER IF EXISTS 'app'@'10.0.0.%'"],
  ];
  for (const [flavor, name, actual, expected] of cases)
    it(`${flavor}: ${name}`, () => {
      assert.equal(actual, expected);
    });

  it('alters nothing when nothing changes', () => {
    assert.equal(alterUserSql(target, {}), null);
  });
  it('refuses an unknown plugin keyword whatever the caller checked', () => {
    assert.throws(() => identifiedSql('mysql', 'x; DROP' as never, 'pw'), RangeError);
  });
});

describe('role statements', () => {
  const u = "'u'@'%'";
  const cases: [Flavor, string, string, string][] = [
    ['mariadb', 'create', createRoleSql('mariadb', 'r'), "CREATE ROLE 'r'"],
    ['mysql', 'create', createRoleSql('mysql', 'r'), "CREATE ROLE 'r'@'%'"],
    ['mariadb', 'drop', dropRoleSql('mariadb', 'r'), "DROP ROLE IF EXISTS 'r'"],
    ['mysql', 'drop', dropRoleSql('mysql', 'r'), "DROP ROLE IF EXISTS 'r'@'%'"],
    [
      'mariadb',
      'grant',
      grantRoleSql('mariadb', { role: 'r', withAdminOption: false }, u),
      "GRANT `r` TO 'u'@'%'",
    ],
    [
      'mysql',
      'grant with admin',
      grantRoleSql('mysql', { role: 'r', withAdminOption: true }, u),
      "GRANT 'r'@'%' TO 'u'@'%' WITH ADMIN OPTION",
    ],
    ['mariadb', 'revoke', revokeRoleSql('mariadb', 'r', u), "REVOKE `r` FROM 'u'@'%'"],
    ['mysql', 'revoke', revokeRoleSql('mysql', 'r', u), "REVOKE 'r'@'%' FROM 'u'@'%'"],
    [
      'mariadb',
      'default role: first sorted',
      setDefaultRoleSql('mariadb', ['b', 'a'], u),
      "SET DEFAULT ROLE `a` FOR 'u'@'%'",
    ],
    [
      'mariadb',
      'default role: none',
      setDefaultRoleSql('mariadb', [], u),
      "SET DEFAULT ROLE NONE FOR 'u'@'%'",
    ],
    [
      'mysql',
      'default role: all',
      setDefaultRoleSql('mysql', ['b', 'a'], u),
      "SET DEFAULT ROLE ALL TO 'u'@'%'",
    ],
    ['mysql', 'default role: none', setDefaultRoleSql('mysql', [], u), "SET DEFAULT ROLE NONE TO 'u'@'%'"],
  ];
  for (const [flavor, name, actual, expected] of cases)
    it(`${flavor}: ${name}`, () => {
      assert.equal(actual, expected);
    });
});

describe('grant statements', () => {
  const g = "'u'@'h'";
  const on = {
    global: { level: 'global' as const },
    db: { level: 'database' as const, database: 'my_db%' },
    table: { level: 'table' as const, database: 'my_db', table: 't' },
    procedure: { level: 'procedure' as const, database: 'd', routine: 'p' },
    fn: { level: 'function' as const, database: 'd', routine: 'f' },
  };
  const col = (column: string) => ({ level: 'column' as const, database: 'd', table: 't', column });

  it('escapes wildcards only at database level', () => {
    assert.equal(onClause(on.db), '`my\\_db\\%`.*');
    assert.equal(onClause(on.table), '`my_db`.`t`');
    assert.equal(onClause(on.global), '*.*');
    assert.equal(onClause(on.procedure), 'PROCEDURE `d`.`p`');
    assert.equal(onClause(on.fn), 'FUNCTION `d`.`f`');
  });

  const cases: [string, Privilege[], string[], string[]][] = [
    [
      'one statement per object',
      [
        { privilege: 'SELECT', target: on.table },
        { privilege: 'INSERT', target: on.table },
        { privilege: 'RELOAD', target: on.global },
      ],
      ["GRANT SELECT, INSERT ON `my_db`.`t` TO 'u'@'h'", "GRANT RELOAD ON *.* TO 'u'@'h'"],
      ["REVOKE SELECT, INSERT ON `my_db`.`t` FROM 'u'@'h'", "REVOKE RELOAD ON *.* FROM 'u'@'h'"],
    ],
    [
      'grant option',
      [
        { privilege: 'SELECT', target: on.db },
        { privilege: 'GRANT OPTION', target: on.db },
      ],
      ["GRANT SELECT ON `my\\_db\\%`.* TO 'u'@'h' WITH GRANT OPTION"],
      ["REVOKE SELECT, GRANT OPTION ON `my\\_db\\%`.* FROM 'u'@'h'"],
    ],
    [
      'grant option alone',
      [{ privilege: 'GRANT OPTION', target: on.procedure }],
      ["GRANT USAGE ON PROCEDURE `d`.`p` TO 'u'@'h' WITH GRANT OPTION"],
      ["REVOKE GRANT OPTION ON PROCEDURE `d`.`p` FROM 'u'@'h'"],
    ],
    [
      'columns of one table in one statement',
      [
        { privilege: 'SELECT', target: col('a') },
        { privilege: 'SELECT', target: col('b') },
        { privilege: 'UPDATE', target: col('a') },
      ],
      ["GRANT SELECT (`a`, `b`), UPDATE (`a`) ON `d`.`t` TO 'u'@'h'"],
      ["REVOKE SELECT (`a`, `b`), UPDATE (`a`) ON `d`.`t` FROM 'u'@'h'"],
    ],
    ['nothing', [], [], []],
  ];
  for (const [name, privileges, grants, revokes] of cases) {
    it(name, () => {
      assert.deepEqual(grantSql(g, privileges), grants);
      assert.deepEqual(revokeSql(g, privileges), revokes);
    });
  }
});
