// FakeKube (test/fakes/kube.ts) against the real kube-apiserver: each scenario runs the same calls on both and
// must see the same outcomes (errors, generation, whether resourceVersion moved, what status and finalizers
// became). The unit tests built on the fake, such as the reconciler table, are only as true as this.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KubeApiError, type KubeApi, type KubeObject, type ResourceType } from '../../../src/kube/api.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import { FakeKube } from '../../fakes/kube.ts';
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

const group = 'fakekube.dbops.dbprovision.io';
await testEnvironment();

/** What a scenario can see, the same on both servers. */
class Trace {
  readonly lines: string[] = [];
  private version: string | undefined;

  constructor(
    readonly api: KubeApi,
    readonly ns: string,
    readonly widgets: ResourceType,
  ) {}

  /** Runs a call and notes `ok` or its error's code and reason; returns the result, if any. */
  async call<T>(what: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await run();
      this.lines.push(`${what}: ok`);
      return result;
    } catch (err) {
      if (!(err instanceof KubeApiError)) throw err;
      this.lines.push(`${what}: ${String(err.code)} ${err.reason}`);
      return undefined;
    }
  }

  /** Notes the stored object's state, and whether its resourceVersion moved since the last note. */
  async state(type: ResourceType, name: string): Promise<(KubeObject & Widget) | undefined> {
    const obj = await this.api.get<KubeObject & Widget>(type, { namespace: this.ns, name });
    if (obj === undefined) {
      this.lines.push(`  ${name}: gone`);
      return undefined;
    }
    const meta = obj.metadata;
    const moved =
      this.version === undefined ? 'new' : meta.resourceVersion === this.version ? 'same' : 'moved';
    this.version = meta.resourceVersion;
    this.lines.push(
      `  ${name}: version ${moved}, generation ${String(meta.generation ?? '-')}, spec ${JSON.stringify(obj.spec ?? null)}, ` +
        `status ${JSON.stringify(obj.status ?? null)}, labels ${JSON.stringify(meta.labels ?? {})}, ` +
        `finalizers ${JSON.stringify(meta.finalizers ?? [])}, deleting ${String(meta.deletionTimestamp !== undefined)}`,
    );
    return obj;
  }

  widget(name: string, extra: Partial<Widget> = {}): Widget {
    return { metadata: { name, namespace: this.ns }, spec: { size: 1 }, ...extra };
  }
}

type Scenario = (t: Trace) => Promise<void>;

const scenarios: Record<string, Scenario> = {
  'create ignores status and starts generation at 1; AlreadyExists for a second create': async (t) => {
    await t.call('create', () => t.api.create(t.widgets, t.widget('a', { status: { phase: 'Made up' } })));
    await t.state(t.widgets, 'a');
    await t.call('create again', () => t.api.create(t.widgets, t.widget('a')));
  },
  'generation counts spec changes; metadata moves only the version; a no-op moves nothing': async (t) => {
    await t.api.create(t.widgets, t.widget('a'));
    let obj = await t.state(t.widgets, 'a');
    obj = await t.call('spec change', () => t.api.update(t.widgets, { ...obj!, spec: { size: 2 } }));
    await t.state(t.widgets, 'a');
    obj = await t.call('label', () =>
      t.api.update(t.widgets, { ...obj!, metadata: { ...obj!.metadata, labels: { team: 'a' } } }),
    );
    await t.state(t.widgets, 'a');
    await t.call('same again', () => t.api.update(t.widgets, obj!));
    await t.state(t.widgets, 'a');
  },
  'a stale update is a 409, an update of a missing object a 404': async (t) => {
    const stale = await t.api.create(t.widgets, t.widget('a'));
    await t.api.update(t.widgets, { ...stale, spec: { size: 2 } });
    await t.call('stale update', () => t.api.update(t.widgets, { ...stale, spec: { size: 3 } }));
    await t.call('stale status update', () =>
      t.api.updateStatus(t.widgets, { ...stale, status: { phase: 'x' } }),
    );
    await t.call('missing update', () =>
      t.api.update(t.widgets, { ...stale, metadata: { ...stale.metadata, name: 'b' } }),
    );
    await t.call('missing status update', () =>
      t.api.updateStatus(t.widgets, { ...stale, metadata: { ...stale.metadata, name: 'b' } }),
    );
    await t.state(t.widgets, 'a');
  },
  'update ignores status; updateStatus writes only status': async (t) => {
    let obj = await t.api.create(t.widgets, t.widget('a'));
    obj = (await t.call('update with status', () =>
      t.api.update(t.widgets, { ...obj, status: { phase: 'Ignored' } }),
    ))!;
    await t.state(t.widgets, 'a');
    const labelled = { ...obj.metadata, labels: { ignored: 'yes' } };
    await t.call('status update with spec and labels', () =>
      t.api.updateStatus(t.widgets, {
        ...obj,
        metadata: labelled,
        spec: { size: 9 },
        status: { phase: 'Ready' },
      }),
    );
    await t.state(t.widgets, 'a');
  },
  'update without a resourceVersion: refused for a custom resource, unconditional for a core type': async (
    t,
  ) => {
    const obj = await t.api.create(t.widgets, t.widget('a'));
    const widgetMeta = { ...obj.metadata };
    delete widgetMeta.resourceVersion;
    await t.call('widget', () =>
      t.api.update(t.widgets, { ...obj, metadata: widgetMeta, spec: { size: 2 } }),
    );
    const cm = await t.api.create<ConfigMap>(configMapType, { metadata: { name: 'c', namespace: t.ns } });
    const cmMeta = { ...cm.metadata };
    delete cmMeta.resourceVersion;
    await t.call('config map', () =>
      t.api.update<ConfigMap>(configMapType, { ...cm, metadata: cmMeta, data: { k: 'v' } }),
    );
    await t.state(configMapType, 'c');
  },
  'deletion waits for finalizers, refuses new ones, and ends with the last one': async (t) => {
    await t.api.create(t.widgets, {
      ...t.widget('a'),
      metadata: { name: 'a', namespace: t.ns, finalizers: ['x/one', 'x/two'] },
    });
    await t.state(t.widgets, 'a');
    await t.call('delete', () => t.api.delete(t.widgets, { namespace: t.ns, name: 'a' }));
    let obj = await t.state(t.widgets, 'a');
    await t.call('add a finalizer', () =>
      t.api.update(t.widgets, {
        ...obj!,
        metadata: { ...obj!.metadata, finalizers: ['x/one', 'x/two', 'x/three'] },
      }),
    );
    obj = await t.call('remove one', () =>
      t.api.update(t.widgets, { ...obj!, metadata: { ...obj!.metadata, finalizers: ['x/two'] } }),
    );
    await t.state(t.widgets, 'a');
    await t.call('remove the last', () =>
      t.api.update(t.widgets, { ...obj!, metadata: { ...obj!.metadata, finalizers: [] } }),
    );
    await t.state(t.widgets, 'a');
    await t.call('delete again', () => t.api.delete(t.widgets, { namespace: t.ns, name: 'a' }));
  },
  'merge patches: no version needed, a stale one is a 409, status through the subresource': async (t) => {
    const first = await t.api.create(
      t.widgets,
      t.widget('a', { metadata: { name: 'a', namespace: t.ns, labels: { x: '1' } } }),
    );
    const ref = { namespace: t.ns, name: 'a' };
    await t.call('spec patch', () =>
      t.api.patch(
        t.widgets,
        ref,
        { spec: { color: 'red' }, metadata: { labels: { x: null } } },
        { strategy: 'merge' },
      ),
    );
    await t.state(t.widgets, 'a');
    await t.call('stale patch', () =>
      t.api.patch(
        t.widgets,
        ref,
        { metadata: { resourceVersion: first.metadata.resourceVersion }, spec: { size: 3 } },
        { strategy: 'merge' },
      ),
    );
    await t.call('status in a plain patch', () =>
      t.api.patch(t.widgets, ref, { status: { phase: 'Ignored' } }, { strategy: 'merge' }),
    );
    await t.state(t.widgets, 'a');
    await t.call('status patch', () =>
      t.api.patch(
        t.widgets,
        ref,
        { spec: { size: 7 }, status: { phase: 'Ready' } },
        { strategy: 'merge', status: true },
      ),
    );
    await t.state(t.widgets, 'a');
  },
  'list by namespace and label': async (t) => {
    await t.api.create(
      t.widgets,
      t.widget('a', { metadata: { name: 'a', namespace: t.ns, labels: { app: 'x' } } }),
    );
    await t.api.create(
      t.widgets,
      t.widget('b', { metadata: { name: 'b', namespace: t.ns, labels: { app: 'y' } } }),
    );
    const { items } = await t.api.list(t.widgets, { namespace: t.ns, labelSelector: 'app=x' });
    t.lines.push(`listed ${items.map((i) => i.metadata.name).join(',')}`);
  },
};

describe('FakeKube behaves as the API server', () => {
  let kube: KubeClient;
  let widgets: ResourceType;

  before(async () => {
    kube = await connect();
    widgets = await installWidgetCrd(kube, group);
  });
  after(closeClients);

  for (const [name, scenario] of Object.entries(scenarios)) {
    it(name, async () => {
      const real = new Trace(kube, await createNamespace(kube, 'fake-kube'), widgets);
      await scenario(real);
      const fake = new Trace(new FakeKube(), 'ns', widgets);
      await scenario(fake);
      assert.deepEqual(fake.lines, real.lines);
    });
  }
});
