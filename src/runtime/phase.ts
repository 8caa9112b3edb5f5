// status.phase of a managed kind, derived from its conditions and deletion state in the same status write
// (DESIGN §2). Metrics (dbops_resource_count, dbops_*_info) and dashboards read exactly these words. One-shot
// kinds (backups, restores) and schedules derive their phases elsewhere.
import { ConditionReason, ConditionType, getCondition } from './conditions.ts';
import type { Condition } from './managed.ts';

export type ManagedPhase = 'Pending' | 'Ready' | 'Failed' | 'Deleting';

export interface PhaseInputs {
  readonly metadata: { readonly deletionTimestamp?: string };
  readonly status?: { readonly conditions?: readonly Condition[] };
}

/**
 * Precedence, first match wins:
 * 1. Deleting — deletionTimestamp is set, whatever the conditions say.
 * 2. Failed   — Synced=False for any reason but ReconcilePaused (in practice ReconcileError): the last
 *               reconcile failed, even if the resource was Ready before.
 * 3. Ready    — Ready=True.
 * 4. Pending  — everything else: not yet reconciled, Creating, Unavailable.
 * A paused resource (Synced=False/ReconcilePaused) is therefore Ready if it was Ready when paused and Pending
 * otherwise: pausing says nothing about the external resource's health.
 */
export function managedPhase(mg: PhaseInputs): ManagedPhase {
  if (mg.metadata.deletionTimestamp) return 'Deleting';
  const conditions = mg.status?.conditions;
  const synced = getCondition(conditions, ConditionType.Synced);
  if (synced.status === 'False' && synced.reason !== ConditionReason.ReconcilePaused) return 'Failed';
  return getCondition(conditions, ConditionType.Ready).status === 'True' ? 'Ready' : 'Pending';
}
