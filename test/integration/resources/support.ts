// Runs the provider's runtime with every SQL kind against the harness's real API server and database servers,
// scoped to a fresh namespace, and gives tests small helpers to create objects and wait for their conditions.
import { kinds } from '../../../src/apis/registry.ts';
import type { KubeObject, ResourceType } from '../../../src/kube/api.ts';
import { createKubeApi, type KubeClient } from '../../../src/kube/client.ts';
import { namespaceType, secretType, secretValue, type Secret } from '../../../src/kube/core.ts';
import type { Logger } from '../../../src/log/logger.ts';
import type { MetricsRegistry } from '../../../src/metrics/registry.ts';
import { eventResource } from '../../../src/runtime/events.ts';
import type { ManagedResource } from '../../../src/runtime/managed.ts';
import { installCrds } from '../../harness/crds.ts';
import { startControlPlane } from '../../harness/kube.ts';
import { startSqlProvider, type SqlProvider } from '../../harness/sql-provider.ts';
import { useTestEnvironment, type TestEnvironment } from '../../harness/environment.ts';
import type { DatabaseLogin } from '../../harness/postgres.ts';
import { eventually } from '../../harness/wait.ts';
import { parseExposition, type Sample } from '../metrics/exposition.ts';

export type Kind = 'DatabaseInstance' | 'Database' | 'DatabaseUser' | 'DatabaseRole' | 'DatabaseGrant';

export interface Provider {
  env: TestEnvironment;
  kube: KubeClient;
  namespace: string;
  /** Creates a managed resource of `kind` in the namespace. */
  create(
    kind: Kind,
    name: string,
    spec: Record<string, unknown>,
    annotations?: Record<string, string>,
  ): Promise<void>;
  get(kind: Kind, name: string): Promise<ManagedResource | undefined>;
  /** Merge-patches the spec. */
  patchSpec(kind: Kind, name: string, spec: Record<string, unknown>): Promise<void>;
  delete(kind: Kind, name: string): Promise<void>;
  /** Waits until Ready and Synced are True. */
  ready(kind: Kind, name: string, timeoutMs?: number): Promise<ManagedResource>;
  /** Waits until the condition of `type` has `status` and its message matches. */
  condition(
    kind: Kind,
    name: string,
    type: string,
    status: string,
    message?: RegExp,
  ): Promise<ManagedResource>;
  gone(kind: Kind, name: string): Promise<void>;
  secret(name: string, data: Record<string, string>): Promise<void>;
  secretData(name: string): Promise<Record<string, string>>;
  /** An admin Secret and a DatabaseInstance (TLS off: the harness servers have none) for `login`. */
  instance(name: string, engine: 'postgres' | 'mariadb', login: DatabaseLogin): Promise<void>;
  warnings(name: string): Promise<string[]>;
  /** The provider's metrics registry. */
  registry: MetricsRegistry;
  /** The samples of one metric family the provider exposes now. */
  samples(metric: string): Promise<Sample[]>;
  /**
   * The same provider seen from another, new namespace (a second tenant). Only with a private control plane,
   * where the provider watches every namespace as it does in production.
   */
  tenant(purpose: string): Promise<Provider>;
  /** Stops the provider, runs `meanwhile`, and starts a new one (nothing kept in memory survives). */
  restart(meanwhile?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export interface ProviderOptions {
  pollMs?: number;
  /**
   * Run on a control plane of its own, reconciling every namespace as in production, instead of one
   * namespace of the shared API server.
   */
  ownControlPlane?: boolean;
  /** Where the provider logs; nowhere by default. */
  log?: Logger;
}

let counter = 0;

async function newNamespace(kube: KubeClient, purpose: string): Promise<string> {
  const namespace = `res-${purpose}-${String(process.pid)}-${String(++counter)}`;
  await kube.create(namespaceType, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  return namespace;
}

export async function startProvider(purpose: string, options: ProviderOptions = {}): Promise<Provider> {
  const env = await useTestEnvironment();
  const plane = options.ownControlPlane ? await startControlPlane() : undefined;
  const kube = await createKubeApi({ fromString: plane?.kubeconfig ?? env.kube.kubeconfig });
  await installCrds(kube);
  const namespace = await newNamespace(kube, purpose);
  // SQL creates are synchronous; the 30 s default grace period would only slow the deletions tests make.
  const start = () =>
    startSqlProvider(kube, {
      pollMs: options.pollMs ?? 1500,
      ...(plane ? {} : { namespace }),
      ...(options.log ? { log: options.log } : {}),
      creationGracePeriodMs: 500,
    });
  const running: Running = {
    env,
    kube,
    sql: start(),
    shared: plane === undefined,
    async restart(meanwhile) {
      await running.sql.stop();
      await meanwhile?.();
      running.sql = start();
    },
    async stop() {
      await running.sql.stop();
      kube.close();
      await plane?.stop();
    },
  };
  return providerIn(namespace, running);
}

interface Running {
  env: TestEnvironment;
  kube: KubeClient;
  sql: SqlProvider;
  /** On the shared API server the provider sees its first namespace only. */
  shared: boolean;
  restart(meanwhile?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

function providerIn(namespace: string, running: Running): Provider {
  const { env, kube } = running;

  const type = (kind: Kind): ResourceType => kinds[kind];
  const get = (kind: Kind, name: string) =>
    kube.get<ManagedResource & KubeObject>(type(kind), { namespace, name });
  const condition = (mg: ManagedResource | undefined, t: string) =>
    mg?.status?.conditions?.find((c) => c.type === t);
  const provider: Provider = {
    env,
    kube,
    namespace,
    async create(kind, name, spec, annotations) {
      await kube.create(type(kind), {
        apiVersion: `${kinds[kind].group}/${kinds[kind].version}`,
        kind,
        metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
        spec,
      });
    },
    get,
    async patchSpec(kind, name, spec) {
      await kube.patch(type(kind), { namespace, name }, { spec }, { strategy: 'merge' });
    },
    delete: (kind, name) => kube.delete(type(kind), { namespace, name }),
    ready: (kind, name, timeoutMs = 30_000) =>
      eventually(
        `${kind} ${name} Ready and Synced`,
        async () => {
          const mg = await get(kind, name);
          return condition(mg, 'Ready')?.status === 'True' && condition(mg, 'Synced')?.status === 'True'
            ? mg
            : undefined;
        },
        timeoutMs,
      ),
    condition: (kind, name, t, status, message) =>
      eventually(`${kind} ${name} ${t}=${status} ${message?.source ?? ''}`, async () => {
        const mg = await get(kind, name);
        const c = condition(mg, t);
        return c?.status === status && (message === undefined || message.test(c.message ?? ''))
          ? mg
          : undefined;
      }),
    async gone(kind, name) {
      await eventually(`${kind} ${name} gone`, async () =>
        (await get(kind, name)) === undefined ? true : undefined,
      );
    },
    async secret(name, data) {
      await kube.create<Secret>(secretType, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace },
        data: Object.fromEntries(
          Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
        ),
      });
    },
    async secretData(name) {
      const secret = await kube.get<Secret>(secretType, { namespace, name });
      if (secret === undefined) throw new Error(`Secret ${name} not found`);
      return Object.fromEntries(Object.keys(secret.data ?? {}).map((k) => [k, secretValue(secret, k) ?? '']));
    },
    async instance(name, engine, login) {
      await provider.secret(`${name}-admin`, { username: login.user, password: login.password });
      await provider.create('DatabaseInstance', name, {
        forProvider: {
          engine,
          connection: {
            host: login.host,
            port: login.port,
            credentialsSecretRef: { name: `${name}-admin` },
            connectTimeoutSeconds: 3,
          },
          tls: { mode: 'disable' },
          pool: { maxConnections: 3 },
        },
      });
    },
    async warnings(name) {
      const { items } = await kube.list<KubeObject & { type?: string; message?: string }>(eventResource, {
        namespace,
        fieldSelector: `involvedObject.name=${name}`,
      });
      return items.filter((e) => e.type === 'Warning').map((e) => e.message ?? '');
    },
    get registry() {
      return running.sql.registry;
    },
    async samples(metric) {
      return parseExposition(await running.sql.registry.metrics()).get(metric)?.samples ?? [];
    },
    async tenant(purpose) {
      if (running.shared)
        throw new Error('a second tenant needs startProvider(…, { ownControlPlane: true })');
      return providerIn(await newNamespace(kube, purpose), running);
    },
    restart: (meanwhile) => running.restart(meanwhile),
    stop: () => running.stop(),
  };
  return provider;
}
