// ProviderConfigUsage tracking (crossplane-runtime pkg/resource/providerconfig.go): each managed resource that
// connects through a ProviderConfig or ClusterProviderConfig records a usage named after its UID, controlled by
// the resource, so the config cannot be deleted while anything still uses it.
import type { KubeApi, KubeObject, ResourceType } from '../kube/api.ts';
import type { ManagedResource, ProviderConfigReference } from './managed.ts';

export const providerConfigLabel = 'crossplane.io/provider-config';
export const providerConfigKindLabel = 'crossplane.io/provider-config-kind';
export const usageFieldManager = 'provider-dbops/usage-tracker';

export const defaultProviderConfigRef: ProviderConfigReference = {
  kind: 'ClusterProviderConfig',
  name: 'default',
};

export interface ProviderConfigUsage extends KubeObject {
  providerConfigRef: ProviderConfigReference;
  resourceRef: { apiVersion: string; kind: string; name: string };
}

/** The usage object a managed resource should have; pure, so its shape is testable. */
export function usageFor(mg: ManagedResource, usageType: ResourceType): ProviderConfigUsage {
  const ref = mg.spec.providerConfigRef ?? defaultProviderConfigRef;
  const uid = mg.metadata.uid ?? '';
  return {
    apiVersion: `${usageType.group}/${usageType.version}`,
    kind: usageType.kind,
    metadata: {
      name: uid,
      namespace: mg.metadata.namespace ?? '',
      labels: { [providerConfigLabel]: ref.name, [providerConfigKindLabel]: ref.kind },
      ownerReferences: [
        {
          apiVersion: mg.apiVersion,
          kind: mg.kind,
          name: mg.metadata.name,
          uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    providerConfigRef: { kind: ref.kind, name: ref.name },
    resourceRef: { apiVersion: mg.apiVersion, kind: mg.kind, name: mg.metadata.name },
  };
}

/**
 * Records that managed resources use their provider config. The usage is written with server-side apply (a
 * no-op on the server when nothing changed), and a resource whose reference was already recorded by this
 * process is skipped, so a steady-state poll makes no API call here.
 */
export class ProviderConfigUsageTracker {
  private readonly recorded = new Map<string, string>();

  constructor(
    private readonly kube: KubeApi,
    private readonly usageType: ResourceType,
  ) {}

  async track(mg: ManagedResource): Promise<void> {
    const usage = usageFor(mg, this.usageType);
    const key = `${usage.providerConfigRef.kind}/${usage.providerConfigRef.name}`;
    if (this.recorded.get(usage.metadata.name) === key) return;
    await this.kube.patch(
      this.usageType,
      { namespace: usage.metadata.namespace ?? '', name: usage.metadata.name },
      usage,
      { strategy: 'apply', fieldManager: usageFieldManager, force: true },
    );
    this.recorded.set(usage.metadata.name, key);
  }

  /** Forgets a deleted resource (its usage goes with it through garbage collection). */
  forget(mg: ManagedResource): void {
    this.recorded.delete(mg.metadata.uid ?? '');
  }
}
