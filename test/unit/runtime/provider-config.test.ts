import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countUsages } from '../../../src/runtime/provider-config.ts';
import {
  providerConfigKindLabel,
  providerConfigLabel,
  usageFor,
  type ProviderConfigUsage,
} from '../../../src/runtime/provider-config-usage.ts';
import type { ResourceType } from '../../../src/kube/api.ts';
import type { ManagedResource } from '../../../src/runtime/managed.ts';

const usageType: ResourceType = {
  group: 'dbops.dbprovision.io',
  version: 'v1alpha1',
  kind: 'ProviderConfigUsage',
  plural: 'providerconfigusages',
  namespaced: true,
};

function usage(
  name: string,
  ns: string,
  config: string,
  kind: string,
  controlled = true,
): ProviderConfigUsage {
  return {
    metadata: {
      name,
      namespace: ns,
      labels: { [providerConfigLabel]: config, [providerConfigKindLabel]: kind },
      ...(controlled
        ? { ownerReferences: [{ apiVersion: 'v', kind: 'K', name: 'n', uid: name, controller: true }] }
        : {}),
    },
    providerConfigRef: { kind, name: config },
    resourceRef: { apiVersion: 'v', kind: 'K', name: 'n' },
  };
}

describe('usageFor', () => {
  it('names the usage after the resource UID, labels it and makes the resource its controller', () => {
    const mg: ManagedResource = {
      apiVersion: 'dbops.dbprovision.io/v1alpha1',
      kind: 'DatabaseBackup',
      metadata: { name: 'nightly', namespace: 'apps', uid: 'u-1' },
      spec: { forProvider: {} },
    };
    const u = usageFor(mg, usageType);
    assert.equal(u.metadata.name, 'u-1');
    assert.deepEqual(u.metadata.labels, {
      [providerConfigLabel]: 'default',
      [providerConfigKindLabel]: 'ClusterProviderConfig',
    });
    assert.deepEqual(u.providerConfigRef, { kind: 'ClusterProviderConfig', name: 'default' });
    assert.equal(u.metadata.ownerReferences?.[0]?.controller, true);
  });
});

describe('countUsages', () => {
  const usages = [
    usage('a', 'apps', 'default', 'ClusterProviderConfig'),
    usage('b', 'web', 'default', 'ClusterProviderConfig'),
    usage('c', 'apps', 'default', 'ProviderConfig'),
    usage('d', 'apps', 'other', 'ClusterProviderConfig'),
    usage('e', 'apps', 'default', 'ClusterProviderConfig', false),
  ];
  const cases: Record<string, { namespace?: string; kind: string; users: number; orphans: string[] }> = {
    'a cluster config counts usages in every namespace, of its kind only': {
      kind: 'ClusterProviderConfig',
      users: 2,
      orphans: ['e'],
    },
    'a namespaced config counts usages in its namespace only': {
      namespace: 'apps',
      kind: 'ProviderConfig',
      users: 1,
      orphans: [],
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      const pc = { metadata: { name: 'default', ...(tc.namespace ? { namespace: tc.namespace } : {}) } };
      const got = countUsages(pc, tc.kind, usages);
      assert.equal(got.users, tc.users);
      assert.deepEqual(
        got.orphans.map((o) => o.metadata.name),
        tc.orphans,
      );
    });
  }
});
