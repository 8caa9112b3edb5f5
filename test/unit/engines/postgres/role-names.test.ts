import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidNameError } from '../../../../src/engines/engine.ts';
import { checkRoleName } from '../../../../src/engines/postgres/names.ts';

describe('checkRoleName', () => {
  const cases: { name: string; reserved: boolean; reason: string }[] = [
    { name: 'orders_app', reserved: false, reason: 'an ordinary role name' },
    { name: 'public', reserved: true, reason: 'PUBLIC is the pseudo-role of GRANT, not a role' },
    { name: 'PUBLIC', reserved: true, reason: 'the same pseudo-role in any case' },
    { name: 'none', reserved: true, reason: 'NONE is a keyword where roles are named' },
    { name: 'current_user', reserved: true, reason: 'role-valued keyword' },
    { name: 'session_user', reserved: true, reason: 'role-valued keyword' },
    { name: 'current_role', reserved: true, reason: 'role-valued keyword' },
    { name: 'pg_write_server_files', reserved: true, reason: 'predefined roles carry superuser-like powers' },
    { name: 'pg_monitor', reserved: true, reason: 'every pg_ name is reserved for predefined roles' },
    { name: 'app_pg_reader', reserved: false, reason: 'pg_ only matters as a prefix' },
    { name: 'publications', reserved: false, reason: 'a longer name that starts like a keyword' },
  ];
  for (const tc of cases) {
    it(`${tc.name}: ${tc.reason}`, () => {
      if (tc.reserved)
        assert.throws(() => {
          checkRoleName('role', tc.name);
        }, InvalidNameError);
      else
        assert.doesNotThrow(() => {
          checkRoleName('role', tc.name);
        });
    });
  }
});
