// The dbops_* metrics against the contract: the monitoring spec's table (names, types, labels) and the
// original operator's buckets, read from ../shared as the steering team keeps them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DbopsMetrics, dbopsMetricSpecs } from '../../../src/metrics/dbops.ts';
import { createMetricsRegistry } from '../../../src/metrics/registry.ts';
import { parseExposition } from '../../integration/metrics/exposition.ts';

const shared = new URL('../../../../shared/', import.meta.url);

function read(path: string): string {
  try {
    return readFileSync(new URL(path, shared), 'utf8');
  } catch (err) {
    throw new Error(`the contract ${path} is read from ../shared beside the checkout`, { cause: err });
  }
}

/** Rows of the spec's metric tables: | `name` | Type | labels | description | */
function specRows(): Map<string, { type: string; labels: string[] }> {
  const rows = new Map<string, { type: string; labels: string[] }>();
  for (const line of read('spec/monitoring.md').split('\n')) {
    const m = /^\| `(dbops_[a-z_]+)` \| (Counter|Gauge|Histogram) \| ([a-z_, ]+) \|/.exec(line);
    if (m?.[1] && m[2] && m[3]) {
      rows.set(m[1], { type: m[2].toLowerCase(), labels: m[3].split(',').map((l) => l.trim()) });
    }
  }
  return rows;
}

/** Buckets of the original operator's histograms (reference §5), by metric name. */
function referenceBuckets(): Map<string, number[]> {
  const text = read('reference/original-operator.md');
  const buckets = new Map<string, number[]>();
  for (const line of text.split('\n')) {
    const m = /`(dbops_[a-z_]+)` \| histogram, (?:buckets ([\d. ]+)|same buckets as backup)/.exec(line);
    if (!m?.[1]) continue;
    buckets.set(
      m[1],
      m[2] ? m[2].trim().split(/\s+/).map(Number) : (buckets.get('dbops_backup_duration_seconds') ?? []),
    );
  }
  return buckets;
}

describe('dbops metrics match the monitoring spec', () => {
  const rows = specRows();

  it('the spec lists 27 metrics and so do we, with the same names', () => {
    assert.equal(rows.size, 27);
    assert.deepEqual(dbopsMetricSpecs.map((m) => m.name).sort(), [...rows.keys()].sort());
  });

  for (const spec of dbopsMetricSpecs) {
    it(`${spec.name}: type and labels`, () => {
      const row = rows.get(spec.name);
      assert.deepEqual({ type: spec.type, labels: [...spec.labels] }, row);
    });
  }

  it('histogram buckets are the original operator’s', () => {
    const reference = referenceBuckets();
    const ours = dbopsMetricSpecs.filter((m) => m.type === 'histogram');
    assert.equal(ours.length, 4);
    for (const m of ours) assert.deepEqual([...m.buckets], reference.get(m.name), m.name);
  });
});

describe('dbops metric series', () => {
  async function exposition(
    metrics: DbopsMetrics,
    registry = createMetricsRegistry({ defaultMetrics: false }),
  ) {
    return parseExposition(await registry.metrics());
  }

  it('expose valid families with HELP and TYPE, and histograms with every bucket', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const metrics = new DbopsMetrics(registry);
    metrics.observe(
      'dbops_connection_latency_seconds',
      { instance: 'pg', engine: 'postgres', namespace: 'a' },
      0.02,
    );
    metrics.count('dbops_database_operations_total', {
      operation: 'create',
      engine: 'postgres',
      status: 'success',
      namespace: 'a',
    });
    const families = await exposition(metrics, registry);
    assert.equal(families.size, 27);
    const latency = families.get('dbops_connection_latency_seconds');
    assert.equal(latency?.type, 'histogram');
    assert.equal(latency.samples.filter((s) => s.name.endsWith('_bucket')).length, 13);
    assert.equal(families.get('dbops_database_operations_total')?.samples[0]?.value, 1);
  });

  it('an info metric keeps one series per object: a new phase replaces the old one', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const metrics = new DbopsMetrics(registry);
    const info = (phase: string, name = 'orders') => ({
      database: name,
      namespace: 'a',
      instance_ref: 'pg',
      db_name: name,
      phase,
    });
    metrics.setInfo('dbops_database_info', info('Pending'));
    metrics.setInfo('dbops_database_info', info('Ready'));
    metrics.setInfo('dbops_database_info', info('Ready', 'users'));
    const samples = (await exposition(metrics, registry)).get('dbops_database_info')?.samples ?? [];
    assert.deepEqual(
      samples.map((s) => [s.labels['database'], s.labels['phase'], s.value]),
      [
        ['orders', 'Ready', 1],
        ['users', 'Ready', 1],
      ],
    );
  });

  it('forget removes a deleted object’s series and no other', async () => {
    const registry = createMetricsRegistry({ defaultMetrics: false });
    const metrics = new DbopsMetrics(registry);
    for (const instance of ['pg', 'maria']) {
      metrics.set('dbops_instance_healthy', { instance, engine: 'postgres', namespace: 'a' }, 1);
    }
    metrics.forget('dbops_instance_healthy', { instance: 'pg', namespace: 'a' });
    const samples = (await exposition(metrics, registry)).get('dbops_instance_healthy')?.samples ?? [];
    assert.deepEqual(
      samples.map((s) => s.labels['instance']),
      ['maria'],
    );
  });
});
