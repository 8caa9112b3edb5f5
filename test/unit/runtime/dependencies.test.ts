import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kinds } from '../../../src/apis/registry.ts';
import {
  dependantsOf,
  readinessChanged,
  referenceNames,
  type Dependency,
} from '../../../src/runtime/dependencies.ts';
import type { ManagedResource } from '../../../src/runtime/managed.ts';

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
      assert.equal(referenceNames(mg(c.from, 'x'), c.ref, target), c.hit);
    });
  }
});

describe('readiness changes', () => {
  const cases = [
    { name: 'a new object', before: undefined, after: 'False', changed: true },
    { name: 'became Ready', before: 'False', after: 'True', changed: true },
    { name: 'stopped being Ready', before: 'True', after: 'False', changed: true },
    { name: 'still Ready', before: 'True', after: 'True', changed: false },
    { name: 'still without conditions', before: 'none', after: 'none', changed: false },
  ] as const;
  for (const c of cases) {
    it(c.name, () => {
      const state = (s: 'True' | 'False' | 'none') => mg('ns', 'a', s === 'none' ? undefined : s);
      const before = c.before === undefined ? undefined : state(c.before);
      assert.equal(readinessChanged(before, state(c.after)), c.changed);
    });
  }
});

describe('dependants of a changed object', () => {
  it('are the candidates that refer to it', () => {
    const dependency: Dependency = {
      type: kinds.DatabaseUser,
      refersTo: (m, t) =>
        referenceNames(m, (m.spec.forProvider as { userRef?: { name: string } }).userRef, t),
    };
    const grants = [
      mg('team', 'g1', undefined, { name: 'app' }),
      mg('team', 'g2', undefined, { name: 'other' }),
      mg('elsewhere', 'g3', undefined, { name: 'app', namespace: 'team' }),
    ];
    assert.deepEqual(dependantsOf(mg('team', 'app', 'True'), grants, dependency), [
      { namespace: 'team', name: 'g1' },
      { namespace: 'elsewhere', name: 'g3' },
    ]);
  });
});
