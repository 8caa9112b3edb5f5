// The composition function for tests: its real entrypoint as a child process (what `crossplane render` and
// Crossplane call), and gRPC clients built from the same service definitions the server uses.
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import type { ProtocolPackage } from '../../src/function/protocol/codec.ts';
import type { RunFunctionRequest, RunFunctionResponse } from '../../src/function/protocol/messages.ts';
import { functionRunnerService } from '../../src/function/protocol/service.ts';
import { freePort } from './ports.ts';
import { startProcess, trackScratchDir, waitUntilReady, type ManagedProcess } from './processes.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningFunction {
  readonly address: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** Starts `src/function/main.ts` with the given flags (plus --address) and waits until it accepts TCP. */
export async function startFunctionProcess(flags: string[]): Promise<RunningFunction> {
  const dir = mkdtempSync(join(tmpdir(), 'dbops-function-'));
  const removeDir = trackScratchDir(dir);
  const port = await freePort();
  const address = `127.0.0.1:${String(port)}`;
  const proc = startProcess({
    name: 'function',
    command: process.execPath,
    args: ['--import', 'tsx', join(repoRoot, 'src', 'function', 'main.ts'), '--address', address, ...flags],
    logFile: join(dir, 'function.log'),
    cwd: repoRoot,
  });
  const accepts = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => {
        resolve(false);
      });
    });
  await waitUntilReady(proc, accepts, 30_000);
  return {
    address,
    process: proc,
    stop: async () => {
      await proc.stop();
      removeDir();
    },
  };
}

export interface FunctionClient {
  run(request: RunFunctionRequest, deadlineMs?: number): Promise<RunFunctionResponse>;
  close(): void;
}

type UnaryCall = (
  request: RunFunctionRequest,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, response?: RunFunctionResponse) => void,
) => void;

export function functionClient(
  address: string,
  credentials: grpc.ChannelCredentials,
  pkg: ProtocolPackage = 'apiextensions.fn.proto.v1',
  options: grpc.ClientOptions = {},
): FunctionClient {
  const Client = grpc.makeGenericClientConstructor(functionRunnerService(pkg), 'FunctionRunnerService');
  const client = new Client(address, credentials, options) as unknown as grpc.Client & {
    RunFunction: UnaryCall;
  };
  return {
    run: (request, deadlineMs = 5_000) =>
      new Promise((resolve, reject) => {
        client.RunFunction(request, { deadline: Date.now() + deadlineMs }, (err, response) => {
          if (err !== null) reject(err);
          else if (response === undefined) reject(new Error('no response'));
          else resolve(response);
        });
      }),
    close: () => {
      client.close();
    },
  };
}
