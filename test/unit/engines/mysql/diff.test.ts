// The pure diffs behind Observe and Update: what differs, in words, and what to change.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccountRow } from '../../../../src/engines/mysql/catalog.ts';
import { desiredAccounts, diffDatabase, diffSets, diffUser } from '../../../../src/engines/mysql/diff.ts';
import type { AccountOptions } from '../../../../src/engines/mysql/sql/user.ts';

describe('diffDatabase', () => {
  const observed = { charset: 'utf8mb4', collation: 'utf8mb4_general_ci', sizeBytes: 0 };
  const cases: [string, Parameters<typeof diffDatabase>[0], object, string[]][] = [
    ['defaults match', undefined, {}, []],
    ['same charset, no collation asked', { charset: 'utf8mb4' }, {}, []],
    ['charset differs', { charset: 'latin1' }, { charset: 'latin1' }, ['character set utf8mb4 → latin1']],
    [
      'collation differs',
      { charset: 'utf8mb4', collation: 'utf8mb4_bin' },
      { collation: 'utf8mb4_bin' },
      ['collation utf8mb4_general_ci → utf8mb4_bin'],
    ],
    [
      'both differ',
      { charset: 'latin1', collation: 'latin1_bin' },
      { charset: 'latin1', collation: 'latin1_bin' },
      ['character set utf8mb4 → latin1', 'collation utf8mb4_general_ci → latin1_bin'],
    ],
  ];
  for (const [name, desired, change, differences] of cases) {
    it(name, () => {
      assert.deepEqual(diffDatabase(desired, observed), { change, differences });
    });
  }
});

describe('desiredAccounts', () => {
  it('fills the CRD defaults', () => {
    assert.deepEqual(desiredAccounts(undefined), {
      hosts: ['%'],
      options: {
        maxQueriesPerHour: 0,
        maxUpdatesPerHour: 0,
        maxConnectionsPerHour: 0,
        maxUserConnections: 0,
        requireTls: 'NONE',
        locked: false,
      },
      plugin: undefined,
    });
  });
  it('lets X509 win over SSL and sorts hosts without duplicates', () => {
    const d = desiredAccounts({
      allowedHosts: ['b', 'a', 'b'],
      requireSSL: true,
      requireX509: true,
      authPlugin: 'ed25519',
    });
    assert.deepEqual(d.hosts, ['a', 'b']);
    assert.equal(d.options.requireTls, 'X509');
    assert.equal(d.plugin, 'ed25519');
    assert.equal(desiredAccounts({ requireSSL: true }).options.requireTls, 'SSL');
  });
});

describe('diffUser', () => {
  const options: AccountOptions = {
    maxQueriesPerHour: 0,
    maxUpdatesPerHour: 0,
    maxConnectionsPerHour: 0,
    maxUserConnections: 0,
    requireTls: 'NONE',
    locked: false,
  };
  const row = (
    host: string,
    extra: Partial<AccountOptions> = {},
    plugin = 'mysql_native_password',
  ): AccountRow => ({
    host,
    plugin,
    options: { ...options, ...extra },
  });

  it('is empty when every account matches', () => {
    const d = diffUser({ hosts: ['%', 'localhost'], options, plugin: undefined }, [
      row('%'),
      row('localhost'),
    ]);
    assert.deepEqual(d, { missingHosts: [], extraHosts: [], changes: [], pluginHosts: [], differences: [] });
  });

  it('finds missing and extra hosts, changed options and plugins per host', () => {
    const d = diffUser(
      { hosts: ['%', 'a'], options: { ...options, maxUserConnections: 3 }, plugin: 'ed25519' },
      [row('%', { maxUserConnections: 3, locked: true }, 'ed25519'), row('old', {}, 'ed25519')],
    );
    assert.deepEqual(d.missingHosts, ['a']);
    assert.deepEqual(d.extraHosts, ['old']);
    assert.deepEqual(d.changes, [{ host: '%', change: { locked: false } }]);
    assert.deepEqual(d.pluginHosts, []);
    assert.deepEqual(d.differences, [
      'account for host a missing',
      'account for host old not allowed any more',
      'account locked true → false (host %)',
    ]);
  });

  it('reports a plugin switch, which needs the password', () => {
    const d = diffUser({ hosts: ['%'], options, plugin: 'ed25519' }, [row('%')]);
    assert.deepEqual(d.pluginHosts, ['%']);
    assert.deepEqual(d.differences, ['auth plugin mysql_native_password → ed25519 (host %)']);
  });
});

describe('diffSets', () => {
  const observed = new Map([
    ['a', new Set(['S', 'I', 'X'])],
    ['b', new Set(['S'])],
  ]);

  it('grants what is missing per grantee and revokes only what the grant dropped', () => {
    const d = diffSets(['S', 'U'], ['S', 'I'], observed, ['a', 'b']);
    assert.deepEqual(d.changes.get('a'), { grant: ['U'], revoke: ['I'] });
    assert.deepEqual(d.changes.get('b'), { grant: ['U'], revoke: [] });
    // X was never this grant's: neither revoked nor reported.
    assert.deepEqual(d.differences, ['U missing for a', 'I to be revoked from a', 'U missing for b']);
    assert.deepEqual(d.applied, ['S']);
  });

  it('is up to date when everything desired is everywhere and nothing dropped remains', () => {
    const d = diffSets(['S'], ['S'], observed, ['a', 'b']);
    assert.deepEqual(d.differences, []);
    assert.deepEqual(d.applied, ['S']);
  });

  it('applies nothing without grantees', () => {
    assert.deepEqual(diffSets(['S'], [], observed, []).applied, []);
  });
});
