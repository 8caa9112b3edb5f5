// The provider's runtime with every SQL kind, in this process, for tests and benchmarks: the same wiring as
// src/main.ts without flags, servers or leader election.
import { kinds } from '../../src/apis/registry.ts';
import type { KubeApi } from '../../src/kube/api.ts';
import { nopLogger, type Logger } from '../../src/log/logger.ts';
import { redactSecrets } from '../../src/log/redact.ts';
import { createProviderMetrics, type MetricsRegistry } from '../../src/metrics/registry.ts';
import { managedKinds } from '../../src/resources/index.ts';
import { startStateMetrics } from '../../src/resources/metrics.ts';
import { CachedKube } from '../../src/runtime/cached-kube.ts';
import { KubeEventRecorder } from '../../src/runtime/events.ts';
import { ProviderRuntime } from '../../src/runtime/provider.ts';

export interface SqlProviderOptions {
  pollMs: number;
  /** Reconcile only this namespace. */
  namespace?: string;
  creationGracePeriodMs?: number;
  maxReconcileRate?: number;
  /** Where the runtime logs; nowhere by default. */
  log?: Logger;
}

export interface SqlProvider {
  /** The provider's metrics registry, with the dbops_* series it recorded. */
  registry: MetricsRegistry;
  /** Stops the runtime and closes every instance's pool. */
  stop(): Promise<void>;
}

export function startSqlProvider(kube: KubeApi, options: SqlProviderOptions): SqlProvider {
  const metrics = createProviderMetrics({ defaultMetrics: false });
  const cache = new CachedKube(kube);
  const managed = managedKinds(cache, { metrics: metrics.dbops });
  const runtime = new ProviderRuntime({
    kube,
    log: options.log ?? nopLogger,
    events: new KubeEventRecorder(kube),
    metrics: metrics.managedResources,
    kinds: managed.kinds,
    cache,
    providerConfigs: {
      types: [kinds.ProviderConfig, kinds.ClusterProviderConfig],
      usageType: kinds.ProviderConfigUsage,
    },
    poll: { pollMs: options.pollMs, jitterMs: 0 },
    syncIntervalMs: 3_600_000,
    maxReconcileRate: options.maxReconcileRate ?? 10,
    managementPoliciesEnabled: true,
    redact: redactSecrets,
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    ...(options.creationGracePeriodMs === undefined
      ? {}
      : { creationGracePeriodMs: options.creationGracePeriodMs }),
  });
  const stopStateMetrics = startStateMetrics(metrics.dbops, () => runtime.cachedManagedObjects(), 500);
  runtime.start();
  return {
    registry: metrics.registry,
    async stop() {
      stopStateMetrics();
      await runtime.stop();
      await managed.close();
    },
  };
}
