// Serves RunFunction over gRPC on both protocol packages (v1, and v1beta1 for Crossplane ≤ v1.16), with mTLS
// (client certificates required and verified, as Crossplane's SDKs do) unless insecure, and stops gracefully.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../log/logger.ts';
import {
  listenWithClientCertificates,
  type MutualTlsFiles,
  type MutualTlsListener,
} from './mtls-listener.ts';
import { protocolPackages } from './protocol/codec.ts';
import type { RunFunctionRequest, RunFunctionResponse } from './protocol/messages.ts';
import { functionRunnerService, type ReceivedRequest } from './protocol/service.ts';
import { fatalResponse, type RunFunction } from './sdk/response.ts';

export interface FunctionServerOptions {
  /** host:port; port 0 picks a free one. */
  address: string;
  /** A directory with tls.crt, tls.key and ca.crt (Crossplane's layout), or 'insecure' for plaintext. */
  tls: { certsDir: string } | 'insecure';
  logger: Logger;
  /** Log a line per call (--debug); off, the summary is not even built. */
  logCalls?: boolean;
  /** How long a TLS client may take to finish its handshake (default 10 s). */
  handshakeTimeoutMs?: number;
  /** Largest request accepted; Crossplane's SDKs use 4 MiB. */
  maxReceiveMessageBytes?: number;
}

export interface FunctionServer {
  readonly port: number;
  /** Stops taking calls, lets running ones finish for up to graceMs, then ends the rest. */
  stop(graceMs?: number): Promise<void>;
}

function readCertificates(certsDir: string): MutualTlsFiles {
  const read = (file: string): Buffer => {
    try {
      return readFileSync(join(certsDir, file));
    } catch (err) {
      throw new Error(`cannot read ${file} from the TLS certificates directory ${certsDir}`, { cause: err });
    }
  };
  return { ca: read('ca.crt'), cert: read('tls.crt'), key: read('tls.key') };
}

/** Listens on the address: plaintext through grpc-js itself, mTLS through our own listener. */
async function listen(server: grpc.Server, options: FunctionServerOptions): Promise<MutualTlsListener> {
  const { address, tls, logger } = options;
  if (tls !== 'insecure') {
    const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    return listenWithClientCertificates({
      address,
      files: readCertificates(tls.certsDir),
      inject: (connection) => {
        injector.injectConnection(connection);
      },
      logger,
      ...(options.handshakeTimeoutMs === undefined ? {} : { handshakeTimeoutMs: options.handshakeTimeoutMs }),
    });
  }
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err === null) resolve(bound);
      else reject(new Error(`cannot listen on ${address}: ${err.message}`, { cause: err }));
    });
  });
  return { port, close: () => Promise.resolve() };
}

/** What --debug logs of each call: which composite, how much was composed, and the results. */
function callSummary(request: RunFunctionRequest, response: RunFunctionResponse): Record<string, unknown> {
  const metadata = request.observed?.composite?.resource?.['metadata'];
  return {
    tag: response.meta.tag,
    composite: metadata ?? null,
    composed: Object.keys(response.desired?.resources ?? {}).length,
    results: (response.results ?? []).map((r) => `${r.severity}: ${r.message}`),
  };
}

/** Runs the handler; a thrown error becomes a Fatal result, never a gRPC error (which would carry no result). */
function answer(
  run: RunFunction,
  received: ReceivedRequest,
  logger: Logger,
  logCalls: boolean,
): RunFunctionResponse {
  if (!received.readable) return fatalResponse(received.tag, received.reason);
  try {
    const response = run(received.request);
    if (logCalls) logger.debug(callSummary(received.request, response), 'RunFunction');
    return response;
  } catch (err) {
    logger.error({ err }, 'RunFunction failed');
    const message = err instanceof Error ? err.message : String(err);
    return fatalResponse(received.request.meta?.tag ?? '', `internal error: ${message}`);
  }
}

export async function startFunctionServer(
  run: RunFunction,
  options: FunctionServerOptions,
): Promise<FunctionServer> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxReceiveMessageBytes ?? 4 * 1024 * 1024,
  });
  const { logger } = options;
  for (const pkg of protocolPackages) {
    server.addService(functionRunnerService(pkg), {
      RunFunction: (
        call: grpc.ServerUnaryCall<ReceivedRequest, RunFunctionResponse>,
        callback: grpc.sendUnaryData<RunFunctionResponse>,
      ) => {
        callback(null, answer(run, call.request, logger, options.logCalls ?? false));
      },
    });
  }
  const listener = await listen(server, options);
  logger.info({ port: listener.port, tls: options.tls !== 'insecure' }, 'function server listening');
  return {
    port: listener.port,
    stop: async (graceMs = 10_000) => {
      // The listener stops accepting now but closes only once grpc-js has ended its connections.
      const closed = listener.close();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      await closed;
    },
  };
}
