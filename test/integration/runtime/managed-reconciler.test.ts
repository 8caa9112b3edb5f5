// The managed reconciler against the real API server, with a test external client whose faults are injected.
// Each behaviour of crossplane-runtime's state machine (reference/crossplane-runtime.md §1.2) has a test here.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../../src/kube/api.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import { Annotation, externalName } from '../../../src/runtime/annotations.ts';
import { connectionSecretType } from '../../../src/runtime/connection-secret.ts';
import type { ManagedResource } from '../../../src/runtime/managed.ts';
import { managedFinalizer } from '../../../src/runtime/reconciler.ts';
import { FakeExternal } from '../../fakes/external.ts';
import {
  condition,
  connect,
  deleteRole,
  eventReasons,
  freshNamespace,
  getRole,
  makeReconciler,
  role,
  roleType,
  startHarness,
  type Harness,
} from './support.ts';
import { eventually } from '../../harness/wait.ts';

const secretType = { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true } as const;

interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

let kube: KubeClient;
before(async () => {
  kube = await connect();
});
after(() => {
  kube.close();
});

/** Starts a harness for a fresh namespace and stops it after the test. */
async function setUp(
  purpose: string,
  pollMs?: number,
  fake?: FakeExternal,
): Promise<{ ns: string; h: Harness }> {
  const ns = await freshNamespace(kube, purpose);
  const h = await startHarness(kube, {
    namespace: ns,
    ...(pollMs ? { pollMs } : {}),
    ...(fake ? { fake } : {}),
  });
  return { ns, h };
}

async function ready(ns: string, name: string): Promise<ManagedResource> {
  return eventually(`${name} Ready and Synced`, async () => {
    const mg = await getRole(kube, ns, name);
    return condition(mg, 'Ready')?.status === 'True' && condition(mg, 'Synced')?.status === 'True'
      ? mg
      : undefined;
  });
}

describe('managed reconciler on a real API server', () => {
  it('creates the external resource once, then reports Ready with the annotation protocol and finalizer', async () => {
    const { ns, h } = await setUp('create');
    try {
      await kube.create(roleType, role(ns, 'app'));
      const mg = await ready(ns, 'app');
      assert.equal(h.fake.calls.create, 1);
      assert.equal(mg.metadata.annotations?.[Annotation.ExternalName], 'app');
      assert.ok(mg.metadata.annotations[Annotation.ExternalCreatePending]);
      assert.ok(mg.metadata.annotations[Annotation.ExternalCreateSucceeded]);
      assert.deepEqual(mg.metadata.finalizers, [managedFinalizer]);
      assert.equal(mg.status?.phase, 'Ready');
      assert.equal(condition(mg, 'Ready')?.reason, 'Available');
      const observed = mg.status.conditions?.map((c) => c.observedGeneration);
      assert.deepEqual(
        observed,
        observed?.map(() => mg.metadata.generation),
      );
      await eventually('CreatedExternalResource event', async () =>
        (await eventReasons(kube, ns, 'app')).includes('CreatedExternalResource') ? true : undefined,
      );
    } finally {
      await h.stop();
    }
  });

  it('adds no finalizer and creates nothing until Observe succeeds', async () => {
    const fake = new FakeExternal();
    fake.failNext('observe', 'server unreachable', 1_000);
    const { ns, h } = await setUp('observe-fails', undefined, fake);
    try {
      await kube.create(roleType, role(ns, 'app'));
      const mg = await eventually('Synced=False', async () => {
        const got = await getRole(kube, ns, 'app');
        return condition(got, 'Synced')?.status === 'False' ? got : undefined;
      });
      assert.equal(condition(mg, 'Synced')?.reason, 'ReconcileError');
      assert.equal(condition(mg, 'Synced')?.message, 'observe failed: server unreachable');
      assert.equal(mg.status?.phase, 'Failed');
      assert.equal(mg.metadata.finalizers, undefined);
      assert.equal(fake.calls.create, 0);
      await eventually('CannotObserveExternalResource event', async () =>
        (await eventReasons(kube, ns, 'app')).includes('CannotObserveExternalResource') ? true : undefined,
      );
    } finally {
      await h.stop();
    }
  });

  it('retries a failed observe through the rate limiter only (its 1 s, 2 s, 4 s backoff), then turns Ready', async () => {
    const fake = new FakeExternal();
    fake.failNext('observe', 'flaky', 3);
    const { ns, h } = await setUp('backoff', undefined, fake);
    try {
      // With the external name preset, no annotation write re-queues the key: only the backoff does.
      const named = role(ns, 'app');
      named.metadata.annotations = { [Annotation.ExternalName]: 'app' };
      await kube.create(roleType, named);
      await ready(ns, 'app');
      const first = await eventually('three failed reconciles and a successful one', () => {
        const app = h.results.filter((r) => r.key === 'app');
        return app.length >= 4 ? app.slice(0, 4) : undefined;
      });
      // Each retry was taken from the rate limiter with one failure more counted, and no watch event of the
      // status writes slipped in between: so the waits were the limiter's 1 s, 2 s and 4 s, which
      // test/unit/runtime/workqueue.test.ts proves with a manual clock (and the unit reconciler table that a
      // failed Observe returns a rate-limited requeue). No wall-clock gap is measured here.
      assert.deepEqual(
        first.map((r) => [r.result.action, r.failuresBefore]),
        [
          ['requeue', 0],
          ['requeue', 1],
          ['requeue', 2],
          ['requeueAfter', 3],
        ],
      );
      assert.ok(fake.calls.observe >= 4, `${String(fake.calls.observe)} observes`);
    } finally {
      await h.stop();
    }
  });

  it('records create-failed and retries the create until it succeeds', async () => {
    const fake = new FakeExternal();
    fake.failNext('create', 'quota exceeded');
    const { ns, h } = await setUp('create-fails', undefined, fake);
    try {
      await kube.create(roleType, role(ns, 'app'));
      const mg = await ready(ns, 'app');
      assert.equal(fake.calls.create, 2);
      assert.ok(mg.metadata.annotations?.[Annotation.ExternalCreateFailed]);
      assert.ok((await eventReasons(kube, ns, 'app')).includes('CannotCreateExternalResource'));
    } finally {
      await h.stop();
    }
  });

  it('after a crash between create-pending and create-succeeded, observes instead of creating again', async () => {
    const ns = await freshNamespace(kube, 'crash');
    const external = new FakeExternal();
    // Replica one creates the resource and then "dies": its create never returns.
    external.inject('create', async (mg) => {
      external.resources.set(`${ns}/app`, { applied: JSON.stringify(mg.spec.forProvider) });
      await new Promise<never>(() => undefined);
    });
    const first = await startHarness(kube, { namespace: ns, fake: external });
    await kube.create(roleType, role(ns, 'app'));
    await eventually('create started', () => Promise.resolve(external.calls.create === 1 ? true : undefined));
    const pending = await getRole(kube, ns, 'app');
    assert.ok(pending?.metadata.annotations?.[Annotation.ExternalCreatePending]);
    assert.equal(pending.metadata.annotations[Annotation.ExternalCreateSucceeded], undefined);
    first.controller.informer.stop();
    void first.controller.queue.shutDown(); // abandoned, like a killed process
    // Replica two starts on the same external system and must not create a second time.
    const second = await startHarness(kube, { namespace: ns, fake: external });
    try {
      const mg = await ready(ns, 'app');
      assert.equal(external.calls.create, 1);
      assert.equal(mg.metadata.annotations?.[Annotation.ExternalCreateSucceeded], undefined);
    } finally {
      await second.stop();
    }
  });

  it('pauses with the annotation or empty management policies, and resumes', async () => {
    const { ns, h } = await setUp('pause');
    try {
      await kube.create(roleType, {
        ...role(ns, 'app'),
        metadata: { name: 'app', namespace: ns, annotations: { [Annotation.Paused]: 'true' } },
      });
      await kube.create(roleType, role(ns, 'quiet', { managementPolicies: [] }));
      for (const name of ['app', 'quiet']) {
        const mg = await eventually(`${name} paused`, async () => {
          const got = await getRole(kube, ns, name);
          return condition(got, 'Synced')?.reason === 'ReconcilePaused' ? got : undefined;
        });
        assert.equal(mg.metadata.finalizers, undefined);
      }
      assert.equal(h.fake.calls.connect, 0);
      await kube.patch(
        roleType,
        { namespace: ns, name: 'app' },
        { metadata: { annotations: { [Annotation.Paused]: null } } },
        { strategy: 'merge' },
      );
      await ready(ns, 'app');
      assert.equal(h.fake.resources.has(`${ns}/quiet`), false);
    } finally {
      await h.stop();
    }
  });

  it('refuses an unsupported management-policy set with a clear condition and no external call', async () => {
    const { ns, h } = await setUp('bad-policy');
    try {
      await kube.create(
        roleType,
        role(ns, 'app', { managementPolicies: ['Observe', 'Delete', 'LateInitialize'] }),
      );
      const mg = await eventually('Synced=False', async () => {
        const got = await getRole(kube, ns, 'app');
        return condition(got, 'Synced')?.status === 'False' ? got : undefined;
      });
      assert.match(condition(mg, 'Synced')?.message ?? '', /managementPolicies.*not supported/);
      assert.equal(h.fake.calls.connect, 0);
      await eventually('CannotUseInvalidManagementPolicy event', async () =>
        (await eventReasons(kube, ns, 'app')).includes('CannotUseInvalidManagementPolicy') ? true : undefined,
      );
    } finally {
      await h.stop();
    }
  });

  it('deletes the external resource and removes the finalizer only after Observe confirms it is gone', async () => {
    const fake = new FakeExternal();
    const { ns, h } = await setUp('delete', undefined, fake);
    try {
      await kube.create(roleType, role(ns, 'app'));
      await ready(ns, 'app');
      // The first delete call "succeeds" but the resource lingers, as with an asynchronous API.
      fake.keepAfterDelete = 1;
      await deleteRole(kube, ns, 'app');
      const deleting = await eventually('Deleting phase', async () => {
        const got = await getRole(kube, ns, 'app');
        return got?.status?.phase === 'Deleting' ? got : undefined;
      });
      assert.deepEqual(deleting.metadata.finalizers, [managedFinalizer]);
      await eventually('resource gone', async () =>
        (await getRole(kube, ns, 'app')) === undefined ? true : undefined,
      );
      assert.ok(fake.calls.delete >= 2, `delete called ${String(fake.calls.delete)} times`);
      assert.equal(fake.resources.has(`${ns}/app`), false);
    } finally {
      await h.stop();
    }
  });

  it('orphans the external resource when Delete is not among the management policies', async () => {
    const { ns, h } = await setUp('orphan');
    try {
      await kube.create(roleType, role(ns, 'app', { managementPolicies: ['Observe', 'Create', 'Update'] }));
      await ready(ns, 'app');
      await deleteRole(kube, ns, 'app');
      await eventually('resource gone', async () =>
        (await getRole(kube, ns, 'app')) === undefined ? true : undefined,
      );
      assert.equal(h.fake.calls.delete, 0);
      assert.equal(h.fake.resources.has(`${ns}/app`), true);
    } finally {
      await h.stop();
    }
  });

  it('publishes connection details to a Secret it controls', async () => {
    const fake = new FakeExternal();
    fake.details = { username: Buffer.from('app'), password: Buffer.from('s3cr3t') };
    const { ns, h } = await setUp('secret', undefined, fake);
    try {
      await kube.create(roleType, role(ns, 'app', { writeConnectionSecretToRef: { name: 'app-conn' } }));
      const mg = await ready(ns, 'app');
      const secret = await kube.get<Secret>(secretType, { namespace: ns, name: 'app-conn' });
      assert.equal(secret?.type, connectionSecretType);
      assert.equal(Buffer.from(secret.data?.['password'] ?? '', 'base64').toString(), 's3cr3t');
      const owner = secret.metadata.ownerReferences?.[0];
      assert.equal(owner?.uid, mg.metadata.uid);
      assert.equal(owner?.controller, true);
    } finally {
      await h.stop();
    }
  });

  it('refuses to write a Secret it does not own, and leaves it untouched', async () => {
    const fake = new FakeExternal();
    fake.details = { password: Buffer.from('s3cr3t') };
    const { ns, h } = await setUp('foreign-secret', undefined, fake);
    try {
      await kube.create<Secret>(secretType, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'theirs', namespace: ns },
        type: 'Opaque',
        data: { password: Buffer.from('keep me').toString('base64') },
      });
      await kube.create(roleType, role(ns, 'other', { writeConnectionSecretToRef: { name: 'theirs' } }));
      const refused = await eventually('publish refused', async () => {
        const got = await getRole(kube, ns, 'other');
        return condition(got, 'Synced')?.status === 'False' ? got : undefined;
      });
      assert.match(condition(refused, 'Synced')?.message ?? '', /refusing to modify uncontrolled secret/);
      const theirs = await kube.get<Secret>(secretType, { namespace: ns, name: 'theirs' });
      assert.equal(Buffer.from(theirs?.data?.['password'] ?? '', 'base64').toString(), 'keep me');
      assert.equal(theirs?.metadata.ownerReferences, undefined);
      await eventually('CannotPublishConnectionDetails event', async () =>
        (await eventReasons(kube, ns, 'other')).includes('CannotPublishConnectionDetails') ? true : undefined,
      );
    } finally {
      await h.stop();
    }
  });

  it('treats a 409 from a stale copy as a quiet requeue, without an error condition', async () => {
    const { ns, h } = await setUp('conflict');
    try {
      await kube.create(roleType, role(ns, 'app'));
      await ready(ns, 'app');
      const stale = await getRole(kube, ns, 'app');
      // Without Synced the stale copy has a status to write (an unchanged one would not be sent at all).
      const conditions = stale?.status?.conditions ?? [];
      if (stale?.status) stale.status.conditions = conditions.filter((c) => c.type !== 'Synced');
      await kube.patch(
        roleType,
        { namespace: ns, name: 'app' },
        { metadata: { labels: { touched: 'yes' } } },
        { strategy: 'merge' },
      );
      const fromStaleCache = makeReconciler(kube, h.fake, () => structuredClone(stale));
      const result = await fromStaleCache.reconcile({ namespace: ns, name: 'app' });
      assert.deepEqual(result, { action: 'requeue' });
      const mg = await getRole(kube, ns, 'app');
      assert.equal(condition(mg, 'Synced')?.status, 'True');
    } finally {
      await h.stop();
    }
  });

  it('with deterministic external names: Ready in one reconcile, one metadata and one status write, no create-* annotations', async () => {
    const ns = await freshNamespace(kube, 'deterministic');
    const h = await startHarness(kube, { namespace: ns, deterministicExternal: true });
    const { resourceVersion } = await kube.list(roleType, { namespace: ns });
    const modified: ManagedResource[] = [];
    const watch = await kube.watch<ManagedResource & KubeObject>(
      roleType,
      { namespace: ns, resourceVersion },
      (type, obj) => {
        if (type === 'MODIFIED') modified.push(obj);
      },
      () => undefined,
    );
    try {
      await kube.create(roleType, role(ns, 'app'));
      const mg = await ready(ns, 'app');
      assert.equal(h.fake.calls.create, 1);
      assert.equal(h.fake.calls.observe, 2, 'observed, created, observed again in the same reconcile');
      assert.equal(mg.metadata.annotations?.[Annotation.ExternalName], 'app');
      assert.deepEqual(mg.metadata.finalizers, [managedFinalizer]);
      for (const a of [Annotation.ExternalCreatePending, Annotation.ExternalCreateSucceeded])
        assert.equal(mg.metadata.annotations[a], undefined, a);
      // Both writes are awaited as watch events (a slow watch cannot fail the test), then a quiet moment in
      // which nothing more may follow. The unit table ("create") proves the single reconcile's two writes.
      await eventually('the two writes as watch events', () => (modified.length >= 2 ? true : undefined));
      await eventually('the reconcile recorded', () =>
        h.results.some((r) => r.key === 'app') ? true : undefined,
      );
      await sleep(1_000);
      assert.equal(modified.length, 2, 'external name and finalizer together, then the Ready status');
      const [saved, statusWritten] = modified;
      assert.ok(saved !== undefined && statusWritten !== undefined);
      assert.deepEqual(saved.metadata.finalizers, [managedFinalizer]);
      assert.equal(externalName(saved), 'app');
      assert.equal(condition(statusWritten, 'Ready')?.status, 'True');
      assert.deepEqual(
        h.results.filter((r) => r.key === 'app').map((r) => r.result.action),
        ['requeueAfter'],
        'one reconcile, ending in the poll',
      );
      assert.ok((await eventReasons(kube, ns, 'app')).includes('CreatedExternalResource'));
    } finally {
      watch.stop();
      await h.stop();
    }
  });

  it('with deterministic external names: a failed create is retried, nothing is annotated', async () => {
    const fake = new FakeExternal();
    fake.failNext('create', 'quota exceeded');
    const ns = await freshNamespace(kube, 'deterministic-fails');
    const h = await startHarness(kube, { namespace: ns, fake, deterministicExternal: true });
    try {
      await kube.create(roleType, role(ns, 'app'));
      const mg = await ready(ns, 'app');
      assert.equal(fake.calls.create, 2);
      assert.equal(mg.metadata.annotations?.[Annotation.ExternalCreateFailed], undefined);
      assert.ok((await eventReasons(kube, ns, 'app')).includes('CannotCreateExternalResource'));
    } finally {
      await h.stop();
    }
  });

  it('does not hot-loop: an idle Ready object is reconciled only by the poll and written to never', async () => {
    const pollMs = 2_000;
    const { ns, h } = await setUp('idle', pollMs);
    try {
      await kube.create(roleType, role(ns, 'app'));
      const settled = await ready(ns, 'app');
      const isPoll = (r: Harness['results'][number]) =>
        r.key === 'app' && r.result.action === 'requeueAfter' && r.result.delayMs === pollMs;
      // Settled once a reconcile of the Ready object has ended in the poll: its writes are done.
      const settledAt = await eventually('a reconcile ending in the poll', () => {
        const i = h.results.findIndex(isPoll);
        return i >= 0 ? i + 1 : undefined;
      });
      const before = await getRole(kube, ns, 'app');
      // Two more reconciles: the polls (nothing else can wake an object nobody writes to).
      const idle = await eventually('two idle polls', () => {
        const later = h.results.slice(settledAt).filter((r) => r.key === 'app');
        return later.length >= 2 ? later : undefined;
      });
      const afterIdle = await getRole(kube, ns, 'app');
      assert.equal(
        afterIdle?.metadata.resourceVersion,
        before?.metadata.resourceVersion,
        'no writes while idle, so no watch event that could start a loop',
      );
      assert.ok(idle.every(isPoll), 'each idle reconcile ended in the poll interval');
      assert.equal(settled.status?.phase, 'Ready');
    } finally {
      await h.stop();
    }
  });

  it('corrects drift: a spec change reaches the external side through Update', async () => {
    const { ns, h } = await setUp('update', 60_000);
    try {
      await kube.create(roleType, role(ns, 'app'));
      await ready(ns, 'app');
      await kube.patch(
        roleType,
        { namespace: ns, name: 'app' },
        { spec: { forProvider: { postgres: { createDB: true } } } },
        { strategy: 'merge' },
      );
      await eventually('update applied', () => Promise.resolve(h.fake.calls.update === 1 ? true : undefined));
      assert.match(h.fake.resources.get(`${ns}/app`)?.applied ?? '', /"createDB":true/);
      await eventually('UpdatedExternalResource event', async () =>
        (await eventReasons(kube, ns, 'app')).includes('UpdatedExternalResource') ? true : undefined,
      );
    } finally {
      await h.stop();
    }
  });
});
