// Benchmark of the composition function (issue: composition function): RunFunction for an application
// database with 10 composed resources (a database, four users with a grant each, a backup schedule), every
// one observed and Ready, against a do-nothing handler on the same gRPC transport (the floor), each server in
// its own process, in 5 alternating rounds. Latency: sequential calls, p50/p99. Throughput: calls per second
// with 16 in flight, the median round; and the server's CPU per call, which bounds what one server process can
// answer whatever the client. The client is bench/function-load, a grpc-go program calling the way Crossplane
// does (the request's bytes encoded once, the answers kept as bytes): a Node client costs as much CPU per call
// as the server, so on two shared cores it, not the server, set the pace.
// Run with `npm run bench -- function [sequential calls] [seconds of load]`.
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Readable } from 'node:stream';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import type { JsonObject, RunFunctionRequest } from '../src/function/protocol/messages.ts';
import { encodeRequest } from '../src/function/protocol/codec.ts';
import { functionClient } from '../test/harness/function.ts';
import { benchBinaries, cpuSeconds } from './processes.ts';
import { median, printChart, printTable, quantile } from './report.ts';

const calls = Number(process.argv[2] ?? 2000);
const loadSeconds = Number(process.argv[3] ?? 5);
const inFlight = 16;
/** Calls each load-generator run makes before measuring (JIT, connection). */
const warmupCalls = 200;

const ready = { conditions: [{ type: 'Ready', status: 'True', reason: 'Available' }] };
const users = ['orders_app', 'orders_report', 'orders_migrate', 'orders_audit'];
const composedKeys = ['database', 'backup-schedule', ...users.flatMap((u) => [`user-${u}`, `grant-${u}`])];

/** What Crossplane sends once everything exists: the composite, 10 observed resources, the instance. */
function request(): RunFunctionRequest {
  const composite: JsonObject = {
    apiVersion: 'platform.example.org/v1alpha1',
    kind: 'AppDatabase',
    metadata: { name: 'orders', namespace: 'team-a', uid: '6b3e1c1e-0000-4000-8000-000000000001' },
    spec: {
      instanceRef: { name: 'pg-main', namespace: 'databases' },
      database: { name: 'orders', postgres: { owner: 'orders_app' } },
      users: users.map((name) => ({ name, privileges: ['CONNECT', 'TEMPORARY'] })),
      backup: { schedule: '30 2 * * *', retention: { keepDaily: 7 } },
      crossplane: { compositionRef: { name: 'appdatabase' } },
    },
  };
  const observed = Object.fromEntries(
    composedKeys.map((key, i) => [
      key,
      {
        resource: {
          apiVersion: 'dbops.dbprovision.io/v1alpha1',
          kind: 'Database',
          metadata: { name: `orders-${String(i)}`, namespace: 'team-a', annotations: { x: key } },
          spec: { forProvider: { instanceRef: { name: 'pg-main', namespace: 'databases' } } },
          status: ready,
        },
      },
    ]),
  );
  const instance = {
    apiVersion: 'dbops.dbprovision.io/v1alpha1',
    kind: 'DatabaseInstance',
    metadata: { name: 'pg-main', namespace: 'databases' },
    spec: { forProvider: { engine: 'postgres', allowedNamespaces: ['team-a'] } },
    status: ready,
  };
  return {
    meta: { tag: 'bench' },
    observed: { composite: { resource: composite }, resources: observed },
    input: { apiVersion: 'function.dbops.dbprovision.io/v1beta1', kind: 'Input' },
    requiredResources: { 'database-instance': { items: [{ resource: instance }] } },
  };
}

async function startServer(
  handler: string,
): Promise<{ child: ChildProcessByStdio<null, Readable, null>; address: string }> {
  const script = fileURLToPath(new URL('./function-server.ts', import.meta.url));
  // BENCH_FUNCTION_PROFILE=<dir>: each server writes V8 CPU profiles (one per thread) to <dir>/<handler>.
  const profile = process.env['BENCH_FUNCTION_PROFILE'];
  const profiling = profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(profile, handler)}`];
  const child = spawn(process.execPath, [...profiling, '--import', 'tsx', script, handler], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const [port] = (await once(lines, 'line')) as [string];
  return { child, address: `127.0.0.1:${port}` };
}

interface Contender {
  pid: number;
  address: string;
  latencies: number[];
  rates: number[];
  /** Server CPU milliseconds per call, per round of load. */
  cpuPerCall: number[];
  stop(): Promise<void>;
}

const loadGenerator = benchBinaries('function-load');
const scratch = mkdtempSync(join(tmpdir(), 'dbops-bench-function-'));
const requestFile = join(scratch, 'request.bin');
writeFileSync(requestFile, encodeRequest(request()));

interface LoadResult {
  latenciesMs: number[];
  calls: number;
  seconds: number;
}

/** One run of the load generator against `address`: warm-up, sequential calls, then `seconds` of load. */
async function generate(address: string, sequential: number, seconds: number): Promise<LoadResult> {
  const flags = {
    address,
    request: requestFile,
    warmup: warmupCalls,
    sequential,
    seconds,
    'in-flight': inFlight,
  };
  const args = Object.entries(flags).flatMap(([name, value]) => [`-${name}`, String(value)]);
  const { stdout } = await promisify(execFile)(loadGenerator, args);
  return JSON.parse(stdout) as LoadResult;
}

async function contender(handler: string): Promise<Contender> {
  const { child, address } = await startServer(handler);
  await generate(address, 0, 0); // warm-up: JIT
  return {
    pid: child.pid ?? 0,
    address,
    latencies: [],
    rates: [],
    cpuPerCall: [],
    stop: async () => {
      // SIGINT lets a profiled server write its profile on the way out.
      child.kill('SIGINT');
      await once(child, 'exit');
    },
  };
}

/** One round for one contender: sequential calls for latency, then `inFlight` at once for throughput. */
async function round(c: Contender, sequential: number): Promise<void> {
  const cpuBefore = cpuSeconds(c.pid);
  const result = await generate(c.address, sequential, loadSeconds / rounds);
  const cpu = cpuSeconds(c.pid) - cpuBefore;
  c.latencies.push(...result.latenciesMs);
  c.rates.push(result.calls / result.seconds);
  // Warm-up and sequential calls are counted too: the CPU reading covers the whole run.
  c.cpuPerCall.push((cpu * 1000) / (result.calls + sequential + warmupCalls));
}

interface Measured {
  p50: number;
  p99: number;
  perSecond: number;
  cpuPerCallMs: number;
}

function summary(c: Contender): Measured {
  const latencies = [...c.latencies].sort((a, b) => a - b);
  return {
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    perSecond: median(c.rates),
    cpuPerCallMs: median(c.cpuPerCall),
  };
}

// Both servers run side by side and rounds alternate between them, so a noisy moment on the shared cores
// hits both; the throughput is the median round.
const rounds = 5;
const floorServer = await contender('noop');
const fnServer = await contender('app-database');
try {
  const client = functionClient(fnServer.address, grpc.credentials.createInsecure());
  const answer = await client.run(request());
  client.close();
  const composed = Object.keys(answer.desired?.resources ?? {});
  if (composed.length !== 10)
    throw new Error(`expected 10 composed resources, got ${String(composed.length)}`);
  for (let r = 0; r < rounds; r++) {
    await round(floorServer, Math.ceil(calls / rounds));
    await round(fnServer, Math.ceil(calls / rounds));
  }
} finally {
  await Promise.all([floorServer.stop(), fnServer.stop()]);
  rmSync(scratch, { recursive: true, force: true });
}
const floor = summary(floorServer);
const fn = summary(fnServer);
const throughput = fn.perSecond / floor.perSecond;
const capacity = floor.cpuPerCallMs / fn.cpuPerCallMs;
printTable(
  ['handler', 'p50 ms', 'p99 ms', 'calls/s (16 in flight)', 'vs floor', 'server CPU ms/call', 'vs floor'],
  [
    [
      'do-nothing (floor)',
      floor.p50.toFixed(2),
      floor.p99.toFixed(2),
      floor.perSecond.toFixed(0),
      '1.00',
      floor.cpuPerCallMs.toFixed(3),
      '1.00',
    ],
    [
      'app-database, 10 resources',
      fn.p50.toFixed(2),
      fn.p99.toFixed(2),
      fn.perSecond.toFixed(0),
      throughput.toFixed(2),
      fn.cpuPerCallMs.toFixed(3),
      capacity.toFixed(2),
    ],
  ],
);
printChart([
  { label: 'floor calls/s', value: floor.perSecond },
  { label: 'function calls/s', value: fn.perSecond },
]);
process.stdout.write(
  `targets: p99 < 5 ms (${fn.p99 < 5 ? 'met' : 'missed'}), throughput >= 70% of the floor (${throughput >= 0.7 ? 'met' : 'missed'})\n` +
    `calls per server CPU second vs floor (what one process can answer when the client is not the limit): ${capacity.toFixed(2)}\n`,
);
