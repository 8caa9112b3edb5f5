import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  available,
  conditionsEqual,
  creating,
  deleting,
  getCondition,
  failureReason,
  reconcileError,
  reconcilePaused,
  reconcileSuccess,
  restampGeneration,
  setConditions,
  unavailable,
  type ConditionView,
  type NewCondition,
} from '../../../src/runtime/conditions.ts';
import type { Condition } from '../../../src/runtime/managed.ts';

const t0 = '2026-01-01T00:00:00Z';
const t1 = new Date('2026-01-01T00:05:00.750Z');
const t1Text = '2026-01-01T00:05:00Z';

describe('condition constructors', () => {
  const cases: Record<string, { reason: string; got: NewCondition; want: NewCondition }> = {
    available: {
      reason: 'Available is Ready=True.',
      got: available(),
      want: { type: 'Ready', status: 'True', reason: 'Available' },
    },
    unavailable: {
      reason: 'Unavailable without a message has no message field.',
      got: unavailable(),
      want: { type: 'Ready', status: 'False', reason: 'Unavailable' },
    },
    unavailableWithMessage: {
      reason: 'Unavailable carries the reason the resource is unavailable.',
      got: unavailable('server unreachable'),
      want: { type: 'Ready', status: 'False', reason: 'Unavailable', message: 'server unreachable' },
    },
    creating: {
      reason: 'Creating is Ready=False.',
      got: creating(),
      want: { type: 'Ready', status: 'False', reason: 'Creating' },
    },
    deleting: {
      reason: 'Deleting is Ready=False.',
      got: deleting(),
      want: { type: 'Ready', status: 'False', reason: 'Deleting' },
    },
    reconcileSuccess: {
      reason: 'ReconcileSuccess is Synced=True.',
      got: reconcileSuccess(),
      want: { type: 'Synced', status: 'True', reason: 'ReconcileSuccess' },
    },
    reconcileErrorFromError: {
      reason: "An Error's message becomes the condition message.",
      got: reconcileError(new Error('observe failed: boom')),
      want: { type: 'Synced', status: 'False', reason: 'ReconcileError', message: 'observe failed: boom' },
    },
    reconcileErrorFromString: {
      reason: 'A string is used as the message.',
      got: reconcileError('create failed: nope'),
      want: { type: 'Synced', status: 'False', reason: 'ReconcileError', message: 'create failed: nope' },
    },
    reconcileErrorEmpty: {
      reason: "An empty message is omitted, like Go's omitempty.",
      got: reconcileError(''),
      want: { type: 'Synced', status: 'False', reason: 'ReconcileError' },
    },
    reconcileErrorWithReason: {
      reason: 'A failure that names its reason (a second claimant: Conflict) keeps it.',
      got: reconcileError(
        'observe failed: owned by Database a/b',
        failureReason({ conditionReason: 'Conflict' }),
      ),
      want: {
        type: 'Synced',
        status: 'False',
        reason: 'Conflict',
        message: 'observe failed: owned by Database a/b',
      },
    },
    reconcileErrorPlainFailure: {
      reason: 'Any other failure is a ReconcileError.',
      got: reconcileError('boom', failureReason(new Error('boom'))),
      want: { type: 'Synced', status: 'False', reason: 'ReconcileError', message: 'boom' },
    },
    reconcilePaused: {
      reason: 'ReconcilePaused is Synced=False.',
      got: reconcilePaused(),
      want: { type: 'Synced', status: 'False', reason: 'ReconcilePaused' },
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      assert.deepEqual(tc.got, tc.want, tc.reason);
    });
  }
});

describe('conditionsEqual', () => {
  const base = { type: 'Ready', status: 'True' as const, reason: 'Available' };
  const cases: Record<
    string,
    {
      reason: string;
      a: Omit<Condition, 'lastTransitionTime'>;
      b: Omit<Condition, 'lastTransitionTime'>;
      want: boolean;
    }
  > = {
    identical: { reason: 'Same fields are equal.', a: base, b: base, want: true },
    differentStatus: { reason: 'Status matters.', a: base, b: { ...base, status: 'False' }, want: false },
    differentReason: { reason: 'Reason matters.', a: base, b: { ...base, reason: 'Creating' }, want: false },
    differentMessage: { reason: 'Message matters.', a: base, b: { ...base, message: 'x' }, want: false },
    emptyMessage: {
      reason: 'An empty message equals none.',
      a: base,
      b: { ...base, message: '' },
      want: true,
    },
    bothGenerations: {
      reason: 'Generations are compared when both are set.',
      a: { ...base, observedGeneration: 1 },
      b: { ...base, observedGeneration: 2 },
      want: false,
    },
    oneGeneration: {
      reason: 'A missing generation is not compared.',
      a: base,
      b: { ...base, observedGeneration: 2 },
      want: true,
    },
    zeroGeneration: {
      reason: 'Generation 0 means unset.',
      a: { ...base, observedGeneration: 0 },
      b: { ...base, observedGeneration: 7 },
      want: true,
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      assert.equal(conditionsEqual(tc.a, tc.b), tc.want, tc.reason);
    });
  }
});

describe('setConditions', () => {
  const ready: Condition = {
    type: 'Ready',
    status: 'True',
    reason: 'Available',
    lastTransitionTime: t0,
    observedGeneration: 3,
  };
  const synced: Condition = {
    type: 'Synced',
    status: 'True',
    reason: 'ReconcileSuccess',
    lastTransitionTime: t0,
    observedGeneration: 3,
  };
  const cases: Record<
    string,
    {
      reason: string;
      existing: Condition[] | undefined;
      set: NewCondition[];
      generation?: number;
      want: Condition[];
    }
  > = {
    addsToEmpty: {
      reason: 'A new type is appended, stamped with the time and generation.',
      existing: undefined,
      set: [available()],
      generation: 3,
      want: [{ ...ready, lastTransitionTime: t1Text }],
    },
    appendsInOrder: {
      reason: 'New types keep the order given, after existing ones.',
      existing: [ready],
      set: [reconcileSuccess()],
      generation: 3,
      want: [ready, { ...synced, lastTransitionTime: t1Text }],
    },
    unchangedKeepsTime: {
      reason: 'An equal condition keeps its lastTransitionTime.',
      existing: [ready, synced],
      set: [available(), reconcileSuccess()],
      generation: 3,
      want: [ready, synced],
    },
    statusChangeReplaces: {
      reason: 'A different status replaces the condition with a fresh time, in place.',
      existing: [ready, synced],
      set: [reconcileError('boom')],
      generation: 3,
      want: [
        ready,
        {
          type: 'Synced',
          status: 'False',
          reason: 'ReconcileError',
          message: 'boom',
          lastTransitionTime: t1Text,
          observedGeneration: 3,
        },
      ],
    },
    messageChangeReplaces: {
      reason: 'A different message is a change.',
      existing: [{ ...ready, status: 'False', reason: 'Unavailable', message: 'a' }],
      set: [unavailable('b')],
      generation: 3,
      want: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'Unavailable',
          message: 'b',
          lastTransitionTime: t1Text,
          observedGeneration: 3,
        },
      ],
    },
    generationBumpReplaces: {
      reason: 'The same condition at a newer generation is replaced with a fresh time.',
      existing: [ready],
      set: [available()],
      generation: 4,
      want: [{ ...ready, lastTransitionTime: t1Text, observedGeneration: 4 }],
    },
    existingWithoutGeneration: {
      reason: 'An existing condition with no generation equals the new one, so it is kept as it was.',
      existing: [{ type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: t0 }],
      set: [available()],
      generation: 9,
      want: [{ type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: t0 }],
    },
    noGeneration: {
      reason: 'Without a generation no observedGeneration is written.',
      existing: [],
      set: [creating()],
      want: [{ type: 'Ready', status: 'False', reason: 'Creating', lastTransitionTime: t1Text }],
    },
    laterWins: {
      reason: 'Setting the same type twice in one call leaves the last one.',
      existing: [],
      set: [creating(), available()],
      generation: 3,
      want: [{ ...ready, lastTransitionTime: t1Text }],
    },
    keepsOtherTypes: {
      reason: 'Conditions of types not being set are untouched.',
      existing: [{ type: 'Custom', status: 'True', reason: 'X', lastTransitionTime: t0 }],
      set: [reconcilePaused()],
      generation: 3,
      want: [
        { type: 'Custom', status: 'True', reason: 'X', lastTransitionTime: t0 },
        {
          type: 'Synced',
          status: 'False',
          reason: 'ReconcilePaused',
          lastTransitionTime: t1Text,
          observedGeneration: 3,
        },
      ],
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      const before = structuredClone(tc.existing);
      const got = setConditions(tc.existing, tc.set, { now: t1, generation: tc.generation });
      assert.deepEqual(got, tc.want, tc.reason);
      assert.deepEqual(tc.existing, before, 'the input list is not modified');
    });
  }
});

describe('getCondition', () => {
  const ready: Condition = { type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: t0 };
  const cases: Record<
    string,
    { reason: string; list: Condition[] | undefined; type: string; want: ConditionView }
  > = {
    present: { reason: 'Returns the condition of the type.', list: [ready], type: 'Ready', want: ready },
    missing: {
      reason: 'A missing type reads as Unknown.',
      list: [ready],
      type: 'Synced',
      want: { type: 'Synced', status: 'Unknown' },
    },
    noList: {
      reason: 'No conditions at all reads as Unknown.',
      list: undefined,
      type: 'Ready',
      want: { type: 'Ready', status: 'Unknown' },
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      assert.deepEqual(getCondition(tc.list, tc.type), tc.want, tc.reason);
    });
  }
});

describe('restampGeneration', () => {
  const at = (observedGeneration?: number): Condition => ({
    type: 'Ready',
    status: 'True',
    reason: 'Available',
    lastTransitionTime: '2026-01-01T00:00:00Z',
    ...(observedGeneration === undefined ? {} : { observedGeneration }),
  });
  const cases: { name: string; conditions?: Condition[]; from?: number; to?: number; want?: Condition[] }[] =
    [
      {
        name: 'stamped with the old generation: moved on',
        conditions: [at(1)],
        from: 1,
        to: 2,
        want: [at(2)],
      },
      { name: 'stamped with another generation: kept', conditions: [at(3)], from: 1, to: 2, want: [at(3)] },
      { name: 'not stamped: kept', conditions: [at()], from: 1, to: 2, want: [at()] },
      { name: 'generation unchanged: kept', conditions: [at(1)], from: 1, to: 1, want: [at(1)] },
      { name: 'no conditions: none', from: 1, to: 2 },
    ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(restampGeneration(c.conditions, c.from, c.to), c.want);
    });
  }
});
