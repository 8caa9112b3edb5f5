// The provider process (src/main.ts) as a real child process against the real API server: health, readiness
// and metrics endpoints, ProviderConfig usage accounting with Kubernetes' own garbage collector, leader
// election between two replicas (one killed with SIGKILL), and a clean SIGTERM shutdown that frees the lease.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { kinds } from '../../../src/apis/registry.ts';
import type { KubeObject } from '../../../src/kube/api.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import { leaseResource, type Lease } from '../../../src/runtime/leader-election.ts';
import { inUseFinalizer } from '../../../src/runtime/provider-config.ts';
import { providerConfigKindLabel, providerConfigLabel } from '../../../src/runtime/provider-config-usage.ts';
import { useTestEnvironment } from '../../harness/environment.ts';
import { connect, freshNamespace, role, roleType } from './support.ts';
import { eventually } from '../../harness/wait.ts';

const mainScript = fileURLToPath(new URL('../../../src/main.ts', import.meta.url));
const leaseName = 'crossplane-leader-election-provider-dbops';

interface LogLine {
  level: string;
  msg: string;
  [key: string]: unknown;
}

interface Replica {
  readonly child: ChildProcess;
  readonly lines: LogLine[];
  readonly exited: Promise<number | null>;
  /** The servers' base URLs from the "Provider started" line: metrics first, then health. */
  urls(): Promise<string[]>;
  logged(msg: string): boolean;
}

let kubeconfigPath: string;
let kube: KubeClient;
const replicas: Replica[] = [];

function startReplica(args: string[]): Replica {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      mainScript,
      '--metrics-bind-address=127.0.0.1:0',
      '--health-probe-bind-address=127.0.0.1:0',
      '--poll-state-metric=1s',
      ...args,
    ],
    { env: { ...process.env, KUBECONFIG: kubeconfigPath }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines: LogLine[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(JSON.parse(line) as LogLine);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const replica: Replica = {
    child,
    lines,
    exited,
    urls: () =>
      eventually('Provider started', () =>
        Promise.resolve(lines.find((l) => l.msg === 'Provider started')?.['servers'] as string[] | undefined),
      ),
    logged: (msg) => lines.some((l) => l.msg === msg),
  };
  replicas.push(replica);
  return replica;
}

interface ProviderConfigObject extends KubeObject {
  status?: { users?: number; conditions?: { type: string; status: string; reason: string }[] };
}

function clusterConfig(name: string): ProviderConfigObject {
  return {
    apiVersion: `${kinds.ClusterProviderConfig.group}/${kinds.ClusterProviderConfig.version}`,
    kind: 'ClusterProviderConfig',
    metadata: { name },
    spec: { credentials: { source: 'None' } },
  } as ProviderConfigObject;
}

async function configOf(name: string): Promise<ProviderConfigObject | undefined> {
  return kube.get<ProviderConfigObject>(kinds.ClusterProviderConfig, { name });
}

async function inUse(name: string): Promise<ProviderConfigObject> {
  return eventually(`${name} has the in-use finalizer`, async () => {
    const pc = await configOf(name);
    return pc?.metadata.finalizers?.includes(inUseFinalizer) ? pc : undefined;
  });
}

before(async () => {
  kubeconfigPath = (await useTestEnvironment()).kube.kubeconfigPath;
  kube = await connect();
});

after(async () => {
  for (const r of replicas) r.child.kill('SIGKILL');
  await Promise.all(replicas.map((r) => r.exited));
  kube.close();
});

describe('provider process', () => {
  it('serves health, readiness and metrics, accounts ProviderConfig usage, and stops cleanly on SIGTERM', async () => {
    const ns = await freshNamespace(kube, 'process');
    const replica = startReplica(['--leader-election', `--leader-election-namespace=${ns}`]);
    const [metricsUrl, healthUrl] = await replica.urls();
    assert.equal((await fetch(`${healthUrl ?? ''}/healthz`)).status, 200);
    await eventually('ready', async () =>
      (await fetch(`${healthUrl ?? ''}/readyz`)).status === 200 ? true : undefined,
    );
    const exposition = await (await fetch(`${metricsUrl ?? ''}/metrics`)).text();
    assert.match(exposition, /^process_cpu_seconds_total /m);
    assert.match(
      exposition,
      /^# TYPE crossplane_managed_resource_first_time_to_readiness_seconds histogram/m,
    );

    // A usage owned by a managed resource keeps its config from being deleted.
    const name = `usage-${String(process.pid)}`;
    await kube.create(kinds.ClusterProviderConfig, clusterConfig(name));
    await inUse(name);
    const owner = await kube.create(roleType, role(ns, 'user-of-config'));
    await kube.create(kinds.ProviderConfigUsage, {
      apiVersion: `${kinds.ProviderConfigUsage.group}/${kinds.ProviderConfigUsage.version}`,
      kind: 'ProviderConfigUsage',
      metadata: {
        name: owner.metadata.uid ?? 'usage',
        namespace: ns,
        labels: { [providerConfigLabel]: name, [providerConfigKindLabel]: 'ClusterProviderConfig' },
        ownerReferences: [
          {
            apiVersion: owner.apiVersion,
            kind: roleType.kind,
            name: owner.metadata.name,
            uid: owner.metadata.uid ?? '',
            controller: true,
          },
        ],
      },
      providerConfigRef: { kind: 'ClusterProviderConfig', name },
      resourceRef: { apiVersion: owner.apiVersion, kind: roleType.kind, name: owner.metadata.name },
    } as KubeObject);
    await eventually('users = 1', async () =>
      (await configOf(name))?.status?.users === 1 ? true : undefined,
    );
    await kube.delete(kinds.ClusterProviderConfig, { name });
    const blocked = await eventually('deletion blocked', async () => {
      const pc = await configOf(name);
      return pc?.status?.conditions?.some((c) => c.type === 'Terminating' && c.reason === 'InUse')
        ? pc
        : undefined;
    });
    assert.ok(blocked.metadata.deletionTimestamp);
    // Deleting the user lets the garbage collector remove the usage; then the config goes.
    await kube.delete(roleType, { namespace: ns, name: 'user-of-config' });
    await eventually(
      'config deleted',
      async () => ((await configOf(name)) === undefined ? true : undefined),
      60_000,
    );

    replica.child.kill('SIGTERM');
    assert.equal(await replica.exited, 0);
    assert.ok(replica.logged('Stopped'));
    const lease = await kube.get<Lease>(leaseResource, { namespace: ns, name: leaseName });
    assert.equal(lease?.spec?.holderIdentity ?? '', '', 'the lease is released on shutdown');
  });

  it('runs two replicas with one leader; the other takes over when the leader is killed', async () => {
    const ns = await freshNamespace(kube, 'election');
    const args = [
      '--leader-election',
      `--leader-election-namespace=${ns}`,
      '--leader-election-lease-duration=4s',
      '--leader-election-renew-deadline=3s',
      '--leader-election-retry-period=500ms',
      '--log-level=debug',
    ];
    const a = startReplica(args);
    const b = startReplica(args);
    const [leader, standby] = await eventually('a leader', () =>
      Promise.resolve(a.logged('became leader') ? [a, b] : b.logged('became leader') ? [b, a] : undefined),
    );
    const first = `election-a-${String(process.pid)}`;
    await kube.create(kinds.ClusterProviderConfig, clusterConfig(first));
    await inUse(first);
    assert.ok(leader.logged('Reconciling'), 'the leader reconciles');
    assert.equal(standby.logged('Reconciling'), false, 'the standby does not reconcile');
    assert.equal(standby.logged('became leader'), false);

    leader.child.kill('SIGKILL');
    await leader.exited;
    await eventually(
      'standby takes over',
      () => Promise.resolve(standby.logged('became leader') ? true : undefined),
      20_000,
    );
    const second = `election-b-${String(process.pid)}`;
    await kube.create(kinds.ClusterProviderConfig, clusterConfig(second));
    await inUse(second);
    standby.child.kill('SIGTERM');
    assert.equal(await standby.exited, 0);
    for (const name of [first, second]) {
      await kube.patch(
        kinds.ClusterProviderConfig,
        { name },
        { metadata: { finalizers: null } },
        { strategy: 'merge' },
      );
      await kube.delete(kinds.ClusterProviderConfig, { name });
    }
  });
});
