// Shared set-up for the src/kube and runtime tests against the real API server: clients, namespaces, a CRD.
import { eventually } from '../../harness/wait.ts';
import { randomBytes } from 'node:crypto';
import type { KubeApi, KubeObject, ResourceType } from '../../../src/kube/api.ts';
import { createKubeApi, type KubeApiOptions, type KubeClient } from '../../../src/kube/client.ts';
import { namespaceType } from '../../../src/kube/core.ts';
import { useTestEnvironment, type TestEnvironment } from '../../harness/environment.ts';

export { namespaceType };

export const configMapType: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
};

const crdType: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  namespaced: false,
};

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

export interface Widget extends KubeObject {
  spec?: { size?: number; color?: string };
  status?: { phase?: string };
}

let environment: Promise<TestEnvironment> | undefined;

/**
 * The test environment, started once per file. Call it at the top level of a test file: run on its own, the
 * file then stops its private environment after all its tests (from inside a hook it would stop too early).
 */
export function testEnvironment(): Promise<TestEnvironment> {
  environment ??= useTestEnvironment();
  return environment;
}

/** Clients made through here are closed by closeClients(). */
const clients: KubeClient[] = [];

export async function connect(
  options: Omit<KubeApiOptions, 'fromString' | 'fromFile'> = {},
): Promise<KubeClient> {
  const env = await testEnvironment();
  const client = await createKubeApi({ fromString: env.kube.kubeconfig, ...options });
  clients.push(client);
  return client;
}

export function closeClients(): void {
  for (const client of clients.splice(0)) client.close();
}

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A fresh namespace (namespaces never finish deleting here: there is no controller-manager). */
export async function createNamespace(kube: KubeApi, prefix: string): Promise<string> {
  const name = unique(prefix);
  await kube.create(namespaceType, { metadata: { name } });
  return name;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The Widget type of `group`: namespaced, with a status subresource and `spec.size >= 1`. */
export function widgetType(group: string): ResourceType {
  return { group, version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true };
}

/** Installs the Widget CRD in `group` and waits until it is served. */
export async function installWidgetCrd(kube: KubeApi, group: string): Promise<ResourceType> {
  const type = widgetType(group);
  await kube.create(crdType, {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: { size: { type: 'integer', minimum: 1 }, color: { type: 'string' } },
                },
                status: { type: 'object', properties: { phase: { type: 'string' } } },
              },
            },
          },
        },
      ],
    },
  } as KubeObject);
  await eventually(`${group} served`, () => kube.list(type));
  return type;
}
