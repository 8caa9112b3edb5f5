import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DatabaseGrant } from '../../../src/apis/database-grant.ts';
import type { DatabaseInstance } from '../../../src/apis/database-instance.ts';
import { databaseObservation } from '../../../src/resources/database/kind.ts';
import { previouslyApplied } from '../../../src/resources/grant/kind.ts';
import { whyUnusable } from '../../../src/resources/instance/instances.ts';

function instance(
  allowedNamespaces: string[] | undefined,
  extra: { deleting?: boolean; ready?: 'True' | 'False'; message?: string } = {},
): DatabaseInstance {
  return {
    apiVersion: 'dbops.dbprovision.io/v1alpha1',
    kind: 'DatabaseInstance',
    metadata: {
      name: 'pg',
      namespace: 'platform',
      ...(extra.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: {
      forProvider: {
        engine: 'postgres',
        connection: { host: 'db', credentialsSecretRef: { name: 'admin' } },
        ...(allowedNamespaces ? { allowedNamespaces } : {}),
      },
    },
    ...(extra.ready
      ? {
          status: {
            conditions: [
              {
                type: 'Ready',
                status: extra.ready,
                reason: extra.ready === 'True' ? 'Available' : 'Unavailable',
                lastTransitionTime: '2026-01-01T00:00:00Z',
                ...(extra.message ? { message: extra.message } : {}),
              },
            ],
          },
        }
      : {}),
  };
}

describe('whether a dependant may use its instance', () => {
  const cases: {
    name: string;
    instance: DatabaseInstance;
    from: string;
    dependantDeleting?: boolean;
    why?: RegExp;
  }[] = [
    { name: 'its own namespace, no allow-list', instance: instance(undefined), from: 'platform' },
    {
      name: 'another namespace, no allow-list',
      instance: instance(undefined),
      from: 'team-a',
      why: /does not allow namespace team-a/,
    },
    { name: 'a listed namespace', instance: instance(['team-a']), from: 'team-a' },
    {
      name: 'an unlisted namespace',
      instance: instance(['team-a']),
      from: 'team-b',
      why: /does not allow namespace team-b/,
    },
    { name: 'any namespace with *', instance: instance(['*']), from: 'team-b' },
    {
      name: 'an instance being deleted',
      instance: instance(undefined, { deleting: true }),
      from: 'platform',
      why: /being deleted/,
    },
    {
      name: 'an instance being deleted, for a dependant that is being deleted too',
      instance: instance(undefined, { deleting: true }),
      from: 'platform',
      dependantDeleting: true,
    },
    {
      name: 'an unavailable server, with its reason',
      instance: instance(undefined, { ready: 'False', message: 'connect ECONNREFUSED' }),
      from: 'platform',
      why: /is unavailable: connect ECONNREFUSED/,
    },
    { name: 'a server never observed yet', instance: instance(undefined), from: 'platform' },
    { name: 'an available server', instance: instance(undefined, { ready: 'True' }), from: 'platform' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const why = whyUnusable(c.instance, c.from, c.dependantDeleting);
      if (c.why === undefined) assert.equal(why, undefined);
      else assert.match(why ?? '', c.why);
    });
  }
});

describe('Database status from the engine', () => {
  it('keeps the known fields of the right type only', () => {
    assert.deepEqual(
      databaseObservation({ sizeBytes: 8192, owner: 'app', encoding: 'UTF8', collation: 7, extensions: [] }),
      { sizeBytes: 8192, owner: 'app', encoding: 'UTF8' },
    );
    assert.deepEqual(databaseObservation(undefined), {});
  });
});

describe('what a grant applied last', () => {
  const grant = (atProvider?: object): DatabaseGrant =>
    ({ status: atProvider === undefined ? {} : { atProvider } }) as unknown as DatabaseGrant;
  const cases: { name: string; atProvider?: object; expect: unknown }[] = [
    { name: 'nothing recorded', expect: undefined },
    { name: 'cleared after a delete', atProvider: {}, expect: undefined },
    {
      name: 'privileges only',
      atProvider: { privileges: ['CONNECT ON DATABASE d'] },
      expect: { memberOf: [], privileges: ['CONNECT ON DATABASE d'] },
    },
    {
      name: 'memberships only',
      atProvider: { memberOf: ['r'] },
      expect: { memberOf: ['r'], privileges: [] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(previouslyApplied(grant(c.atProvider)), c.expect);
    });
  }
});
