// A grant's scope on MySQL/MariaDB: which objects it manages, and the pure diff that converges each grantee's
// privileges there exactly to the spec (hand-added ones revoked, GRANT OPTION included) while leaving other
// objects alone. Also the small readers of catalog text the diff depends on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globalGrantLine, setPrivileges } from '../../../../src/engines/mysql/catalog.ts';
import { diffPrivileges, type PrivilegeWant } from '../../../../src/engines/mysql/diff.ts';
import {
  canonical,
  managedScopes,
  parseCanonical,
  scopeKey,
  type Privilege,
  type Target,
} from '../../../../src/engines/mysql/privileges.ts';
import { onClause, revokeSql } from '../../../../src/engines/mysql/sql/grant.ts';

const on = {
  global: { level: 'global' } as const,
  db1: { level: 'database', database: 'db1' } as const,
  db1Pattern: { level: 'database', database: 'db1', wildcard: true } as const,
  db2: { level: 'database', database: 'db2' } as const,
  items: { level: 'table', database: 'db1', table: 'items' } as const,
  other: { level: 'table', database: 'db1', table: 'other' } as const,
  price: { level: 'column', database: 'db1', table: 'items', column: 'price' } as const,
  secret: { level: 'column', database: 'db1', table: 'items', column: 'secret' } as const,
  proc: { level: 'procedure', database: 'db1', routine: 'p' } as const,
};

const priv = (privilege: string, target: Target): Privilege => ({ privilege, target });

describe('managedScopes', () => {
  const cases: [string, Parameters<typeof managedScopes>[0], Target[]][] = [
    ['no mysql block manages nothing (a memberOf-only grant)', undefined, []],
    [
      'each entry names its object, each listed column separately',
      {
        database: { privileges: ['SELECT'] },
        tables: [{ name: 'items', privileges: ['SELECT'] }],
        columns: [{ table: 'items', columns: ['price', 'secret'], privileges: ['UPDATE'] }],
        procedures: [{ name: 'p', privileges: ['EXECUTE'] }],
      },
      [on.db1, on.items, on.price, on.secret, on.proc],
    ],
    [
      'global USAGE expands to no privilege but still names the server, to hold it at none',
      { global: { privileges: ['USAGE'] } },
      [on.global],
    ],
    [
      'tables only: db.* is not named, so another grant may own it',
      { tables: [{ name: 'items', privileges: ['SELECT'] }] },
      [on.items],
    ],
  ];
  for (const [reason, mysql, scopes] of cases) {
    it(reason, () => {
      assert.deepEqual(managedScopes(mysql, 'db1'), scopes);
    });
  }
});

describe('scopeKey', () => {
  const cases: [string, Target, Target, boolean][] = [
    ['a wildcard db.* row is on the same database as the escaped one', on.db1Pattern, on.db1, true],
    ['a table and its column are separate objects', on.items, on.price, false],
    ['two columns of one table are separate objects', on.price, on.secret, false],
    ['databases differ', on.db1, on.db2, false],
  ];
  for (const [reason, a, b, same] of cases) {
    it(reason, () => {
      assert.equal(scopeKey(a) === scopeKey(b), same);
    });
  }
});

describe('diffPrivileges', () => {
  const L = "'u'@'%'";
  const H = "'u'@'127.0.0.1'";
  interface Case {
    reason: string;
    want: PrivilegeWant;
    observed: Record<string, Privilege[]>;
    labels?: string[];
    grant: string[];
    revoke: string[];
    differences?: string[];
    applied?: string[];
  }
  const want = (desired: Privilege[], scopes: Target[], previous: Privilege[] = []): PrivilegeWant => ({
    desired,
    previous,
    scopes,
  });
  const cases: Case[] = [
    {
      reason: 'converged: nothing to do, no difference (an idle grant sends no statement)',
      want: want([priv('SELECT', on.db1)], [on.db1], [priv('SELECT', on.db1)]),
      observed: { [L]: [priv('SELECT', on.db1)] },
      grant: [],
      revoke: [],
      differences: [],
      applied: ['SELECT ON DATABASE `db1`'],
    },
    {
      reason: 'a privilege revoked by hand is missing and granted again',
      want: want([priv('SELECT', on.db1)], [on.db1], [priv('SELECT', on.db1)]),
      observed: { [L]: [] },
      grant: ['SELECT ON DATABASE `db1`'],
      revoke: [],
      differences: ["SELECT ON DATABASE `db1` missing for 'u'@'%'"],
      applied: [],
    },
    {
      reason: 'a database privilege added by hand on the managed db.* is revoked (issue 14)',
      want: want([priv('SELECT', on.db1)], [on.db1], [priv('SELECT', on.db1)]),
      observed: { [L]: [priv('SELECT', on.db1), priv('DELETE', on.db1)] },
      grant: [],
      revoke: ['DELETE ON DATABASE `db1`'],
      differences: ["DELETE ON DATABASE `db1` not in the spec, to be revoked from 'u'@'%'"],
      applied: ['SELECT ON DATABASE `db1`'],
    },
    {
      reason: 'a hand-added GRANT OPTION on a managed object is revoked like any privilege',
      want: want([priv('SELECT', on.db1)], [on.db1]),
      observed: { [L]: [priv('SELECT', on.db1), priv('GRANT OPTION', on.db1)] },
      grant: [],
      revoke: ['GRANT OPTION ON DATABASE `db1`'],
    },
    {
      reason: 'a hand-added wildcard db.* row (name typed unescaped) opens the managed database: revoked',
      want: want([priv('SELECT', on.db1)], [on.db1]),
      observed: { [L]: [priv('SELECT', on.db1), priv('DELETE', on.db1Pattern)] },
      grant: [],
      revoke: ['DELETE ON DATABASE PATTERN `db1`'],
    },
    {
      reason: 'a desired privilege held only through a wildcard row is granted properly and the row revoked',
      want: want([priv('SELECT', on.db1)], [on.db1]),
      observed: { [L]: [priv('SELECT', on.db1Pattern)] },
      grant: ['SELECT ON DATABASE `db1`'],
      revoke: ['SELECT ON DATABASE PATTERN `db1`'],
    },
    {
      reason: 'a hand-added table privilege on a listed table is revoked',
      want: want([priv('SELECT', on.items)], [on.items]),
      observed: { [L]: [priv('SELECT', on.items), priv('DELETE', on.items)] },
      grant: [],
      revoke: ['DELETE ON TABLE `db1`.`items`'],
    },
    {
      reason: 'a hand-added privilege on a listed column is revoked, one on another column is not',
      want: want([priv('UPDATE', on.price)], [on.price]),
      observed: { [L]: [priv('UPDATE', on.price), priv('SELECT', on.price), priv('SELECT', on.secret)] },
      grant: [],
      revoke: ['SELECT (`price`) ON TABLE `db1`.`items`'],
    },
    {
      reason: 'a routine privilege added by hand on a listed routine is revoked',
      want: want([priv('EXECUTE', on.proc)], [on.proc]),
      observed: { [L]: [priv('EXECUTE', on.proc), priv('ALTER ROUTINE', on.proc)] },
      grant: [],
      revoke: ['ALTER ROUTINE ON PROCEDURE `db1`.`p`'],
    },
    {
      reason:
        'privileges on objects the spec does not name are left alone (another table, db2.*, the server)',
      want: want([priv('SELECT', on.db1)], [on.db1]),
      observed: {
        [L]: [
          priv('SELECT', on.db1),
          priv('DELETE', on.other),
          priv('SELECT', on.db2),
          priv('PROCESS', on.global),
        ],
      },
      grant: [],
      revoke: [],
      differences: [],
    },
    {
      reason: 'listing only tables leaves db.* alone, so a db.*-grant of the same grantee does not fight it',
      want: want([priv('SELECT', on.items)], [on.items]),
      observed: { [L]: [priv('SELECT', on.items), priv('INSERT', on.db1)] },
      grant: [],
      revoke: [],
    },
    {
      reason: 'with global named, every server-wide privilege outside the spec is revoked',
      want: want([priv('PROCESS', on.global)], [on.global]),
      observed: {
        [L]: [priv('PROCESS', on.global), priv('RELOAD', on.global), priv('GRANT OPTION', on.global)],
      },
      grant: [],
      revoke: ['GRANT OPTION ON *.*', 'RELOAD ON *.*'],
    },
    {
      reason: 'global USAGE (no desired privilege) holds the server at none',
      want: want([], [on.global]),
      observed: { [L]: [priv('RELOAD', on.global)] },
      grant: [],
      revoke: ['RELOAD ON *.*'],
    },
    {
      reason: 'what the grant applied before and dropped is revoked even off the current scope',
      want: want([priv('SELECT', on.db1)], [on.db1], [priv('SELECT', on.db1), priv('INSERT', on.other)]),
      observed: { [L]: [priv('SELECT', on.db1), priv('INSERT', on.other), priv('DELETE', on.other)] },
      grant: [],
      revoke: ['INSERT ON TABLE `db1`.`other`'],
      differences: ["INSERT ON TABLE `db1`.`other` to be revoked from 'u'@'%'"],
      applied: ['INSERT ON TABLE `db1`.`other`', 'SELECT ON DATABASE `db1`'],
    },
    {
      reason: 'a grant that manages nothing (revokeGrant) revokes only what it applied',
      want: want([], [], [priv('SELECT', on.db1)]),
      observed: { [L]: [priv('SELECT', on.db1), priv('DELETE', on.db1)] },
      grant: [],
      revoke: ['SELECT ON DATABASE `db1`'],
    },
    {
      reason: 'each account is compared on its own; applied lists what every account holds',
      want: want([priv('SELECT', on.db1)], [on.db1], [priv('SELECT', on.db1)]),
      observed: { [L]: [priv('SELECT', on.db1), priv('DELETE', on.db1)], [H]: [] },
      labels: [L, H],
      grant: ['SELECT ON DATABASE `db1`'],
      revoke: ['DELETE ON DATABASE `db1`'],
      differences: [
        "DELETE ON DATABASE `db1` not in the spec, to be revoked from 'u'@'%'",
        "SELECT ON DATABASE `db1` missing for 'u'@'127.0.0.1'",
      ],
      applied: [],
    },
    {
      reason: 'duplicates in spec or catalog count once',
      want: want([priv('SELECT', on.db1), priv('SELECT', on.db1)], [on.db1, on.db1]),
      observed: { [L]: [priv('SELECT', on.db1), priv('SELECT', on.db1)] },
      grant: [],
      revoke: [],
      differences: [],
    },
  ];

  for (const c of cases) {
    it(c.reason, () => {
      const labels = c.labels ?? [L];
      const d = diffPrivileges(c.want, new Map(Object.entries(c.observed)), labels);
      const all = (pick: 'grant' | 'revoke') =>
        labels.flatMap((l) => (d.changes.get(l)?.[pick] ?? []).map(canonical));
      assert.deepEqual(all('grant'), c.grant);
      assert.deepEqual(all('revoke'), c.revoke);
      if (c.differences !== undefined) assert.deepEqual(d.differences, c.differences);
      if (c.applied !== undefined) assert.deepEqual(d.applied, c.applied);
    });
  }

  it('applies nothing without grantees', () => {
    assert.deepEqual(diffPrivileges(want([priv('SELECT', on.db1)], [on.db1]), new Map(), []).applied, []);
  });
});

describe('wildcard database rows', () => {
  it('are revoked by their verbatim name, next to the escaped form this engine writes', () => {
    const db = { level: 'database', database: 'shop_1' } as const;
    assert.equal(onClause({ ...db, wildcard: true }), '`shop_1`.*');
    assert.equal(onClause(db), '`shop\\_1`.*');
    assert.deepEqual(revokeSql("'u'@'%'", [priv('DELETE', { ...db, wildcard: true }), priv('SELECT', db)]), [
      "REVOKE DELETE ON `shop_1`.* FROM 'u'@'%'",
      "REVOKE SELECT ON `shop\\_1`.* FROM 'u'@'%'",
    ]);
  });

  it('are never read back from status as an escaped grant', () => {
    const text = canonical(priv('DELETE', { level: 'database', database: 'shop_1', wildcard: true }));
    assert.equal(text, 'DELETE ON DATABASE PATTERN `shop_1`');
    assert.equal(parseCanonical(text), undefined);
  });

  it('revoke a privilege and its GRANT OPTION in one statement', () => {
    assert.deepEqual(revokeSql("'u'@'%'", [priv('DELETE', on.db1), priv('GRANT OPTION', on.db1)]), [
      "REVOKE DELETE, GRANT OPTION ON `db1`.* FROM 'u'@'%'",
    ]);
  });
});

describe('catalog text', () => {
  const lines: [string, string, string[] | undefined][] = [
    ['a role’s server-wide privileges', 'GRANT SELECT, PROCESS ON *.* TO `r`', ['SELECT', 'PROCESS']],
    ['USAGE is no privilege', 'GRANT USAGE ON *.* TO `r`', []],
    ['a grant option given alone', 'GRANT USAGE ON *.* TO `r` WITH GRANT OPTION', ['GRANT OPTION']],
    ['the MariaDB name of REPLICATION CLIENT', 'GRANT BINLOG MONITOR ON *.* TO `r`', ['REPLICATION CLIENT']],
    ['a database line is not server-wide', 'GRANT SELECT ON `d`.* TO `r`', undefined],
    ['a membership line is not a privilege', 'GRANT `other` TO `r`', undefined],
  ];
  for (const [reason, line, privileges] of lines) {
    it(`SHOW GRANTS: ${reason}`, () => {
      assert.deepEqual(globalGrantLine(line), privileges);
    });
  }

  const sets: [string, unknown, string[]][] = [
    ['mixed-case names', 'Select,Show view,Create View', ['SELECT', 'SHOW VIEW', 'CREATE VIEW']],
    ['Grant is the object’s GRANT OPTION', 'Update,Grant', ['UPDATE', 'GRANT OPTION']],
    ['MariaDB’s versioning privilege', 'Delete versioning rows', ['DELETE HISTORY']],
    ['routine privileges', 'Execute,Alter Routine', ['EXECUTE', 'ALTER ROUTINE']],
    ['an empty set (a row kept for its column privileges)', '', []],
    ['not a string', null, []],
  ];
  for (const [reason, value, privileges] of sets) {
    it(`privilege SET: ${reason}`, () => {
      assert.deepEqual(setPrivileges(value), privileges);
    });
  }
});
