// Publishes a managed resource's connection details to the Secret named by spec.writeConnectionSecretToRef,
// with crossplane-runtime's ownership rules: the Secret is controlled by the resource (so it is garbage
// collected with it), an uncontrolled Secret of the connection type is adopted, and any other Secret is never
// touched. Keys are additive and the Secret is written only when its data would change.
import type { KubeApi, KubeObject, OwnerReference } from '../kube/api.ts';
import { secretType, type Secret } from '../kube/core.ts';
import type { ConnectionDetails } from './external.ts';
import type { ManagedResource } from './managed.ts';

export const connectionSecretType = 'connection.crossplane.io/v1alpha1';

export class SecretOwnershipError extends Error {
  override name = 'SecretOwnershipError';
}

function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((ref) => ref.controller === true);
}

function controllerReference(mg: ManagedResource): OwnerReference {
  return {
    apiVersion: mg.apiVersion,
    kind: mg.kind,
    name: mg.metadata.name,
    uid: mg.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

function encode(details: ConnectionDetails): Record<string, string> {
  return Object.fromEntries(Object.entries(details).map(([key, value]) => [key, value.toString('base64')]));
}

/** Throws SecretOwnershipError unless `mg` may write `secret`. */
export function checkSecretOwnership(secret: Secret, mg: ManagedResource): void {
  const controller = controllerOf(secret);
  if (controller === undefined) {
    if (secret.type !== connectionSecretType) {
      throw new SecretOwnershipError(
        `refusing to modify uncontrolled secret ${secret.metadata.name} of type ${secret.type ?? 'Opaque'}`,
      );
    }
    return;
  }
  if (controller.uid !== mg.metadata.uid) {
    throw new SecretOwnershipError(
      `existing secret ${secret.metadata.name} is not controlled by UID ${mg.metadata.uid ?? ''}`,
    );
  }
}

/** The Secret's data after adding `details`, or undefined when nothing would change. */
export function mergedSecretData(
  current: Record<string, string> | undefined,
  details: ConnectionDetails,
): Record<string, string> | undefined {
  const additions = encode(details);
  const changed = Object.entries(additions).some(([key, value]) => current?.[key] !== value);
  return changed ? { ...current, ...additions } : undefined;
}

/**
 * The existing Secret with `details` merged in and `mg` as its controller, or undefined when nothing changes.
 * Throws SecretOwnershipError when `mg` may not write it.
 */
export function secretUpdate(
  existing: Secret,
  mg: ManagedResource,
  details: ConnectionDetails,
): Secret | undefined {
  checkSecretOwnership(existing, mg);
  const data = mergedSecretData(existing.data, details);
  const adopt = controllerOf(existing) === undefined;
  if (data === undefined && !adopt) return undefined;
  const ownerReferences = adopt
    ? [...(existing.metadata.ownerReferences ?? []), controllerReference(mg)]
    : existing.metadata.ownerReferences;
  return {
    ...existing,
    metadata: { ...existing.metadata, ...(ownerReferences ? { ownerReferences } : {}) },
    data: data ?? existing.data ?? {},
  };
}

/**
 * Writes `details` into the resource's connection Secret. Returns false when the resource has no
 * writeConnectionSecretToRef or nothing changed. A 409 propagates so that the reconcile is retried.
 */
export async function publishConnectionDetails(
  kube: KubeApi,
  mg: ManagedResource,
  details: ConnectionDetails | undefined,
): Promise<boolean> {
  const name = mg.spec.writeConnectionSecretToRef?.name;
  if (name === undefined || details === undefined || Object.keys(details).length === 0) return false;
  const namespace = mg.metadata.namespace ?? '';
  const existing = await kube.get<Secret>(secretType, { namespace, name });
  if (existing === undefined) {
    await kube.create<Secret>(secretType, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace, ownerReferences: [controllerReference(mg)] },
      type: connectionSecretType,
      data: encode(details),
    });
    return true;
  }
  const update = secretUpdate(existing, mg, details);
  if (update === undefined) return false;
  await kube.update<Secret>(secretType, update);
  return true;
}
