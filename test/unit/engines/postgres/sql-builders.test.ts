import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidNameError, UnsupportedError } from '../../../../src/engines/engine.ts';
import { checkName, parameter } from '../../../../src/engines/postgres/names.ts';
import * as db from '../../../../src/engines/postgres/sql/database.ts';
import * as role from '../../../../src/engines/postgres/sql/role.ts';
import {
  expandPrivileges,
  privilegeSql,
  type Atom,
} from '../../../../src/engines/postgres/sql/privileges.ts';
import { skeleton } from './sql-tokens.ts';

describe('names', () => {
  const cases: Record<string, { name: string; error?: RegExp }> = {
    'plain name': { name: 'orders' },
    'quotes and semicolons are just characters': { name: 'a"; DROP TABLE x; --' },
    '63 bytes': { name: 'a'.repeat(63) },
    '64 bytes': { name: 'a'.repeat(64), error: /64 bytes in UTF-8; PostgreSQL allows at most 63/ },
    '32 two-byte characters': { name: 'é'.repeat(32), error: /64 bytes/ },
    empty: { name: '', error: /must not be empty/ },
    NUL: { name: 'a\0b', error: /NUL/ },
  };
  for (const [label, tc] of Object.entries(cases)) {
    it(label, () => {
      if (tc.error === undefined) checkName('database', tc.name);
      else
        assert.throws(
          () => {
            checkName('database', tc.name);
          },
          (e: Error) => e instanceof InvalidNameError && tc.error!.test(e.message),
        );
    });
  }

  it('refuses an empty ownership record, which PostgreSQL would take as removing the comment', () => {
    assert.throws(() => db.recordDatabaseOwnerSql('app', ''), /ownership record must not be empty/);
    assert.throws(() => role.recordRoleOwnerSql('u', ''), InvalidNameError);
  });

  it('accepts configuration parameter names only as identifiers', () => {
    assert.equal(parameter('auto_explain.log_min_duration'), 'auto_explain.log_min_duration');
    for (const bad of ['search_path = x; --', '1abc', 'a b', ''])
      assert.throws(() => parameter(bad), InvalidNameError);
  });
});

describe('database statements', () => {
  const cases: Record<string, { sql: string; want: string }> = {
    'bare create': { sql: db.createDatabaseSql('app', undefined), want: 'CREATE DATABASE "app"' },
    'create with every option': {
      sql: db.createDatabaseSql('app', {
        owner: 'Owner',
        template: 'template0',
        encoding: 'UTF8',
        lcCollate: 'C.UTF-8',
        lcCtype: 'C.UTF-8',
        tablespace: 'pg_default',
        connectionLimit: 20,
        isTemplate: false,
        allowConnections: true,
      }),
      want:
        'CREATE DATABASE "app" WITH OWNER "Owner" TEMPLATE "template0" ENCODING \'UTF8\' LC_COLLATE \'C.UTF-8\' ' +
        'LC_CTYPE \'C.UTF-8\' TABLESPACE "pg_default" CONNECTION LIMIT 20 IS_TEMPLATE false ALLOW_CONNECTIONS true',
    },
    owner: { sql: db.alterDatabaseSql.owner('app', 'o'), want: 'ALTER DATABASE "app" OWNER TO "o"' },
    'connection limit': {
      sql: db.alterDatabaseSql.connectionLimit('app', -1),
      want: 'ALTER DATABASE "app" WITH CONNECTION LIMIT -1',
    },
    'allow connections': {
      sql: db.alterDatabaseSql.allowConnections('app', false),
      want: 'ALTER DATABASE "app" WITH ALLOW_CONNECTIONS false',
    },
    drop: { sql: db.dropDatabaseSql('app'), want: 'DROP DATABASE IF EXISTS "app" WITH (FORCE)' },
    'ownership record, quoted as one literal': {
      sql: db.recordDatabaseOwnerSql('app', "managed by provider-dbops: Database team-a/it's"),
      want: "COMMENT ON DATABASE \"app\" IS 'managed by provider-dbops: Database team-a/it''s'",
    },
    extension: {
      sql: db.createExtensionSql({ name: 'hstore', schema: 'ext', version: '1.7' }),
      want: 'CREATE EXTENSION IF NOT EXISTS "hstore" SCHEMA "ext" VERSION \'1.7\'',
    },
    // The provider's sessions search pg_catalog only, so "the default schema" is named: public.
    'extension without a schema': {
      sql: db.createExtensionSql({ name: 'citext' }),
      want: 'CREATE EXTENSION IF NOT EXISTS "citext" SCHEMA "public"',
    },
    'extension update': {
      sql: db.updateExtensionSql('hstore', '1.8'),
      want: 'ALTER EXTENSION "hstore" UPDATE TO \'1.8\'',
    },
    'extension move': {
      sql: db.moveExtensionSql('hstore', 'ext'),
      want: 'ALTER EXTENSION "hstore" SET SCHEMA "ext"',
    },
    schema: {
      sql: db.createSchemaSql('app', 'o'),
      want: 'CREATE SCHEMA IF NOT EXISTS "app" AUTHORIZATION "o"',
    },
    'schema owner': { sql: db.alterSchemaOwnerSql('app', 'o'), want: 'ALTER SCHEMA "app" OWNER TO "o"' },
  };
  for (const [label, tc] of Object.entries(cases)) {
    it(label, () => {
      assert.equal(tc.sql, tc.want);
    });
  }
});

const attrs: role.RoleAttributes = {
  login: true,
  inherit: true,
  superuser: false,
  createDB: true,
  createRole: false,
  replication: false,
  bypassRLS: false,
  connectionLimit: 5,
  validUntil: null,
};

describe('role statements', () => {
  const cases: Record<string, { sql: string | undefined; want: string | undefined }> = {
    'create user: superuser-only attributes only when wanted, no VALID UNTIL when unset': {
      sql: role.createRoleSql('u', attrs, "it's"),
      want: "CREATE ROLE \"u\" WITH LOGIN INHERIT CREATEDB NOCREATEROLE CONNECTION LIMIT 5 PASSWORD 'it''s'",
    },
    'create superuser role': {
      sql: role.createRoleSql(
        'r',
        { ...attrs, login: false, superuser: true, validUntil: Date.UTC(2030, 0, 1) },
        undefined,
      ),
      want: 'CREATE ROLE "r" WITH NOLOGIN INHERIT SUPERUSER CREATEDB NOCREATEROLE CONNECTION LIMIT 5 VALID UNTIL \'2030-01-01T00:00:00.000Z\'',
    },
    'alter only what changed': {
      sql: role.alterRoleSql('u', { createDB: false, validUntil: null }),
      want: 'ALTER ROLE "u" WITH NOCREATEDB VALID UNTIL \'infinity\'',
    },
    'nothing changed': { sql: role.alterRoleSql('u', {}), want: undefined },
    password: { sql: role.setPasswordSql('u', 'a\\b'), want: 'ALTER ROLE "u" WITH PASSWORD  E\'a\\\\b\'' },
    membership: { sql: role.grantMembershipSql('r', 'u', true), want: 'GRANT "r" TO "u" WITH ADMIN OPTION' },
    'revoke admin option': {
      sql: role.revokeAdminOptionSql('r', 'u'),
      want: 'REVOKE ADMIN OPTION FOR "r" FROM "u"',
    },
    setting: {
      sql: role.setConfigSql('u', 'statement_timeout', '5s'),
      want: 'ALTER ROLE "u" SET statement_timeout TO \'5s\'',
    },
    'list setting': {
      sql: role.setConfigSql('u', 'search_path', '"$user", public'),
      want: "ALTER ROLE \"u\" SET search_path TO '$user', 'public'",
    },
    'empty list setting': {
      sql: role.setConfigSql('u', 'search_path', ''),
      want: 'ALTER ROLE "u" SET search_path TO \'\'',
    },
    reset: { sql: role.resetConfigSql('u', 'search_path'), want: 'ALTER ROLE "u" RESET search_path' },
    drop: { sql: role.dropRoleSql('u'), want: 'DROP ROLE IF EXISTS "u"' },
    'ownership record, with a backslash': {
      sql: role.recordRoleOwnerSql('u', 'managed by provider-dbops: DatabaseUser a\\b'),
      want: 'COMMENT ON ROLE "u" IS  E\'managed by provider-dbops: DatabaseUser a\\\\b\'',
    },
  };
  for (const [label, tc] of Object.entries(cases)) {
    it(label, () => {
      assert.equal(tc.sql, tc.want);
    });
  }

  it('splits list values like PostgreSQL prints them', () => {
    assert.deepEqual(role.listElements('"$user", public'), ['$user', 'public']);
    assert.deepEqual(role.listElements('a,b ,  "c, d"'), ['a', 'b', 'c, d']);
    assert.deepEqual(role.listElements(''), []);
  });
});

describe('privilege statements', () => {
  const table: Atom['object'] = { type: 'TABLE', schema: 'public', name: 'Orders' };
  const atom = (privilege: string, object: Atom['object'], grantable = false): Atom => ({
    privilege,
    object,
    grantable,
    database: 'd',
  });
  const cases: Record<string, { sql: string; want: string }> = {
    'grant on a table, grouped': {
      sql: privilegeSql('grant', [atom('SELECT', table), atom('INSERT', table)], 'u'),
      want: 'GRANT SELECT, INSERT ON TABLE "public"."Orders" TO "u"',
    },
    'grant option': {
      sql: privilegeSql('grant', [atom('CONNECT', { type: 'DATABASE', name: 'd' }, true)], 'u'),
      want: 'GRANT CONNECT ON DATABASE "d" TO "u" WITH GRANT OPTION',
    },
    'revoke grant option': {
      sql: privilegeSql('revokeGrantOption', [atom('USAGE', { type: 'SCHEMA', name: 's' })], 'u'),
      want: 'REVOKE GRANT OPTION FOR USAGE ON SCHEMA "s" FROM "u"',
    },
    function: {
      sql: privilegeSql(
        'revoke',
        [atom('EXECUTE', { type: 'FUNCTION', schema: 'public', name: 'add', args: 'integer, integer' })],
        'u',
      ),
      want: 'REVOKE EXECUTE ON FUNCTION "public"."add"(integer, integer) FROM "u"',
    },
    'default privileges in a schema': {
      sql: privilegeSql(
        'grant',
        [atom('SELECT', { type: 'DEFAULT', objectType: 'TABLES', forRole: 'owner', schema: 'app' })],
        'u',
      ),
      want: 'ALTER DEFAULT PRIVILEGES FOR ROLE "owner" IN SCHEMA "app" GRANT SELECT ON TABLES TO "u"',
    },
    'default privileges everywhere': {
      sql: privilegeSql(
        'revoke',
        [atom('USAGE', { type: 'DEFAULT', objectType: 'SCHEMAS', forRole: 'owner' })],
        'u',
      ),
      want: 'ALTER DEFAULT PRIVILEGES FOR ROLE "owner" REVOKE USAGE ON SCHEMAS FROM "u"',
    },
  };
  for (const [label, tc] of Object.entries(cases)) {
    it(label, () => {
      assert.equal(tc.sql, tc.want);
    });
  }

  it('refuses a privilege outside its level', () => {
    assert.throws(() => privilegeSql('grant', [atom('EXECUTE', table)], 'u'), UnsupportedError);
  });

  it('expands ALL per level and server version', () => {
    assert.deepEqual(expandPrivileges('DATABASE', ['ALL'], 150000), ['CONNECT', 'CREATE', 'TEMPORARY']);
    assert.ok(!expandPrivileges('TABLE', ['ALL'], 150000).includes('MAINTAIN'));
    assert.ok(expandPrivileges('TABLE', ['ALL'], 170000).includes('MAINTAIN'));
    assert.throws(() => expandPrivileges('TABLE', ['MAINTAIN'], 150000), /PostgreSQL 17/);
    assert.throws(() => expandPrivileges('SCHEMA', ['SELECT'], 150000), UnsupportedError);
  });

  it('the lexer of the property tests sees a naive template break out of its quotes', () => {
    const naive = (v: string) => `CREATE DATABASE "${v}"`;
    assert.notEqual(skeleton(naive('a"; DROP DATABASE "x')), skeleton(naive('x')));
    assert.throws(() => skeleton(naive('a"; DROP DATABASE x; --')), /unterminated/);
  });
});
