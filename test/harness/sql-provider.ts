// The provider's runtime with every SQL kind, in this process, for tests and benchmarks: the same wiring as
// src/main.ts without flags, servers or leader election.
import { kinds } from '../../src/apis/registry.ts';
import type { KubeApi } from '../../src/kube/api.ts';
import { nopLogger } from '../../src/log/logger.ts';
import { redactSecrets } from '../../src/log/redact.ts';
import { createProviderMetrics } from '../../src/metrics/registry.ts';
import { managedKinds } from '../../src/resources/index.ts';
import { CachedKube } from '../../src/runtime/cached-kube.ts';
import { KubeEventRecorder } from '../../src/runtime/events.ts';
import { ProviderRuntime } from '../../src/runtime/provider.ts';

export interface SqlProviderOptions {
  pollMs: number;
  /** Reconcile only this namespace. */
  namespace?: string;
  creationGracePeriodMs?: number;
  maxReconcileRate?: number;
}

/** Starts the runtime; the returned function stops it and closes every instance's pool. */
export function startSqlProvider(kube: KubeApi, options: SqlProviderOptions): () => Promise<void> {
  const cache = new CachedKube(kube);
  const managed = managedKinds(cache);
  const runtime = new ProviderRuntime({
    kube,
    log: nopLogger,
    events: new KubeEventRecorder(kube),
    metrics: createProviderMetrics({ defaultMetrics: false }).managedResources,
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
  runtime.start();
  return async () => {
    await runtime.stop();
    await managed.close();
  };
}
