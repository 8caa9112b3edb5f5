// Runs the managed reconciler for one kind against the real API server with a FakeExternal, and gives tests
// small helpers to wait for what they assert.
import { kinds } from '../../../src/apis/registry.ts';
import type { KubeApi, KubeObject } from '../../../src/kube/api.ts';
import { createKubeApi, type KubeClient } from '../../../src/kube/client.ts';
import { Controller, queueKey } from '../../../src/runtime/controller.ts';
import { eventResource, KubeEventRecorder } from '../../../src/runtime/events.ts';
import { nopLogger } from '../../../src/log/logger.ts';
import type { ManagedResource, ObjectKey } from '../../../src/runtime/managed.ts';
import { OwnWrites } from '../../../src/runtime/own-writes.ts';
import { nextPollDelay } from '../../../src/runtime/poll.ts';
import {
  defaultReconcilerOptions,
  ManagedReconciler,
  type ReconcileResult,
} from '../../../src/runtime/reconciler.ts';
import { FakeExternal } from '../../fakes/external.ts';
import { installCrds } from '../../harness/crds.ts';
import { useTestEnvironment } from '../../harness/environment.ts';

export const roleType = kinds.DatabaseRole;

export async function connect(): Promise<KubeClient> {
  const env = await useTestEnvironment();
  const kube = await createKubeApi({ fromString: env.kube.kubeconfig });
  await installCrds(kube);
  return kube;
}

let namespaces = 0;
export async function freshNamespace(kube: KubeApi, purpose: string): Promise<string> {
  const name = `rt-${purpose}-${String(process.pid)}-${String(++namespaces)}`;
  await kube.create(
    { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    },
  );
  return name;
}

export function role(
  namespace: string,
  name: string,
  extra: Partial<ManagedResource['spec']> = {},
): ManagedResource {
  return {
    apiVersion: `${roleType.group}/${roleType.version}`,
    kind: roleType.kind,
    metadata: { name, namespace },
    spec: { forProvider: { instanceRef: { name: 'pg' } }, ...extra },
  };
}

export interface Harness {
  readonly fake: FakeExternal;
  readonly controller: Controller<ManagedResource>;
  /**
   * Every reconcile result, in order, with the key it was for and how many consecutive failures the queue's rate
   * limiter had counted for it when the reconcile started (its retry waited the backoff for that many).
   */
  readonly results: { key: string; result: ReconcileResult; failuresBefore: number }[];
  stop(): Promise<void>;
}

export interface HarnessOptions {
  pollMs?: number;
  fake?: FakeExternal;
  namespace: string;
  /** ReconcilerOptions.deterministicExternal (default false: crossplane's own protocol). */
  deterministicExternal?: boolean;
}

/** A reconciler for DatabaseRole objects against `fake`, reading objects through `get`. */
export function makeReconciler(
  kube: KubeApi,
  fake: FakeExternal,
  get: (key: ObjectKey) => ManagedResource | undefined,
  options: { pollMs?: number; deterministicExternal?: boolean; ownWrites?: OwnWrites<KubeObject> } = {},
): ManagedReconciler<ManagedResource> {
  const { pollMs = 60_000, ownWrites } = options;
  return new ManagedReconciler<ManagedResource>(
    {
      kube,
      type: roleType,
      connector: fake,
      get,
      events: new KubeEventRecorder(kube),
      log: nopLogger,
      ...(ownWrites ? { ownWrites: ownWrites as OwnWrites<ManagedResource> } : {}),
    },
    {
      ...defaultReconcilerOptions,
      creationGracePeriodMs: 0,
      deterministicExternal: options.deterministicExternal ?? false,
      pollDelay: (mg) => nextPollDelay(mg, { pollMs }),
    },
  );
}

/** A controller for DatabaseRole objects in one namespace, reconciled against `fake`, wired as the provider's. */
export async function startHarness(kube: KubeApi, options: HarnessOptions): Promise<Harness> {
  const fake = options.fake ?? new FakeExternal();
  const ownWrites = new OwnWrites<KubeObject>();
  const controller = new Controller<ManagedResource>(kube, roleType, {
    name: 'test',
    concurrency: 2,
    ownWrites,
  });
  const reconciler = makeReconciler(
    kube,
    fake,
    (key) => (key.namespace === options.namespace ? controller.get(key) : undefined),
    {
      ownWrites,
      ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
      ...(options.deterministicExternal === undefined
        ? {}
        : { deterministicExternal: options.deterministicExternal }),
    },
  );
  const results: Harness['results'] = [];
  await controller.start(async (key) => {
    const failuresBefore = controller.queue.numRequeues(queueKey(key));
    const result = await reconciler.reconcile(key);
    if (key.namespace === options.namespace) results.push({ key: key.name, result, failuresBefore });
    return result;
  });
  return { fake, controller, results, stop: () => controller.stop() };
}

export async function getRole(
  kube: KubeApi,
  namespace: string,
  name: string,
): Promise<ManagedResource | undefined> {
  return kube.get<ManagedResource & KubeObject>(roleType, { namespace, name });
}

export function condition(
  mg: ManagedResource | undefined,
  type: string,
): { status: string; reason: string; message?: string } | undefined {
  return mg?.status?.conditions?.find((c) => c.type === type);
}

export async function eventReasons(kube: KubeApi, namespace: string, name: string): Promise<string[]> {
  const { items } = await kube.list<KubeObject & { reason?: string }>(eventResource, {
    namespace,
    fieldSelector: `involvedObject.name=${name}`,
  });
  return items.map((e) => e.reason ?? '');
}

/** Deletes `mg` (the API server sets deletionTimestamp while finalizers remain). */
export async function deleteRole(kube: KubeApi, namespace: string, name: string): Promise<void> {
  await kube.delete(roleType, { namespace, name });
}
