import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instanceRequirement, runAppDatabase } from '../../../src/function/app-database/run.ts';
import type { JsonObject, RunFunctionResponse } from '../../../src/function/protocol/messages.ts';
import { appDatabase, instance, readyStatus, request } from './fixtures.ts';

const spec: JsonObject = {
  instanceRef: { name: 'pg-main', namespace: 'databases' },
  database: { name: 'orders' },
  users: [{ name: 'orders_app', privileges: ['CONNECT', 'CREATE'] }, { name: 'report' }],
};

function fatal(response: RunFunctionResponse): string | undefined {
  return response.results?.find((r) => r.severity === 'SEVERITY_FATAL')?.message;
}

function resource(response: RunFunctionResponse, key: string): JsonObject {
  const found = response.desired?.resources?.[key]?.resource;
  assert.ok(found, `desired resource ${key}`);
  return found;
}

describe('runAppDatabase', () => {
  it('first asks Crossplane for the DatabaseInstance and composes nothing yet', () => {
    const response = runAppDatabase(request(appDatabase(spec), { tag: 'abc' }));
    assert.deepEqual(response.meta, { tag: 'abc', ttl: '60s' });
    assert.deepEqual(response.requirements, {
      resources: {
        [instanceRequirement]: {
          apiVersion: 'dbops.dbprovision.io/v1alpha1',
          kind: 'DatabaseInstance',
          namespace: 'databases',
          matchName: 'pg-main',
        },
      },
    });
    assert.deepEqual(response.desired?.resources, {});
    assert.equal(response.results, undefined);
  });

  it('composes a database, a user and a grant per user, and writes the status', () => {
    const response = runAppDatabase(request(appDatabase(spec), { instances: [instance('postgres')] }));
    assert.equal(fatal(response), undefined);
    assert.deepEqual(Object.keys(response.desired?.resources ?? {}).sort(), [
      'database',
      'grant-orders_app',
      'grant-report',
      'user-orders_app',
      'user-report',
    ]);
    const grant = resource(response, 'grant-report');
    assert.deepEqual((grant['spec'] as JsonObject)['forProvider'], {
      instanceRef: { name: 'pg-main', namespace: 'databases' },
      userSelector: {
        matchControllerRef: true,
        matchLabels: { 'dbops.dbprovision.io/component': 'user-report' },
      },
      databaseSelector: {
        matchControllerRef: true,
        matchLabels: { 'dbops.dbprovision.io/component': 'database' },
      },
      postgres: { database: { privileges: ['CONNECT', 'TEMPORARY'] } },
    });
    const user = resource(response, 'user-orders_app');
    assert.deepEqual(user['metadata'], {
      labels: { 'dbops.dbprovision.io/component': 'user-orders_app' },
      annotations: { 'crossplane.io/external-name': 'orders_app' },
      namespace: 'team-a',
    });
    assert.deepEqual((user['spec'] as JsonObject)['writeConnectionSecretToRef'], {
      name: 'orders-orders-app',
    });
    assert.deepEqual(response.desired?.composite?.resource?.['status'], {
      engine: 'postgres',
      instance: { name: 'pg-main', namespace: 'databases' },
      databaseName: 'orders',
      users: [
        { name: 'orders_app', connectionSecretName: 'orders-orders-app' },
        { name: 'report', connectionSecretName: 'orders-report' },
      ],
    });
    assert.deepEqual(response.conditions, [
      {
        type: 'InstanceReady',
        status: 'STATUS_CONDITION_TRUE',
        reason: 'Available',
        message: 'DatabaseInstance databases/pg-main is ready',
        target: 'TARGET_COMPOSITE_AND_CLAIM',
      },
    ]);
  });

  it('uses MySQL privileges and settings on a MariaDB instance', () => {
    const composite = appDatabase({
      ...spec,
      users: [{ name: 'app' }],
      database: { name: 'orders', mysql: { charset: 'utf8mb4' }, postgres: { owner: 'x' } },
    });
    const response = runAppDatabase(request(composite, { instances: [instance('mariadb')] }));
    const forProvider = (resource(response, 'grant-app')['spec'] as JsonObject)['forProvider'] as JsonObject;
    assert.deepEqual(forProvider['mysql'], {
      database: { privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] },
    });
    const database = (resource(response, 'database')['spec'] as JsonObject)['forProvider'] as JsonObject;
    assert.deepEqual(database['mysql'], { charset: 'utf8mb4' });
    assert.equal(database['postgres'], undefined);
  });

  it('marks resources ready from their observed Ready condition only', () => {
    const observed = {
      database: { metadata: { name: 'orders-abcde' }, status: readyStatus },
      'user-orders_app': {
        metadata: { name: 'orders-fghij' },
        status: { conditions: [{ type: 'Ready', status: 'False' }] },
      },
    };
    const response = runAppDatabase(
      request(appDatabase(spec), { instances: [instance('postgres')], observed }),
    );
    const ready = (key: string) => response.desired?.resources?.[key]?.ready;
    assert.equal(ready('database'), 'READY_TRUE');
    assert.equal(ready('user-orders_app'), undefined);
    assert.equal(ready('grant-report'), undefined);
  });

  it('adds the backup schedule once the Database exists, naming it', () => {
    const composite = appDatabase({ ...spec, backup: { schedule: '@daily', retention: { keepLast: 3 } } });
    const before = runAppDatabase(request(composite, { instances: [instance('postgres')] }));
    assert.equal(before.desired?.resources?.['backup-schedule'], undefined);
    const after = runAppDatabase(
      request(composite, {
        instances: [instance('postgres')],
        observed: { database: { metadata: { name: 'orders-abcde' } } },
      }),
    );
    const schedule = (resource(after, 'backup-schedule')['spec'] as JsonObject)['forProvider'];
    assert.deepEqual(schedule, {
      schedule: '@daily',
      retention: { keepLast: 3 },
      backupTemplate: { forProvider: { databaseRef: { name: 'orders-abcde' } } },
    });
  });

  it('keeps what earlier pipeline steps desired, and their context', () => {
    const earlier = { resources: { bucket: { resource: { kind: 'Bucket' }, ready: 'READY_TRUE' as const } } };
    const req = {
      ...request(appDatabase(spec), { instances: [instance('postgres')], desired: earlier }),
      context: { a: 1 },
    };
    const response = runAppDatabase(req);
    assert.deepEqual(response.desired?.resources?.['bucket'], earlier.resources.bucket);
    assert.deepEqual(response.context, { a: 1 });
  });

  const refusals: { name: string; composite: JsonObject; instances: JsonObject[]; says: RegExp }[] = [
    {
      name: 'a namespace the instance does not allow',
      composite: appDatabase(spec, 'team-z'),
      instances: [instance('postgres')],
      says: /spec\.instanceRef: DatabaseInstance databases\/pg-main does not allow namespace team-z/,
    },
    {
      name: 'an unknown privilege',
      composite: appDatabase({ ...spec, users: [{ name: 'a', privileges: ['SELEC'] }] }),
      instances: [instance('postgres')],
      says: /spec\.users\[0\]\.privileges\[0\]: unknown privilege "SELEC" on a postgres database/,
    },
    {
      name: 'an engine other than the instance’s',
      composite: appDatabase({ ...spec, engine: 'mysql' }),
      instances: [instance('postgres')],
      says: /spec\.engine: is mysql but DatabaseInstance databases\/pg-main runs postgres/,
    },
    {
      name: 'a missing instance without engine',
      composite: appDatabase(spec),
      instances: [],
      says: /spec\.engine: is required while DatabaseInstance databases\/pg-main cannot be read/,
    },
    {
      name: 'a selector matching nothing',
      composite: appDatabase({ instanceSelector: { matchLabels: { tier: 'gold' } } }),
      instances: [],
      says: /spec\.instanceSelector: no DatabaseInstance in team-a labelled tier=gold exists/,
    },
  ];
  for (const tc of refusals) {
    it(`refuses ${tc.name} with a Fatal result naming the field`, () => {
      const response = runAppDatabase(request(tc.composite, { instances: tc.instances }));
      assert.match(fatal(response) ?? '', tc.says);
      assert.deepEqual(response.desired?.resources, {});
    });
  }

  it('composes against a missing instance when the engine is given, saying it waits', () => {
    const response = runAppDatabase(request(appDatabase({ ...spec, engine: 'postgres' }), { instances: [] }));
    assert.equal(fatal(response), undefined);
    assert.ok(response.desired?.resources?.['database']);
    const instanceCondition = response.conditions?.find((c) => c.type === 'InstanceReady');
    assert.ok(instanceCondition);
    assert.equal(instanceCondition.status, 'STATUS_CONDITION_FALSE');
    assert.equal(instanceCondition.reason, 'NotFound');
  });

  it('picks the same instance on every render when a selector matches several', () => {
    const composite = appDatabase({ instanceSelector: { matchLabels: { tier: 'gold' } } });
    const b = instance('postgres', { name: 'pg-b', namespace: 'team-a' });
    const a = instance('postgres', { name: 'pg-a', namespace: 'team-a' });
    const response = runAppDatabase(request(composite, { instances: [b, a] }));
    assert.deepEqual((response.desired?.composite?.resource?.['status'] as JsonObject)['instance'], {
      name: 'pg-a',
      namespace: 'team-a',
    });
  });

  it('takes the TTL from the Input and reports Input problems', () => {
    assert.equal(runAppDatabase(request(appDatabase(spec), { input: { ttlSeconds: 15 } })).meta.ttl, '15s');
    assert.match(
      fatal(runAppDatabase(request(appDatabase(spec), { input: { ttlSeconds: -1 } }))) ?? '',
      /input\.ttlSeconds/,
    );
  });

  it('refuses an Input the schema refuses, with the field and the limit (the naming maxLength included)', () => {
    const input = { naming: { databasePrefix: 'p'.repeat(33) } };
    assert.equal(
      fatal(runAppDatabase(request(appDatabase(spec), { input }))),
      'input.naming.databasePrefix: must be at most 32 characters long, not 33',
    );
  });
});
