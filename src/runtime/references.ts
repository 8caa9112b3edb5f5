// Cross-resource references resolved the Crossplane way (crossplane-runtime pkg/reference): an explicit
// reference wins unless its selector's policy says Always; a selector picks the first matching object in its
// namespace (optionally only siblings under the same controller) and is turned into a reference, which the
// reconciler saves so later reconciles skip the lookup.
import type { KubeApi, KubeObject, ResourceType } from '../kube/api.ts';
import type { ManagedResource } from './managed.ts';

export interface ReferencePolicy {
  resolve?: 'IfNotPresent' | 'Always';
  resolution?: 'Required' | 'Optional';
}

export interface NamespacedReference {
  name: string;
  namespace?: string;
  policy?: ReferencePolicy;
}

export interface NamespacedSelector {
  matchLabels?: Record<string, string>;
  matchControllerRef?: boolean;
  namespace?: string;
  policy?: ReferencePolicy;
}

export class ReferenceError extends Error {
  override name = 'ReferenceError';
}

/**
 * The referenced object exists but is not Ready yet. Not a failure to back off from: the kind's dependency
 * wiring retries the referrer the moment the object turns Ready.
 */
export class NotReadyYet extends ReferenceError {
  override name = 'NotReadyYet';
}

function controllerUid(obj: KubeObject): string | undefined {
  return obj.metadata.ownerReferences?.find((ref) => ref.controller === true)?.uid;
}

/** A label selector string for the API server; label keys and values are validated by the API server itself. */
export function labelSelector(matchLabels: Record<string, string> | undefined): string {
  return Object.entries(matchLabels ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/** The candidate a selector picks: the first in list order, among siblings when matchControllerRef is set. */
export function pickSelected<T extends KubeObject>(
  candidates: readonly T[],
  selector: NamespacedSelector,
  from: ManagedResource,
): T | undefined {
  if (!selector.matchControllerRef) return candidates[0];
  const controller = controllerUid(from);
  return candidates.find((c) => controller !== undefined && controllerUid(c) === controller);
}

/**
 * Resolves one reference field. Returns the reference to use (unchanged, or newly selected), or undefined when
 * there is neither a reference nor a selector, or an Optional selector matched nothing.
 */
export async function resolveReference(
  kube: KubeApi,
  from: ManagedResource,
  field: {
    ref?: NamespacedReference | undefined;
    selector?: NamespacedSelector | undefined;
    target: ResourceType;
  },
): Promise<NamespacedReference | undefined> {
  const { ref, selector, target } = field;
  if (selector === undefined || (ref !== undefined && selector.policy?.resolve !== 'Always')) return ref;
  const namespace = selector.namespace ?? from.metadata.namespace ?? '';
  const { items } = await kube.list(target, {
    namespace,
    labelSelector: labelSelector(selector.matchLabels),
  });
  const picked = pickSelected(items, selector, from);
  if (picked === undefined) {
    if (selector.policy?.resolution === 'Optional') return undefined;
    throw new ReferenceError(`no ${target.kind} in namespace ${namespace} matched selector`);
  }
  const resolved: NamespacedReference = { name: picked.metadata.name };
  if (selector.namespace !== undefined) resolved.namespace = namespace;
  return resolved;
}
