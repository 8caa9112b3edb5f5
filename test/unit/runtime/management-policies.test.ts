import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ManagementPolicyResolver,
  SUPPORTED_MANAGEMENT_POLICIES,
} from '../../../src/runtime/management-policies.ts';

interface Answers {
  paused: boolean;
  onlyObserve: boolean;
  create: boolean;
  update: boolean;
  delete: boolean;
  lateInit: boolean;
}

function answers(r: ManagementPolicyResolver): Answers {
  return {
    paused: r.isPaused(),
    onlyObserve: r.shouldOnlyObserve(),
    create: r.shouldCreate(),
    update: r.shouldUpdate(),
    delete: r.shouldDelete(),
    lateInit: r.shouldLateInitialize(),
  };
}

const none: Answers = {
  paused: false,
  onlyObserve: false,
  create: false,
  update: false,
  delete: false,
  lateInit: false,
};
const all: Answers = { ...none, create: true, update: true, delete: true, lateInit: true };

describe('supported management policies (feature enabled)', () => {
  // Every set crossplane supports, with what the reconciler may do under it.
  const cases: Record<string, { reason: string; policies: string[] | undefined; want: Answers }> = {
    unset: { reason: 'Unset means ["*"].', policies: undefined, want: all },
    all: { reason: '"*" allows everything.', policies: ['*'], want: all },
    explicitAll: {
      reason: 'All five actions listed are the same as "*".',
      policies: ['Observe', 'Create', 'Update', 'LateInitialize', 'Delete'],
      want: all,
    },
    observeOnly: {
      reason: 'Observe alone is observe-only.',
      policies: ['Observe'],
      want: { ...none, onlyObserve: true },
    },
    pause: { reason: 'The empty set pauses.', policies: [], want: { ...none, paused: true } },
    noLateInit: {
      reason: 'Everything but LateInitialize.',
      policies: ['Observe', 'Create', 'Update', 'Delete'],
      want: { ...all, lateInit: false },
    },
    noDelete: {
      reason: 'Everything but Delete orphans.',
      policies: ['Observe', 'Create', 'Update', 'LateInitialize'],
      want: { ...all, delete: false },
    },
    noDeleteNoLateInit: {
      reason: 'Observe, Create, Update.',
      policies: ['Observe', 'Create', 'Update'],
      want: { ...none, create: true, update: true },
    },
    noUpdate: {
      reason: 'Everything but Update.',
      policies: ['Observe', 'Create', 'Delete', 'LateInitialize'],
      want: { ...all, update: false },
    },
    noUpdateNoDelete: {
      reason: 'Observe, Create, LateInitialize.',
      policies: ['Observe', 'Create', 'LateInitialize'],
      want: { ...none, create: true, lateInit: true },
    },
    noUpdateNoLateInit: {
      reason: 'Observe, Create, Delete.',
      policies: ['Observe', 'Create', 'Delete'],
      want: { ...none, create: true, delete: true },
    },
    createOnly: {
      reason: 'Observe, Create.',
      policies: ['Observe', 'Create'],
      want: { ...none, create: true },
    },
    observeDelete: {
      reason: 'Observe and Delete: adopt, never change, delete at the end.',
      policies: ['Observe', 'Delete'],
      want: { ...none, delete: true },
    },
    observeUpdate: {
      reason: 'Observe and Update: manage an object someone else owns.',
      policies: ['Observe', 'Update'],
      want: { ...none, update: true },
    },
    importMode: {
      reason: 'Observe and LateInitialize: import without changes.',
      policies: ['Observe', 'LateInitialize'],
      want: { ...none, lateInit: true },
    },
    observeUpdateLateInit: {
      reason: 'Observe, Update, LateInitialize.',
      policies: ['Observe', 'Update', 'LateInitialize'],
      want: { ...none, update: true, lateInit: true },
    },
    orderInsensitive: {
      reason: 'Order does not matter.',
      policies: ['Delete', 'LateInitialize', 'Update', 'Create', 'Observe'],
      want: all,
    },
    duplicates: {
      reason: 'Repetition does not matter: a set.',
      policies: ['Observe', 'Observe'],
      want: { ...none, onlyObserve: true },
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      const resolver = new ManagementPolicyResolver(tc.policies);
      assert.equal(resolver.validate(), undefined, tc.reason);
      assert.deepEqual(answers(resolver), tc.want, tc.reason);
    });
  }

  it('the table is exactly the 15 sets of crossplane-runtime', () => {
    assert.equal(SUPPORTED_MANAGEMENT_POLICIES.length, 15);
    for (const set of SUPPORTED_MANAGEMENT_POLICIES) {
      assert.equal(new ManagementPolicyResolver(set).validate(), undefined, `[${set.join(' ')}]`);
      assert.equal(
        new ManagementPolicyResolver([...set].reverse()).validate(),
        undefined,
        `reversed [${set.join(' ')}]`,
      );
    }
  });
});

describe('unsupported management policies (feature enabled)', () => {
  const cases: Record<string, { reason: string; policies: string[]; want: string }> = {
    createWithoutObserve: {
      reason: 'Every set but pause needs Observe.',
      policies: ['Create'],
      want: '`spec.managementPolicies` is set to a value([Create]) which is not supported. Check docs for supported policies',
    },
    allPlusObserve: {
      reason: '"*" combined with anything is not a supported set.',
      policies: ['*', 'Observe'],
      want: '`spec.managementPolicies` is set to a value([* Observe]) which is not supported. Check docs for supported policies',
    },
    observeUpdateDelete: {
      reason: 'Observe, Update, Delete is not in the table.',
      policies: ['Observe', 'Update', 'Delete'],
      want: '`spec.managementPolicies` is set to a value([Observe Update Delete]) which is not supported. Check docs for supported policies',
    },
    lateInitOnly: {
      reason: 'LateInitialize without Observe is not in the table.',
      policies: ['LateInitialize'],
      want: '`spec.managementPolicies` is set to a value([LateInitialize]) which is not supported. Check docs for supported policies',
    },
    unknownAction: {
      reason: 'An action crossplane does not know is unsupported.',
      policies: ['Observe', 'Import'],
      want: '`spec.managementPolicies` is set to a value([Observe Import]) which is not supported. Check docs for supported policies',
    },
    deduplicatedInMessage: {
      reason: 'The message shows the set, without repetition.',
      policies: ['Delete', 'Delete'],
      want: '`spec.managementPolicies` is set to a value([Delete]) which is not supported. Check docs for supported policies',
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      assert.equal(new ManagementPolicyResolver(tc.policies).validate(), tc.want, tc.reason);
    });
  }
});

describe('management policies with the feature disabled', () => {
  const cases: Record<string, { reason: string; policies: string[] | undefined; valid: boolean }> = {
    unset: { reason: 'The default is valid.', policies: undefined, valid: true },
    all: { reason: '"*" is valid.', policies: ['*'], valid: true },
    empty: { reason: 'The empty set is valid (and does not pause).', policies: [], valid: true },
    observe: { reason: 'Anything else is refused.', policies: ['Observe'], valid: false },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      const resolver = new ManagementPolicyResolver(tc.policies, { enabled: false });
      const error = resolver.validate();
      if (tc.valid) assert.equal(error, undefined, tc.reason);
      else
        assert.equal(
          error,
          '`spec.managementPolicies` is set to a non-default value but the feature is not enabled: [Observe]',
          tc.reason,
        );
      assert.deepEqual(
        answers(resolver),
        all,
        'with the feature off every action is allowed and nothing pauses',
      );
    });
  }
});
