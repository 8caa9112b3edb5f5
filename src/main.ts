// The provider entrypoint and composition root: flags → config → wiring → start, and stop on SIGTERM.
import { kinds } from './apis/registry.ts';
import { configOrExit } from './config/config-or-exit.ts';
import { parseProviderFlags } from './config/flags.ts';
import { createKubeApi } from './kube/client.ts';
import { createLogger, type Logger } from './log/logger.ts';
import { redactSecrets } from './log/redact.ts';
import { countStates, gvkLabel } from './metrics/managed-resource.ts';
import { createProviderMetrics } from './metrics/registry.ts';
import { startHealthServer, startMetricsServer, type RunningServer } from './metrics/server.ts';
import { managedKinds } from './resources/index.ts';
import { startStateMetrics } from './resources/metrics.ts';
import { CachedKube } from './runtime/cached-kube.ts';
import { KubeEventRecorder } from './runtime/events.ts';
import { ProviderRuntime } from './runtime/provider.ts';
import { startTracing } from './tracing/start.ts';

const leaseName = 'crossplane-leader-election-provider-dbops';

async function main(): Promise<void> {
  const config = configOrExit('provider', () => parseProviderFlags(process.argv.slice(2), process.env));
  const log: Logger = createLogger({ level: config.logLevel, format: config.logFormat });
  // Before anything that makes spans; a no-op (nothing loaded) when no endpoint is configured.
  const tracing = await startTracing(
    { endpoint: config.tracingEndpoint, sampleRate: config.tracingSampleRate },
    log.child({ logger: 'tracing' }),
  );
  const kube = await createKubeApi(config.kubeconfig === undefined ? {} : { fromFile: config.kubeconfig });
  const metrics = createProviderMetrics();
  const cache = new CachedKube(kube);
  const managed = managedKinds(cache, { metrics: metrics.dbops });
  const runtime = new ProviderRuntime({
    kube,
    log,
    events: new KubeEventRecorder(kube, { log }),
    metrics: metrics.managedResources,
    kinds: managed.kinds,
    cache,
    providerConfigs: {
      types: [kinds.ProviderConfig, kinds.ClusterProviderConfig],
      usageType: kinds.ProviderConfigUsage,
    },
    poll: { pollMs: config.pollIntervalMs, jitterMs: config.pollJitterMs },
    syncIntervalMs: config.syncIntervalMs,
    maxReconcileRate: config.maxReconcileRate,
    managementPoliciesEnabled: config.enableManagementPolicies,
    redact: redactSecrets,
    ...(config.leaderElection
      ? {
          leaderElection: {
            namespace: config.leaderElectionNamespace,
            name: leaseName,
            ...config.leaderElectionTiming,
          },
        }
      : {}),
    onLostLeadership: () => process.exit(1),
  });

  const servers: RunningServer[] = [];
  if (config.metricsBindAddress) {
    servers.push(await startMetricsServer({ address: config.metricsBindAddress, source: metrics.registry }));
  }
  if (config.healthProbeBindAddress) {
    servers.push(
      await startHealthServer({
        address: config.healthProbeBindAddress,
        readiness: { controllers: () => runtime.readiness() },
      }),
    );
  }
  const states = metrics.managedResourceStates.start({
    intervalMs: config.pollStateMetricIntervalMs,
    count: () =>
      runtime
        .cachedManagedObjects()
        .map(({ type, objects }) =>
          countStates(gvkLabel(`${type.group}/${type.version}`, type.kind), objects),
        ),
  });
  const stateMetrics = startStateMetrics(
    metrics.dbops,
    () => runtime.cachedManagedObjects(),
    config.pollStateMetricIntervalMs,
  );
  runtime.start();
  log.info({ servers: servers.map((s) => s.url) }, 'Provider started');

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'Shutting down: finishing in-flight reconciles');
    states.stop();
    stateMetrics();
    void runtime
      .stop()
      // Tracing stops after the runtime, so the last reconciles' spans are flushed (bounded by its timeout).
      .then(() => Promise.all([managed.close(), ...servers.map((s) => s.close()), tracing.shutdown()]))
      .then(() => {
        kube.close();
        log.info({}, 'Stopped');
        process.exit(0);
      });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

await main();
