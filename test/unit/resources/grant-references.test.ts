import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DatabaseGrant } from '../../../src/apis/database-grant.ts';
import { grantReferences } from '../../../src/resources/grant/kind.ts';

function grant(forProvider: object, deleting = false): DatabaseGrant {
  return {
    apiVersion: 'dbops.dbprovision.io/v1alpha1',
    kind: 'DatabaseGrant',
    metadata: {
      name: 'g',
      namespace: 'team',
      ...(deleting ? { deletionTimestamp: '2026-12-03T00:00:00Z' } : {}),
    },
    spec: { forProvider },
  };
}

describe('grantReferences', () => {
  const full = {
    instanceRef: { name: 'pg' },
    user: 'app',
    database: 'orders',
    memberOf: [{ role: 'readers' }],
    postgres: { defaultPrivileges: [{ forRole: 'owner', objectType: 'tables', privileges: ['SELECT'] }] },
  };
  const cases: { reason: string; mg: DatabaseGrant; want: ReturnType<typeof grantReferences> }[] = [
    {
      reason: 'everything a live grant touches must be its namespace’s',
      mg: grant(full),
      want: {
        account: [
          { name: 'app', as: 'grantee user' },
          { name: 'readers', as: 'role in memberOf' },
          { name: 'owner', as: 'forRole' },
        ],
        database: [{ name: 'orders', as: 'database' }],
      },
    },
    {
      reason: 'deleting only revokes from the grantee, so only the grantee must still be its namespace’s',
      mg: grant(full, true),
      want: { account: [{ name: 'app', as: 'grantee user' }], database: [] },
    },
    {
      reason: 'server-wide privileges are the instance namespace’s to give',
      mg: grant({ instanceRef: { name: 'my' }, role: 'ops', mysql: { global: { privileges: ['PROCESS'] } } }),
      want: {
        account: [{ name: 'ops', as: 'grantee role' }],
        database: [],
        serverWide: 'global privileges (ON *.*)',
      },
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      assert.deepEqual(grantReferences(c.mg), c.want);
    });
  }
});
