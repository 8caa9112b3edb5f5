import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  KubeApiError,
  type KubeApi,
  type KubeObject,
  type ListResult,
  type ResourceType,
  type WatchEventType,
} from '../../../src/kube/api.ts';
import { backoffDelay, Informer, storeKey, stripManagedFields } from '../../../src/runtime/informer.ts';
import { recordingLogger } from '../../fakes/logger.ts';

describe('backoffDelay', () => {
  it('is zero before any failure, doubles per failure, and stops at the cap', () => {
    const table: [number, number][] = [
      [0, 0],
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [5, 16_000],
      [6, 30_000],
      [60, 30_000],
    ];
    for (const [failures, expected] of table) assert.equal(backoffDelay(failures, 1000, 30_000, 0), expected);
  });

  it('jitters down by at most 20%', () => {
    assert.equal(backoffDelay(2, 1000, 30_000, 1), 1600);
  });
});

describe('storeKey', () => {
  it('is namespace/name, or the name alone when there is no namespace', () => {
    assert.equal(storeKey('ns', 'a'), 'ns/a');
    assert.equal(storeKey(undefined, 'a'), 'a');
    assert.equal(storeKey('', 'a'), 'a');
  });
});

describe('stripManagedFields', () => {
  it('drops metadata.managedFields in place and keeps the rest', () => {
    const obj = { metadata: { name: 'a', labels: { x: 'y' }, managedFields: [{ manager: 'm' }] } };
    const stripped = stripManagedFields(obj as KubeObject);
    assert.equal(stripped, obj);
    assert.deepEqual(obj.metadata, { name: 'a', labels: { x: 'y' } });
  });
});

const type: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
};

function cm(name: string, resourceVersion: string): KubeObject {
  return { metadata: { name, namespace: 'ns', resourceVersion } };
}

interface OpenWatch {
  resourceVersion: string;
  onEvent: (type: WatchEventType, obj: KubeObject) => void;
  onDone: (err?: unknown) => void;
  stopped: boolean;
}

/** A KubeApi whose list answers are scripted and whose watches the test drives by hand. */
function scripted(lists: (() => Promise<ListResult<KubeObject>>)[]) {
  const watches: OpenWatch[] = [];
  let listCalls = 0;
  const api = {
    list: () => {
      const next = lists[Math.min(listCalls, lists.length - 1)]!;
      listCalls++;
      return next();
    },
    watch: (
      _type: ResourceType,
      options: { resourceVersion: string },
      onEvent: OpenWatch['onEvent'],
      onDone: OpenWatch['onDone'],
    ) => {
      const open: OpenWatch = { resourceVersion: options.resourceVersion, onEvent, onDone, stopped: false };
      watches.push(open);
      return Promise.resolve({
        stop: () => {
          open.stopped = true;
        },
      });
    },
  };
  return { api: api as unknown as KubeApi, watches, listCalls: () => listCalls };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Informer (scripted API)', () => {
  it('retries failed lists with backoff, then watches from the list resourceVersion', async () => {
    const fail = () => Promise.reject(new Error('connection refused'));
    const kube = scripted([
      fail,
      fail,
      () => Promise.resolve({ items: [cm('a', '5')], resourceVersion: '10' }),
    ]);
    const informer = new Informer(kube.api, type, { backoffBaseMs: 10, backoffMaxMs: 20 });
    informer.start();
    await informer.synced;
    assert.equal(kube.listCalls(), 3);
    await until(() => kube.watches.length === 1);
    assert.equal(kube.watches[0]!.resourceVersion, '10');
    informer.stop();
    assert.equal(kube.watches[0]!.stopped, true);
  });

  it('relists at once after 410 Gone, delivering only the differences', async () => {
    let round = 0;
    const kube = scripted([
      () => {
        round++;
        return Promise.resolve(
          round === 1
            ? { items: [cm('a', '1'), cm('b', '1')], resourceVersion: '10' }
            : { items: [cm('a', '1'), cm('c', '1')], resourceVersion: '20' },
        );
      },
    ]);
    const log: string[] = [];
    const informer = new Informer(kube.api, type, { backoffBaseMs: 60_000 });
    informer.addHandlers({
      add: (o) => log.push(`add ${o.metadata.name}`),
      update: (o) => log.push(`update ${o.metadata.name}`),
      delete: (o) => log.push(`delete ${o.metadata.name}`),
    });
    informer.start();
    await until(() => kube.watches.length === 1);
    kube.watches[0]!.onDone(new KubeApiError('too old resource version', 410, 'Expired'));
    // A 60 s backoff would time this out: 410 is not a failure.
    await until(() => kube.watches.length === 2);
    assert.deepEqual(log, ['add a', 'add b', 'add c', 'delete b']);
    assert.equal(kube.watches[1]!.resourceVersion, '20');
    informer.stop();
  });

  it('resumes a cleanly ended watch from the last event or bookmark without relisting', async () => {
    const kube = scripted([() => Promise.resolve({ items: [], resourceVersion: '10' })]);
    const informer = new Informer(kube.api, type, {});
    informer.start();
    await until(() => kube.watches.length === 1);
    const first = kube.watches[0]!;
    first.onEvent('ADDED', cm('a', '11'));
    first.onEvent('BOOKMARK', { metadata: { name: '', resourceVersion: '15' } });
    assert.equal(informer.list().length, 1, 'a bookmark is not an object');
    await new Promise((r) => setTimeout(r, 1100)); // a healthy watch lives at least a second
    first.onDone();
    await until(() => kube.watches.length === 2);
    assert.equal(kube.watches[1]!.resourceVersion, '15');
    assert.equal(kube.listCalls(), 1);
    // Events from the ended watch are ignored.
    first.onEvent('ADDED', cm('late', '16'));
    assert.equal(informer.get('ns', 'late'), undefined);
    informer.stop();
  });

  it('keeps the cache and other handlers working when a handler throws', async () => {
    const kube = scripted([() => Promise.resolve({ items: [cm('a', '1')], resourceVersion: '10' })]);
    const recorded = recordingLogger();
    const errors = recorded.messages.error;
    const informer = new Informer(kube.api, type, {
      log: recorded.logger,
    });
    const seen: string[] = [];
    informer.addHandlers({
      add: () => {
        throw new Error('handler bug');
      },
    });
    informer.addHandlers({ add: (o) => seen.push(o.metadata.name) });
    informer.start();
    await informer.synced;
    assert.deepEqual(seen, ['a']);
    assert.deepEqual(errors, ['informer add handler failed']);
    informer.stop();
  });
});
