import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMetricsRegistry, createProviderMetrics } from '../../../src/metrics/registry.ts';

describe('createMetricsRegistry', () => {
  it('collects the process and Node.js defaults', async () => {
    const names = (await createMetricsRegistry().getMetricsAsJSON()).map((m) => m.name);
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_gc_duration_seconds',
    ]) {
      assert.ok(names.includes(name), `${name} missing from ${names.join(', ')}`);
    }
  });

  it('leaves the defaults out on request', async () => {
    assert.deepEqual(await createMetricsRegistry({ defaultMetrics: false }).getMetricsAsJSON(), []);
  });

  it('makes independent registries, so two can exist in one process', async () => {
    const a = createProviderMetrics({ defaultMetrics: false });
    const b = createProviderMetrics({ defaultMetrics: false });
    a.managedResourceStates.record([{ gvk: 'g/v, Kind=K', exists: 1, ready: 1, synced: 1 }]);
    assert.match(await a.registry.metrics(), /crossplane_managed_resource_exists\{gvk="g\/v, Kind=K"\} 1/);
    assert.doesNotMatch(await b.registry.metrics(), /Kind=K/);
  });
});

describe('createProviderMetrics', () => {
  it("holds Crossplane's seven managed-resource metrics and the 27 dbops metrics", async () => {
    const metrics = createProviderMetrics({ defaultMetrics: false });
    const all = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    assert.equal(all.filter((n) => n.startsWith('dbops_')).length, 27);
    const names = all.filter((n) => !n.startsWith('dbops_')).sort();
    assert.deepEqual(names, [
      'crossplane_managed_resource_deletion_seconds',
      'crossplane_managed_resource_drift_seconds',
      'crossplane_managed_resource_exists',
      'crossplane_managed_resource_first_time_to_readiness_seconds',
      'crossplane_managed_resource_first_time_to_reconcile_seconds',
      'crossplane_managed_resource_ready',
      'crossplane_managed_resource_synced',
    ]);
  });
});
