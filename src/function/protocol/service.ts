// grpc-js service definitions of FunctionRunnerService for both protocol packages, built on the codec. The
// same definitions drive the server and test clients (grpc.makeGenericClientConstructor).
import type { ServiceDefinition } from '@grpc/grpc-js';
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  runFunctionPath,
  UnrepresentableRequest,
  type ProtocolPackage,
} from './codec.ts';
import type { RunFunctionRequest, RunFunctionResponse } from './messages.ts';

/**
 * A request as the server receives it: decoding never throws inside grpc-js (which would answer INTERNAL with
 * no result), so a request JSON cannot carry reaches the handler as `unreadable` and gets a Fatal result.
 */
export type ReceivedRequest =
  { readable: true; request: RunFunctionRequest } | { readable: false; tag: string; reason: string };

function receive(bytes: Buffer): ReceivedRequest {
  try {
    return { readable: true, request: decodeRequest(bytes) };
  } catch (err) {
    if (err instanceof UnrepresentableRequest) return { readable: false, tag: err.tag, reason: err.message };
    throw err;
  }
}

export function functionRunnerService(pkg: ProtocolPackage): ServiceDefinition {
  return {
    RunFunction: {
      path: runFunctionPath(pkg),
      requestStream: false,
      responseStream: false,
      requestSerialize: (request: RunFunctionRequest) => encodeRequest(request),
      requestDeserialize: receive,
      responseSerialize: (response: RunFunctionResponse) => encodeResponse(response),
      responseDeserialize: (bytes: Buffer) => decodeResponse(bytes),
      originalName: 'runFunction',
    },
  };
}
