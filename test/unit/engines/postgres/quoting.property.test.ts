// Property tests: whatever string a user or an attacker supplies as a name or value, it reaches SQL only
// inside quotes — the statement's skeleton (everything outside quoted tokens) never changes — or it is
// refused with InvalidNameError before any statement exists.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InvalidNameError } from '../../../../src/engines/engine.ts';
import * as db from '../../../../src/engines/postgres/sql/database.ts';
import { roleDefaults } from '../../../../src/engines/postgres/roles.ts';
import * as role from '../../../../src/engines/postgres/sql/role.ts';
import { privilegeSql, type GrantObject } from '../../../../src/engines/postgres/sql/privileges.ts';
import { skeleton } from './sql-tokens.ts';

const hostilePieces = [
  '"',
  "'",
  ';',
  '\\',
  '$$',
  '--',
  '/*',
  '*/',
  'é',
  '🙂',
  ' ',
  '\n',
  "E'",
  'DROP',
  'a',
  '\0',
  '""',
  "''",
];
const hostile = fc.oneof(
  fc.array(fc.constantFrom(...hostilePieces), { minLength: 1, maxLength: 40 }).map((p) => p.join('')),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 70 }),
);

const benign = 'x';

/** `build(value)` has the same skeleton as `build(benign)`, or throws InvalidNameError. */
function sameShape(build: (value: string) => string) {
  const expected = skeleton(build(benign));
  fc.assert(
    fc.property(hostile, (value) => {
      let sql: string;
      try {
        sql = build(value);
      } catch (err) {
        assert.ok(err instanceof InvalidNameError, String(err));
        return;
      }
      assert.equal(skeleton(sql), expected, sql);
    }),
    { numRuns: 300 },
  );
}

const attrs: role.RoleAttributes = { login: true, ...roleDefaults, validUntil: null };

const builders: Record<string, (v: string) => string> = {
  'CREATE DATABASE name': (v) => db.createDatabaseSql(v, { owner: 'o' }),
  'CREATE DATABASE owner/template/tablespace': (v) =>
    db.createDatabaseSql('d', { owner: v, template: v, tablespace: v }),
  'CREATE DATABASE encoding/collation values': (v) =>
    db.createDatabaseSql('d', { encoding: v, lcCollate: v, lcCtype: v }),
  'ALTER DATABASE OWNER': (v) => db.alterDatabaseSql.owner(v, v),
  'DROP DATABASE': (v) => db.dropDatabaseSql(v),
  'CREATE EXTENSION': (v) => db.createExtensionSql({ name: v, schema: v, version: v }),
  'ALTER EXTENSION UPDATE': (v) => db.updateExtensionSql(v, v),
  'CREATE SCHEMA': (v) => db.createSchemaSql(v, v),
  'CREATE ROLE with password': (v) => role.createRoleSql(v, attrs, v),
  'ALTER ROLE PASSWORD': (v) => role.setPasswordSql(v, v),
  'ALTER ROLE SET value': (v) => role.setConfigSql(v, 'statement_timeout', v),
  'GRANT role': (v) => role.grantMembershipSql(v, v, true),
  'REVOKE role': (v) => role.revokeMembershipSql(v, v),
  'COMMENT ON DATABASE': (v) => db.recordDatabaseOwnerSql(v, v),
  'COMMENT ON ROLE': (v) => role.recordRoleOwnerSql(v, v),
};

const objects: Record<string, (v: string) => GrantObject> = {
  database: (v) => ({ type: 'DATABASE', name: v }),
  table: (v) => ({ type: 'TABLE', schema: v, name: v }),
  function: (v) => ({ type: 'FUNCTION', schema: v, name: v, args: 'integer' }),
  default: (v) => ({ type: 'DEFAULT', objectType: 'TABLES', forRole: v, schema: v }),
};

describe('quoting of hostile strings', () => {
  for (const [name, build] of Object.entries(builders)) {
    it(name, () => {
      sameShape(build);
    });
  }
  for (const [name, object] of Object.entries(objects)) {
    it(`GRANT/REVOKE on ${name}`, () => {
      for (const action of ['grant', 'revoke', 'revokeGrantOption'] as const) {
        sameShape((v) =>
          privilegeSql(
            action,
            [
              {
                privilege: name === 'function' ? 'EXECUTE' : name === 'database' ? 'CONNECT' : 'SELECT',
                object: object(v),
                grantable: true,
                database: 'd',
              },
            ],
            v,
          ),
        );
      }
    });
  }

  it('search_path elements stay literals', () => {
    sameShape((v) => role.setConfigSql('r', 'search_path', v.replaceAll(',', '')));
  });

  it('refuses function argument lists that could end the statement', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => /[;'\-/]/.test(s)),
        (args) => {
          assert.throws(() =>
            privilegeSql(
              'grant',
              [
                {
                  privilege: 'EXECUTE',
                  object: { type: 'FUNCTION', schema: 's', name: 'f', args },
                  grantable: false,
                  database: 'd',
                },
              ],
              'g',
            ),
          );
        },
      ),
    );
  });
});
