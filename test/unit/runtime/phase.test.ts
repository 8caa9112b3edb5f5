import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition } from '../../../src/runtime/managed.ts';
import { managedPhase, type ManagedPhase } from '../../../src/runtime/phase.ts';

const at = '2026-01-01T00:00:00Z';
const ready = (status: Condition['status'], reason: string): Condition => ({
  type: 'Ready',
  status,
  reason,
  lastTransitionTime: at,
});
const synced = (status: Condition['status'], reason: string): Condition => ({
  type: 'Synced',
  status,
  reason,
  lastTransitionTime: at,
});

describe('managedPhase', () => {
  const cases: Record<
    string,
    { reason: string; deleting?: boolean; conditions?: Condition[]; want: ManagedPhase }
  > = {
    noStatus: { reason: 'A resource never reconciled is Pending.', want: 'Pending' },
    noConditions: { reason: 'An empty condition list is Pending.', conditions: [], want: 'Pending' },
    available: {
      reason: 'Ready=True and Synced=True is Ready.',
      conditions: [ready('True', 'Available'), synced('True', 'ReconcileSuccess')],
      want: 'Ready',
    },
    availableNotSyncedYet: {
      reason: 'Ready=True with Synced unknown is Ready.',
      conditions: [ready('True', 'Available')],
      want: 'Ready',
    },
    creating: {
      reason: 'Creating is Pending.',
      conditions: [ready('False', 'Creating'), synced('True', 'ReconcileSuccess')],
      want: 'Pending',
    },
    unavailable: {
      reason: 'Unavailable (an instance down or refusing the login) is Failed, not on its way: not Pending.',
      conditions: [ready('False', 'Unavailable'), synced('True', 'ReconcileSuccess')],
      want: 'Failed',
    },
    errorBeforeReady: {
      reason: 'A failed reconcile is Failed.',
      conditions: [synced('False', 'ReconcileError')],
      want: 'Failed',
    },
    errorWhileReady: {
      reason: 'Failed takes precedence over Ready.',
      conditions: [ready('True', 'Available'), synced('False', 'ReconcileError')],
      want: 'Failed',
    },
    creatingWithError: {
      reason: 'A failed create is Failed.',
      conditions: [ready('False', 'Creating'), synced('False', 'ReconcileError')],
      want: 'Failed',
    },
    pausedWhileReady: {
      reason: 'A paused resource that was Ready stays Ready.',
      conditions: [ready('True', 'Available'), synced('False', 'ReconcilePaused')],
      want: 'Ready',
    },
    pausedBeforeReady: {
      reason: 'A paused resource that was never Ready is Pending.',
      conditions: [synced('False', 'ReconcilePaused')],
      want: 'Pending',
    },
    deleting: {
      reason: 'A deletion timestamp is Deleting.',
      deleting: true,
      conditions: [ready('False', 'Deleting'), synced('True', 'ReconcileSuccess')],
      want: 'Deleting',
    },
    deletingOverFailed: {
      reason: 'Deleting takes precedence over Failed.',
      deleting: true,
      conditions: [ready('False', 'Deleting'), synced('False', 'ReconcileError')],
      want: 'Deleting',
    },
    deletingOverReady: {
      reason: 'Deleting takes precedence over Ready.',
      deleting: true,
      conditions: [ready('True', 'Available')],
      want: 'Deleting',
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      const mg = {
        metadata: tc.deleting ? { deletionTimestamp: at } : {},
        ...(tc.conditions === undefined ? {} : { status: { conditions: tc.conditions } }),
      };
      assert.equal(managedPhase(mg), tc.want, tc.reason);
    });
  }
});
