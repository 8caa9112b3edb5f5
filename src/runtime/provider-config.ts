// The ProviderConfig / ClusterProviderConfig reconciler (crossplane-runtime pkg/reconciler/providerconfig): it
// counts the ProviderConfigUsages that point at a config, keeps the `in-use.crossplane.io` finalizer while any
// exist, and reports the count in status.users. Usages without a controller are leftovers and are deleted.
import type { KubeApi, KubeObject, ResourceType } from '../kube/api.ts';
import { isConflict } from '../kube/api.ts';
import { setConditions, type NewCondition } from './conditions.ts';
import type { Reconcile } from './controller.ts';
import type { Logger } from '../log/logger.ts';
import type { Condition, ObjectKey } from './managed.ts';
import {
  providerConfigKindLabel,
  providerConfigLabel,
  type ProviderConfigUsage,
} from './provider-config-usage.ts';
import type { ReconcileResult } from './reconciler.ts';

export const inUseFinalizer = 'in-use.crossplane.io';

export interface ProviderConfigObject extends KubeObject {
  status?: { users?: number; conditions?: Condition[] };
}

export interface UsageCount {
  /** Usages with a controller (their managed resource): these keep the config in use. */
  users: number;
  /** Usages without a controller: leftovers to delete. */
  orphans: ProviderConfigUsage[];
}

/** The usages of `pc`: same name and kind labels, and for a namespaced config the same namespace. */
export function countUsages(
  pc: ProviderConfigObject,
  kind: string,
  usages: readonly ProviderConfigUsage[],
): UsageCount {
  const namespace = pc.metadata.namespace;
  const mine = usages.filter(
    (u) =>
      u.metadata.labels?.[providerConfigLabel] === pc.metadata.name &&
      u.metadata.labels[providerConfigKindLabel] === kind &&
      (namespace === undefined || namespace === '' || u.metadata.namespace === namespace),
  );
  const controlled = (u: ProviderConfigUsage): boolean =>
    u.metadata.ownerReferences?.some((r) => r.controller) ?? false;
  return { users: mine.filter(controlled).length, orphans: mine.filter((u) => !controlled(u)) };
}

const inUse: NewCondition = {
  type: 'Terminating',
  status: 'True',
  reason: 'InUse',
  message: 'Blocking deletion while usages still exist',
};

export interface ProviderConfigReconcilerDeps {
  kube: KubeApi;
  type: ResourceType;
  usageType: ResourceType;
  get(key: ObjectKey): ProviderConfigObject | undefined;
  /** All usages (from an informer's cache). */
  usages(): readonly ProviderConfigUsage[];
  warn(pc: ProviderConfigObject, reason: string, message: string): void;
  log: Logger;
  clock?: () => Date;
}

const retryLater: ReconcileResult = { action: 'requeueAfter', delayMs: 30_000 };

export function providerConfigReconciler(deps: ProviderConfigReconcilerDeps): Reconcile {
  const clock = deps.clock ?? (() => new Date());

  async function writeStatus(
    pc: ProviderConfigObject,
    users: number,
    conditions: NewCondition[],
  ): Promise<void> {
    const merged = setConditions(pc.status?.conditions, conditions, {
      now: clock(),
      generation: pc.metadata.generation,
    });
    await deps.kube.updateStatus(deps.type, { ...pc, status: { ...pc.status, users, conditions: merged } });
  }

  async function saveFinalizers(
    pc: ProviderConfigObject,
    finalizers: string[],
  ): Promise<ProviderConfigObject> {
    return deps.kube.update(deps.type, { ...pc, metadata: { ...pc.metadata, finalizers } });
  }

  async function reconcile(pc: ProviderConfigObject): Promise<ReconcileResult> {
    const { users, orphans } = countUsages(pc, deps.type.kind, deps.usages());
    for (const orphan of orphans) {
      await deps.kube.delete(deps.usageType, {
        namespace: orphan.metadata.namespace ?? '',
        name: orphan.metadata.name,
      });
    }
    const finalizers = pc.metadata.finalizers ?? [];
    if (pc.metadata.deletionTimestamp !== undefined) {
      if (users > 0) {
        deps.warn(pc, 'UsageAccounting', inUse.message ?? '');
        await writeStatus(pc, users, [inUse]);
        return { action: 'done' };
      }
      await saveFinalizers(
        pc,
        finalizers.filter((f) => f !== inUseFinalizer),
      );
      return { action: 'done' };
    }
    const current = finalizers.includes(inUseFinalizer)
      ? pc
      : await saveFinalizers(pc, [...finalizers, inUseFinalizer]);
    if (current.status?.users !== users) await writeStatus(current, users, []);
    return { action: 'done' };
  }

  return async (key) => {
    const pc = deps.get(key);
    if (pc === undefined) return { action: 'done' };
    try {
      return await reconcile(pc);
    } catch (err) {
      if (isConflict(err)) return { action: 'requeue' };
      deps.log.warn(
        { err, name: key.name, namespace: key.namespace },
        'Cannot account provider config usages',
      );
      return retryLater;
    }
  };
}
