// What the runtime and tracing benchmarks share: the compiled provider process (runtime-provider.ts), run
// against N DatabaseRole objects created by the benchmark, and what it reports back.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { kinds } from '../src/apis/registry.ts';
import type { KubeApi } from '../src/kube/api.ts';
import type { ManagedResource } from '../src/runtime/managed.ts';
import { inBatches } from './report.ts';

export const roleType = kinds.DatabaseRole;

export function role(namespace: string, i: number): ManagedResource {
  return {
    apiVersion: `${roleType.group}/${roleType.version}`,
    kind: roleType.kind,
    metadata: { name: `role-${String(i)}`, namespace },
    spec: { forProvider: { instanceRef: { name: 'pg' } } },
  };
}

export async function namespace(kube: KubeApi, name: string): Promise<string> {
  await kube.create(
    { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
    { metadata: { name } },
  );
  return name;
}

export interface ProviderResult {
  elapsedMs: number;
  cpuSeconds: number;
  peakRssMiB: number;
  liveHeapMiB: number;
  requests: Record<string, number>;
}

/** The provider side runs compiled, as in production: tsx alone would add tens of MiB to its RSS. */
export function compileProvider(): string {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.bench.json')], {
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('cannot compile the benchmark provider');
  return join(root, 'dist-bench/bench/runtime-provider.js');
}

/**
 * Starts the provider process with `args` (kubeconfig path, namespace, count, rate[, tracing endpoint, metrics
 * port]), creates `n` roles in the namespace once it is watching, and returns what it reports when all are Ready.
 */
export async function runProvider(
  script: string,
  kube: KubeApi,
  args: { kubeconfigPath: string; namespace: string; n: number; rate: number; extra?: string[] },
): Promise<ProviderResult> {
  const argv = [
    args.kubeconfigPath,
    args.namespace,
    String(args.n),
    String(args.rate),
    ...(args.extra ?? []),
  ];
  const child = spawn(process.execPath, ['--expose-gc', script, ...argv], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.value !== 'started') throw new Error(`benchmark provider did not start: ${String(first.value)}`);
  await inBatches(args.n, 20, (i) => kube.create(roleType, role(args.namespace, i)).then(() => undefined));
  const last = await lines.next();
  if (last.done === true) throw new Error('benchmark provider exited without a result');
  return JSON.parse(last.value) as ProviderResult;
}
