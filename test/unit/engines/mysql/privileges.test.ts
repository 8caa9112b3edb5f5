// The grant model: canonical strings, reading them back, and expanding a DatabaseGrant's mysql block.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mysqlPrivileges } from '../../../../src/apis/privileges.ts';
import {
  canonical,
  desiredPrivileges,
  membershipKey,
  parseCanonical,
  parseMembership,
  type Privilege,
} from '../../../../src/engines/mysql/privileges.ts';

describe('canonical privilege strings', () => {
  const cases: [Privilege, string][] = [
    [{ privilege: 'RELOAD', target: { level: 'global' } }, 'RELOAD ON *.*'],
    [{ privilege: 'SELECT', target: { level: 'database', database: 'shop' } }, 'SELECT ON DATABASE `shop`'],
    [
      { privilege: 'INSERT', target: { level: 'table', database: 'a.b', table: 'c' } },
      'INSERT ON TABLE `a.b`.`c`',
    ],
    [
      { privilege: 'UPDATE', target: { level: 'column', database: 'd', table: 't', column: 'price' } },
      'UPDATE (`price`) ON TABLE `d`.`t`',
    ],
    [
      { privilege: 'EXECUTE', target: { level: 'procedure', database: 'd', routine: 'p' } },
      'EXECUTE ON PROCEDURE `d`.`p`',
    ],
    [
      { privilege: 'ALTER ROUTINE', target: { level: 'function', database: 'd', routine: 'f' } },
      'ALTER ROUTINE ON FUNCTION `d`.`f`',
    ],
    [
      { privilege: 'GRANT OPTION', target: { level: 'database', database: 'x`y' } },
      'GRANT OPTION ON DATABASE `x``y`',
    ],
  ];
  for (const [privilege, text] of cases) {
    it(text, () => {
      assert.equal(canonical(privilege), text);
      assert.deepEqual(parseCanonical(text), privilege);
    });
  }

  it('reads back whatever names it wrote', () => {
    const name = fc.string({ unit: 'grapheme', minLength: 1 });
    const target = fc.oneof(
      fc.constant({ level: 'global' as const }),
      name.map((database) => ({ level: 'database' as const, database })),
      fc.tuple(name, name).map(([database, table]) => ({ level: 'table' as const, database, table })),
      fc
        .tuple(name, name, name)
        .map(([database, table, column]) => ({ level: 'column' as const, database, table, column })),
      fc
        .tuple(fc.constantFrom('procedure' as const, 'function' as const), name, name)
        .map(([level, database, routine]) => ({ level, database, routine })),
    );
    const privilege = fc.constantFrom(...mysqlPrivileges.global.filter((p) => p !== 'ALL'), 'GRANT OPTION');
    fc.assert(
      fc.property(privilege, target, (p, t) => {
        assert.deepEqual(parseCanonical(canonical({ privilege: p, target: t })), { privilege: p, target: t });
      }),
    );
  });

  it('ignores strings it did not write', () => {
    for (const text of [
      '',
      'SELECT',
      'SELECT ON TABLE public.orders',
      'select ON *.*',
      'SELECT (`a`) ON DATABASE `d`',
    ]) {
      assert.equal(parseCanonical(text), undefined, text);
    }
  });
});

describe('memberships', () => {
  it('encodes the admin option', () => {
    assert.equal(membershipKey('r', false), 'r');
    assert.equal(membershipKey('r', true), 'r WITH ADMIN OPTION');
    assert.deepEqual(parseMembership('r WITH ADMIN OPTION'), { role: 'r', withAdminOption: true });
    assert.deepEqual(parseMembership('r'), { role: 'r', withAdminOption: false });
  });
});

describe('desired privileges', () => {
  const texts = (mysql: Parameters<typeof desiredPrivileges>[0], db?: string) =>
    desiredPrivileges(mysql, db).map(canonical);

  it('expands every level of a grant', () => {
    assert.deepEqual(
      texts(
        {
          global: { privileges: ['RELOAD', 'USAGE'] },
          database: { privileges: ['SELECT'], withGrantOption: true },
          tables: [{ name: 't', privileges: ['INSERT'] }],
          columns: [{ table: 't', columns: ['a', 'b'], privileges: ['UPDATE'] }],
          procedures: [{ name: 'p', privileges: ['EXECUTE'] }],
          functions: [{ name: 'f', privileges: ['ALTER ROUTINE'] }],
        },
        'd',
      ),
      [
        'RELOAD ON *.*',
        'SELECT ON DATABASE `d`',
        'GRANT OPTION ON DATABASE `d`',
        'INSERT ON TABLE `d`.`t`',
        'UPDATE (`a`) ON TABLE `d`.`t`',
        'UPDATE (`b`) ON TABLE `d`.`t`',
        'EXECUTE ON PROCEDURE `d`.`p`',
        'ALTER ROUTINE ON FUNCTION `d`.`f`',
      ],
    );
  });

  it('expands ALL to the level’s privileges, named', () => {
    const all = texts({ tables: [{ name: 't', privileges: ['ALL', 'SELECT'] }] }, 'd');
    assert.deepEqual(
      all,
      mysqlPrivileges.table.filter((p) => p !== 'ALL').map((p) => `${p} ON TABLE \`d\`.\`t\``),
    );
  });

  it('needs a database below the global level', () => {
    assert.throws(
      () => desiredPrivileges({ database: { privileges: ['SELECT'] } }, undefined),
      /need a database/,
    );
    assert.deepEqual(texts(undefined, 'd'), []);
  });
});
