import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ManagedResource } from '../../../src/runtime/managed.ts';
import { namespaceAllowed } from '../../../src/apis/references.ts';
import { labelSelector, pickSelected } from '../../../src/runtime/references.ts';

const owned = (name: string, controllerUid?: string) => ({
  metadata: {
    name,
    ...(controllerUid === undefined
      ? {}
      : {
          ownerReferences: [
            { apiVersion: 'x/v1', kind: 'XR', name: 'xr', uid: controllerUid, controller: true },
          ],
        }),
  },
});

const from = (controllerUid?: string): ManagedResource => ({
  apiVersion: 'dbops.dbprovision.io/v1alpha1',
  kind: 'Database',
  metadata: owned('db', controllerUid).metadata,
  spec: { forProvider: {} },
});

describe('labelSelector', () => {
  const cases: Record<string, { labels: Record<string, string> | undefined; want: string }> = {
    'no labels selects everything': { labels: undefined, want: '' },
    'keys are sorted so the selector is stable': { labels: { b: '2', a: '1' }, want: 'a=1,b=2' },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      assert.equal(labelSelector(tc.labels), tc.want);
    });
  }
});

describe('pickSelected', () => {
  const candidates = [owned('first', 'other'), owned('second', 'mine'), owned('third')];
  const cases: Record<
    string,
    { matchControllerRef: boolean; controller?: string; want: string | undefined }
  > = {
    'takes the first candidate without matchControllerRef': { matchControllerRef: false, want: 'first' },
    'takes the first sibling under the same controller': {
      matchControllerRef: true,
      controller: 'mine',
      want: 'second',
    },
    'matches nothing when the resource has no controller': { matchControllerRef: true, want: undefined },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      const picked = pickSelected(
        candidates,
        { matchControllerRef: tc.matchControllerRef },
        from(tc.controller),
      );
      assert.equal(picked?.metadata.name, tc.want);
    });
  }
});

describe('namespaceAllowed', () => {
  const cases: Record<string, { allowed?: string[]; from: string; want: boolean }> = {
    'its own namespace is always allowed': { from: 'db', want: true },
    'another namespace is refused by default': { from: 'apps', want: false },
    'a listed namespace is allowed': { allowed: ['apps'], from: 'apps', want: true },
    'an unlisted namespace is refused': { allowed: ['apps'], from: 'web', want: false },
    '"*" allows every namespace': { allowed: ['*'], from: 'web', want: true },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      assert.equal(namespaceAllowed(tc.allowed, 'db', tc.from), tc.want);
    });
  }
});
