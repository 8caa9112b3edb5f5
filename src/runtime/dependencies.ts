// Dependencies between managed kinds (a grant needs its user and database, everything needs its instance).
// When an object becomes Ready or stops being Ready, the objects that refer to it are reconciled at once
// instead of waiting out the exponential backoff their earlier failures earned: applying an instance, a
// database, a user and a grant together then converges as soon as each piece exists. A dependant is woken by a
// dependency turning Ready only once all its dependencies are Ready: before that its reconcile could only fail
// again, and each such reconcile spends a token of the global --max-reconcile-rate that others were waiting for.
import type { ResourceType } from '../kube/api.ts';
import { isReady } from './conditions.ts';
import { keyOf, type ManagedResource, type ObjectKey } from './managed.ts';
import type { NamespacedReference } from './references.ts';

export interface Dependency<T extends ManagedResource = ManagedResource> {
  /** The kind depended on. */
  type: ResourceType;
  /** The object of that kind `mg` refers to, if its reference is set. */
  reference(mg: T): NamespacedReference | undefined;
}

/** The key of the object `ref`, made from `mg`'s namespace, names. */
export function referencedKey(mg: ManagedResource, ref: NamespacedReference): ObjectKey {
  return { namespace: ref.namespace ?? mg.metadata.namespace ?? '', name: ref.name };
}

/** Whether `mg` refers to `target` through `dependency`. */
export function refersTo<T extends ManagedResource>(
  dependency: Dependency<T>,
  mg: T,
  target: ManagedResource,
): boolean {
  const ref = dependency.reference(mg);
  if (ref === undefined) return false;
  const key = referencedKey(mg, ref);
  return key.name === target.metadata.name && key.namespace === (target.metadata.namespace ?? '');
}

/** Whether an object turned Ready ('gained') or stopped being Ready ('lost'); a new object counts from not Ready. */
export function readinessTurn(
  before: ManagedResource | undefined,
  after: ManagedResource,
): Turn['turn'] | undefined {
  const was = isReady(before);
  const is = isReady(after);
  if (was === is) return undefined;
  return is ? 'gained' : 'lost';
}

/** A dependency that turned: Ready ('gained') or no longer Ready ('lost'). */
export interface Turn {
  object: ManagedResource;
  turn: 'gained' | 'lost';
}

/**
 * The keys of `candidates` to reconcile because an object turned: every dependant when it lost readiness (they
 * say why), only those whose dependencies are all Ready (`allReady`) when it gained it.
 */
export function dependantsToWake<T extends ManagedResource>(
  { object, turn }: Turn,
  candidates: readonly T[],
  dependency: Dependency<T>,
  allReady: (mg: T) => boolean,
): ObjectKey[] {
  return candidates
    .filter((mg) => refersTo(dependency, mg, object) && (turn === 'lost' || allReady(mg)))
    .map(keyOf);
}
