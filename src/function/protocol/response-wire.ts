// A RunFunctionResponse in JSON form → the message-shaped object protobufjs encodes directly: Structs as
// fields/Value trees, enums as numbers, the TTL as seconds and nanos, bytes as Buffers. Encoding this skips
// protobufjs's fromObject pass and the generic ProtoJSON walk; it is the function's hot path (every answer
// carries every composed resource), measured in bench/function.ts.
import type { JsonValue, Resource, RunFunctionResponse, State } from './messages.ts';

/** Enum name → number maps, read from the loaded .proto. */
export interface WireEnums {
  ready: Record<string, number>;
  severity: Record<string, number>;
  target: Record<string, number>;
  status: Record<string, number>;
}

type WireValue =
  | { nullValue: 0 }
  | { numberValue: number }
  | { stringValue: string }
  | { boolValue: boolean }
  | { listValue: { values: WireValue[] } }
  | { structValue: WireStruct };

interface WireStruct {
  fields: Record<string, WireValue>;
}

function wireValue(value: JsonValue): WireValue {
  if (value === null) return { nullValue: 0 };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Array.isArray(value)
    ? { listValue: { values: value.map(wireValue) } }
    : { structValue: wireStruct(value) };
}

function wireStruct(object: Record<string, JsonValue | undefined>): WireStruct {
  const fields: Record<string, WireValue> = {};
  for (const key in object) {
    const value = object[key];
    if (value !== undefined) fields[key] = wireValue(value);
  }
  return { fields };
}

/** "60s" or "1.5s" → google.protobuf.Duration's fields. */
function durationFields(text: string): { seconds: number; nanos: number } {
  const match = /^(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (match === null) throw new TypeError(`"${text}" is not a duration such as "60s"`);
  return { seconds: Number(match[1]), nanos: Number((match[2] ?? '').padEnd(9, '0')) };
}

function enumNumber(names: Record<string, number>, name: string | undefined): number | undefined {
  return name === undefined ? undefined : names[name];
}

function wireResource(resource: Resource, enums: WireEnums) {
  const details: Record<string, Buffer> = {};
  for (const [key, b64] of Object.entries(resource.connectionDetails ?? {})) {
    details[key] = Buffer.from(b64, 'base64');
  }
  return {
    resource: wireStruct(resource.resource ?? {}),
    connectionDetails: details,
    ready: enumNumber(enums.ready, resource.ready),
  };
}

function wireState(state: State, enums: WireEnums) {
  const resources: Record<string, ReturnType<typeof wireResource>> = {};
  for (const [key, resource] of Object.entries(state.resources ?? {})) {
    resources[key] = wireResource(resource, enums);
  }
  return {
    composite: state.composite === undefined ? undefined : wireResource(state.composite, enums),
    resources,
  };
}

export function responseWire(response: RunFunctionResponse, enums: WireEnums): object {
  const { meta, desired, results, context, requirements, conditions } = response;
  return {
    meta: { tag: meta.tag, ttl: meta.ttl === undefined ? undefined : durationFields(meta.ttl) },
    desired: desired === undefined ? undefined : wireState(desired, enums),
    results: (results ?? []).map((r) => ({
      severity: enumNumber(enums.severity, r.severity),
      message: r.message,
      reason: r.reason,
      target: enumNumber(enums.target, r.target),
    })),
    context: context === undefined ? undefined : wireStruct(context),
    requirements: requirements === undefined ? undefined : { resources: requirements.resources ?? {} },
    conditions: (conditions ?? []).map((c) => ({
      type: c.type,
      status: enumNumber(enums.status, c.status),
      reason: c.reason,
      message: c.message,
      target: enumNumber(enums.target, c.target),
    })),
  };
}
