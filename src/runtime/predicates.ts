// Which watch updates reach the work queue. crossplane-runtime's DesiredStateChanged (pkg/resource/predicates.go)
// passes an update only when the desired state changed, so the controller's own status writes, the --sync
// relist and finalizer edits do not cause another reconcile; polling (and the reconciler's own requeues)
// drive everything else. Add and delete events are not filtered.
import { Annotation } from './annotations.ts';

/** The metadata the filter looks at. */
export interface WatchedObject {
  readonly metadata: {
    readonly generation?: number;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly deletionTimestamp?: string;
  };
}

/**
 * Written by the reconciler itself, which requeues on its own after writing them. external-create-succeeded
 * is deliberately not here (as in crossplane): its write triggers the Observe that confirms the create.
 */
const IGNORED_ANNOTATIONS: ReadonlySet<string> = new Set([
  Annotation.ExternalCreatePending,
  Annotation.ExternalCreateFailed,
]);

function sameEntries(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>> | undefined,
  ignored: ReadonlySet<string> = new Set(),
): boolean {
  const left = a ?? {};
  const right = b ?? {};
  const leftKeys = Object.keys(left).filter((k) => !ignored.has(k));
  const rightKeys = Object.keys(right).filter((k) => !ignored.has(k));
  return leftKeys.length === rightKeys.length && leftKeys.every((k) => left[k] === right[k]);
}

/**
 * True when an update changed what the resource asks for:
 * - metadata.generation (every spec change; the API server also bumps it when deletion starts);
 * - labels;
 * - annotations other than external-create-pending/-failed (so external-name, paused, poll-interval and
 *   reconcile-requested-at edits pass);
 * - deletionTimestamp newly set, also for objects without a generation.
 * Status-only writes, resourceVersion bumps and finalizer changes return false, as in crossplane: the
 * reconciler requeues by itself when it waits for other finalizers to go.
 */
export function desiredStateChanged(oldObj: WatchedObject, newObj: WatchedObject): boolean {
  const before = oldObj.metadata;
  const after = newObj.metadata;
  return (
    before.generation !== after.generation ||
    (before.deletionTimestamp === undefined && after.deletionTimestamp !== undefined) ||
    !sameEntries(before.labels, after.labels) ||
    !sameEntries(before.annotations, after.annotations, IGNORED_ANNOTATIONS)
  );
}
