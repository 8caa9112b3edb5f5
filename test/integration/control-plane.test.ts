// Proves the API server the tests use is a real one: CRDs become Established, watches deliver events,
// and a stale update gets Kubernetes' own 409 Conflict.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { eventually } from '../harness/wait.ts';
import { useTestEnvironment } from '../harness/environment.ts';

const group = 'smoke.dbops.dbprovision.io';
const plural = 'widgets';
const version = 'v1';

function widgetCrd(): k8s.V1CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', properties: { size: { type: 'integer', minimum: 1 } } },
                status: { type: 'object', properties: { phase: { type: 'string' } } },
              },
            },
          },
        },
      ],
    },
  };
}

describe('real kube-apiserver', () => {
  let kc: k8s.KubeConfig;
  let custom: k8s.CustomObjectsApi;
  const namespace = `smoke-${String(process.pid)}`;

  before(async () => {
    const env = await useTestEnvironment();
    kc = new k8s.KubeConfig();
    kc.loadFromString(env.kube.kubeconfig);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  });

  it('serves its version and the core API', async () => {
    const info = await kc.makeApiClient(k8s.VersionApi).getCode();
    assert.match(info.gitVersion, /^v1\.\d+\.\d+$/);
    const ns = await kc.makeApiClient(k8s.CoreV1Api).readNamespace({ name: 'default' });
    assert.equal(ns.metadata?.name, 'default');
  });

  it('establishes a CRD, validates, watches, patches and refuses a stale update with 409', async () => {
    const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    await ext.createCustomResourceDefinition({ body: widgetCrd() });
    await eventually('CRD Established', async () => {
      const crd = await ext.readCustomResourceDefinition({ name: `${plural}.${group}` });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
        ? true
        : undefined;
    });

    // Served once it is listable; from then on the schema is enforced by the server itself (422 Invalid).
    await eventually('CRD served', () =>
      custom.listNamespacedCustomObject({ group, version, namespace, plural }),
    );
    await assert.rejects(
      custom.createNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
        body: {
          apiVersion: `${group}/${version}`,
          kind: 'Widget',
          metadata: { name: 'bad' },
          spec: { size: 0 },
        },
      }),
      (err: unknown) => err instanceof k8s.ApiException && err.code === 422,
    );

    const events: string[] = [];
    const watch = new k8s.Watch(kc);
    const request = await watch.watch(
      `/apis/${group}/${version}/namespaces/${namespace}/${plural}`,
      {},
      (type: string, obj: { metadata?: { name?: string } }) =>
        events.push(`${type} ${obj.metadata?.name ?? ''}`),
      () => undefined,
    );
    try {
      const created = (await custom.createNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
        body: {
          apiVersion: `${group}/${version}`,
          kind: 'Widget',
          metadata: { name: 'one' },
          spec: { size: 1 },
        },
      })) as { metadata: { resourceVersion: string } };

      await custom.patchNamespacedCustomObject(
        { group, version, namespace, plural, name: 'one', body: { spec: { size: 2 } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await eventually('ADDED and MODIFIED events', () =>
        Promise.resolve(events.includes('ADDED one') && events.includes('MODIFIED one') ? true : undefined),
      );

      // An update carrying the resourceVersion from before the patch is stale.
      const stale = {
        apiVersion: `${group}/${version}`,
        kind: 'Widget',
        metadata: { name: 'one', resourceVersion: created.metadata.resourceVersion },
        spec: { size: 3 },
      };
      await assert.rejects(
        custom.replaceNamespacedCustomObject({ group, version, namespace, plural, name: 'one', body: stale }),
        (err: unknown) => err instanceof k8s.ApiException && err.code === 409,
      );
    } finally {
      (request as { abort(): void }).abort();
    }
  });

  it('garbage-collects an object whose owner is deleted (kube-controller-manager runs)', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const owner = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'owner' } } });
    await core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: {
          name: 'dependent',
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata?.uid ?? '' },
          ],
        },
      },
    });
    await core.deleteNamespacedConfigMap({ namespace, name: 'owner' });
    await eventually(
      'dependent collected',
      async () => {
        try {
          await core.readNamespacedConfigMap({ namespace, name: 'dependent' });
          return undefined;
        } catch (err) {
          return err instanceof k8s.ApiException && err.code === 404 ? true : undefined;
        }
      },
      60_000,
    );
  });
});
