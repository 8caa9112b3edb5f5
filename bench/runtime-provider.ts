// The provider side of the runtime benchmark, run as its own process so its CPU time and peak RSS are its
// own: a DatabaseRole controller with a no-op external client in one namespace. It prints one JSON line when
// `count` objects are Ready, then exits. The tracing benchmark also passes a tracing endpoint ('' for off) and
// a port on which to serve /metrics with the managed-resource metrics the reconciler records.
import { kinds } from '../src/apis/registry.ts';
import { createKubeApi } from '../src/kube/client.ts';
import { Controller } from '../src/runtime/controller.ts';
import { getCondition } from '../src/runtime/conditions.ts';
import { KubeEventRecorder } from '../src/runtime/events.ts';
import { nopLogger } from '../src/log/logger.ts';
import { createProviderMetrics } from '../src/metrics/registry.ts';
import { startMetricsServer } from '../src/metrics/server.ts';
import { startTracing } from '../src/tracing/start.ts';
import type { ManagedResource } from '../src/runtime/managed.ts';
import { globalRateLimiter, ReconcileRateLimiter } from '../src/runtime/rate-limiter.ts';
import { defaultReconcilerOptions, ManagedReconciler } from '../src/runtime/reconciler.ts';
import { FakeExternal } from '../test/fakes/external.ts';

const [
  kubeconfigPath = '',
  namespace = '',
  countText = '0',
  rateText = '100',
  tracingEndpoint = '',
  metricsPort = '',
] = process.argv.slice(2);
const count = Number(countText);
const rate = Number(rateText);
const requests: Record<string, number> = {};
const kube = await createKubeApi({
  fromFile: kubeconfigPath,
  onRequest: (verb, resource) => {
    const key = `${verb} ${resource}`;
    requests[key] = (requests[key] ?? 0) + 1;
  },
});
const tracing = await startTracing({ endpoint: tracingEndpoint, sampleRate: 1 }, nopLogger);
const metrics = metricsPort === '' ? undefined : createProviderMetrics({ defaultMetrics: false });
const metricsServer =
  metrics === undefined
    ? undefined
    : await startMetricsServer({
        address: { host: '127.0.0.1', port: Number(metricsPort) },
        source: metrics.registry,
      });
const events = new KubeEventRecorder(kube);
const type = kinds.DatabaseRole;
const controller = new Controller<ManagedResource>(kube, type, {
  name: 'bench',
  namespace,
  concurrency: Math.min(rate, 50),
  rateLimiter: new ReconcileRateLimiter(globalRateLimiter(rate)),
  log: nopLogger,
});
const reconciler = new ManagedReconciler<ManagedResource>(
  {
    kube,
    type,
    connector: new FakeExternal(),
    get: (key) => controller.get(key),
    events,
    log: nopLogger,
    ...(metrics === undefined ? {} : { metrics: metrics.managedResources }),
  },
  { ...defaultReconcilerOptions, pollDelay: () => 3_600_000 },
);

const cpuStart = process.cpuUsage();
let firstSeen = 0;
const ready = new Set<string>();
const done = new Promise<void>((resolve) => {
  const note = (mg: ManagedResource): void => {
    if (mg.metadata.namespace !== namespace) return;
    if (firstSeen === 0) firstSeen = Date.now();
    if (getCondition(mg.status?.conditions, 'Ready').status === 'True') ready.add(mg.metadata.name);
    if (ready.size >= count) resolve();
  };
  controller.informer.addHandlers({
    add: note,
    update: (_, mg) => {
      note(mg);
    },
  });
});
await controller.start((key) => reconciler.reconcile(key));
process.stdout.write('started\n');
await done;
const elapsedMs = Date.now() - firstSeen;
const cpu = process.cpuUsage(cpuStart);
await controller.stop();
await tracing.shutdown();
await metricsServer?.close();
// With --expose-gc (the benchmark passes it): what stays live, apart from garbage not yet collected.
(globalThis as { gc?: () => void }).gc?.();
process.stdout.write(
  `${JSON.stringify({
    elapsedMs,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    liveHeapMiB: process.memoryUsage().heapUsed / 1048576,
    requests,
  })}\n`,
);
kube.close();
process.exit(0);
