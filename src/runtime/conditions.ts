// The closed condition vocabulary of a managed resource and crossplane's merge rule for status.conditions
// (crossplane apis/core/v2/condition.go; crossplane-runtime pkg/conditions/manager.go). Constructors carry no
// time: setConditions stamps lastTransitionTime from an injected clock and observedGeneration from the object,
// so setting an unchanged condition again keeps the status byte-for-byte identical.
import { formatTimestamp } from './annotations.ts';
import type { Condition } from './managed.ts';

export const ConditionType = {
  Ready: 'Ready',
  Synced: 'Synced',
} as const;

export const ConditionReason = {
  Available: 'Available',
  Unavailable: 'Unavailable',
  Creating: 'Creating',
  Deleting: 'Deleting',
  ReconcileSuccess: 'ReconcileSuccess',
  ReconcileError: 'ReconcileError',
  ReconcilePaused: 'ReconcilePaused',
  /** A second claimant of an external resource that another object owns: it is refused and touches nothing. */
  Conflict: 'Conflict',
} as const;

/** The Synced=False reason an error stands for: its own `conditionReason` (e.g. Conflict), or ReconcileError. */
export function failureReason(error: unknown): string {
  const reason = (error as { conditionReason?: unknown } | null)?.conditionReason;
  return typeof reason === 'string' ? reason : ConditionReason.ReconcileError;
}

/** A condition to set; setConditions adds lastTransitionTime and observedGeneration. */
export type NewCondition = Omit<Condition, 'lastTransitionTime' | 'observedGeneration'>;

/** A condition as read back: a missing type reads as status Unknown with nothing else. */
export type ConditionView = Pick<Condition, 'type' | 'status'> & Partial<Condition>;

function withMessage(condition: NewCondition, message: string | undefined): NewCondition {
  // An empty message is the same as none (Go's omitempty), so keep the field out entirely.
  return message === undefined || message === '' ? condition : { ...condition, message };
}

/** Ready=True: the external resource is observed to be available for use. */
export function available(): NewCondition {
  return { type: ConditionType.Ready, status: 'True', reason: ConditionReason.Available };
}

/** Ready=False: the resource should be available but is known not to be (e.g. its server is unhealthy). */
export function unavailable(message?: string): NewCondition {
  return withMessage(
    { type: ConditionType.Ready, status: 'False', reason: ConditionReason.Unavailable },
    message,
  );
}

export function creating(): NewCondition {
  return { type: ConditionType.Ready, status: 'False', reason: ConditionReason.Creating };
}

export function deleting(): NewCondition {
  return { type: ConditionType.Ready, status: 'False', reason: ConditionReason.Deleting };
}

export function reconcileSuccess(): NewCondition {
  return { type: ConditionType.Synced, status: 'True', reason: ConditionReason.ReconcileSuccess };
}

/**
 * Synced=False with the error's message, e.g. reconcileError(`observe failed: ${err.message}`); `reason` is
 * ReconcileError unless the failure has a more precise one (failureReason).
 */
export function reconcileError(
  error: unknown,
  reason: string = ConditionReason.ReconcileError,
): NewCondition {
  const message = error instanceof Error ? error.message : String(error);
  return withMessage({ type: ConditionType.Synced, status: 'False', reason }, message);
}

export function reconcilePaused(): NewCondition {
  return { type: ConditionType.Synced, status: 'False', reason: ConditionReason.ReconcilePaused };
}

/**
 * crossplane's Condition.Equal: type, status, reason and message match, and so does observedGeneration unless
 * either side has none (0 or unset). lastTransitionTime is ignored.
 */
export function conditionsEqual(
  a: Omit<Condition, 'lastTransitionTime'>,
  b: Omit<Condition, 'lastTransitionTime'>,
): boolean {
  const sameGeneration =
    !a.observedGeneration || !b.observedGeneration || a.observedGeneration === b.observedGeneration;
  return (
    a.type === b.type &&
    a.status === b.status &&
    a.reason === b.reason &&
    (a.message ?? '') === (b.message ?? '') &&
    sameGeneration
  );
}

export interface ConditionStamp {
  /** The transition time given to conditions that change. */
  now: Date;
  /** metadata.generation of the object the conditions describe; 0 or unset records none. */
  generation?: number | undefined;
}

/**
 * Returns `existing` with each condition set: a condition replaces the one of the same type unless the two are
 * equal (conditionsEqual), in which case the existing one, with its original lastTransitionTime, stays. New
 * types are appended in order. `existing` is not modified.
 */
export function setConditions(
  existing: readonly Condition[] | undefined,
  conditions: readonly NewCondition[],
  stamp: ConditionStamp,
): Condition[] {
  let result = [...(existing ?? [])];
  const lastTransitionTime = formatTimestamp(stamp.now);
  for (const spec of conditions) {
    const next: Condition = stamp.generation
      ? { ...spec, lastTransitionTime, observedGeneration: stamp.generation }
      : { ...spec, lastTransitionTime };
    if (!result.some((c) => c.type === next.type)) {
      result.push(next);
      continue;
    }
    result = result.map((c) => (c.type !== next.type || conditionsEqual(c, next) ? c : next));
  }
  return result;
}

/** The condition of the given type, or `{type, status: 'Unknown'}` when there is none. */
export function getCondition(conditions: readonly Condition[] | undefined, type: string): ConditionView {
  return conditions?.find((c) => c.type === type) ?? { type, status: 'Unknown' };
}

/** Whether an object's Ready condition is True. */
export function isReady(obj: { status?: { conditions?: readonly Condition[] } } | undefined): boolean {
  return getCondition(obj?.status?.conditions, 'Ready').status === 'True';
}

/**
 * Conditions stamped with generation `from`, stamped `to` instead: for a save by the reconciler itself
 * (resolved references, the defaulted external name), which moves the generation without changing what the
 * user asked for, so what was observed against `from` still holds for `to`.
 */
export function restampGeneration(
  conditions: Condition[] | undefined,
  from: number | undefined,
  to: number | undefined,
): Condition[] | undefined {
  if (conditions === undefined || from === undefined || to === undefined || from === to) return conditions;
  return conditions.map((c) => (c.observedGeneration === from ? { ...c, observedGeneration: to } : c));
}

/** Sets conditions on a resource's status in place, as an external client's Observe does for Ready. */
export function markConditions(
  mg: { metadata: { generation?: number }; status?: { conditions?: Condition[] } },
  conditions: readonly NewCondition[],
  now: Date = new Date(),
): void {
  mg.status = {
    ...mg.status,
    conditions: setConditions(mg.status?.conditions, conditions, { now, generation: mg.metadata.generation }),
  };
}
