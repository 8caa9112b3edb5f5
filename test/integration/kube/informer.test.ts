// src/runtime/informer.ts against the real kube-apiserver: delivery of add/update/delete, recovery from cut and
// timed-out watches, resync, and retrying a list that fails until the CRD exists.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../../src/kube/api.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import { Informer, type InformerHandlers } from '../../../src/runtime/informer.ts';
import {
  closeClients,
  configMapType,
  connect,
  createNamespace,
  installWidgetCrd,
  sleep,
  testEnvironment,
  widgetType,
  type ConfigMap,
  type Widget,
} from './support.ts';
import { eventually } from '../../harness/wait.ts';
import { recordingLogger } from '../../fakes/logger.ts';

await testEnvironment();

/** Records every delivery as text: `add a`, `update a 1->2` (data.v or spec.size), `delete a`. */
function recorder<T extends KubeObject>(
  value: (obj: T) => unknown,
): { log: string[]; handlers: InformerHandlers<T> } {
  const log: string[] = [];
  return {
    log,
    handlers: {
      add: (obj) => log.push(`add ${obj.metadata.name}`),
      update: (oldObj, newObj) =>
        log.push(`update ${newObj.metadata.name} ${String(value(oldObj))}->${String(value(newObj))}`),
      delete: (obj) => log.push(`delete ${obj.metadata.name}`),
    },
  };
}

const dataV = (cm: ConfigMap): unknown => cm.data?.v;

describe('Informer', () => {
  let kube: KubeClient;
  const informers: Informer<KubeObject>[] = [];

  function informer<T extends KubeObject>(...args: ConstructorParameters<typeof Informer<T>>): Informer<T> {
    const made = new Informer<T>(...args);
    informers.push(made as unknown as Informer<KubeObject>);
    return made;
  }

  before(async () => {
    kube = await connect();
  });
  after(() => {
    for (const i of informers) i.stop();
    closeClients();
  });

  it('syncs, then delivers add, update (old, new) and delete, and keeps a keyed store', async () => {
    const namespace = await createNamespace(kube, 'informer-basic');
    await kube.create<ConfigMap>(configMapType, {
      metadata: { name: 'before', namespace },
      data: { v: '0' },
    });
    const cms = informer<ConfigMap>(kube, configMapType, { namespace });
    const { log, handlers } = recorder(dataV);
    cms.addHandlers(handlers);
    cms.start();
    await cms.synced;
    assert.ok(cms.hasSynced());
    assert.deepEqual(log, ['add before']);
    assert.equal(cms.get(namespace, 'before')?.data?.v, '0');
    assert.equal(cms.get(namespace, 'before')?.kind, 'ConfigMap');
    assert.equal(
      (cms.get(namespace, 'before')?.metadata as { managedFields?: unknown }).managedFields,
      undefined,
      'managedFields are not kept',
    );

    await kube.create<ConfigMap>(configMapType, { metadata: { name: 'a', namespace }, data: { v: '1' } });
    await kube.patch(configMapType, { namespace, name: 'a' }, { data: { v: '2' } }, { strategy: 'merge' });
    await kube.delete(configMapType, { namespace, name: 'before' });
    await eventually('three deliveries', () => (log.length >= 4 ? true : undefined));
    assert.deepEqual(log, ['add before', 'add a', 'update a 1->2', 'delete before']);
    assert.deepEqual(
      cms.list().map((cm) => cm.metadata.name),
      ['a'],
    );
    assert.equal(cms.get(namespace, 'before'), undefined);

    // Late handlers first hear of what is already there.
    const late = recorder(dataV);
    cms.addHandlers(late.handlers);
    assert.deepEqual(late.log, ['add a']);
  });

  it('resumes after server-side watch timeouts without losing changes', async () => {
    const namespace = await createNamespace(kube, 'informer-timeout');
    const requests: string[] = [];
    const shortWatches = await connect({
      watchTimeoutSeconds: 1,
      onRequest: (verb, resource) => requests.push(`${verb} ${resource}`),
    });
    const cms = informer<ConfigMap>(shortWatches, configMapType, { namespace });
    const { log, handlers } = recorder(dataV);
    cms.addHandlers(handlers);
    cms.start();
    await cms.synced;
    for (let v = 1; v <= 4; v++) {
      await kube.create<ConfigMap>(configMapType, {
        metadata: { name: `cm${v}`, namespace },
        data: { v: String(v) },
      });
      await sleep(700);
    }
    await eventually('four adds', () => (log.length >= 4 ? true : undefined));
    assert.deepEqual(log, ['add cm1', 'add cm2', 'add cm3', 'add cm4']);
    const watches = requests.filter((r) => r === 'watch configmaps').length;
    const lists = requests.filter((r) => r === 'list configmaps').length;
    assert.ok(watches >= 2, `expected several watches, saw ${watches}`);
    assert.equal(lists, 1, 'a timed-out watch resumes from its resourceVersion without relisting');
  });

  it('relists after its connection is cut, delivering what changed meanwhile', async () => {
    const namespace = await createNamespace(kube, 'informer-cut');
    const requests: string[] = [];
    const cut = await connect({ onRequest: (verb) => requests.push(verb) });
    await kube.create<ConfigMap>(configMapType, { metadata: { name: 'stays', namespace }, data: { v: '1' } });
    await kube.create<ConfigMap>(configMapType, { metadata: { name: 'goes', namespace }, data: { v: '1' } });
    const cms = informer<ConfigMap>(cut, configMapType, { namespace, backoffBaseMs: 300 });
    const { log, handlers } = recorder(dataV);
    cms.addHandlers(handlers);
    cms.start();
    await eventually('the watch', () => (requests.includes('watch') ? true : undefined));
    log.length = 0;

    // Drop every connection of the informer's client, then change things before it can reconnect.
    cut.close();
    await kube.patch(
      configMapType,
      { namespace, name: 'stays' },
      { data: { v: '2' } },
      { strategy: 'merge' },
    );
    await kube.delete(configMapType, { namespace, name: 'goes' });
    await kube.create<ConfigMap>(configMapType, { metadata: { name: 'new', namespace }, data: { v: '1' } });
    await eventually('three deliveries', () => (log.length >= 3 ? true : undefined));
    assert.deepEqual([...log].sort(), ['add new', 'delete goes', 'update stays 1->2']);

    // And it watches again afterwards.
    await kube.create<ConfigMap>(configMapType, { metadata: { name: 'later', namespace } });
    await eventually('add later', () => (log.includes('add later') ? true : undefined));
    assert.deepEqual(requests, ['list', 'watch', 'list', 'watch']);
  });

  it('re-delivers every object as an update on resync', async () => {
    const namespace = await createNamespace(kube, 'informer-resync');
    await kube.create<ConfigMap>(configMapType, { metadata: { name: 'x', namespace }, data: { v: '1' } });
    await kube.create<ConfigMap>(configMapType, { metadata: { name: 'y', namespace }, data: { v: '1' } });
    const cms = informer<ConfigMap>(kube, configMapType, { namespace, resyncMs: 1000 });
    const updates: [ConfigMap, ConfigMap][] = [];
    cms.addHandlers({ update: (oldObj, newObj) => updates.push([oldObj, newObj]) });
    cms.start();
    await cms.synced;
    await eventually('two resync updates', () => (updates.length >= 2 ? true : undefined), 5000);
    assert.deepEqual(updates.map(([, n]) => n.metadata.name).sort(), ['x', 'y']);
    for (const [oldObj, newObj] of updates)
      assert.equal(oldObj, newObj, 'an unchanged object is delivered as itself');
    assert.equal(cms.list().length, 2);
  });

  it('keeps retrying a failing list until the type exists, then syncs', async () => {
    const group = 'informertest.dbops.dbprovision.io';
    const namespace = await createNamespace(kube, 'informer-retry');
    const recorded = recordingLogger();
    const warnings = recorded.messages.warn;
    const widgets = informer<Widget>(kube, widgetType(group), {
      namespace,
      backoffBaseMs: 100,
      backoffMaxMs: 400,
      log: recorded.logger,
    });
    const { log, handlers } = recorder<Widget>((w) => w.spec?.size);
    widgets.addHandlers(handlers);
    widgets.start();
    await eventually('failed lists', () => (warnings.length >= 3 ? true : undefined));
    assert.equal(widgets.hasSynced(), false);
    assert.match(warnings[0]!, /list failed/);

    const type = await installWidgetCrd(kube, group);
    await widgets.synced;
    await kube.create<Widget>(type, { metadata: { name: 'w', namespace }, spec: { size: 1 } });
    await eventually('add w', () => (log.includes('add w') ? true : undefined));
  });
});
