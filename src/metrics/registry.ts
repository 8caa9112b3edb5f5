// One private prom-client Registry per process rather than prom-client's global one, so nothing a dependency
// registers globally leaks into /metrics and tests can build as many independent registries as they need.
// createProviderMetrics is the single place the provider's metric sets are built: the dbops_* metrics of
// spec/monitoring.md join the ProviderMetrics bundle here without changing its callers.
import { Registry, collectDefaultMetrics } from 'prom-client';
import { DbopsMetrics } from './dbops.ts';
import { ManagedResourceMetrics, ManagedResourceStateMetrics } from './managed-resource.ts';

export type MetricsRegistry = Registry;

export interface RegistryOptions {
  /** process_* and nodejs_* metrics (CPU, memory, event loop, GC); default true. */
  defaultMetrics?: boolean;
}

const misnamedDefaults = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

export function createMetricsRegistry(options: RegistryOptions = {}): MetricsRegistry {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    // prom-client names these gauges *_total, which Prometheus reserves for counters (promtool check metrics
    // rejects them); the event-loop and heap metrics say the same more usefully.
    for (const name of misnamedDefaults) registry.removeSingleMetric(name);
  }
  return registry;
}

export interface ProviderMetrics {
  readonly registry: MetricsRegistry;
  /** crossplane_managed_resource_{first_time_to_reconcile,first_time_to_readiness,deletion,drift}_seconds. */
  readonly managedResources: ManagedResourceMetrics;
  /** crossplane_managed_resource_{exists,ready,synced}. */
  readonly managedResourceStates: ManagedResourceStateMetrics;
  /** The 27 dbops_* metrics of spec/monitoring.md. */
  readonly dbops: DbopsMetrics;
}

export interface ProviderMetricsOptions extends RegistryOptions {
  /** Clock for the lifecycle histograms (ms since the epoch); tests inject one. */
  now?: () => number;
}

export function createProviderMetrics(options: ProviderMetricsOptions = {}): ProviderMetrics {
  const registry = createMetricsRegistry(options);
  return {
    registry,
    managedResources: new ManagedResourceMetrics(registry, options.now),
    managedResourceStates: new ManagedResourceStateMetrics(registry),
    dbops: new DbopsMetrics(registry),
  };
}
