import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kinds } from '../../../src/apis/registry.ts';
import {
  allReady,
  dependantsToWake,
  readinessTurn,
  refersTo,
  firstReconcileHold,
  type Dependency,
  type DependencyTarget,
} from '../../../src/runtime/dependencies.ts';
import type { ManagedResource } from '../../../src/runtime/managed.ts';
import type { NamespacedReference } from '../../../src/runtime/references.ts';

function mg(namespace: string, name: string, ready?: 'True' | 'False', ref?: object): ManagedResource {
  return {
    apiVersion: 'dbops.dbprovision.io/v1alpha1',
    kind: 'Thing',
    metadata: { name, namespace },
    spec: { forProvider: ref === undefined ? {} : { userRef: ref } },
    ...(ready === undefined
      ? {}
      : { status: { conditions: [{ type: 'Ready', status: ready, reason: 'X', lastTransitionTime: 't' }] } }),
  };
}

const userDependency: Dependency = {
  type: kinds.DatabaseUser,
  reference: (m) => (m.spec.forProvider as { userRef?: NamespacedReference }).userRef,
};

describe('references between managed resources', () => {
  const target = mg('team', 'app');
  const cases = [
    {
      name: 'same name, namespace defaulted to the referrer’s',
      ref: { name: 'app' },
      from: 'team',
      hit: true,
    },
    {
      name: 'same name and explicit namespace',
      ref: { name: 'app', namespace: 'team' },
      from: 'other',
      hit: true,
    },
    { name: 'same name, other namespace', ref: { name: 'app' }, from: 'other', hit: false },
    { name: 'other name', ref: { name: 'db' }, from: 'team', hit: false },
    { name: 'no reference', ref: undefined, from: 'team', hit: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(refersTo(userDependency, mg(c.from, 'x', undefined, c.ref), target), c.hit);
    });
  }
});

describe('readiness turns', () => {
  const cases = [
    { name: 'a new object, not Ready', before: undefined, after: 'False', turn: undefined },
    { name: 'a new object, already Ready (a relist)', before: undefined, after: 'True', turn: 'gained' },
    { name: 'became Ready', before: 'False', after: 'True', turn: 'gained' },
    { name: 'became Ready from no conditions', before: 'none', after: 'True', turn: 'gained' },
    { name: 'stopped being Ready', before: 'True', after: 'False', turn: 'lost' },
    { name: 'lost its conditions', before: 'True', after: 'none', turn: 'lost' },
    { name: 'still Ready', before: 'True', after: 'True', turn: undefined },
    { name: 'not Ready for another reason', before: 'none', after: 'False', turn: undefined },
  ] as const;
  for (const c of cases) {
    it(c.name, () => {
      const state = (s: 'True' | 'False' | 'none') => mg('ns', 'a', s === 'none' ? undefined : s);
      const before = c.before === undefined ? undefined : state(c.before);
      assert.equal(readinessTurn(before, state(c.after)), c.turn);
    });
  }
});

describe('dependants woken by a turn', () => {
  const grants = [
    mg('team', 'g1', undefined, { name: 'app' }),
    mg('team', 'g2', undefined, { name: 'other' }),
    mg('elsewhere', 'g3', undefined, { name: 'app', namespace: 'team' }),
  ];
  const app = mg('team', 'app', 'True');
  const cases = [
    {
      name: 'readiness lost: every dependant, whatever its other dependencies',
      turn: 'lost',
      ready: [],
      woken: ['team/g1', 'elsewhere/g3'],
    },
    {
      name: 'readiness gained: the dependants whose dependencies are all Ready',
      turn: 'gained',
      ready: ['g3'],
      woken: ['elsewhere/g3'],
    },
    { name: 'readiness gained, nobody else Ready: none', turn: 'gained', ready: [], woken: [] },
  ] as const;
  for (const c of cases) {
    it(c.name, () => {
      const allReady = (m: ManagedResource) => (c.ready as readonly string[]).includes(m.metadata.name);
      const woken = dependantsToWake({ object: app, turn: c.turn }, grants, userDependency, allReady);
      assert.deepEqual(
        woken.map((k) => `${k.namespace}/${k.name}`),
        c.woken,
      );
    });
  }
});

describe('how long a new dependant is held before its first reconcile', () => {
  const ready = mg('team', 'user', 'True');
  const pending = mg('team', 'db', 'False');
  const fresh = mg('team', 'grant');
  const reconciled = mg('team', 'grant', 'False');
  const deleting: ManagedResource = {
    ...fresh,
    metadata: { ...fresh.metadata, deletionTimestamp: '2026-12-01T00:00:00Z' },
  };
  const limits = { notReadyMs: 60_000, missingMs: 3000 };
  const cases: {
    name: string;
    mg: ManagedResource;
    targets: DependencyTarget[];
    heldMs: number;
    allReady: boolean;
    hold: number;
  }[] = [
    { name: 'no dependencies', mg: fresh, targets: [], heldMs: 0, allReady: true, hold: 0 },
    { name: 'all Ready', mg: fresh, targets: [ready, ready], heldMs: 0, allReady: true, hold: 0 },
    {
      name: 'one not Ready yet: up to a poll interval',
      mg: fresh,
      targets: [ready, pending],
      heldMs: 0,
      allReady: false,
      hold: 60_000,
    },
    {
      name: 'one not Ready, part of the interval waited',
      mg: fresh,
      targets: [pending],
      heldMs: 45_000,
      allReady: false,
      hold: 15_000,
    },
    {
      name: 'one not Ready for a whole interval: reconciled to report it',
      mg: fresh,
      targets: [pending],
      heldMs: 60_000,
      allReady: false,
      hold: 0,
    },
    {
      name: 'one not Ready, one not resolved yet',
      mg: fresh,
      targets: [pending, 'unknown'],
      heldMs: 0,
      allReady: false,
      hold: 60_000,
    },
    {
      name: 'one missing: a few seconds for the cache to catch up',
      mg: fresh,
      targets: [ready, 'missing'],
      heldMs: 1000,
      allReady: false,
      hold: 2000,
    },
    {
      name: 'still missing after those seconds: reconciled to report it',
      mg: fresh,
      targets: ['missing'],
      heldMs: 3000,
      allReady: false,
      hold: 0,
    },
    {
      name: 'only unresolved references',
      mg: fresh,
      targets: ['unknown'],
      heldMs: 0,
      allReady: true,
      hold: 0,
    },
    {
      name: 'reconciled before (a restart): not held',
      mg: reconciled,
      targets: [pending],
      heldMs: 0,
      allReady: false,
      hold: 0,
    },
    {
      name: 'being deleted: not held',
      mg: deleting,
      targets: [pending],
      heldMs: 0,
      allReady: false,
      hold: 0,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(allReady(c.targets), c.allReady);
      assert.equal(firstReconcileHold(c.mg, c.targets, c.heldMs, limits), c.hold);
    });
  }
});
