import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoleRow } from '../../../../src/engines/postgres/catalog.ts';
import { roleDefaults } from '../../../../src/engines/postgres/roles.ts';
import {
  diffDatabase,
  planDatabase,
  planRole,
  type DesiredRole,
  type ObservedDatabase,
} from '../../../../src/engines/postgres/diff.ts';
import type { PostgresDatabase } from '../../../../src/engines/postgres/sql/database.ts';

const observed: ObservedDatabase = {
  owner: 'admin',
  encoding: 'UTF8',
  collation: 'C.UTF-8',
  ctype: 'C.UTF-8',
  tablespace: 'pg_default',
  connectionLimit: -1,
  isTemplate: false,
  allowConnections: true,
  sizeBytes: 7_000_000,
  settings: [],
  extensions: [{ name: 'hstore', schema: 'public', version: '1.7' }],
  schemas: [{ name: 'app', owner: 'admin' }],
};

describe('diffDatabase', () => {
  const cases: Record<string, { desired: PostgresDatabase | undefined; want: string[] }> = {
    'no postgres settings: defaults match': { desired: undefined, want: [] },
    'create-only settings are never differences': {
      desired: { encoding: 'LATIN1', lcCollate: 'de_DE', template: 'template0' },
      want: [],
    },
    'settings that differ': {
      desired: {
        owner: 'app',
        connectionLimit: 20,
        isTemplate: true,
        allowConnections: false,
        tablespace: 'fast',
      },
      want: [
        'owner admin → app',
        'tablespace pg_default → fast',
        'connection limit -1 → 20',
        'is template false → true',
        'allow connections true → false',
      ],
    },
    'extensions: missing, version, schema; unversioned matches any version': {
      desired: {
        extensions: [{ name: 'citext' }, { name: 'hstore', version: '1.8', schema: 'ext' }],
      },
      want: [
        'extension citext missing',
        'extension hstore version 1.7 → 1.8',
        'extension hstore schema public → ext',
      ],
    },
    'schemas: missing, owner defaults to the database owner': {
      desired: { owner: 'admin', schemas: [{ name: 'app' }, { name: 'reports', owner: 'bob' }] },
      want: ['schema reports missing'],
    },
    'schema owner differs': {
      desired: { schemas: [{ name: 'app', owner: 'bob' }] },
      want: ['schema app owner admin → bob'],
    },
  };
  for (const [label, tc] of Object.entries(cases)) {
    it(label, () => {
      assert.deepEqual(diffDatabase('db', observed, tc.desired), tc.want);
    });
  }

  it('runs database settings on the admin connection and contents inside the database', () => {
    const plan = planDatabase('db', observed, { connectionLimit: 1, extensions: [{ name: 'citext' }] });
    assert.deepEqual(
      plan.map((c) => [c.in, c.sql]),
      [
        ['admin', 'ALTER DATABASE "db" WITH CONNECTION LIMIT 1'],
        ['database', 'CREATE EXTENSION IF NOT EXISTS "citext" SCHEMA "public"'],
      ],
    );
  });

  it('creates a schema before an extension that goes into it (the shipped example does this)', () => {
    const plan = planDatabase('db', observed, {
      extensions: [{ name: 'pg_trgm', schema: 'search' }],
      schemas: [{ name: 'app' }, { name: 'search' }],
    });
    const sql = plan.map((c) => c.sql);
    const schema = sql.findIndex((q) => q.startsWith('CREATE SCHEMA'));
    const extension = sql.findIndex((q) => q.startsWith('CREATE EXTENSION'));
    assert.ok(schema >= 0 && extension > schema, JSON.stringify(sql));
  });
});

const role: RoleRow = {
  login: true,
  ...roleDefaults,
  validUntil: null,
  config: ['search_path="$user", public', 'statement_timeout=5s'],
  memberOf: ['readers'],
};

const want = (
  overrides: Partial<DesiredRole> = {},
  attrs: Partial<DesiredRole['attributes']> = {},
): DesiredRole => ({
  attributes: { ...role, ...attrs, validUntil: attrs.validUntil ?? null },
  inRoles: ['readers'],
  config: { search_path: '$user,public', statement_timeout: '5s' },
  ...overrides,
});

describe('planRole', () => {
  const cases: Record<string, { desired: DesiredRole; want: string[] }> = {
    'up to date (list settings compared element-wise)': { desired: want(), want: [] },
    'attributes in one statement': {
      desired: want({}, { createDB: true, connectionLimit: 3, validUntil: Date.UTC(2030, 0, 1) }),
      want: ['createDB false → true, connection limit -1 → 3, valid until never → 2030-01-01T00:00:00.000Z'],
    },
    'memberships are added, never removed': {
      desired: want({ inRoles: ['writers'] }),
      want: ['not a member of writers'],
    },
    'settings changed and removed': {
      desired: want({ config: { statement_timeout: '10s', work_mem: '64MB' } }),
      want: [
        'setting statement_timeout 5s → 10s',
        'setting work_mem unset → 64MB',
        'setting search_path "$user", public → unset',
      ],
    },
  };
  for (const [label, tc] of Object.entries(cases)) {
    it(label, () => {
      assert.deepEqual(
        planRole('u', role, tc.desired).map((c) => c.description),
        tc.want,
      );
    });
  }

  it('issues ALTER ROLE with only the changed attributes', () => {
    const [change] = planRole('u', role, want({}, { createDB: true }));
    assert.equal(change?.sql, 'ALTER ROLE "u" WITH CREATEDB');
  });
});
