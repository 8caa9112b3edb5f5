// The two providers the SQL benchmark races, each run as its own process with the same flags so their CPU time
// and peak RSS are their own: provider-dbops (this repo's src/main.ts, compiled) and crossplane-contrib's
// provider-sql (built from the Go module proxy by scripts/build-bench-binaries.sh).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeApi, ResourceType } from '../src/kube/api.ts';
import { applyCrdDir } from '../test/harness/crds.ts';
import { httpGet } from '../test/harness/https-probe.ts';
import { freePort } from '../test/harness/ports.ts';
import { startProcess, waitUntilReady, type ManagedProcess } from '../test/harness/processes.ts';
import { benchBinaries } from './processes.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export const providerSqlVersion = '0.16.0';

/** The flags both providers get, so neither is favoured by its defaults. */
export interface ProviderFlags {
  pollMs: number;
  maxReconcileRate: number;
}

/** The control plane's kubeconfig, and where the provider's log goes (kept after the run, for reading). */
export interface ProviderPlace {
  kubeconfigPath: string;
  logDir: string;
}

export interface RunningProvider {
  readonly pid: number;
  readonly logFile: string;
  stop(): Promise<void>;
}

async function startWithMetrics(
  name: string,
  [command, ...args]: string[],
  at: ProviderPlace,
  port: number,
): Promise<ManagedProcess> {
  if (command === undefined) throw new Error(`no command for ${name}`);
  const proc = startProcess({
    name,
    command,
    args,
    logFile: join(at.logDir, `${name}.log`),
    env: { ...process.env, KUBECONFIG: at.kubeconfigPath },
  });
  // Both serve /metrics once their controllers are set up; that is the "started" signal common to both.
  await waitUntilReady(
    proc,
    async () => (await httpGet(`http://127.0.0.1:${String(port)}/metrics`)).status === 200,
    60_000,
  );
  return proc;
}

/** src/ is compiled once per benchmark run, however many rounds start the provider. */
let compiled = false;

/**
 * Compiles src/ to JavaScript (as the image runs it, no TypeScript loader in the process) and starts
 * src/main.ts against the control plane.
 */
export async function startProviderDbops(
  at: ProviderPlace,
  flags: ProviderFlags,
  extraArgs: string[] = [],
): Promise<RunningProvider> {
  const out = join(root, 'dist-bench', 'provider-dbops');
  if (!compiled) {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const built = spawnSync(
      process.execPath,
      [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out, '--sourceMap', 'false'],
      { stdio: 'inherit' },
    );
    if (built.status !== 0) throw new Error('cannot compile src/ for the benchmark');
    compiled = true;
  }
  const [metrics, health] = [await freePort(), await freePort()];
  // BENCH_SQL_PROFILE=<dir>: the provider writes a V8 CPU profile there when it stops.
  const profile = process.env['BENCH_SQL_PROFILE'];
  const profiling = profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`];
  return startWithMetrics(
    'provider-dbops',
    [
      process.execPath,
      ...profiling,
      join(out, 'main.js'),
      `--poll=${String(flags.pollMs / 1000)}s`,
      '--poll-jitter=0',
      `--max-reconcile-rate=${String(flags.maxReconcileRate)}`,
      `--metrics-bind-address=127.0.0.1:${String(metrics)}`,
      `--health-probe-bind-address=127.0.0.1:${String(health)}`,
      ...extraArgs,
    ],
    at,
    metrics,
  );
}

export function providerSqlBinary(): string {
  return join(
    benchBinaries('build', { PROVIDER_SQL_VERSION: providerSqlVersion }),
    `provider-sql-${providerSqlVersion}`,
  );
}

/** Installs every CRD provider-sql ships (it starts controllers for all its kinds) and waits until served. */
export function installProviderSqlCrds(kube: KubeApi): Promise<void> {
  return applyCrdDir(
    kube,
    join(benchBinaries('provider-sql-dir', { PROVIDER_SQL_VERSION: providerSqlVersion }), 'package', 'crds'),
    'dbops-bench',
  );
}

export const providerSqlKinds = Object.fromEntries(
  (
    [
      ['ProviderConfig', 'providerconfigs'],
      ['Database', 'databases'],
      ['Role', 'roles'],
      ['Grant', 'grants'],
    ] as const
  ).map(([kind, plural]) => [
    kind,
    { group: 'postgresql.sql.m.crossplane.io', version: 'v1alpha1', kind, plural, namespaced: true },
  ]),
) as Record<'ProviderConfig' | 'Database' | 'Role' | 'Grant', ResourceType>;

/**
 * Starts provider-sql out of cluster the way upstream's `make run` does (KUBECONFIG, no kubeconfig flag), with
 * the same poll interval and reconcile rate as ours.
 */
export async function startProviderSql(at: ProviderPlace, flags: ProviderFlags): Promise<RunningProvider> {
  const binary = providerSqlBinary();
  const metrics = await freePort();
  return startWithMetrics(
    'provider-sql',
    [
      binary,
      `--poll=${String(flags.pollMs / 1000)}s`,
      `--max-reconcile-rate=${String(flags.maxReconcileRate)}`,
      `--metrics-bind-address=127.0.0.1:${String(metrics)}`,
    ],
    at,
    metrics,
  );
}
