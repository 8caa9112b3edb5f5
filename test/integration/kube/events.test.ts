// src/runtime/events.ts against the real kube-apiserver: core/v1 Events written, aggregated, capped, and never
// thrown into the caller.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeClient } from '../../../src/kube/client.ts';
import { eventResource, KubeEventRecorder, type CoreEvent } from '../../../src/runtime/events.ts';
import {
  closeClients,
  configMapType,
  connect,
  createNamespace,
  testEnvironment,
  type ConfigMap,
} from './support.ts';
import { recordingLogger } from '../../fakes/logger.ts';

await testEnvironment();

describe('KubeEventRecorder', () => {
  let kube: KubeClient;
  let namespace: string;

  async function eventsAbout(name: string): Promise<CoreEvent[]> {
    const { items } = await kube.list<CoreEvent>(eventResource, {
      namespace,
      fieldSelector: `involvedObject.name=${name}`,
    });
    return items;
  }

  async function configMap(name: string): Promise<ConfigMap> {
    return kube.create<ConfigMap>(configMapType, { metadata: { name, namespace } });
  }

  before(async () => {
    kube = await connect();
    namespace = await createNamespace(kube, 'events');
  });
  after(closeClients);

  it('writes an Event about the object and counts repeats on it', async () => {
    const cm = await configMap('subject');
    const recorder = new KubeEventRecorder(kube, { instance: 'test-pod' });
    recorder.record(cm, { type: 'Normal', reason: 'CreatedExternalResource', message: 'created it' });
    await recorder.flush();

    const [first, ...others] = await eventsAbout('subject');
    assert.equal(others.length, 0);
    assert.ok(first);
    assert.deepEqual(first.involvedObject, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'subject',
      namespace,
      uid: cm.metadata.uid,
      resourceVersion: cm.metadata.resourceVersion,
    });
    assert.equal(first.type, 'Normal');
    assert.equal(first.reason, 'CreatedExternalResource');
    assert.equal(first.message, 'created it');
    assert.deepEqual(first.source, { component: 'provider-dbops', host: 'test-pod' });
    assert.equal(first.reportingComponent, 'provider-dbops');
    assert.equal(first.reportingInstance, 'test-pod');
    assert.equal(first.count, 1);
    assert.equal(first.firstTimestamp, first.lastTimestamp);

    // Two repeats at once: they are written one after the other on the same Event.
    recorder.record(cm, { type: 'Normal', reason: 'CreatedExternalResource', message: 'created it' });
    recorder.record(cm, { type: 'Normal', reason: 'CreatedExternalResource', message: 'created it' });
    await recorder.flush();
    const [counted, ...more] = await eventsAbout('subject');
    assert.equal(more.length, 0);
    assert.equal(counted?.metadata.name, first.metadata.name);
    assert.equal(counted.count, 3);

    // Another reason or message is another Event.
    recorder.record(cm, { type: 'Warning', reason: 'CannotObserveExternalResource', message: 'boom' });
    await recorder.flush();
    assert.equal((await eventsAbout('subject')).length, 2);
  });

  it('starts a new Event when the aggregated one has gone', async () => {
    const cm = await configMap('expired');
    const recorder = new KubeEventRecorder(kube);
    const event = { type: 'Normal', reason: 'UpdatedExternalResource', message: 'updated' } as const;
    recorder.record(cm, event);
    await recorder.flush();
    const [first] = await eventsAbout('expired');
    await kube.delete(eventResource, { namespace, name: first!.metadata.name });

    recorder.record(cm, event);
    await recorder.flush();
    const [second, ...others] = await eventsAbout('expired');
    assert.equal(others.length, 0);
    assert.notEqual(second?.metadata.name, first!.metadata.name);
    assert.equal(second?.count, 1);
  });

  it('caps long messages and limits events per object', async () => {
    const cm = await configMap('noisy');
    const recorder = new KubeEventRecorder(kube, { maxMessageLength: 100, spamBurst: 3 });
    for (let i = 0; i < 5; i++) {
      recorder.record(cm, {
        type: 'Warning',
        reason: 'CannotConnectToProvider',
        message: `${String(i)}${'x'.repeat(500)}`,
      });
    }
    await recorder.flush();
    const events = await eventsAbout('noisy');
    assert.equal(events.length, 3, 'the object gets its burst, the rest is dropped');
    for (const e of events) {
      assert.equal(e.message.length, 100);
      assert.ok(e.message.endsWith('…'));
    }
  });

  it('never throws into the caller; failures are logged', async () => {
    const recorded = recordingLogger();
    const warnings = recorded.messages.warn;
    const recorder = new KubeEventRecorder(kube, {
      log: recorded.logger,
    });
    const ghost = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'ghost', namespace: 'no-such-namespace' },
    };
    assert.doesNotThrow(() => {
      recorder.record(ghost, { type: 'Warning', reason: 'Whatever', message: 'nowhere to go' });
    });
    await recorder.flush();
    assert.deepEqual(warnings, ['cannot record event']);
  });
});
