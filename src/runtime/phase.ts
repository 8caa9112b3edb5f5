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
 * 3. Failed   — Ready=False/Unavailable: the external resource answered the check and is unusable (a server
 *               that stopped answering or refuses the login); Pending would tell dashboards and the
 *               ResourceStuckPending alert that it is still on its way.
 * 4. Ready    — Ready=True.
 * 5. Pending  — everything else: not yet reconciled, Creating.
 * A paused resource (Synced=False/ReconcilePaused) therefore keeps the phase its Ready condition gives: pausing
 * says nothing about the external resource's health.
 */
export function managedPhase(mg: PhaseInputs): ManagedPhase {
  if (mg.metadata.deletionTimestamp) return 'Deleting';
  const conditions = mg.status?.conditions;
  const synced = getCondition(conditions, ConditionType.Synced);
  if (synced.status === 'False' && synced.reason !== ConditionReason.ReconcilePaused) return 'Failed';
  const ready = getCondition(conditions, ConditionType.Ready);
  if (ready.status === 'False' && ready.reason === ConditionReason.Unavailable) return 'Failed';
  return ready.status === 'True' ? 'Ready' : 'Pending';
}
