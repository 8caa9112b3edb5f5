import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { atomText, parseAtom, type Atom } from '../../../../src/engines/postgres/sql/privileges.ts';

describe('canonical privilege strings', () => {
  const cases: Record<string, { atom: Atom; text: string }> = {
    database: {
      atom: {
        privilege: 'CONNECT',
        object: { type: 'DATABASE', name: 'app' },
        grantable: false,
        database: 'app',
      },
      text: 'CONNECT ON DATABASE app',
    },
    'table with grant option': {
      atom: {
        privilege: 'SELECT',
        object: { type: 'TABLE', schema: 'public', name: 'orders' },
        grantable: true,
        database: 'app',
      },
      text: 'SELECT ON TABLE public.orders IN DATABASE app WITH GRANT OPTION',
    },
    'names that need quotes': {
      atom: {
        privilege: 'USAGE',
        object: { type: 'SEQUENCE', schema: 'My Schema', name: 'a"b' },
        grantable: false,
        database: 'App-1',
      },
      text: 'USAGE ON SEQUENCE "My Schema"."a""b" IN DATABASE "App-1"',
    },
    function: {
      atom: {
        privilege: 'EXECUTE',
        object: { type: 'FUNCTION', schema: 'public', name: 'add', args: 'integer, integer' },
        grantable: false,
        database: 'app',
      },
      text: 'EXECUTE ON FUNCTION public.add(integer, integer) IN DATABASE app',
    },
    'function without arguments': {
      atom: {
        privilege: 'EXECUTE',
        object: { type: 'FUNCTION', schema: 's', name: 'f', args: '' },
        grantable: false,
        database: 'd',
      },
      text: 'EXECUTE ON FUNCTION s.f() IN DATABASE d',
    },
    'default privileges in a schema': {
      atom: {
        privilege: 'SELECT',
        object: { type: 'DEFAULT', objectType: 'TABLES', forRole: 'owner', schema: 'app' },
        grantable: false,
        database: 'd',
      },
      text: 'SELECT ON DEFAULT TABLES IN SCHEMA app FOR ROLE owner IN DATABASE d',
    },
    'default privileges everywhere': {
      atom: {
        privilege: 'USAGE',
        object: { type: 'DEFAULT', objectType: 'TYPES', forRole: 'Owner' },
        grantable: true,
        database: 'd',
      },
      text: 'USAGE ON DEFAULT TYPES FOR ROLE "Owner" IN DATABASE d WITH GRANT OPTION',
    },
  };
  for (const [label, tc] of Object.entries(cases)) {
    it(label, () => {
      assert.equal(atomText(tc.atom), tc.text);
      assert.deepEqual(parseAtom(tc.text), tc.atom);
    });
  }

  it('refuses strings the provider did not write', () => {
    for (const bad of [
      'SELECT',
      'SELECT ON TABLE x',
      'SELECT ON TABLE a.b',
      'CONNECT ON DATABASE a IN DATABASE b',
      'select on table a.b in database c',
    ]) {
      assert.throws(() => parseAtom(bad), /not a canonical privilege/, bad);
    }
  });

  it('round-trips any names', () => {
    const name = fc.string({ minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(name, name, name, fc.boolean(), (schema, table, database, grantable) => {
        const atom: Atom = {
          privilege: 'SELECT',
          object: { type: 'TABLE', schema, name: table },
          grantable,
          database,
        };
        assert.deepEqual(parseAtom(atomText(atom)), atom);
      }),
    );
  });
});
