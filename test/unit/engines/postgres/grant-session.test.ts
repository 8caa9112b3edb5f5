import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DatabaseGrantParameters } from '../../../../src/apis/database-grant.ts';
import { databaseLevelOnly } from '../../../../src/engines/postgres/grant-ops.ts';
import { parseAtom } from '../../../../src/engines/postgres/sql/privileges.ts';

const base: DatabaseGrantParameters = { instanceRef: { name: 'pg' }, database: 'app' };

describe('which database a grant’s session uses', () => {
  const cases: { name: string; desired: DatabaseGrantParameters; previous: string[]; adminOnly: boolean }[] =
    [
      {
        name: 'memberships only',
        desired: { ...base, memberOf: [{ role: 'r' }] },
        previous: [],
        adminOnly: true,
      },
      {
        name: 'privileges on the database itself',
        desired: { ...base, postgres: { database: { privileges: ['CONNECT'] } } },
        previous: ['CONNECT ON DATABASE app'],
        adminOnly: true,
      },
      {
        name: 'schema privileges',
        desired: { ...base, postgres: { schemas: [{ name: 's', privileges: ['USAGE'] }] } },
        previous: [],
        adminOnly: false,
      },
      {
        name: 'table privileges',
        desired: {
          ...base,
          postgres: { tables: [{ schema: 'public', allInSchema: true, privileges: ['SELECT'] }] },
        },
        previous: [],
        adminOnly: false,
      },
      {
        name: 'default privileges',
        desired: {
          ...base,
          postgres: { defaultPrivileges: [{ forRole: 'o', objectType: 'tables', privileges: ['SELECT'] }] },
        },
        previous: [],
        adminOnly: false,
      },
      {
        name: 'database privileges now, but table privileges to revoke from before',
        desired: { ...base, postgres: { database: { privileges: ['CONNECT'] } } },
        previous: ['SELECT ON TABLE public.orders IN DATABASE app'],
        adminOnly: false,
      },
    ];
  for (const c of cases) {
    it(`${c.name}: ${c.adminOnly ? 'administrative database' : 'the target database'}`, () => {
      assert.equal(databaseLevelOnly(c.desired, c.previous.map(parseAtom)), c.adminOnly);
    });
  }
});
