// Reference resolution and provider-config usage tracking against the real API server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kinds } from '../../../src/apis/registry.ts';
import { createKubeApi, type KubeClient } from '../../../src/kube/client.ts';
import type { ManagedResource } from '../../../src/runtime/managed.ts';
import {
  providerConfigKindLabel,
  providerConfigLabel,
  ProviderConfigUsageTracker,
  type ProviderConfigUsage,
} from '../../../src/runtime/provider-config-usage.ts';
import { ReferenceError, resolveReference } from '../../../src/runtime/references.ts';
import { useTestEnvironment } from '../../harness/environment.ts';
import { connect, freshNamespace, role, roleType } from './support.ts';

let kube: KubeClient;
before(async () => {
  kube = await connect();
});
after(() => {
  kube.close();
});

function labelled(ns: string, name: string, labels: Record<string, string>): ManagedResource {
  const obj = role(ns, name);
  obj.metadata.labels = labels;
  return obj;
}

describe('resolveReference', () => {
  it('keeps an explicit reference, selects by labels, and reports a selector that matches nothing', async () => {
    const ns = await freshNamespace(kube, 'refs');
    await kube.create(roleType, labelled(ns, 'blue', { tier: 'a' }));
    await kube.create(roleType, labelled(ns, 'green', { tier: 'b' }));
    const from = role(ns, 'grant');
    const target = roleType;

    assert.deepEqual(await resolveReference(kube, from, { ref: { name: 'explicit' }, target }), {
      name: 'explicit',
    });
    assert.deepEqual(
      await resolveReference(kube, from, {
        ref: { name: 'explicit' },
        selector: { matchLabels: { tier: 'b' } },
        target,
      }),
      { name: 'explicit' },
      'a reference wins unless the selector says Always',
    );
    assert.deepEqual(
      await resolveReference(kube, from, {
        ref: { name: 'explicit' },
        selector: { matchLabels: { tier: 'b' }, policy: { resolve: 'Always' } },
        target,
      }),
      { name: 'green' },
    );
    assert.deepEqual(
      await resolveReference(kube, from, { selector: { matchLabels: { tier: 'a' } }, target }),
      {
        name: 'blue',
      },
    );
    await assert.rejects(
      resolveReference(kube, from, { selector: { matchLabels: { tier: 'none' } }, target }),
      (err: unknown) => err instanceof ReferenceError && /matched selector/.test(err.message),
    );
    assert.equal(
      await resolveReference(kube, from, {
        selector: { matchLabels: { tier: 'none' }, policy: { resolution: 'Optional' } },
        target,
      }),
      undefined,
    );
  });
});

describe('ProviderConfigUsageTracker', () => {
  it('records one usage per resource, controlled by it, and follows a changed reference', async () => {
    const ns = await freshNamespace(kube, 'usage');
    const mg = await kube.create(
      roleType,
      role(ns, 'user', { providerConfigRef: { kind: 'ProviderConfig', name: 'one' } }),
    );
    let usageWrites = 0;
    const counted = await createKubeApi({
      fromString: (await useTestEnvironment()).kube.kubeconfig,
      onRequest: (verb, resource) => {
        if (verb === 'patch' && resource.startsWith('providerconfigusages')) usageWrites++;
      },
    });
    const tracker = new ProviderConfigUsageTracker(counted, kinds.ProviderConfigUsage);
    await tracker.track(mg);
    await tracker.track(mg);
    assert.equal(usageWrites, 1, 'an unchanged reference is not written again');
    const usage = await kube.get<ProviderConfigUsage>(kinds.ProviderConfigUsage, {
      namespace: ns,
      name: mg.metadata.uid ?? '',
    });
    assert.equal(usage?.metadata.labels?.[providerConfigLabel], 'one');
    assert.equal(usage.metadata.labels[providerConfigKindLabel], 'ProviderConfig');
    assert.equal(usage.metadata.ownerReferences?.[0]?.uid, mg.metadata.uid);

    mg.spec.providerConfigRef = { kind: 'ClusterProviderConfig', name: 'two' };
    await tracker.track(mg);
    const moved = await kube.get<ProviderConfigUsage>(kinds.ProviderConfigUsage, {
      namespace: ns,
      name: mg.metadata.uid ?? '',
    });
    assert.deepEqual(moved?.providerConfigRef, { kind: 'ClusterProviderConfig', name: 'two' });
    assert.equal(moved.metadata.labels?.[providerConfigKindLabel], 'ClusterProviderConfig');
    counted.close();
  });
});
