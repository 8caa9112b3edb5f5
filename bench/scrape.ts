// Benchmark of /metrics (issue: monitoring): the provider's registry holding the dbops_* and Crossplane
// series of N objects (instances, databases, users, roles and grants, with their operations, sizes and info
// series and the cached-state counts), scraped repeatedly: time per scrape and exposition size, against the
// same registry with no objects (the baseline) in the same run. Run with `npm run bench -- scrape [N]`.
import { createProviderMetrics } from '../src/metrics/registry.ts';
import { recordCachedState } from '../src/resources/metrics.ts';
import type { ManagedResource } from '../src/runtime/managed.ts';
import { printChart, printTable } from './report.ts';

const n = Number(process.argv[2] ?? 10_000);
const scrapes = 30;
const kinds = ['DatabaseInstance', 'Database', 'DatabaseUser', 'DatabaseRole', 'DatabaseGrant'] as const;

function object(kind: string, i: number): ManagedResource {
  const instance = `pg-${String(i % 50)}`;
  const forProvider =
    kind === 'DatabaseInstance'
      ? {
          engine: 'postgres',
          connection: { host: `db-${String(i)}.internal`, credentialsSecretRef: { name: 's' } },
        }
      : {
          instanceRef: { name: instance },
          userRef: { name: `user-${String(i)}` },
          databaseRef: { name: `db-${String(i)}` },
        };
  return {
    apiVersion: 'dbops.dbprovision.io/v1alpha1',
    kind,
    metadata: { name: `${kind.toLowerCase()}-${String(i)}`, namespace: `team-${String(i % 20)}` },
    spec: { forProvider },
    status: { phase: i % 10 === 0 ? 'Failed' : 'Ready', atProvider: { version: '15.4' } },
  };
}

/** A registry with the series of `count` objects spread evenly over the kinds. */
function populated(count: number) {
  const metrics = createProviderMetrics({ defaultMetrics: false });
  const cached = kinds.map((kind, k) => ({
    kind,
    objects: Array.from({ length: Math.ceil(count / kinds.length) }, (_, i) =>
      object(kind, i * kinds.length + k),
    ),
  }));
  recordCachedState(metrics.dbops, cached);
  for (let i = 0; i < Math.ceil(count / kinds.length); i++) {
    const namespace = `team-${String(i % 20)}`;
    metrics.dbops.set(
      'dbops_database_size_bytes',
      { database: `db-${String(i)}`, instance: `pg-${String(i % 50)}`, engine: 'postgres', namespace },
      8_000_000 + i,
    );
  }
  for (let i = 0; i < 50; i++) {
    const labels = { instance: `pg-${String(i)}`, engine: 'postgres', namespace: `team-${String(i % 20)}` };
    metrics.dbops.set('dbops_instance_healthy', labels, 1);
    metrics.dbops.observe('dbops_connection_latency_seconds', labels, 0.004);
    metrics.dbops.count('dbops_connection_attempts_total', { ...labels, status: 'success' });
  }
  // Every operation counter series the label sets allow: 4 kinds × 20 namespaces × 3 operations × 2 outcomes.
  const outcomes = ['create', 'update', 'delete'].flatMap((operation) =>
    ['success', 'failure'].map((status) => ({ operation, status })),
  );
  for (const kind of ['database', 'user', 'role', 'grant']) {
    for (let ns = 0; ns < 20; ns++) {
      for (const outcome of outcomes) {
        metrics.dbops.count(`dbops_${kind}_operations_total` as 'dbops_user_operations_total', {
          ...outcome,
          engine: 'postgres',
          namespace: `team-${String(ns)}`,
        });
      }
    }
  }
  return metrics.registry;
}

async function measure(count: number): Promise<{ medianMs: number; p99Ms: number; bytes: number }> {
  const registry = populated(count);
  let bytes = 0;
  const times: number[] = [];
  for (let i = 0; i < scrapes; i++) {
    const started = performance.now();
    bytes = Buffer.byteLength(await registry.metrics());
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return {
    medianMs: times[Math.floor(times.length / 2)] ?? 0,
    p99Ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] ?? 0,
    bytes,
  };
}

const baseline = await measure(0);
const loaded = await measure(n);
printTable(
  ['objects', 'scrape median ms', 'scrape p99 ms', 'exposition KiB'],
  [
    ['0', baseline.medianMs.toFixed(1), baseline.p99Ms.toFixed(1), (baseline.bytes / 1024).toFixed(0)],
    [String(n), loaded.medianMs.toFixed(1), loaded.p99Ms.toFixed(1), (loaded.bytes / 1024).toFixed(0)],
  ],
);
printChart([
  {
    label: `scrape of ${String(n)} objects / empty registry`,
    value: loaded.medianMs / Math.max(baseline.medianMs, 0.01),
  },
]);
