// Benchmark of the SQL kinds (DESIGN §11): N databases + users + grants on one real PostgreSQL and one real API
// server, four ways, one after another, each with its own login role, namespace and names:
//   1. direct SQL floor: CREATE DATABASE, CREATE ROLE, GRANT CONNECT sent directly over 5 connections;
//   2. SQL + Kubernetes floor: the same SQL plus the least API work any provider must do: the 3N objects are
//      created and each one's Ready status is written once (status subresource);
//   3. provider-dbops (src/main.ts, its own process) taking our Database/DatabaseUser/DatabaseGrant to Ready;
//   4. crossplane-contrib/provider-sql (built from the Go module proxy) taking its namespaced Database/Role/Grant
//      to Ready, with the same --poll and --max-reconcile-rate.
// For each: seconds to all Ready, CPU seconds and peak RSS of the process doing the work, sessions opened and
// peak concurrent sessions (from the server's connection log), and what one idle poll cycle writes (API write
// requests from the API server's counters, SQL statements from the server's statement log).
// Run with `npm run bench -- sql [N] [max reconcile rate, default 100] [rounds, default 1]`. Rounds repeat
// the floors and provider-dbops in rotating order (provider-sql runs once). BENCH_SQL_SKIP_PROVIDER_SQL=1 leaves
// out provider-sql (the slowest) while iterating on our own provider; BENCH_SQL_TRACE=1 has provider-dbops trace
// every reconcile to an in-process receiver and prints where its time went; BENCH_SQL_STATEMENTS=1 prints the
// statements each contender spent most server time on; BENCH_SQL_PROFILE=<dir> has provider-dbops write a V8 CPU
// profile there.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { kinds } from '../src/apis/registry.ts';
import type { KubeObject, ResourceType } from '../src/kube/api.ts';
import { createKubeApi } from '../src/kube/client.ts';
import { namespaceType, secretType } from '../src/kube/core.ts';
import { installCrds } from '../test/harness/crds.ts';
import { startControlPlane } from '../test/harness/kube.ts';
import { startCollector, type Collector } from '../test/harness/otlp.ts';
import { startPostgres, type DatabaseLogin } from '../test/harness/postgres.ts';
import { eventually } from '../test/harness/wait.ts';
import {
  installProviderSqlCrds,
  providerSqlBinary,
  providerSqlKinds,
  providerSqlVersion,
  startProviderDbops,
  startProviderSql,
  type ProviderPlace,
  type RunningProvider,
} from './sql-contenders.ts';
import { allReady, ApiRequests, countersDelta, measureMachine, PostgresLog } from './sql-measure.ts';
import { cpuSeconds, peakRssMiB } from './processes.ts';
import { inBatches } from './report.ts';
import { reportSql, type IdleCycle, type Result } from './sql-report.ts';

const n = Number(process.argv[2] ?? 500);
/** Rounds of the floors and provider-dbops, in rotating order (provider-sql, the slowest, runs once at the end). */
const rounds = Number(process.argv[4] ?? 1);
const poolSize = 5;
/** Both providers get the same flags; the reconcile rate (second argument) caps reconciles per second. */
const flags = { pollMs: 15_000, maxReconcileRate: Number(process.argv[3] ?? 100) };
/** How many objects the "user" creates at once, for every contender alike. */
const createWidth = 20;
/** A contender not all Ready by then is reported with how far it got. */
const readyTimeoutMs = Number(process.env['BENCH_READY_TIMEOUT_MS'] ?? 1_200_000);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// Built before anything is timed: a cold build takes minutes and must not land inside a measurement.
if (process.env['BENCH_SQL_SKIP_PROVIDER_SQL'] !== '1') providerSqlBinary();

const plane = await startControlPlane({ unlimited: true });
/** BENCH_SQL_STATEMENTS=1: the server keeps pg_stat_statements, and each contender's costliest statements are shown. */
const statementStats = process.env['BENCH_SQL_STATEMENTS'] === '1';
const server = await startPostgres({
  settings: {
    // CREATE DATABASE writes the whole template (~8 MB) to the WAL: with room for a phase's WAL and a large
    // WAL buffer no checkpoint lands inside a phase (each phase starts after one, see PostgresLog.settle), so
    // where a checkpoint happens to fall does not decide who wins.
    max_wal_size: '8GB',
    checkpoint_timeout: '30min',
    wal_buffers: '64MB',
    ...(statementStats ? { shared_preload_libraries: 'pg_stat_statements' } : {}),
  },
});
const logDir = mkdtempSync(join(tmpdir(), 'dbops-bench-sql-'));
const place: ProviderPlace = { kubeconfigPath: plane.kubeconfigPath, logDir };
const log = await PostgresLog.open(server);
const kube = await createKubeApi({ fromString: plane.kubeconfig });
const api = ApiRequests.fromKubeconfig(plane.kubeconfig);
const results: Result[] = [];
/** Per round: direct floor, SQL + Kubernetes floor, provider-dbops. */
const roundResults: Result[][] = [];
const collector: Collector | undefined =
  process.env['BENCH_SQL_TRACE'] === '1' ? await startCollector() : undefined;

function login(role: { user: string; password: string }): DatabaseLogin {
  return { host: server.admin.host, port: server.admin.port, ...role };
}

/** Bench process CPU seconds (user + system) since `start`. */
function ownCpu(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** Names of round r: the first round keeps the plain names. */
const inRound = (name: string, round: number, separator = '-'): string =>
  round === 0 ? name : `${name}${separator}${String(round)}`;

async function directFloor(round: number): Promise<Result> {
  const role = await log.createLogin(inRound('bench_floor', round, '_'));
  const pool = new pg.Pool({ ...login(role), database: 'postgres', max: poolSize });
  await log.settle();
  await log.mark();
  const cpu = process.cpuUsage();
  const machine = measureMachine();
  const started = Date.now();
  await inBatches(n, poolSize, async (i) => {
    const db = pg.escapeIdentifier(inRound(`floor_db_${String(i)}`, round, '_'));
    const user = pg.escapeIdentifier(inRound(`floor_user_${String(i)}`, round, '_'));
    await pool.query(`CREATE DATABASE ${db}`);
    await pool.query(`CREATE ROLE ${user} LOGIN PASSWORD ${pg.escapeLiteral(`pw-${String(i)}-x`)}`);
    await pool.query(`GRANT CONNECT ON DATABASE ${db} TO ${user}`);
  });
  const seconds = (Date.now() - started) / 1000;
  const cpuSeconds = ownCpu(cpu);
  const used = machine();
  await pool.end();
  return {
    name: 'direct SQL floor',
    seconds,
    cpuSeconds,
    sessions: await log.read(role.user),
    machine: used,
  };
}

/** Our kinds' objects for index i in `namespace`, named with `prefix` so no two contenders share a name. */
function dbopsObjects(namespace: string, prefix: string, i: number): [ResourceType, KubeObject][] {
  const meta = (kind: string): { apiVersion: string; kind: string } => ({
    apiVersion: `${kinds.Database.group}/${kinds.Database.version}`,
    kind,
  });
  const ref = { instanceRef: { name: 'pg' } };
  const [db, user, grant] = ['db', 'user', 'grant'].map((k) => `${prefix}-${k}-${String(i)}`) as [
    string,
    string,
    string,
  ];
  return [
    [
      kinds.Database,
      { ...meta('Database'), metadata: { name: db, namespace }, spec: { forProvider: ref } } as KubeObject,
    ],
    [
      kinds.DatabaseUser,
      {
        ...meta('DatabaseUser'),
        metadata: { name: user, namespace },
        spec: { forProvider: ref, writeConnectionSecretToRef: { name: user } },
      } as KubeObject,
    ],
    [
      kinds.DatabaseGrant,
      {
        ...meta('DatabaseGrant'),
        metadata: { name: grant, namespace },
        spec: {
          forProvider: {
            ...ref,
            userRef: { name: user },
            databaseRef: { name: db },
            postgres: { database: { privileges: ['CONNECT'] } },
          },
        },
      } as KubeObject,
    ],
  ];
}

/**
 * The SQL + Kubernetes floor: the objects are created as for the providers (same width), and 5 workers, one per
 * connection, take each index as soon as its objects exist: run its SQL and write each object's status once.
 * No watch, no reads, no retries, no connection Secret: the least any provider must do.
 */
async function kubeFloor(round: number): Promise<Result> {
  const namespace = inRound('bench-kube-floor', round);
  await kube.create(namespaceType, { metadata: { name: namespace } });
  const role = await log.createLogin(inRound('bench_kube_floor', round, '_'));
  const pool = new pg.Pool({ ...login(role), database: 'postgres', max: poolSize });
  const created = Array.from({ length: n }, () => {
    let resolve!: (objects: [ResourceType, KubeObject][]) => void;
    const promise = new Promise<[ResourceType, KubeObject][]>((r) => (resolve = r));
    return { promise, resolve };
  });
  const now = new Date().toISOString();
  const conditions = ['Synced', 'Ready'].map((type) => ({
    type,
    status: 'True',
    reason: type === 'Ready' ? 'Available' : 'ReconcileSuccess',
    lastTransitionTime: now,
  }));
  await log.settle();
  await log.mark();
  const cpu = process.cpuUsage();
  const machine = measureMachine();
  const started = Date.now();
  await Promise.all([
    inBatches(n, createWidth, async (i) => {
      const objects: [ResourceType, KubeObject][] = [];
      for (const [type, obj] of dbopsObjects(namespace, 'kfloor', i)) {
        objects.push([type, await kube.create(type, obj)]);
      }
      created[i]?.resolve(objects);
    }),
    inBatches(n, poolSize, async (i) => {
      const objects = (await created[i]?.promise) ?? [];
      const db = pg.escapeIdentifier(inRound(`kfloor_db_${String(i)}`, round, '_'));
      const user = pg.escapeIdentifier(inRound(`kfloor_user_${String(i)}`, round, '_'));
      const statements = [
        `CREATE DATABASE ${db}`,
        `CREATE ROLE ${user} LOGIN PASSWORD ${pg.escapeLiteral(`pw-${String(i)}-x`)}`,
        `GRANT CONNECT ON DATABASE ${db} TO ${user}`,
      ];
      for (const [index, [type, obj]] of objects.entries()) {
        await pool.query(statements[index] ?? '');
        await kube.updateStatus(type, { ...obj, status: { conditions } });
      }
    }),
  ]);
  const seconds = (Date.now() - started) / 1000;
  const cpuSeconds = ownCpu(cpu);
  const used = machine();
  await pool.end();
  const sessions = await log.read(role.user);
  // Gone before our provider starts, which would otherwise take these objects up.
  await kube.delete(namespaceType, { name: namespace });
  await eventually(
    `namespace ${namespace} deleted`,
    async () => ((await kube.get(namespaceType, { name: namespace })) === undefined ? true : undefined),
    300_000,
  );
  return { name: 'SQL + Kubernetes floor', seconds, cpuSeconds, sessions, machine: used };
}

interface Contender {
  name: string;
  namespace: string;
  user: string;
  types: ResourceType[];
  provider: RunningProvider;
  objects(i: number): [ResourceType, KubeObject][];
  /** Whether to watch one idle poll cycle after all are Ready (once per contender is enough). */
  measureIdle: boolean;
}

/** resourceVersion of every object a contender writes in its namespace: a change is a real write. */
async function versions(namespace: string, types: ResourceType[]): Promise<Map<string, KubeObject>> {
  const out = new Map<string, KubeObject>();
  for (const type of [...types, secretType]) {
    const { items } = await kube.list(type, { namespace });
    for (const item of items) out.set(`${type.kind}/${item.metadata.name}`, item);
  }
  return out;
}

/** The first object the idle cycle changed, as its status before and after (to say what moved). */
function firstChange(before: Map<string, KubeObject>, after: Map<string, KubeObject>): string | undefined {
  const changed = [...after].find(
    ([key, obj]) => before.get(key)?.metadata.resourceVersion !== obj.metadata.resourceVersion,
  );
  if (changed === undefined) return undefined;
  const status = (obj: KubeObject | undefined) =>
    JSON.stringify((obj as { status?: unknown } | undefined)?.status);
  return `${changed[0]}: ${status(before.get(changed[0]))} → ${status(changed[1])}`;
}

/** Creates the contender's 3N objects, times them to Ready, then watches one idle poll cycle. */
async function race(contender: Contender): Promise<Result> {
  const { provider, namespace, types } = contender;
  await log.settle();
  await log.mark();
  const cpuBefore = cpuSeconds(provider.pid);
  const machine = measureMachine();
  const raceWritesBefore = await api.writes();
  const started = Date.now();
  const readyAt = new Map<string, number[]>(types.map((type) => [type.kind, []]));
  const ready = allReady(kube, {
    types,
    namespace,
    count: 3 * n,
    timeoutMs: readyTimeoutMs,
    onFirstReady: (kind) => readyAt.get(kind)?.push((Date.now() - started) / 1000),
  });
  await inBatches(n, createWidth, async (i) => {
    for (const [type, obj] of contender.objects(i)) await kube.create(type, obj);
  });
  const readyCount = await ready;
  // A contender that never gets there is reported as such rather than hanging the run.
  const name =
    readyCount < 3 * n ? `${contender.name} (${String(readyCount)}/${String(3 * n)} Ready)` : contender.name;
  const seconds = (Date.now() - started) / 1000;
  const used = machine();
  const raceWrites = countersDelta(raceWritesBefore, await api.writes());
  const cpu = cpuSeconds(provider.pid) - cpuBefore;
  const rssMiB = peakRssMiB(provider.pid);
  const sessions = await log.read(contender.user);
  const costliest = statementStats ? await log.topStatements(contender.user) : undefined;
  const idle = contender.measureIdle ? await idleCycle(contender) : undefined;
  await provider.stop();
  return {
    name,
    seconds,
    cpuSeconds: cpu,
    rssMiB,
    sessions,
    readyAt,
    ...(costliest ? { statements: costliest } : {}),
    ...(idle ? { idle } : {}),
    machine: used,
    raceWrites,
    startedMs: started,
  };
}

/** One idle poll cycle (the poll interval and some slack): every object is observed once more, nothing changed. */
async function idleCycle({ namespace, types, user }: Contender): Promise<IdleCycle> {
  await sleep(2000);
  await log.configure({ log_statement: 'all' });
  const versionsBefore = await versions(namespace, types);
  const writesBefore = await api.writes();
  const readsBefore = await api.reads();
  await log.mark();
  await sleep(flags.pollMs + 5000);
  const writes = countersDelta(writesBefore, await api.writes());
  const reads = countersDelta(readsBefore, await api.reads());
  const statements = await log.read(user);
  await log.configure({ log_statement: 'none' });
  const versionsAfter = await versions(namespace, types);
  const change = firstChange(versionsBefore, versionsAfter);
  return {
    apiReads: [...reads.values()].reduce((a, b) => a + b, 0),
    apiWrites: [...writes.values()].reduce((a, b) => a + b, 0),
    apiWritesByKind: [...writes].map(([key, count]) => `${key}×${String(count)}`).join(' ') || '-',
    objectsChanged: [...versionsAfter].filter(
      ([key, obj]) => versionsBefore.get(key)?.metadata.resourceVersion !== obj.metadata.resourceVersion,
    ).length,
    ...(change === undefined ? {} : { firstChange: change }),
    sqlReads: statements.reads,
    sqlWrites: statements.writes,
    notable: statements.notable,
  };
}

/**
 * Removes a finished round's namespace with its objects (their finalizers dropped, the provider being
 * stopped), so that the next round's provider, which watches every namespace, has only its own objects.
 */
async function abandon(namespace: string, types: ResourceType[]): Promise<void> {
  await kube.delete(namespaceType, { name: namespace });
  for (const type of types) {
    const { items } = await kube.list(type, { namespace });
    await inBatches(items.length, createWidth, async (i) => {
      const name = items[i]?.metadata.name ?? '';
      await kube.patch(type, { namespace, name }, { metadata: { finalizers: null } }, { strategy: 'merge' });
    });
  }
  await eventually(
    `namespace ${namespace} deleted`,
    async () => ((await kube.get(namespaceType, { name: namespace })) === undefined ? true : undefined),
    300_000,
  );
}

async function providerDbops(round: number, measureIdle: boolean): Promise<Result> {
  const namespace = inRound('bench-dbops', round);
  await kube.create(namespaceType, { metadata: { name: namespace } });
  const role = await log.createLogin(inRound('bench_dbops', round, '_'));
  await kube.create(secretType, {
    metadata: { name: 'admin', namespace },
    stringData: { username: role.user, password: role.password },
  } as never);
  const tracing = collector ? [`--tracing-endpoint=${collector.url}`, '--tracing-sample-rate=1'] : [];
  const provider = await startProviderDbops(place, flags, tracing);
  await kube.create(kinds.DatabaseInstance, {
    apiVersion: `${kinds.DatabaseInstance.group}/${kinds.DatabaseInstance.version}`,
    kind: 'DatabaseInstance',
    metadata: { name: 'pg', namespace },
    spec: {
      forProvider: {
        engine: 'postgres',
        connection: {
          host: server.admin.host,
          port: server.admin.port,
          credentialsSecretRef: { name: 'admin' },
        },
        tls: { mode: 'disable' },
        pool: { maxConnections: poolSize },
      },
    },
  } as KubeObject);
  // The instance's health check is set-up, not part of the race (provider-sql has no such object).
  const instances = await allReady(kube, {
    types: [kinds.DatabaseInstance],
    namespace,
    count: 1,
    timeoutMs: 60_000,
  });
  if (instances !== 1) throw new Error(`DatabaseInstance pg not Ready; see ${provider.logFile}`);
  const types = [kinds.Database, kinds.DatabaseUser, kinds.DatabaseGrant];
  const result = await race({
    name: 'provider-dbops',
    namespace,
    user: role.user,
    types,
    provider,
    objects: (i) => dbopsObjects(namespace, inRound('dbops', round), i),
    measureIdle,
  });
  if (!measureIdle) await abandon(namespace, [kinds.DatabaseInstance, ...types]);
  return result;
}

async function providerSql(): Promise<Result> {
  const namespace = 'bench-provider-sql';
  await installProviderSqlCrds(kube);
  await kube.create(namespaceType, { metadata: { name: namespace } });
  const role = await log.createLogin('bench_provider_sql');
  await kube.create(secretType, {
    metadata: { name: 'db-conn', namespace },
    stringData: {
      username: role.user,
      password: role.password,
      endpoint: server.admin.host,
      port: String(server.admin.port),
    },
  } as never);
  const { ProviderConfig, Database, Role, Grant } = providerSqlKinds;
  const apiVersion = `${Database.group}/${Database.version}`;
  await kube.create(ProviderConfig, {
    apiVersion,
    kind: 'ProviderConfig',
    metadata: { name: 'default', namespace },
    spec: {
      credentials: { source: 'PostgreSQLConnectionSecret', connectionSecretRef: { name: 'db-conn' } },
      sslMode: 'disable',
    },
  } as KubeObject);
  const provider = await startProviderSql(place, flags);
  const configRef = { providerConfigRef: { kind: 'ProviderConfig', name: 'default' } };
  return race({
    name: `provider-sql ${providerSqlVersion}`,
    namespace,
    user: role.user,
    types: [Database, Role, Grant],
    provider,
    measureIdle: true,
    objects: (i) => {
      const [db, user, grant] = ['db', 'role', 'grant'].map((k) => `psql-${k}-${String(i)}`) as [
        string,
        string,
        string,
      ];
      const object = (kind: string, name: string, spec: object): KubeObject =>
        ({ apiVersion, kind, metadata: { name, namespace }, spec: { ...configRef, ...spec } }) as KubeObject;
      return [
        [Database, object('Database', db, { forProvider: {} })],
        // Login role with a generated password published in a Secret, as our DatabaseUser does.
        [
          Role,
          object('Role', user, {
            forProvider: { privileges: { login: true } },
            writeConnectionSecretToRef: { name: user },
          }),
        ],
        [
          Grant,
          object('Grant', grant, {
            forProvider: { privileges: ['CONNECT'], roleRef: { name: user }, databaseRef: { name: db } },
          }),
        ],
      ];
    },
  });
}

try {
  // Autovacuum visits every database in turn, so its background work grows with the databases earlier phases
  // left behind: off, later contenders are not taxed for them.
  await log.configure({ autovacuum: 'off' });
  await installCrds(kube);
  for (let round = 0; round < rounds; round++) {
    const phase = (at: number): Promise<Result> =>
      at === 0
        ? directFloor(round)
        : at === 1
          ? kubeFloor(round)
          : providerDbops(round, round === rounds - 1);
    // Rotated each round, so that no contender always runs first or last.
    const ran: Result[] = [];
    for (let i = 0; i < 3; i++) ran[(i + round) % 3] = await phase((i + round) % 3);
    roundResults.push(ran);
  }
  // The tables show the last round (the one with the idle cycle); the rounds table shows them all.
  results.push(...(roundResults.at(-1) ?? []));
  if (process.env['BENCH_SQL_SKIP_PROVIDER_SQL'] !== '1') results.push(await providerSql());
  reportSql({
    n,
    poolSize,
    flags,
    logDir,
    results,
    roundResults,
    ...(collector ? { spans: collector.spans } : {}),
  });
} finally {
  await collector?.close();
  await log.close();
  kube.close();
  await server.stop();
  await plane.stop();
}
