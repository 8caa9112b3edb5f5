import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OwnedClass } from '../../../../src/engines/engine.ts';
import { systemName } from '../../../../src/engines/postgres/names.ts';

describe('systemName', () => {
  const admin = { database: 'ops', login: 'dbops_admin' };
  const cases: { objectClass: OwnedClass; name: string; why: string | undefined; reason: string }[] = [
    { objectClass: 'database', name: 'orders', why: undefined, reason: 'an ordinary database' },
    {
      objectClass: 'database',
      name: 'template1',
      why: '"template1" is a PostgreSQL system database',
      reason: 'every CREATE DATABASE copies it',
    },
    {
      objectClass: 'database',
      name: 'template0',
      why: '"template0" is a PostgreSQL system database',
      reason: 'the pristine template',
    },
    {
      objectClass: 'database',
      name: 'Postgres',
      why: '"Postgres" is a PostgreSQL system database',
      reason: 'the default database, in any case',
    },
    {
      objectClass: 'database',
      name: 'ops',
      why: '"ops" is the administrative database this provider connects to',
      reason: 'dropping it would cut the provider off',
    },
    {
      objectClass: 'account',
      name: 'ops',
      why: undefined,
      reason: 'the administrative database’s name is no role’s',
    },
    {
      objectClass: 'account',
      name: 'DBOPS_ADMIN',
      why: '"DBOPS_ADMIN" is the admin login this provider connects as',
      reason: 'the admin login, in any case',
    },
    {
      objectClass: 'account',
      name: 'postgres',
      why: '"postgres" is the usual name of PostgreSQL\'s bootstrap superuser',
      reason: 'the bootstrap superuser by its usual name (Observe finds it by oid under any name)',
    },
    {
      objectClass: 'account',
      name: 'pg_monitor',
      why: '"pg_monitor" is a role name PostgreSQL reserves for itself',
      reason: 'a predefined role',
    },
    {
      objectClass: 'account',
      name: 'PUBLIC',
      why: '"PUBLIC" is a role name PostgreSQL reserves for itself',
      reason: 'the pseudo-role of GRANT',
    },
    { objectClass: 'account', name: 'app_pg_reader', why: undefined, reason: 'pg_ only matters as a prefix' },
    {
      objectClass: 'database',
      name: 'pg_stats',
      why: undefined,
      reason: 'pg_ reserves role names, not database names',
    },
  ];
  for (const tc of cases) {
    it(`${tc.objectClass} ${tc.name}: ${tc.reason}`, () => {
      assert.equal(systemName(tc.objectClass, tc.name, admin), tc.why);
    });
  }

  it('gives the administrative reason when postgres is the administrative database, the default', () => {
    assert.match(
      systemName('database', 'postgres', { database: 'postgres', login: 'dbops_admin' }) ?? '',
      /administrative database/,
    );
  });
});
