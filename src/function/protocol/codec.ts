// Bytes ⇄ ProtoJSON for the function protocol, by reflection over proto/ (no generated code): protobufjs
// decodes the wire format and its protojson extension maps google.protobuf.Struct, Value and Duration to
// plain JSON, which the released protobufjs core leaves as nested messages. Responses, the hot path, are
// written directly (response-encoder.ts).
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import protojson from 'protobufjs/ext/protojson.js';
import type { RunFunctionRequest, RunFunctionResponse } from './messages.ts';
import { encodeResponseBytes, type WireEnums } from './response-encoder.ts';

const protoDir = fileURLToPath(new URL('../../../proto/', import.meta.url));

/** Package names of the two wire-identical services Crossplane may call. */
export const protocolPackages = ['apiextensions.fn.proto.v1', 'apiextensions.fn.proto.v1beta1'] as const;
export type ProtocolPackage = (typeof protocolPackages)[number];

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  // google/protobuf/* resolve to the definitions bundled with protobufjs; ours are relative to proto/.
  root.resolvePath = (_origin, target) =>
    target.startsWith('google/protobuf/') ? target : protoDir + target;
  root.loadSync(['fn/v1/run_function.proto', 'fn/v1beta1/run_function.proto']);
  root.resolveAll();
  return root;
}

const root = loadRoot();
const requestType = root.lookupType('apiextensions.fn.proto.v1.RunFunctionRequest');
const responseType = root.lookupType('apiextensions.fn.proto.v1.RunFunctionResponse');
const enumValues = (name: string) => root.lookupEnum(`apiextensions.fn.proto.v1.${name}`).values;
const enums: WireEnums = {
  ready: enumValues('Ready'),
  severity: enumValues('Severity'),
  target: enumValues('Target'),
  status: enumValues('Status'),
};

/** A request whose bytes decode but whose content JSON cannot carry (e.g. a NaN in a Struct). */
export class UnrepresentableRequest extends Error {
  constructor(
    readonly tag: string,
    cause: unknown,
  ) {
    super(`the request cannot be read as JSON: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'UnrepresentableRequest';
  }
}

export function decodeRequest(bytes: Uint8Array): RunFunctionRequest {
  const message = requestType.decode(bytes);
  try {
    return protojson.toJson(requestType, message) as RunFunctionRequest;
  } catch (err) {
    const meta = (message as { meta?: { tag?: string } }).meta;
    throw new UnrepresentableRequest(meta?.tag ?? '', err);
  }
}

export function encodeRequest(request: RunFunctionRequest): Buffer {
  return Buffer.from(requestType.encode(protojson.fromJson(requestType, request)).finish());
}

export function decodeResponse(bytes: Uint8Array): RunFunctionResponse {
  return protojson.toJson(responseType, responseType.decode(bytes)) as RunFunctionResponse;
}

export function encodeResponse(response: RunFunctionResponse): Buffer {
  return encodeResponseBytes(response, enums);
}

/** The gRPC path of RunFunction in one protocol package. */
export function runFunctionPath(pkg: ProtocolPackage): string {
  const method = root.lookupService(`${pkg}.FunctionRunnerService`).methods['RunFunction'];
  if (method === undefined) throw new Error(`proto/ has no RunFunction in ${pkg}`);
  return `/${pkg}.FunctionRunnerService/RunFunction`;
}
