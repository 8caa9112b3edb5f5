// Safe-start (Crossplane's `safe-start` capability): with safe-start, Crossplane installs a provider's CRDs
// inactive until a ManagedResourceActivationPolicy activates them, so a controller must not watch a kind before
// its CRD is Established. Each controller waits here for its own CRD, polling with a growing delay.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeApi, KubeObject, ResourceType } from '../kube/api.ts';

export const crdType: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  namespaced: false,
};

interface Crd extends KubeObject {
  status?: { conditions?: { type: string; status: string }[] };
}

export function crdName(type: ResourceType): string {
  return `${type.plural}.${type.group}`;
}

export function isEstablished(crd: Crd | undefined): boolean {
  return crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
}

/**
 * Resolves once the CRD of `type` is Established; rejects only when `signal` aborts. Lookup errors are retried,
 * since an API server that is briefly unreachable must not stop the provider from ever starting the kind.
 */
export async function waitForCrd(
  kube: KubeApi,
  type: ResourceType,
  signal: AbortSignal,
  onWaiting?: (err?: unknown) => void,
): Promise<void> {
  for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 10_000)) {
    signal.throwIfAborted();
    try {
      if (isEstablished(await kube.get<Crd>(crdType, { name: crdName(type) }))) return;
      onWaiting?.();
    } catch (err) {
      onWaiting?.(err);
    }
    await sleep(delayMs, undefined, { signal });
  }
}
