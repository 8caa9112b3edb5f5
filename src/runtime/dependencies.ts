// Dependencies between managed kinds (a grant needs its user and database, everything needs its instance).
// When an object becomes Ready or stops being Ready, the objects that refer to it are reconciled at once
// instead of waiting out the exponential backoff their earlier failures earned: applying an instance, a
// database, a user and a grant together then converges as soon as each piece exists. A dependant is woken by a
// dependency turning Ready only once all its dependencies are Ready, and a new dependant is first reconciled
// once its dependencies are (or, should they not turn Ready, after a poll interval, or a few seconds for one not
// in the cache at all): before that its reconcile could only report the wait, and each such reconcile spends a
// token of the global --max-reconcile-rate that others are queued for.
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

/**
 * What one reference of a dependant names, as the caches know it: the object, 'missing' when it is not there,
 * 'unknown' when the reference is not set yet (a selector) or its kind is not watched.
 */
export type DependencyTarget = ManagedResource | 'missing' | 'unknown';

/** Whether nothing a dependant refers to is known to keep it waiting. */
export function allReady(targets: readonly DependencyTarget[]): boolean {
  return targets.every((t) => t === 'unknown' || (t !== 'missing' && isReady(t)));
}

/** How long a new object may wait for what it refers to before its first reconcile reports the wait. */
export interface HoldLimits {
  /** For a referenced object that exists but is not Ready: it is being reconciled (the poll interval). */
  notReadyMs: number;
  /** For one not seen at all: created with it, it may only be late in the cache; else the name is wrong. */
  missingMs: number;
}

/**
 * How much longer a new object should wait before its first reconcile, having waited `heldMs`: while never
 * reconciled and not being deleted, and something it refers to is missing or not Ready, up to the limit for
 * that. A first reconcile before then could only report the wait (and spend a rate-limit token).
 */
export function firstReconcileHold(
  mg: ManagedResource,
  targets: readonly DependencyTarget[],
  heldMs: number,
  limits: HoldLimits,
): number {
  if (mg.metadata.deletionTimestamp !== undefined || (mg.status?.conditions?.length ?? 0) > 0) return 0;
  if (allReady(targets)) return 0;
  const limit = targets.includes('missing') ? limits.missingMs : limits.notReadyMs;
  return Math.max(0, limit - heldMs);
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
