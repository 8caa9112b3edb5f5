import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Annotation } from '../../../src/runtime/annotations.ts';
import { desiredStateChanged, type WatchedObject } from '../../../src/runtime/predicates.ts';

interface Meta {
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
  finalizers?: string[];
  resourceVersion?: string;
}

function obj(metadata: Meta, status?: object): WatchedObject {
  return status === undefined ? { metadata } : ({ metadata, status } as WatchedObject);
}

const base: Meta = {
  generation: 2,
  labels: { app: 'a' },
  annotations: { [Annotation.ExternalName]: 'db' },
  resourceVersion: '10',
};

describe('desiredStateChanged', () => {
  const cases: Record<string, { reason: string; old: WatchedObject; new: WatchedObject; want: boolean }> = {
    nothing: {
      reason: 'A resync of an unchanged object is dropped.',
      old: obj(base),
      new: obj(base),
      want: false,
    },
    statusOnly: {
      reason: "The controller's own status write (new resourceVersion, same generation) is dropped.",
      old: obj(base, { conditions: [] }),
      new: obj({ ...base, resourceVersion: '11' }, { conditions: [{ type: 'Ready' }] }),
      want: false,
    },
    generation: {
      reason: 'A spec change bumps the generation.',
      old: obj(base),
      new: obj({ ...base, generation: 3 }),
      want: true,
    },
    labelAdded: {
      reason: 'A new label passes.',
      old: obj(base),
      new: obj({ ...base, labels: { app: 'a', tier: 'db' } }),
      want: true,
    },
    labelChanged: {
      reason: 'A changed label value passes.',
      old: obj(base),
      new: obj({ ...base, labels: { app: 'b' } }),
      want: true,
    },
    labelsRemoved: {
      reason: 'Removing all labels passes.',
      old: obj(base),
      new: obj({ ...base, labels: {} }),
      want: true,
    },
    labelsMissingVsEmpty: {
      reason: 'No labels map and an empty one are the same.',
      old: obj({ generation: 1 }),
      new: obj({ generation: 1, labels: {} }),
      want: false,
    },
    externalName: {
      reason: 'A changed external name passes.',
      old: obj(base),
      new: obj({ ...base, annotations: { [Annotation.ExternalName]: 'other' } }),
      want: true,
    },
    paused: {
      reason: 'Setting the pause annotation passes.',
      old: obj(base),
      new: obj({ ...base, annotations: { ...base.annotations, [Annotation.Paused]: 'true' } }),
      want: true,
    },
    reconcileRequested: {
      reason: 'A new reconcile-requested-at token passes.',
      old: obj(base),
      new: obj({ ...base, annotations: { ...base.annotations, [Annotation.ReconcileRequestedAt]: 't1' } }),
      want: true,
    },
    createPending: {
      reason: 'The reconciler writing external-create-pending is dropped.',
      old: obj(base),
      new: obj({
        ...base,
        annotations: { ...base.annotations, [Annotation.ExternalCreatePending]: '2026-01-01T00:00:00Z' },
      }),
      want: false,
    },
    createFailed: {
      reason: 'The reconciler writing external-create-failed is dropped.',
      old: obj({ ...base, annotations: { [Annotation.ExternalCreateFailed]: '2026-01-01T00:00:00Z' } }),
      new: obj({ ...base, annotations: { [Annotation.ExternalCreateFailed]: '2026-01-01T00:01:00Z' } }),
      want: false,
    },
    createSucceeded: {
      reason: 'external-create-succeeded is not ignored, as in crossplane.',
      old: obj(base),
      new: obj({
        ...base,
        annotations: { ...base.annotations, [Annotation.ExternalCreateSucceeded]: '2026-01-01T00:00:00Z' },
      }),
      want: true,
    },
    ignoredPlusOther: {
      reason: 'An ignored key does not hide a real change in the same update.',
      old: obj(base),
      new: obj({
        ...base,
        annotations: { [Annotation.ExternalName]: 'other', [Annotation.ExternalCreatePending]: 'x' },
      }),
      want: true,
    },
    finalizerAdded: {
      reason: "The reconciler adding its finalizer is dropped (finalizers don't bump the generation).",
      old: obj(base),
      new: obj({ ...base, finalizers: ['finalizer.managedresource.crossplane.io'], resourceVersion: '11' }),
      want: false,
    },
    deletionStarted: {
      reason: 'A deletion timestamp appearing passes (the API server also bumps the generation).',
      old: obj(base),
      new: obj({ ...base, generation: 3, deletionTimestamp: '2026-01-01T00:00:00Z' }),
      want: true,
    },
    deletionStartedWithoutGeneration: {
      reason: 'A deletion timestamp appearing passes even for objects without a generation.',
      old: obj({}),
      new: obj({ deletionTimestamp: '2026-01-01T00:00:00Z' }),
      want: true,
    },
    whileDeleting: {
      reason: 'A finalizer removed from an object already being deleted is dropped.',
      old: obj({ ...base, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['a', 'b'] }),
      new: obj({ ...base, deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['b'] }),
      want: false,
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      assert.equal(desiredStateChanged(tc.old, tc.new), tc.want, tc.reason);
    });
  }
});
