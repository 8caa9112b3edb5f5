// Dependencies between managed kinds (a grant needs its user and database, everything needs its instance).
// When an object becomes Ready or stops being Ready, the objects that refer to it are reconciled at once
// instead of waiting out the exponential backoff their earlier failures earned: applying an instance, a
// database, a user and a grant together then converges as soon as each piece exists.
import type { ResourceType } from '../kube/api.ts';
import { getCondition } from './conditions.ts';
import { keyOf, type ManagedResource, type ObjectKey } from './managed.ts';
import type { NamespacedReference } from './references.ts';

export interface Dependency<T extends ManagedResource = ManagedResource> {
  /** The kind depended on. */
  type: ResourceType;
  /** Whether `mg` refers to `target`. */
  refersTo(mg: T, target: ManagedResource): boolean;
}

/** Whether `ref`, made from `mg`'s namespace, names `target`. */
export function referenceNames(
  mg: ManagedResource,
  ref: NamespacedReference | undefined,
  target: ManagedResource,
): boolean {
  return (
    ref !== undefined &&
    ref.name === target.metadata.name &&
    (ref.namespace ?? mg.metadata.namespace) === target.metadata.namespace
  );
}

/** Whether the object's Ready status differs between two versions (a new object counts as changed). */
export function readinessChanged(before: ManagedResource | undefined, after: ManagedResource): boolean {
  const was = getCondition(before?.status?.conditions, 'Ready').status;
  return before === undefined || was !== getCondition(after.status?.conditions, 'Ready').status;
}

/** The keys of `candidates` that depend on `changed`. */
export function dependantsOf<T extends ManagedResource>(
  changed: ManagedResource,
  candidates: readonly T[],
  dependency: Dependency<T>,
): ObjectKey[] {
  return candidates.filter((mg) => dependency.refersTo(mg, changed)).map(keyOf);
}
