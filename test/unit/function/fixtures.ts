// Requests as Crossplane sends them, for the function's unit tests.
import type { JsonObject, RunFunctionRequest } from '../../../src/function/protocol/messages.ts';

export function appDatabase(spec: JsonObject, namespace = 'team-a'): JsonObject {
  return {
    apiVersion: 'platform.example.org/v1alpha1',
    kind: 'AppDatabase',
    metadata: { name: 'orders', namespace },
    spec,
  };
}

export function instance(
  engine: string,
  options: { namespace?: string; allowed?: string[]; ready?: boolean; name?: string } = {},
): JsonObject {
  return {
    apiVersion: 'dbops.dbprovision.io/v1alpha1',
    kind: 'DatabaseInstance',
    metadata: { name: options.name ?? 'pg-main', namespace: options.namespace ?? 'databases' },
    spec: { forProvider: { engine, allowedNamespaces: options.allowed ?? ['team-a'] } },
    status: { conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True' }] },
  };
}

export const readyStatus: JsonObject = {
  conditions: [{ type: 'Ready', status: 'True', reason: 'Available' }],
};

export function request(
  composite: JsonObject,
  options: {
    instances?: JsonObject[];
    input?: JsonObject;
    observed?: Record<string, JsonObject>;
    desired?: RunFunctionRequest['desired'];
    tag?: string;
  } = {},
): RunFunctionRequest {
  return {
    meta: { tag: options.tag ?? 'tag-1' },
    observed: {
      composite: { resource: composite },
      resources: Object.fromEntries(
        Object.entries(options.observed ?? {}).map(([k, resource]) => [k, { resource }]),
      ),
    },
    ...(options.desired === undefined ? {} : { desired: options.desired }),
    ...(options.input === undefined ? {} : { input: options.input }),
    ...(options.instances === undefined
      ? {}
      : {
          requiredResources: {
            'database-instance': { items: options.instances.map((resource) => ({ resource })) },
          },
        }),
  };
}
