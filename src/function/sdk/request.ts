// Reading a RunFunctionRequest: small total getters that never throw on a missing or odd-shaped part, since a
// function must answer any Struct the protocol allows.
import type { JsonObject, JsonValue, Resource, RunFunctionRequest } from '../protocol/messages.ts';

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a path of object keys, or undefined when any step is missing or not an object. */
export function valueAt(object: JsonValue | undefined, ...path: string[]): JsonValue | undefined {
  let current: JsonValue | undefined = object;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** The string at a path, or undefined when it is missing or not a string. */
export function stringAt(object: JsonValue | undefined, ...path: string[]): string | undefined {
  const value = valueAt(object, ...path);
  return typeof value === 'string' ? value : undefined;
}

export function observedComposite(request: RunFunctionRequest): JsonObject {
  return request.observed?.composite?.resource ?? {};
}

export function observedResources(request: RunFunctionRequest): Record<string, Resource> {
  return request.observed?.resources ?? {};
}

/** Items answering a required-resources request: undefined while not yet asked for, [] when none exist. */
export function requiredResource(request: RunFunctionRequest, name: string): JsonObject[] | undefined {
  const answered = request.requiredResources?.[name] ?? request.extraResources?.[name];
  if (answered === undefined) return undefined;
  return (answered.items ?? []).flatMap((item) => (item.resource === undefined ? [] : [item.resource]));
}

/** Whether an observed object reports the Ready condition True. */
export function isReady(object: JsonObject | undefined): boolean {
  const conditions = valueAt(object, 'status', 'conditions');
  if (!Array.isArray(conditions)) return false;
  return conditions.some((c) => isObject(c) && c['type'] === 'Ready' && c['status'] === 'True');
}
