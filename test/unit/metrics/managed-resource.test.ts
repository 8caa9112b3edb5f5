import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ManagedResourceMetrics,
  ManagedResourceStateMetrics,
  countStates,
  gvkLabel,
  type ManagedObject,
  type ManagedResourceStateCount,
} from '../../../src/metrics/managed-resource.ts';
import { createMetricsRegistry, type MetricsRegistry } from '../../../src/metrics/registry.ts';

const created = '2026-01-01T00:00:00Z';
const t0 = Date.parse(created);
const databaseGvk = 'dbops.dbprovision.io/v1alpha1, Kind=Database';

function object(
  name: string,
  conditions: Record<string, string> = {},
  extra: Partial<ManagedObject['metadata']> & { kind?: string } = {},
): ManagedObject {
  const { kind = 'Database', ...metadata } = extra;
  return {
    apiVersion: 'dbops.dbprovision.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', creationTimestamp: created, ...metadata },
    status: { conditions: Object.entries(conditions).map(([type, status]) => ({ type, status })) },
  };
}

interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

async function samples(registry: MetricsRegistry, name: string): Promise<Sample[]> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  assert.ok(metric, `${name} is registered`);
  return metric.values as Sample[];
}

/** Observation count and sum of a histogram for one gvk. */
async function histogram(
  registry: MetricsRegistry,
  name: string,
  gvk = databaseGvk,
): Promise<[number, number]> {
  const values = await samples(registry, name);
  const pick = (suffix: string): number =>
    values.find((v) => v.metricName === `${name}${suffix}` && v.labels['gvk'] === gvk)?.value ?? 0;
  return [pick('_count'), pick('_sum')];
}

function setup(): { registry: MetricsRegistry; recorder: ManagedResourceMetrics; clock: { now: number } } {
  const registry = createMetricsRegistry({ defaultMetrics: false });
  const clock = { now: t0 };
  return { registry, recorder: new ManagedResourceMetrics(registry, () => clock.now), clock };
}

const ttr = 'crossplane_managed_resource_first_time_to_reconcile_seconds';
const ttReady = 'crossplane_managed_resource_first_time_to_readiness_seconds';
const deletion = 'crossplane_managed_resource_deletion_seconds';
const drift = 'crossplane_managed_resource_drift_seconds';

describe('gvkLabel', () => {
  const cases: [string, string, string][] = [
    ['dbops.dbprovision.io/v1alpha1', 'Database', databaseGvk],
    ['v1', 'Secret', '/v1, Kind=Secret'],
  ];
  for (const [apiVersion, kind, want] of cases) {
    it(`${apiVersion} ${kind} → ${want} (Go's GroupVersionKind.String())`, () => {
      assert.equal(gvkLabel(apiVersion, kind), want);
    });
  }
});

describe('ManagedResourceMetrics', () => {
  it("registers crossplane-runtime's histograms with their names, help, label and buckets", async () => {
    const { registry, recorder, clock } = setup();
    const mg = object('a', {}, { deletionTimestamp: created });
    recorder.recordFirstTimeReconciled(mg);
    recorder.recordUnchanged(mg);
    recorder.recordDrift(mg);
    recorder.recordFirstTimeReady(object('a', { Ready: 'True' }));
    clock.now += 1;
    recorder.recordDeleted(mg);
    // Go's ExponentialBuckets(10e-9, 10, 10) multiplies step by step, and these are its float64 results.
    const exponential = [
      1e-8, 1e-7, 1e-6, 9.999999999999999e-6, 9.999999999999999e-5, 0.001, 0.01, 0.1, 1, 10,
    ];
    const minutes = [1, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
    const want: [string, string, number[]][] = [
      [ttr, 'The time it took for a managed resource to be detected by the controller', exponential],
      [ttReady, 'The time it took for a managed resource to become ready first time after creation', minutes],
      [deletion, 'The time it took for a managed resource to be deleted', minutes],
      [
        drift,
        'ALPHA: How long since the previous successful reconcile when a resource was found to be out of sync; excludes restart of the provider',
        exponential,
      ],
    ];
    const metrics = await registry.getMetricsAsJSON();
    for (const [name, help, buckets] of want) {
      const metric = metrics.find((m) => m.name === name);
      assert.ok(metric, name);
      assert.equal(metric.type, 'histogram');
      assert.equal(metric.help, help);
      const bounds = (metric.values as Sample[])
        .filter((v) => v.metricName === `${name}_bucket`)
        .map((v) => v.labels['le']);
      assert.deepEqual(bounds.slice(0, -1).map(Number), buckets);
      assert.equal(bounds.at(-1), '+Inf');
      for (const value of metric.values as Sample[]) {
        assert.deepEqual(
          Object.keys(value.labels).filter((label) => label !== 'le'),
          ['gvk'],
        );
      }
    }
  });

  it('observes creation → first reconcile once, while Synced is Unknown', async () => {
    const { registry, recorder, clock } = setup();
    clock.now = t0 + 2500;
    recorder.recordFirstTimeReconciled(object('a'));
    recorder.recordFirstTimeReconciled(object('a')); // the first status write failed: same reconcile again
    recorder.recordFirstTimeReconciled(object('b', { Synced: 'True' })); // already reconciled before a restart
    recorder.recordFirstTimeReconciled(object('c', { Synced: 'Unknown' }));
    assert.deepEqual(await histogram(registry, ttr), [2, 5]);
  });

  it('observes creation → Ready only after a first reconcile, and only once', async () => {
    const { registry, recorder, clock } = setup();
    recorder.recordFirstTimeReady(object('before-restart', { Ready: 'True' }));
    clock.now = t0 + 1000;
    recorder.recordFirstTimeReconciled(object('a'));
    clock.now = t0 + 45_000;
    recorder.recordFirstTimeReady(object('a', { Ready: 'False' }));
    assert.deepEqual(await histogram(registry, ttReady), [0, 0]);
    recorder.recordFirstTimeReady(object('a', { Ready: 'True' }));
    recorder.recordFirstTimeReady(object('a', { Ready: 'True' }));
    assert.deepEqual(await histogram(registry, ttReady), [1, 45]);
  });

  it('keys objects by kind, namespace and name, unlike crossplane-runtime', async () => {
    const { registry, recorder, clock } = setup();
    recorder.recordFirstTimeReconciled(object('app', {}, { namespace: 'team-a' }));
    recorder.recordFirstTimeReconciled(object('app', {}, { namespace: 'team-b' }));
    recorder.recordFirstTimeReconciled(object('app', {}, { namespace: 'team-a', kind: 'DatabaseUser' }));
    clock.now = t0 + 10_000;
    recorder.recordFirstTimeReady(object('app', { Ready: 'True' }, { namespace: 'team-b' }));
    assert.deepEqual(await histogram(registry, ttr), [2, 0]);
    assert.deepEqual(
      await histogram(registry, ttr, 'dbops.dbprovision.io/v1alpha1, Kind=DatabaseUser'),
      [1, 0],
    );
    assert.deepEqual(await histogram(registry, ttReady), [1, 10]);
    recorder.recordFirstTimeReady(object('app', { Ready: 'True' }, { namespace: 'team-a' }));
    assert.deepEqual(await histogram(registry, ttReady), [2, 20]);
  });

  it('observes drift as the time since the last unchanged reconcile', async () => {
    const { registry, recorder, clock } = setup();
    const mg = object('a');
    recorder.recordDrift(mg); // nothing unchanged seen yet (e.g. just after a restart)
    assert.deepEqual(await histogram(registry, drift), [0, 0]);
    recorder.recordUnchanged(mg);
    clock.now += 60_000;
    recorder.recordDrift(mg);
    clock.now += 30_000;
    recorder.recordDrift(mg); // measured from the previous drift fix
    assert.deepEqual(await histogram(registry, drift), [2, 90]);
  });

  it('observes deletion time and forgets the object', async () => {
    const { registry, recorder, clock } = setup();
    recorder.recordUnchanged(object('a'));
    clock.now = t0 + 7000;
    recorder.recordDeleted(object('a', {}, { deletionTimestamp: new Date(t0 + 4000).toISOString() }));
    assert.deepEqual(await histogram(registry, deletion), [1, 3]);
    recorder.recordDrift(object('a'));
    assert.deepEqual(await histogram(registry, drift), [0, 0]);
    recorder.recordDeleted(object('no-timestamp'));
    assert.deepEqual(await histogram(registry, deletion), [1, 3]);
  });

  it('forget() drops the lifecycle of an object deleted elsewhere', async () => {
    const { registry, recorder } = setup();
    recorder.recordFirstTimeReconciled(object('a'));
    recorder.forget(object('a'));
    recorder.recordFirstTimeReady(object('a', { Ready: 'True' }));
    assert.deepEqual(await histogram(registry, ttReady), [0, 0]);
  });

  it('never observes a negative duration when the API server clock is ahead', async () => {
    const { registry, recorder, clock } = setup();
    clock.now = t0 - 5000;
    recorder.recordFirstTimeReconciled(object('a'));
    assert.deepEqual(await histogram(registry, ttr), [1, 0]);
  });
});

describe('countStates', () => {
  it('counts objects, Ready=True and Synced=True like MRStateRecorder', () => {
    const objects = [
      object('a', { Ready: 'True', Synced: 'True' }),
      object('b', { Ready: 'False', Synced: 'True' }),
      object('c', { Ready: 'Unknown' }),
      { apiVersion: 'dbops.dbprovision.io/v1alpha1', kind: 'Database', metadata: { name: 'no-status' } },
    ];
    assert.deepEqual(countStates(databaseGvk, objects), { gvk: databaseGvk, exists: 4, ready: 1, synced: 2 });
  });
});

/** Waits with a referenced timer: the recorder's own interval is unref'd and would let the test process exit. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('ManagedResourceStateMetrics', () => {
  const gauges = [
    ['crossplane_managed_resource_exists', 'The number of managed resources that exist'],
    ['crossplane_managed_resource_ready', 'The number of managed resources in Ready=True state'],
    ['crossplane_managed_resource_synced', 'The number of managed resources in Synced=True state'],
  ] as const;

  async function values(registry: MetricsRegistry): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [name] of gauges) {
      out[name] = Object.fromEntries(
        (await samples(registry, name)).map((s) => [String(s.labels['gvk']), s.value]),
      );
    }
    return out;
  }

  it("registers crossplane-runtime's gauges with their names, help and gvk label", async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    new ManagedResourceStateMetrics(registry).record([{ gvk: databaseGvk, exists: 3, ready: 2, synced: 1 }]);
    const metrics = await registry.getMetricsAsJSON();
    for (const [name, help] of gauges) {
      const metric = metrics.find((m) => m.name === name);
      assert.equal(metric?.type, 'gauge');
      assert.equal(metric.help, help);
    }
    assert.deepEqual(await values(registry), {
      crossplane_managed_resource_exists: { [databaseGvk]: 3 },
      crossplane_managed_resource_ready: { [databaseGvk]: 2 },
      crossplane_managed_resource_synced: { [databaseGvk]: 1 },
    });
  });

  it('records at start and then periodically; a kind left out keeps its last values', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const rounds: ManagedResourceStateCount[][] = [
      [
        { gvk: 'g/v, Kind=A', exists: 1, ready: 0, synced: 0 },
        { gvk: 'g/v, Kind=B', exists: 5, ready: 5, synced: 5 },
      ],
      [{ gvk: 'g/v, Kind=A', exists: 2, ready: 1, synced: 1 }],
    ];
    let calls = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const recording = new ManagedResourceStateMetrics(registry).start({
      intervalMs: 5,
      count: () => {
        const round = rounds[Math.min(calls, rounds.length - 1)] ?? [];
        calls += 1;
        if (calls === 3) done();
        return Promise.resolve(round);
      },
    });
    const keepAlive = setInterval(() => undefined, 1000);
    await finished;
    clearInterval(keepAlive);
    recording.stop();
    const after = calls;
    await sleep(20);
    assert.equal(calls, after, 'no counts after stop()');
    assert.deepEqual((await values(registry))['crossplane_managed_resource_exists'], {
      'g/v, Kind=A': 2,
      'g/v, Kind=B': 5,
    });
  });

  it('reports a failed count and keeps going; never runs two counts at once', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const errors: unknown[] = [];
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    const recording = new ManagedResourceStateMetrics(registry).start({
      intervalMs: 2,
      count: async () => {
        calls += 1;
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await sleep(15);
        running -= 1;
        if (calls === 1) throw new Error('list failed');
        return [];
      },
      onError: (err) => errors.push(err),
    });
    await sleep(60);
    recording.stop();
    assert.equal(maxRunning, 1);
    assert.ok(calls >= 2, `counted ${calls} times`);
    assert.equal(errors.length, 1);
  });
});
