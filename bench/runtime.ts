// Benchmark of the managed runtime (issue: runtime): N DatabaseRole objects with a no-op external client are
// taken to Ready by the provider's controller, side by side with the floor — the same objects created and
// marked Ready directly, one status write each — on the same API server in the same run. Prints a table and a
// chart of ratios; run with `npm run bench -- runtime [N…]`.
import { createKubeApi } from '../src/kube/client.ts';
import type { KubeApi } from '../src/kube/api.ts';
import { available, reconcileSuccess, setConditions } from '../src/runtime/conditions.ts';
import { installCrds } from '../test/harness/crds.ts';
import { startControlPlane } from '../test/harness/kube.ts';
import { inBatches, printChart, printTable } from './report.ts';
import {
  compileProvider,
  namespace,
  role,
  roleType as type,
  runProvider,
  type ProviderResult,
} from './runtime-load.ts';

// --max-reconcile-rate for the benchmark: high enough that the API server, not the token bucket, sets the pace.
const reconcileRate = 500;

/** The floor: create each object and write it Ready directly. */
async function floor(kube: KubeApi, ns: string, n: number): Promise<number> {
  const started = Date.now();
  await inBatches(n, 20, async (i) => {
    const created = await kube.create(type, role(ns, i));
    const conditions = setConditions([], [available(), reconcileSuccess()], { now: new Date() });
    await kube.updateStatus(type, { ...created, status: { conditions, phase: 'Ready' } });
  });
  return Date.now() - started;
}

function provider(kube: KubeApi, kubeconfigPath: string, ns: string, n: number): Promise<ProviderResult> {
  return runProvider(providerScript, kube, { kubeconfigPath, namespace: ns, n, rate: reconcileRate });
}

function writesPerObject(result: ProviderResult, n: number, resource: string): number {
  const writes = Object.entries(result.requests)
    .filter(([key]) => /^(create|update|patch|delete) /.test(key) && key.split(' ')[1]?.startsWith(resource))
    .reduce((sum, [, count]) => sum + count, 0);
  return writes / n;
}

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const providerScript = compileProvider();
const plane = await startControlPlane({ unlimited: true });
try {
  const kube = await createKubeApi({ fromString: plane.kubeconfig });
  await installCrds(kube);
  const rows: string[][] = [];
  const chart: { label: string; value: number }[] = [];
  for (const n of sizes.length > 0 ? sizes : [1000, 5000]) {
    const floorMs = await floor(kube, await namespace(kube, `bench-floor-${String(n)}`), n);
    const result = await provider(
      kube,
      plane.kubeconfigPath,
      await namespace(kube, `bench-provider-${String(n)}`),
      n,
    );
    const total = Object.values(result.requests).reduce((a, b) => a + b, 0);
    rows.push([
      String(n),
      (floorMs / 1000).toFixed(1),
      (result.elapsedMs / 1000).toFixed(1),
      (result.elapsedMs / floorMs).toFixed(2),
      writesPerObject(result, n, 'databaseroles').toFixed(2),
      writesPerObject(result, n, 'events').toFixed(2),
      (total / n).toFixed(2),
      result.cpuSeconds.toFixed(1),
      result.peakRssMiB.toFixed(0),
      result.liveHeapMiB.toFixed(0),
    ]);
    chart.push({ label: `${String(n)} objects: provider / floor`, value: result.elapsedMs / floorMs });
    process.stderr.write(`${String(n)}: ${JSON.stringify(result.requests)}\n`);
  }
  printTable(
    [
      'objects',
      'floor s',
      'provider s',
      'ratio',
      'MR writes/obj',
      'event writes/obj',
      'requests/obj',
      'CPU s',
      'peak RSS MiB',
      'live heap MiB',
    ],
    rows,
  );
  printChart(chart);
  kube.close();
} finally {
  await plane.stop();
}
