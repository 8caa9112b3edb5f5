// The shape every managed resource shares (Crossplane v2 namespaced managed-resource spec and status), as the
// runtime sees it. Each kind's full schema lives in src/apis and is structurally assignable to these types.

import type { ObjectMeta } from '../kube/api.ts';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  /** RFC 3339; kept when a condition is set again unchanged. */
  lastTransitionTime: string;
  reason: string;
  message?: string;
  observedGeneration?: number;
}

export type ManagementAction = 'Observe' | 'Create' | 'Update' | 'Delete' | 'LateInitialize' | '*';

export interface ProviderConfigReference {
  kind: string;
  name: string;
}

export interface ManagedSpec {
  forProvider: object;
  managementPolicies?: ManagementAction[];
  providerConfigRef?: ProviderConfigReference;
  writeConnectionSecretToRef?: { name: string };
}

export interface ManagedStatus {
  atProvider?: object;
  conditions?: Condition[];
  phase?: string;
  lastHandledReconcileAt?: string;
}

export interface ManagedResource {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: ManagedSpec;
  status?: ManagedStatus;
}

/** Identifies one object: the work-queue key and the subject of events and logs. */
export interface ObjectKey {
  namespace: string;
  name: string;
}

export function keyOf(obj: { metadata: ObjectMeta }): ObjectKey {
  return { namespace: obj.metadata.namespace ?? '', name: obj.metadata.name };
}
