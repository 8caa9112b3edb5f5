// Benchmark of the SQL kinds (issue: SQL kinds): N Databases + DatabaseUsers + DatabaseGrants on one real
// PostgreSQL, taken to Ready by the provider's runtime on a real API server, side by side with the floor: the
// same SQL (CREATE DATABASE, CREATE ROLE, GRANT) issued directly in the same run. Also reports the server
// sessions the provider opened, its peak concurrent sessions against the pool size, and what one idle poll
// cycle costs (API requests, SQL statements). Run with `npm run bench -- sql [N]`.
// The provider runs in this process: CPU and peak RSS include the benchmark's own object creation.
import pg from 'pg';
import { kinds } from '../src/apis/registry.ts';
import type { KubeApi } from '../src/kube/api.ts';
import { createKubeApi } from '../src/kube/client.ts';
import { namespaceType, secretType } from '../src/kube/core.ts';
import { getCondition } from '../src/runtime/conditions.ts';
import type { ManagedResource } from '../src/runtime/managed.ts';
import { installCrds } from '../test/harness/crds.ts';
import { startControlPlane } from '../test/harness/kube.ts';
import { startPostgres, type DatabaseLogin } from '../test/harness/postgres.ts';
import { startSqlProvider } from '../test/harness/sql-provider.ts';
import { inBatches, printChart, printTable } from './report.ts';

const n = Number(process.argv[2] ?? 500);
const poolSize = 5;
const pollMs = 15_000;
const applicationName = 'provider-dbops';

/** Sessions the server has accepted so far (pg_stat_database.sessions, PostgreSQL 14+). */
async function sessionsOpened(admin: DatabaseLogin): Promise<number> {
  const client = new pg.Client({ ...admin, database: 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query<{ sessions: string }>(
      'SELECT sum(sessions) AS sessions FROM pg_stat_database',
    );
    return Number(rows[0]?.sessions);
  } finally {
    await client.end();
  }
}

/** The floor: the statements the provider's creates amount to, sent directly over a pool of the same size. */
async function floor(admin: DatabaseLogin): Promise<number> {
  const pool = new pg.Pool({ ...admin, database: 'postgres', max: poolSize });
  const started = Date.now();
  await inBatches(n, poolSize, async (i) => {
    const db = pg.escapeIdentifier(`floor_db_${String(i)}`);
    const user = pg.escapeIdentifier(`floor_user_${String(i)}`);
    await pool.query(`CREATE DATABASE ${db}`);
    await pool.query(`CREATE ROLE ${user} LOGIN PASSWORD ${pg.escapeLiteral(`pw-${String(i)}-x`)}`);
    await pool.query(`GRANT CONNECT ON DATABASE ${db} TO ${user}`);
  });
  const elapsed = Date.now() - started;
  await pool.end();
  return elapsed;
}

function object(
  kind: 'Database' | 'DatabaseUser' | 'DatabaseGrant',
  name: string,
  spec: object,
): ManagedResource {
  return {
    apiVersion: `${kinds[kind].group}/${kinds[kind].version}`,
    kind,
    metadata: { name, namespace: 'bench' },
    spec: spec as ManagedResource['spec'],
  };
}

async function allReady(kube: KubeApi): Promise<void> {
  for (;;) {
    let ready = 0;
    for (const kind of ['Database', 'DatabaseUser', 'DatabaseGrant'] as const) {
      const { items } = await kube.list<ManagedResource>(kinds[kind], { namespace: 'bench' });
      ready += items.filter((mg) => getCondition(mg.status?.conditions, 'Ready').status === 'True').length;
    }
    if (ready === 3 * n) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Samples the provider's open sessions every 50 ms until `until` settles; returns the most seen at once. */
async function peakSessions(admin: DatabaseLogin, until: Promise<void>): Promise<number> {
  const client = new pg.Client({ ...admin, database: 'postgres' });
  await client.connect();
  const state = { peak: 0, done: false };
  void until.finally(() => {
    state.done = true;
  });
  while (!state.done) {
    const { rows } = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    state.peak = Math.max(state.peak, Number(rows[0]?.n));
    await new Promise((r) => setTimeout(r, 50));
  }
  await client.end();
  return state.peak;
}

/**
 * Counts the statements the provider sends from now until stop(): every pg query goes through
 * Client.prototype.query, and one that is not a SELECT or SHOW is a write.
 */
function countStatements(): { stop(): { reads: number; writes: number } } {
  const counts = { reads: 0, writes: 0 };
  // Patched and restored on the prototype itself, so it is never called unbound.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original = pg.Client.prototype.query;
  const counting = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '');
    if (/^\s*(SELECT|SHOW|WITH)\b/i.test(text)) counts.reads += 1;
    else counts.writes += 1;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  pg.Client.prototype.query = counting as typeof original;
  return {
    stop() {
      pg.Client.prototype.query = original;
      return counts;
    },
  };
}

/** resourceVersion of every object the benchmark's provider writes: a change is a real write. */
async function versions(kube: KubeApi): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const type of [kinds.Database, kinds.DatabaseUser, kinds.DatabaseGrant, secretType]) {
    const { items } = await kube.list(type, { namespace: 'bench' });
    for (const item of items)
      out.set(`${type.kind}/${item.metadata.name}`, item.metadata.resourceVersion ?? '');
  }
  return out;
}

const plane = await startControlPlane({ unlimited: true });
const server = await startPostgres();
try {
  const floorMs = await floor(server.admin);
  const requests: Record<string, number> = {};
  const kube = await createKubeApi({
    fromString: plane.kubeconfig,
    onRequest: (verb) => {
      requests[verb] = (requests[verb] ?? 0) + 1;
    },
  });
  await installCrds(kube);
  await kube.create(namespaceType, { metadata: { name: 'bench' } });
  const admin = server.admin;
  await kube.create(secretType, {
    metadata: { name: 'admin', namespace: 'bench' },
    stringData: { username: admin.user, password: admin.password },
  } as never);
  const sql = startSqlProvider(kube, { pollMs, maxReconcileRate: 100 });
  await kube.create(
    kinds.DatabaseInstance,
    object('DatabaseInstance' as never, 'pg', {
      forProvider: {
        engine: 'postgres',
        connection: { host: admin.host, port: admin.port, credentialsSecretRef: { name: 'admin' } },
        tls: { mode: 'disable' },
        pool: { maxConnections: poolSize },
      },
    }),
  );
  const sessionsBefore = await sessionsOpened(admin);
  const cpuStart = process.cpuUsage();
  const started = Date.now();
  const ready = allReady(kube);
  const peak = peakSessions(admin, ready);
  await inBatches(n, 20, async (i) => {
    const ref = { instanceRef: { name: 'pg' } };
    await kube.create(kinds.Database, object('Database', `db-${String(i)}`, { forProvider: ref }));
    await kube.create(
      kinds.DatabaseUser,
      object('DatabaseUser', `user-${String(i)}`, {
        forProvider: ref,
        writeConnectionSecretToRef: { name: `user-${String(i)}` },
      }),
    );
    await kube.create(
      kinds.DatabaseGrant,
      object('DatabaseGrant', `grant-${String(i)}`, {
        forProvider: {
          ...ref,
          userRef: { name: `user-${String(i)}` },
          databaseRef: { name: `db-${String(i)}` },
          postgres: { database: { privileges: ['CONNECT'] } },
        },
      }),
    );
  });
  await ready;
  const elapsedMs = Date.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  const sessionsAfter = await sessionsOpened(admin);
  const peakConcurrent = await peak;

  // One idle poll cycle: every object is observed once more; nothing should be written anywhere.
  const writesBefore = { ...requests };
  const statements = countStatements();
  const versionsBefore = await versions(kube);
  await new Promise((r) => setTimeout(r, pollMs + 3000));
  const sent = statements.stop();
  const versionsAfter = await versions(kube);
  const objectsChanged = [...versionsAfter].filter(([key, rv]) => versionsBefore.get(key) !== rv).length;
  const apiWrites = ['create', 'update', 'patch', 'delete'].reduce(
    (sum, verb) => sum + (requests[verb] ?? 0) - (writesBefore[verb] ?? 0),
    0,
  );
  const apiReads = ['get', 'list'].reduce(
    (sum, verb) => sum + (requests[verb] ?? 0) - (writesBefore[verb] ?? 0),
    0,
  );

  printTable(
    [
      'N',
      'floor s',
      'provider s',
      'ratio',
      'CPU s',
      'peak RSS MiB',
      'sessions opened',
      'peak sessions',
      'pool',
    ],
    [
      [
        String(n),
        (floorMs / 1000).toFixed(1),
        (elapsedMs / 1000).toFixed(1),
        (elapsedMs / floorMs).toFixed(2),
        ((cpu.user + cpu.system) / 1e6).toFixed(1),
        (process.resourceUsage().maxRSS / 1024).toFixed(0),
        String(sessionsAfter - sessionsBefore),
        String(peakConcurrent),
        String(poolSize),
      ],
    ],
  );
  printTable(
    ['idle poll cycle', 'API write requests', 'objects changed', 'API reads', 'SQL reads', 'SQL writes'],
    [
      [
        `${String(pollMs / 1000)} s`,
        String(apiWrites),
        String(objectsChanged),
        String(apiReads),
        String(sent.reads),
        String(sent.writes),
      ],
    ],
  );
  printChart([
    { label: `${String(n)} × (database + user + grant): provider / floor`, value: elapsedMs / floorMs },
  ]);
  await sql.stop();
  kube.close();
} finally {
  await server.stop();
  await plane.stop();
}
