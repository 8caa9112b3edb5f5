// Property: whatever a name, host or password contains (quotes, backticks, backslashes, %, _, comment markers,
// NUL, newlines, any Unicode), every statement builder keeps it inside exactly one quoted token that decodes
// back to the same string, and the statement's shape does not change. Builders are checked without the name
// validation the engine does first, so quoting alone must hold.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Flavor } from '../../../../src/engines/mysql/flavor.ts';
import { grantSql, revokeSql } from '../../../../src/engines/mysql/sql/grant.ts';
import { createDatabaseSql, dropDatabaseSql } from '../../../../src/engines/mysql/sql/database.ts';
import { unescapeGrantDatabase } from '../../../../src/engines/mysql/sql/quote.ts';
import { createRoleSql, grantRoleSql } from '../../../../src/engines/mysql/sql/role.ts';
import { createUserSql, setPasswordSql } from '../../../../src/engines/mysql/sql/user.ts';
import { account } from '../../../../src/engines/mysql/sql/quote.ts';
import { lex, quoted, shape } from './sql-lexer.ts';

const hostilePieces = [
  "'",
  '"',
  '`',
  '\\',
  '%',
  '_',
  '--',
  '/*',
  '*/',
  '#',
  ';',
  '\0',
  '\n',
  '\r',
  '\x1a',
  '.',
  '@',
  'é',
  '😀',
  ' ',
];
/** Strings built from hostile pieces and arbitrary Unicode. */
const hostile = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1 }),
  fc
    .array(fc.oneof(fc.constantFrom(...hostilePieces), fc.string({ minLength: 1, maxLength: 3 })), {
      minLength: 1,
      maxLength: 12,
    })
    .map((parts) => parts.join('')),
);
const flavors: Flavor[] = ['mysql', 'mariadb'];
const options = {
  maxQueriesPerHour: 1,
  maxUpdatesPerHour: 0,
  maxConnectionsPerHour: 0,
  maxUserConnections: 2,
  requireTls: 'SSL' as const,
  locked: false,
};

describe('quoting of hostile strings', () => {
  it('database statements', () => {
    fc.assert(
      fc.property(hostile, (name) => {
        const create = lex(createDatabaseSql(name, { charset: 'utf8mb4' }));
        assert.equal(shape(create), 'CREATE DATABASE ID CHARACTER SET STR');
        assert.deepEqual(quoted(create), [name, 'utf8mb4']);
        const drop = lex(dropDatabaseSql(name));
        assert.equal(shape(drop), 'DROP DATABASE IF EXISTS ID');
        assert.deepEqual(quoted(drop), [name]);
      }),
    );
  });

  for (const flavor of flavors) {
    it(`user statements (${flavor})`, () => {
      fc.assert(
        fc.property(hostile, hostile, hostile, (user, host, password) => {
          const plain = lex(createUserSql(flavor, { user, host }, { options }, password));
          assert.equal(
            shape(plain),
            'CREATE USER STR @ STR IDENTIFIED BY STR REQUIRE SSL WITH MAX_QUERIES_PER_HOUR 1 MAX_UPDATES_PER_HOUR 0 MAX_CONNECTIONS_PER_HOUR 0 MAX_USER_CONNECTIONS 2 ACCOUNT UNLOCK',
          );
          assert.deepEqual(quoted(plain), [user, host, password]);
          const change = lex(setPasswordSql(flavor, { user, host }, 'mysql_native_password', password));
          const auth =
            flavor === 'mysql'
              ? 'IDENTIFIED WITH mysql_native_password BY STR'
              : 'IDENTIFIED VIA mysql_native_password USING PASSWORD ( STR )';
          assert.equal(shape(change), `ALTER USER STR @ STR ${auth}`);
          assert.deepEqual(quoted(change), [user, host, password]);
        }),
      );
    });

    it(`role statements (${flavor})`, () => {
      fc.assert(
        fc.property(hostile, hostile, hostile, (role, user, host) => {
          const create = lex(createRoleSql(flavor, role));
          assert.deepEqual(quoted(create)[0], role);
          const grant = lex(grantRoleSql(flavor, { role, withAdminOption: true }, account(user, host)));
          const roleShape = flavor === 'mariadb' ? 'ID' : 'STR @ STR';
          assert.equal(shape(grant), `GRANT ${roleShape} TO STR @ STR WITH ADMIN OPTION`);
          assert.deepEqual(
            quoted(grant),
            flavor === 'mariadb' ? [role, user, host] : [role, '%', user, host],
          );
        }),
      );
    });
  }

  it('grant and revoke statements', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, hostile, (user, host, database, table, column) => {
        const grantee = account(user, host);
        const onTable = { level: 'table' as const, database, table };
        const onColumn = { level: 'column' as const, database, table, column };
        const [tableGrant, columnGrant] = grantSql(grantee, [
          { privilege: 'SELECT', target: onTable },
          { privilege: 'UPDATE', target: onColumn },
        ]).map(lex);
        assert.equal(shape(tableGrant!), 'GRANT SELECT ON ID . ID TO STR @ STR');
        assert.deepEqual(quoted(tableGrant!), [database, table, user, host]);
        assert.equal(shape(columnGrant!), 'GRANT UPDATE ( ID ) ON ID . ID TO STR @ STR');
        assert.deepEqual(quoted(columnGrant!), [column, database, table, user, host]);
        const [dbRevoke] = revokeSql(grantee, [
          { privilege: 'SELECT', target: { level: 'database', database } },
        ]).map(lex);
        assert.equal(shape(dbRevoke!), 'REVOKE SELECT ON ID . * FROM STR @ STR');
        const [pattern] = quoted(dbRevoke!);
        // `_` and `%` are escaped so they mean themselves; unescaping gives the name back.
        assert.doesNotMatch(pattern!.replace(/\\[\\_%]/g, ''), /[_%]/);
        assert.equal(unescapeGrantDatabase(pattern!), database);
      }),
    );
  });
});
