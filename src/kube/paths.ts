// REST paths and names for a ResourceType: pure, so they can be unit-tested without a server.
import type { ObjectRef, ResourceType } from './api.ts';

/** `v1` for the core group, `<group>/<version>` otherwise. */
export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** The name kubectl uses for the type (`configmaps`, `leases.coordination.k8s.io`): the metrics label. */
export function resourceNameOf(type: ResourceType): string {
  return type.group === '' ? type.plural : `${type.plural}.${type.group}`;
}

/** The collection URL path; an empty or absent namespace (or a cluster-scoped type) means all of them. */
export function collectionPath(type: ResourceType, namespace?: string): string {
  const root = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  const scope =
    type.namespaced && namespace !== undefined && namespace !== ''
      ? `/namespaces/${encodeURIComponent(namespace)}`
      : '';
  return `${root}${scope}/${type.plural}`;
}

/** The URL path of one object, optionally of its status subresource. */
export function objectPath(type: ResourceType, ref: ObjectRef, subresource?: 'status'): string {
  if (type.namespaced && (ref.namespace === undefined || ref.namespace === '')) {
    throw new Error(`${type.kind} ${ref.name}: a namespaced ${resourceNameOf(type)} needs a namespace`);
  }
  const path = `${collectionPath(type, ref.namespace)}/${encodeURIComponent(ref.name)}`;
  return subresource === undefined ? path : `${path}/${subresource}`;
}

/** `?a=1&b=2` from the defined entries, or '' when there are none. */
export function queryString(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) search.set(key, value);
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
