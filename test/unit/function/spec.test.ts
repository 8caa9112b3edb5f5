import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readInput } from '../../../src/function/app-database/input.ts';
import {
  connectionSecretName,
  privilegeProblems,
  readComposite,
} from '../../../src/function/app-database/spec.ts';
import type { JsonObject } from '../../../src/function/protocol/messages.ts';
import { appDatabase } from './fixtures.ts';

const noInput = readInput(undefined).input;
const ref = { instanceRef: { name: 'pg-main', namespace: 'databases' } };

describe('readComposite', () => {
  const cases: { name: string; spec: JsonObject; fields: string[] }[] = [
    { name: 'no instance at all', spec: {}, fields: ['spec.instanceRef'] },
    { name: 'instanceRef without name', spec: { instanceRef: {} }, fields: ['spec.instanceRef.name'] },
    {
      name: 'both instanceRef and instanceSelector',
      spec: { ...ref, instanceSelector: { matchLabels: { a: 'b' } } },
      fields: ['spec.instanceRef'],
    },
    {
      name: 'selector without labels',
      spec: { instanceSelector: {} },
      fields: ['spec.instanceSelector.matchLabels'],
    },
    { name: 'unknown engine', spec: { ...ref, engine: 'oracle' }, fields: ['spec.engine'] },
    { name: 'users not a list', spec: { ...ref, users: 'bob' }, fields: ['spec.users'] },
    {
      name: 'user without name',
      spec: { ...ref, users: [{ privileges: ['CONNECT'] }] },
      fields: ['spec.users[0].name'],
    },
    {
      name: 'hostile user name',
      spec: { ...ref, users: [{ name: 'bob"; DROP ROLE x; --' }] },
      fields: ['spec.users[0].name'],
    },
    {
      name: 'user name too long',
      spec: { ...ref, users: [{ name: 'u'.repeat(64) }] },
      fields: ['spec.users[0].name'],
    },
    {
      name: 'same user twice',
      spec: { ...ref, users: [{ name: 'app' }, { name: 'app' }] },
      fields: ['spec.users[1].name'],
    },
    {
      name: 'privileges not strings',
      spec: { ...ref, users: [{ name: 'app', privileges: [1] }] },
      fields: ['spec.users[0].privileges[0]'],
    },
    {
      name: 'invalid secret name',
      spec: { ...ref, users: [{ name: 'app', connectionSecretName: 'Not_Valid' }] },
      fields: ['spec.users[0].connectionSecretName'],
    },
    { name: 'backup without schedule', spec: { ...ref, backup: {} }, fields: ['spec.backup.schedule'] },
    {
      name: 'database name with a quote',
      spec: { ...ref, database: { name: "o'rders" } },
      fields: ['spec.database.name'],
    },
    { name: 'spec not an object', spec: { spec: 3 }, fields: [] },
  ];
  for (const tc of cases) {
    it(`names the field: ${tc.name}`, () => {
      const composite =
        tc.name === 'spec not an object' ? { ...appDatabase({}), spec: 3 } : appDatabase(tc.spec);
      const { plan, problems } = readComposite(composite, noInput);
      assert.equal(plan, undefined);
      const fields = problems.map((p) => p.field);
      if (tc.fields.length === 0) assert.ok(fields.includes('spec'), JSON.stringify(problems));
      else assert.deepEqual(fields, tc.fields, JSON.stringify(problems));
    });
  }

  it('derives names and defaults from the composite and the Input', () => {
    const { input } = readInput({
      defaults: { instanceRef: { name: 'shared' }, privileges: ['CONNECT'], deletionProtection: true },
      naming: { databasePrefix: 'app_', connectionSecretSuffix: '-credentials' },
      ttlSeconds: 30,
    });
    const { plan, problems } = readComposite(appDatabase({ users: [{ name: 'Orders_App' }] }), input);
    assert.deepEqual(problems, []);
    assert.deepEqual(plan, {
      displayName: 'orders',
      namespace: 'team-a',
      instance: { name: 'shared', namespace: 'team-a' },
      database: { name: 'app_orders', deletionProtection: true },
      users: [
        {
          name: 'Orders_App',
          privileges: ['CONNECT'],
          connectionSecretName: 'orders-orders-app-credentials',
        },
      ],
      ttlSeconds: 30,
    });
  });

  it('puts a legacy composite’s resources in its claim’s namespace, named after the claim', () => {
    const composite: JsonObject = {
      metadata: { name: 'billing-x7k2p' },
      spec: { ...ref, claimRef: { name: 'billing', namespace: 'team-b' }, users: [{ name: 'app' }] },
    };
    const { plan } = readComposite(composite, noInput);
    assert.ok(plan);
    assert.equal(plan.namespace, 'team-b');
    assert.equal(plan.database.name, 'billing');
    assert.equal(plan.users[0]?.connectionSecretName, 'billing-app');
  });

  it('refuses a cluster-scoped composite without claim or default namespace', () => {
    const { problems } = readComposite({ metadata: { name: 'x' }, spec: ref }, noInput);
    assert.deepEqual(
      problems.map((p) => p.field),
      ['metadata.namespace'],
    );
  });
});

describe('privilegeProblems', () => {
  it('allows each engine’s database-level privileges only, naming the offending entry', () => {
    const users = [
      { name: 'a', connectionSecretName: 'a', privileges: ['CONNECT', 'SELECT'] },
      { name: 'b', connectionSecretName: 'b', privileges: ['SELECT'] },
    ];
    assert.deepEqual(
      privilegeProblems(users, 'postgres').map((p) => p.field),
      ['spec.users[0].privileges[1]', 'spec.users[1].privileges[0]'],
    );
    assert.deepEqual(
      privilegeProblems(users, 'mariadb').map((p) => p.field),
      ['spec.users[0].privileges[0]'],
    );
  });
});

describe('connectionSecretName', () => {
  const cases: [string, string, string, string][] = [
    ['orders', 'orders_app', '', 'orders-orders-app'],
    ['orders', 'App.User$1', '-db', 'orders-app.user-1-db'],
    ['x', '__', '', 'x'],
  ];
  for (const [prefix, user, suffix, want] of cases) {
    it(`${prefix} + ${user} + ${suffix} → ${want}`, () => {
      assert.equal(connectionSecretName(prefix, user, suffix), want);
    });
  }
  it('stays within 253 characters', () => {
    assert.ok(connectionSecretName('a'.repeat(250), 'user', '-x').length <= 253);
  });
});
