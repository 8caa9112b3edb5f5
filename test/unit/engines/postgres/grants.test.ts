import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DatabaseGrantParameters } from '../../../../src/apis/database-grant.ts';
import type { GrantRow } from '../../../../src/engines/postgres/catalog.ts';
import {
  appliedOf,
  desiredAtoms,
  heldFromRows,
  parseMember,
  memberText,
  planGrant,
  schemasToRead,
  type Held,
} from '../../../../src/engines/postgres/grants.ts';
import { atomText } from '../../../../src/engines/postgres/sql/privileges.ts';

const row = (r: Partial<GrantRow> & Pick<GrantRow, 'kind'>): GrantRow => ({
  schema: null,
  name: null,
  args: null,
  objtype: null,
  for_role: null,
  privilege: null,
  grantable: null,
  ...r,
});

const rows: GrantRow[] = [
  row({ kind: 'GRANTEE' }),
  row({ kind: 'MEMBER', name: 'readers', grantable: false }),
  row({ kind: 'DATABASE', name: 'app', privilege: 'CONNECT', grantable: false }),
  row({ kind: 'TABLE', schema: 'public', name: 't1', privilege: 'SELECT', grantable: false }),
  row({ kind: 'TABLE', schema: 'public', name: 't1', privilege: 'DELETE', grantable: false }),
  row({ kind: 'TABLE', schema: 'other', name: 'x', privilege: 'SELECT', grantable: false }),
  row({
    kind: 'DEFAULT',
    schema: null,
    objtype: 'r',
    for_role: 'owner',
    privilege: 'SELECT',
    grantable: true,
  }),
  row({ kind: 'OBJECT_TABLE', schema: 'app', name: 'a1' }),
  row({ kind: 'OBJECT_TABLE', schema: 'app', name: 'a2' }),
  row({ kind: 'OBJECT_FUNCTION', schema: 'public', name: 'add', args: 'integer, integer' }),
  row({ kind: 'OBJECT_FUNCTION', schema: 'public', name: 'add', args: 'bigint, bigint' }),
];

const held: Held = heldFromRows(rows, 'app');

type Postgres = NonNullable<DatabaseGrantParameters['postgres']>;
const texts = (p: Postgres) => desiredAtoms(p, 'app', held, 150000).map(atomText).sort();

describe('heldFromRows', () => {
  it('sorts catalog rows into holdings and existing objects', () => {
    assert.equal(held.granteeExists, true);
    assert.deepEqual([...held.memberships], [['readers', false]]);
    assert.deepEqual(held.tables.get('app'), ['a1', 'a2']);
    assert.deepEqual(held.atoms.map(atomText), [
      'CONNECT ON DATABASE app',
      'SELECT ON TABLE public.t1 IN DATABASE app',
      'DELETE ON TABLE public.t1 IN DATABASE app',
      'SELECT ON TABLE other.x IN DATABASE app',
      'SELECT ON DEFAULT TABLES FOR ROLE owner IN DATABASE app WITH GRANT OPTION',
    ]);
  });
});

describe('desiredAtoms', () => {
  const cases: Record<string, { p: Postgres; want: string[] }> = {
    'ALL on the database expands': {
      p: { database: { privileges: ['ALL'] } },
      want: ['CONNECT ON DATABASE app', 'CREATE ON DATABASE app', 'TEMPORARY ON DATABASE app'],
    },
    'all tables in a schema are the tables that exist now': {
      p: { tables: [{ schema: 'app', allInSchema: true, privileges: ['SELECT'] }] },
      want: ['SELECT ON TABLE app.a1 IN DATABASE app', 'SELECT ON TABLE app.a2 IN DATABASE app'],
    },
    'functions by name cover every overload; a signature picks one': {
      p: {
        functions: [
          { schema: 'public', names: ['add'], privileges: ['EXECUTE'] },
          {
            schema: 'public',
            names: ['add(integer,integer)'],
            privileges: ['EXECUTE'],
            withGrantOption: true,
          },
        ],
      },
      want: [
        'EXECUTE ON FUNCTION public.add(bigint, bigint) IN DATABASE app',
        'EXECUTE ON FUNCTION public.add(integer, integer) IN DATABASE app WITH GRANT OPTION',
      ],
    },
    'default privileges': {
      p: {
        defaultPrivileges: [
          { forRole: 'owner', schema: 'app', objectType: 'sequences', privileges: ['USAGE'] },
        ],
      },
      want: ['USAGE ON DEFAULT SEQUENCES IN SCHEMA app FOR ROLE owner IN DATABASE app'],
    },
  };
  for (const [label, tc] of Object.entries(cases)) {
    it(label, () => {
      assert.deepEqual(texts(tc.p), tc.want);
    });
  }

  it('says how to name a function that does not exist', () => {
    assert.throws(
      () => texts({ functions: [{ schema: 'public', names: ['add(int)'], privileges: ['EXECUTE'] }] }),
      /public\.add\(int\) does not exist; write argument types as PostgreSQL prints them/,
    );
  });
});

describe('schemasToRead', () => {
  it('reads the schemas of object entries and of previous atoms; lists those it must expand', () => {
    const p: Postgres = {
      tables: [
        { schema: 'app', allInSchema: true, privileges: ['SELECT'] },
        { names: ['t'], privileges: ['SELECT'] },
      ],
      functions: [{ schema: 'fn', names: ['f'], privileges: ['EXECUTE'] }],
    };
    const previous = held.atoms;
    assert.deepEqual(schemasToRead(p, previous), {
      read: ['app', 'fn', 'other', 'public'],
      list: ['app', 'fn'],
    });
  });
});

describe('planGrant', () => {
  const desired = {
    atoms: desiredAtoms(
      {
        database: { privileges: ['CONNECT'] },
        tables: [{ schema: 'public', names: ['t1'], privileges: ['SELECT', 'INSERT'] }],
        defaultPrivileges: [{ forRole: 'owner', objectType: 'tables', privileges: ['SELECT'] }],
      },
      'app',
      held,
      150000,
    ),
    memberOf: [{ role: 'writers', withAdminOption: true }],
  };

  it('grants what is missing and revokes unwanted privileges on the objects it manages only', () => {
    const plan = planGrant(desired, held, undefined);
    assert.deepEqual(plan.grant.map(atomText), ['INSERT ON TABLE public.t1 IN DATABASE app']);
    assert.deepEqual(plan.revoke.map(atomText), ['DELETE ON TABLE public.t1 IN DATABASE app']);
    assert.deepEqual(plan.revokeGrantOption.map(atomText), [
      'SELECT ON DEFAULT TABLES FOR ROLE owner IN DATABASE app',
    ]);
    assert.deepEqual(plan.grantMember, [{ role: 'writers', admin: true }]);
    assert.deepEqual(plan.revokeMember, []);
    assert.deepEqual(plan.differences, [
      'not a member of writers',
      'missing INSERT ON TABLE public.t1 IN DATABASE app',
      'unwanted grant option on SELECT ON DEFAULT TABLES FOR ROLE owner IN DATABASE app',
      'unwanted DELETE ON TABLE public.t1 IN DATABASE app',
    ]);
  });

  it('revokes what the previous spec had, including memberships, and leaves other objects alone', () => {
    const previous = { memberOf: ['readers'], privileges: ['SELECT ON TABLE other.x IN DATABASE app'] };
    const plan = planGrant({ atoms: [], memberOf: [] }, held, previous);
    assert.deepEqual(plan.revoke.map(atomText), ['SELECT ON TABLE other.x IN DATABASE app']);
    assert.deepEqual(plan.revokeMember, ['readers']);
    const untouched = planGrant({ atoms: [], memberOf: [] }, held, undefined);
    assert.deepEqual(untouched.differences, []);
  });

  it('an up-to-date grant plans nothing and reports what it holds', () => {
    const exact = {
      atoms: held.atoms.filter((a) => a.object.type === 'DATABASE'),
      memberOf: [{ role: 'readers', withAdminOption: false }],
    };
    const plan = planGrant(exact, held, appliedOf(exact));
    assert.deepEqual(plan.differences, []);
    assert.deepEqual(plan.inScope, appliedOf(exact));
  });
});

describe('membership strings', () => {
  const cases: [string, boolean, string][] = [
    ['readers', false, 'readers'],
    ['Readers', true, '"Readers" WITH ADMIN OPTION'],
    ['a"b', false, '"a""b"'],
  ];
  for (const [role, admin, text] of cases) {
    it(text, () => {
      assert.equal(memberText(role, admin), text);
      assert.deepEqual(parseMember(text), { role, admin });
    });
  }
});
