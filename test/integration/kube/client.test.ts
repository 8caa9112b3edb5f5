// src/kube/client.ts against the real kube-apiserver: CRUD, error mapping, status, merge and apply patches on a
// core type and on a CRD, watches, request counting and connection reuse.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  isConflict,
  isNotFound,
  KubeApiError,
  type KubeObject,
  type ResourceType,
  type WatchEventType,
} from '../../../src/kube/api.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import {
  closeClients,
  configMapType,
  connect,
  createNamespace,
  installWidgetCrd,
  testEnvironment,
  type ConfigMap,
  type Widget,
} from './support.ts';
import { eventually } from '../../harness/wait.ts';

const group = 'kubetest.dbops.dbprovision.io';
await testEnvironment();

function rejectsWith(code: number, reason: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof KubeApiError, `expected a KubeApiError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.equal(err.reason, reason, err.message);
    return true;
  };
}

describe('KubeApi over REST', () => {
  const requests: string[] = [];
  let kube: KubeClient;
  let namespace: string;
  let widgets: ResourceType;

  before(async () => {
    kube = await connect({
      onRequest: (verb, resource, code) => requests.push(`${verb} ${resource} ${code}`),
    });
    namespace = await createNamespace(kube, 'kube-client');
    widgets = await installWidgetCrd(kube, group);
  });
  after(closeClients);

  it('creates, reads, lists, updates and deletes a ConfigMap', async () => {
    const created = await kube.create<ConfigMap>(configMapType, {
      metadata: { name: 'one', namespace, labels: { app: 'kube-client' } },
      data: { a: '1' },
    });
    assert.equal(created.metadata.namespace, namespace);
    assert.ok(created.metadata.uid);

    const read = await kube.get<ConfigMap>(configMapType, { namespace, name: 'one' });
    assert.deepEqual(read?.data, { a: '1' });
    assert.equal(await kube.get(configMapType, { namespace, name: 'missing' }), undefined);

    const listed = await kube.list<ConfigMap>(configMapType, { namespace, labelSelector: 'app=kube-client' });
    assert.deepEqual(
      listed.items.map((i) => [i.apiVersion, i.kind, i.metadata.name]),
      [['v1', 'ConfigMap', 'one']],
      'list items get apiVersion and kind filled in',
    );
    assert.match(listed.resourceVersion, /^\d+$/);

    const updated = await kube.update<ConfigMap>(configMapType, { ...created, data: { a: '2' } });
    assert.notEqual(updated.metadata.resourceVersion, created.metadata.resourceVersion);

    await kube.delete(configMapType, { namespace, name: 'one' });
    assert.equal(await kube.get(configMapType, { namespace, name: 'one' }), undefined);
    await kube.delete(configMapType, { namespace, name: 'one' }); // already gone: no error
  });

  it('maps 404, 409 and 422 to KubeApiError with the Status reason', async () => {
    const cm = await kube.create<ConfigMap>(configMapType, { metadata: { name: 'errors', namespace } });
    await assert.rejects(
      kube.create(configMapType, { metadata: { name: 'errors', namespace } }),
      rejectsWith(409, 'AlreadyExists'),
    );
    await kube.update<ConfigMap>(configMapType, { ...cm, data: { b: '1' } });
    const stale = kube.update<ConfigMap>(configMapType, { ...cm, data: { b: '2' } });
    await assert.rejects(stale, rejectsWith(409, 'Conflict'));
    await assert.rejects(stale, isConflict);
    await assert.rejects(
      kube.update(configMapType, { metadata: { name: 'nobody', namespace, resourceVersion: '1' } }),
      (err: unknown) => isNotFound(err) && (err as KubeApiError).reason === 'NotFound',
    );
    await assert.rejects(
      kube.create(configMapType, { metadata: { name: 'Not_A_DNS_Name', namespace } }),
      rejectsWith(422, 'Invalid'),
    );
    await assert.rejects(
      kube.create<Widget>(widgets, { metadata: { name: 'tiny', namespace }, spec: { size: 0 } }),
      (err: unknown) => rejectsWith(422, 'Invalid')(err) && /spec\.size/.test((err as Error).message),
    );
    await assert.rejects(kube.get(configMapType, { name: 'no-namespace' }), /needs a namespace/);
  });

  it('merge-patches and server-side applies a ConfigMap', async () => {
    await kube.create<ConfigMap>(configMapType, {
      metadata: { name: 'patched', namespace },
      data: { a: '1' },
    });
    const merged = await kube.patch<ConfigMap>(
      configMapType,
      { namespace, name: 'patched' },
      { data: { b: '2', a: null } },
      { strategy: 'merge' },
    );
    assert.deepEqual(merged.data, { b: '2' });

    // Apply sends only the manager's fields; apiVersion, kind and name are filled in.
    const applied = await kube.patch<ConfigMap & { metadata: { managedFields?: { manager: string }[] } }>(
      configMapType,
      { namespace, name: 'patched' },
      { data: { c: '3' } },
      { strategy: 'apply', fieldManager: 'kube-client-test' },
    );
    assert.deepEqual(applied.data, { b: '2', c: '3' });
    assert.ok(applied.metadata.managedFields?.some((f) => f.manager === 'kube-client-test'));

    // An update that omits managedFields keeps them (the informer's cache drops them to save memory).
    const metadata = { ...applied.metadata };
    delete metadata.managedFields;
    const updated = await kube.update<typeof applied>(configMapType, { ...applied, metadata });
    assert.ok(updated.metadata.managedFields?.some((f) => f.manager === 'kube-client-test'));
  });

  it('writes the status subresource of a CRD, and resolves apply conflicts only with force', async () => {
    const created = await kube.create<Widget>(widgets, {
      apiVersion: `${group}/v1`,
      kind: 'Widget',
      metadata: { name: 'w', namespace },
      spec: { size: 1 },
    });
    const withStatus = await kube.updateStatus<Widget>(widgets, {
      ...created,
      spec: { size: 5 },
      status: { phase: 'Ready' },
    });
    assert.equal(withStatus.status?.phase, 'Ready');
    assert.equal(withStatus.spec?.size, 1, 'a status write ignores spec');
    assert.equal(withStatus.metadata.generation, created.metadata.generation);
    await assert.rejects(
      kube.updateStatus<Widget>(widgets, { ...created, status: { phase: 'Stale' } }),
      rejectsWith(409, 'Conflict'),
    );

    const patched = await kube.patch<Widget>(
      widgets,
      { namespace, name: 'w' },
      { status: { phase: 'Failed' } },
      { strategy: 'merge', status: true },
    );
    assert.equal(patched.status?.phase, 'Failed');

    const ref = { namespace, name: 'w' };
    // The creator (an Update manager) owns spec.size, so even the first apply has to force.
    await assert.rejects(
      kube.patch(widgets, ref, { spec: { size: 2 } }, { strategy: 'apply', fieldManager: 'first' }),
      rejectsWith(409, 'Conflict'),
    );
    await kube.patch(
      widgets,
      ref,
      { spec: { size: 2 } },
      { strategy: 'apply', fieldManager: 'first', force: true },
    );
    await assert.rejects(
      kube.patch(widgets, ref, { spec: { size: 3 } }, { strategy: 'apply', fieldManager: 'second' }),
      rejectsWith(409, 'Conflict'),
    );
    const forced = await kube.patch<Widget>(
      widgets,
      ref,
      { spec: { size: 3 } },
      { strategy: 'apply', fieldManager: 'second', force: true },
    );
    assert.equal(forced.spec?.size, 3);

    const appliedStatus = await kube.patch<Widget>(
      widgets,
      ref,
      { status: { phase: 'Applied' } },
      { strategy: 'apply', fieldManager: 'second', force: true, status: true },
    );
    assert.equal(appliedStatus.status?.phase, 'Applied');
  });

  it('watches from a resourceVersion and ends exactly once on stop', async () => {
    const { resourceVersion } = await kube.list(configMapType, { namespace });
    const seen: string[] = [];
    const done: unknown[] = [];
    const handle = await kube.watch<ConfigMap>(
      configMapType,
      { namespace, resourceVersion },
      (type: WatchEventType, obj: KubeObject) => seen.push(`${type} ${obj.metadata.name}`),
      (err) => done.push(err),
    );
    await kube.create(configMapType, { metadata: { name: 'watched', namespace } });
    await kube.patch(
      configMapType,
      { namespace, name: 'watched' },
      { data: { x: '1' } },
      { strategy: 'merge' },
    );
    await kube.delete(configMapType, { namespace, name: 'watched' });
    await eventually('three events', () => (seen.length >= 3 ? true : undefined));
    assert.deepEqual(seen, ['ADDED watched', 'MODIFIED watched', 'DELETED watched']);
    handle.stop();
    handle.stop();
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(done, [undefined]);
  });

  it('ends a watch at the server timeout, and with the Status error for an expired resourceVersion', async () => {
    const shortKube = await connect({ watchTimeoutSeconds: 1 });
    const { resourceVersion } = await shortKube.list(configMapType, { namespace });
    const started = Date.now();
    const ended = await new Promise<unknown>((resolve) => {
      void shortKube.watch(configMapType, { namespace, resourceVersion }, () => undefined, resolve);
    });
    assert.equal(ended, undefined);
    assert.ok(Date.now() - started >= 900);

    // The CRD's watch cache starts when the CRD is installed, long after resourceVersion 1: "too old".
    const expired = await new Promise<unknown>((resolve) => {
      void kube.watch(widgets, { namespace, resourceVersion: '1' }, () => undefined, resolve);
    });
    assert.ok(expired instanceof KubeApiError, String(expired));
    assert.equal(expired.code, 410);
    assert.equal(expired.reason, 'Expired');
  });

  it('reports a watch that cannot start through onDone, once', async () => {
    const ends: unknown[] = [];
    const handle = await kube.watch(
      { ...configMapType, group: 'nothing.dbops.dbprovision.io' },
      { namespace, resourceVersion: '' },
      () => undefined,
      (err) => ends.push(err),
    );
    await eventually('the watch to end', () => (ends.length > 0 ? true : undefined));
    handle.stop();
    assert.equal(ends.length, 1);
    assert.ok(isNotFound(ends[0]), String(ends[0]));
  });

  it('counts requests by verb and resource, and reuses connections', async () => {
    const opened = kube.connectionsOpened;
    const before = requests.length;
    for (let i = 0; i < 20; i++) await kube.get(configMapType, { namespace, name: 'errors' });
    await Promise.all(Array.from({ length: 5 }, () => kube.list(widgets, { namespace })));
    const counted = requests.slice(before);
    assert.equal(counted.filter((r) => r === 'get configmaps 200').length, 20);
    assert.equal(counted.filter((r) => r === `list widgets.${group} 200`).length, 5);
    assert.ok(requests.includes(`update widgets.${group}/status 200`));
    assert.ok(requests.includes(`patch widgets.${group}/status 200`));
    assert.ok(requests.includes('delete configmaps 404'));
    assert.ok(
      kube.connectionsOpened - opened <= 5,
      `25 requests opened ${kube.connectionsOpened - opened} connections`,
    );
  });
});
