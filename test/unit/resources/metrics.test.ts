import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DbopsMetrics } from '../../../src/metrics/dbops.ts';
import { createMetricsRegistry } from '../../../src/metrics/registry.ts';
import { DeletionProtectedError } from '../../../src/resources/database/kind.ts';
import {
  countedOperations,
  infoSeries,
  initialiseOperations,
  recordCachedState,
} from '../../../src/resources/metrics.ts';
import type { ExternalClient } from '../../../src/runtime/external.ts';
import type { ManagedResource } from '../../../src/runtime/managed.ts';
import { parseExposition } from '../../integration/metrics/exposition.ts';

function mg(
  kind: string,
  name: string,
  forProvider: object,
  extra: Partial<ManagedResource> = {},
): ManagedResource {
  return {
    apiVersion: 'dbops.dbprovision.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'team' },
    spec: { forProvider },
    ...extra,
  };
}

async function samples(registry: ReturnType<typeof createMetricsRegistry>, family: string) {
  return parseExposition(await registry.metrics()).get(family)?.samples ?? [];
}

describe('info series of each kind', () => {
  const cases: { name: string; object: ManagedResource; want: ReturnType<typeof infoSeries> }[] = [
    {
      name: 'an instance, with its version, host and default port',
      object: mg(
        'DatabaseInstance',
        'pg',
        { engine: 'postgres', connection: { host: 'db', credentialsSecretRef: { name: 's' } } },
        { status: { phase: 'Ready', atProvider: { version: '15.1' } } },
      ),
      want: {
        metric: 'dbops_instance_info',
        labels: {
          instance: 'pg',
          namespace: 'team',
          engine: 'postgres',
          version: '15.1',
          host: 'db',
          port: '5432',
          phase: 'Ready',
        },
      },
    },
    {
      name: 'a database named on the server by its external name; Pending before any status',
      object: mg(
        'Database',
        'orders',
        { instanceRef: { name: 'pg' } },
        {
          metadata: {
            name: 'orders',
            namespace: 'team',
            annotations: { 'crossplane.io/external-name': 'orders_db' },
          },
        },
      ),
      want: {
        metric: 'dbops_database_info',
        labels: {
          database: 'orders',
          namespace: 'team',
          instance_ref: 'pg',
          db_name: 'orders_db',
          phase: 'Pending',
        },
      },
    },
    {
      name: 'a grant, with what it applied',
      object: mg(
        'DatabaseGrant',
        'g',
        { userRef: { name: 'app' }, databaseRef: { name: 'orders' } },
        {
          status: { phase: 'Ready', atProvider: { memberOf: ['r'], privileges: ['CONNECT ON DATABASE d'] } },
        },
      ),
      want: {
        metric: 'dbops_grant_info',
        labels: {
          grant: 'g',
          namespace: 'team',
          user_ref: 'app',
          database_ref: 'orders',
          privileges: 'r,CONNECT ON DATABASE d',
          phase: 'Ready',
        },
      },
    },
    { name: 'a kind without one', object: mg('DatabaseBackup', 'b', {}), want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(infoSeries(c.object), c.want);
    });
  }
});

describe('state series from the caches', () => {
  it('count by kind and phase, and drop the series of objects that are gone', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const metrics = new DbopsMetrics(registry);
    const ready = { status: { phase: 'Ready' } };
    const dbs = [mg('Database', 'a', {}, ready), mg('Database', 'b', {}, ready), mg('Database', 'c', {})];
    recordCachedState(metrics, [{ kind: 'Database', objects: dbs }]);
    const counts = (await samples(registry, 'dbops_resource_count')).map((s) => [s.labels['phase'], s.value]);
    assert.deepEqual(counts.sort(), [
      ['Pending', 1],
      ['Ready', 2],
    ]);
    recordCachedState(metrics, [{ kind: 'Database', objects: dbs.slice(0, 1) }]);
    const names = (await samples(registry, 'dbops_database_info')).map((s) => s.labels['database']);
    assert.deepEqual(names, ['a']);
  });
});

describe('operation counters', () => {
  it('count each create, update and delete once, with its outcome', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const metrics = new DbopsMetrics(registry);
    const client: ExternalClient<ManagedResource> = {
      observe: () => Promise.resolve({ resourceExists: true, resourceUpToDate: true }),
      create: () => Promise.resolve({}),
      update: () => Promise.reject(new Error('boom')),
      delete: () => Promise.resolve(),
    };
    const counted = countedOperations(metrics, 'Database', 'postgres', client);
    const db = mg('Database', 'a', {});
    const signal = new AbortController().signal;
    await counted.create(db, signal);
    await assert.rejects(counted.update(db, signal), /boom/);
    await counted.delete(db, signal);
    await counted.observe(db, signal);
    const ops = (await samples(registry, 'dbops_database_operations_total')).map((s) => [
      s.labels['operation'],
      s.labels['status'],
      s.value,
    ]);
    assert.deepEqual(ops.sort(), [
      ['create', 'success', 1],
      ['delete', 'success', 1],
      ['update', 'failure', 1],
    ]);
    const durations = await samples(registry, 'dbops_database_operation_duration_seconds');
    assert.deepEqual(
      [
        ...new Set(durations.filter((s) => s.name.endsWith('_count')).map((s) => s.labels['operation'])),
      ].sort(),
      ['create', 'delete'],
    );
  });

  it("do not count a refusal by the object's own policy (deletion protection) as a failed delete", async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const client: ExternalClient<ManagedResource> = {
      observe: () => Promise.resolve({ resourceExists: true, resourceUpToDate: true }),
      create: () => Promise.resolve({}),
      update: () => Promise.resolve({}),
      delete: () => Promise.reject(new DeletionProtectedError('database a is protected')),
    };
    const counted = countedOperations(new DbopsMetrics(registry), 'Database', 'postgres', client);
    const signal = new AbortController().signal;
    for (let retry = 0; retry < 3; retry++) {
      await assert.rejects(counted.delete(mg('Database', 'a', {}), signal), /is protected/);
    }
    assert.deepEqual(await samples(registry, 'dbops_database_operations_total'), []);
  });
});

describe('operation series born at zero', () => {
  it('exist for every kind, operation and status before the first operation, and the first one counts', async () => {
    const registry = createMetricsRegistry();
    const metrics = new DbopsMetrics(registry);
    initialiseOperations(metrics, 'postgres', 'team');
    const users = await samples(registry, 'dbops_user_operations_total');
    assert.equal(users.length, 6, 'create, update, delete × success, failure');
    assert.ok(users.every((s) => s.value === 0 && s.labels['namespace'] === 'team'));
    const buckets = (await samples(registry, 'dbops_database_operation_duration_seconds')).filter((s) =>
      s.name.endsWith('_count'),
    );
    assert.deepEqual(
      buckets.map((s) => [s.labels['operation'], s.value]),
      [
        ['create', 0],
        ['update', 0],
        ['delete', 0],
      ],
    );
  });

  it('never resets a series that already counts (initialising again is harmless)', async () => {
    const registry = createMetricsRegistry();
    const metrics = new DbopsMetrics(registry);
    metrics.observe(
      'dbops_database_operation_duration_seconds',
      { operation: 'create', engine: 'mariadb', namespace: 'team' },
      0.2,
    );
    metrics.count('dbops_database_operations_total', {
      operation: 'create',
      engine: 'mariadb',
      status: 'success',
      namespace: 'team',
    });
    initialiseOperations(metrics, 'mariadb', 'team');
    initialiseOperations(metrics, 'mariadb', 'team');
    const created = (await samples(registry, 'dbops_database_operations_total')).find(
      (s) => s.labels['operation'] === 'create' && s.labels['status'] === 'success',
    );
    assert.equal(created?.value, 1);
    const count = (await samples(registry, 'dbops_database_operation_duration_seconds')).find(
      (s) => s.name.endsWith('_count') && s.labels['operation'] === 'create',
    );
    assert.equal(count?.value, 1);
  });
});
