// End to end with real Crossplane core (its own API server, so core owns every CRD it installs), the shared real
// PostgreSQL and MariaDB, our function with TLS and our provider as local processes. Core's package manager
// installs both packages from a loopback registry, activates the MRDs a policy names, and calls our function
// over mTLS with the client certificate it generated itself: the path every composition user takes.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { parseAllDocuments } from 'yaml';
import { kinds } from '../../../src/apis/registry.ts';
import type { KubeObject, ResourceType } from '../../../src/kube/api.ts';
import { createKubeApi, type KubeClient } from '../../../src/kube/client.ts';
import { loadClusterAccess } from '../../../src/kube/access.ts';
import { namespaceType, secretType, secretValue, type Secret } from '../../../src/kube/core.ts';
import { RestTransport } from '../../../src/kube/rest.ts';
import {
  mrdType,
  packageTypes,
  startCrossplane,
  type Condition,
  type RunningCrossplane,
} from '../../harness/crossplane.ts';
import { Discovery } from '../../harness/discovery.ts';
import { useTestEnvironment, type TestEnvironment } from '../../harness/environment.ts';
import { startFunctionProcess, type RunningFunction } from '../../harness/function.ts';
import { httpGet } from '../../harness/https-probe.ts';
import { startControlPlane, type ControlPlane } from '../../harness/kube.ts';
import { eventually } from '../../harness/wait.ts';
import { parseExposition } from '../metrics/exposition.ts';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../..', import.meta.url));
const group = 'dbops.dbprovision.io';
/** The MRDs the activation policy turns on; DatabaseRole, backups and restores stay inactive. */
const activated = [
  'databaseinstances',
  'databases',
  'databaseusers',
  'databasegrants',
  'databasebackupschedules',
];
const inactive = ['databaseroles', 'databasebackups', 'databaserestores'];
const kindOf = (plural: string) =>
  Object.values(kinds).find((t) => t.plural === plural && t.group === group)?.kind ?? plural;

interface Conditioned extends KubeObject {
  status?: { conditions?: Condition[]; [field: string]: unknown };
}
const condition = (obj: Conditioned | undefined, type: string) =>
  obj?.status?.conditions?.find((c) => c.type === type);
const isTrue = (obj: Conditioned | undefined, type: string) => condition(obj, type)?.status === 'True';

let env: TestEnvironment;
let plane: ControlPlane;
let kube: KubeClient;
let discovery: Discovery;
let xp: RunningCrossplane;
let fn: RunningFunction;
let provider: ChildProcess;
const providerLog: { msg: string; kind?: string }[] = [];
const dir = mkdtempSync(join(tmpdir(), 'dbops-crossplane-e2e-'));

/** Server-side applies a manifest of any kind the API server serves (waiting until it does). */
async function apply(manifest: KubeObject): Promise<void> {
  const type = await eventually(`${manifest.apiVersion} ${manifest.kind} served`, () =>
    discovery.resource(manifest.apiVersion ?? '', manifest.kind ?? ''),
  );
  const ref = {
    name: manifest.metadata.name,
    ...(type.namespaced ? { namespace: manifest.metadata.namespace } : {}),
  };
  await kube.patch(type, ref, manifest, { strategy: 'apply', fieldManager: 'dbops-e2e', force: true });
}

function manifests(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(join(repo, file), 'utf8'))
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

async function typeOf(apiVersion: string, kind: string): Promise<ResourceType> {
  return eventually(`${apiVersion} ${kind} served`, () => discovery.resource(apiVersion, kind));
}

async function getObject(apiVersion: string, kind: string, name: string, namespace?: string) {
  return kube.get<Conditioned>(await typeOf(apiVersion, kind), { name, ...(namespace ? { namespace } : {}) });
}

/** Waits until `check` passes for an object; on timeout the error shows the object's last conditions. */
async function until(
  apiVersion: string,
  kind: string,
  name: string,
  namespace: string | undefined,
  check: (obj: Conditioned) => boolean,
  what: string,
  timeoutMs = 120_000,
): Promise<Conditioned> {
  let last: Conditioned | undefined;
  try {
    return await eventually(
      `${kind} ${namespace ?? ''}/${name} ${what}`,
      async () => {
        last = await getObject(apiVersion, kind, name, namespace);
        return last !== undefined && check(last) ? last : undefined;
      },
      timeoutMs,
    );
  } catch (err) {
    const seen = JSON.stringify(last?.status?.conditions ?? 'absent');
    throw new Error(`${(err as Error).message}; last conditions: ${seen}`, { cause: err });
  }
}

/** Applies an example folder's XRD and Composition, unchanged, and waits until the XRD has `conditions`. */
async function installComposition(folder: 'v2' | 'legacy', conditions: string[]): Promise<void> {
  const xrds: KubeObject[] = [];
  for (const file of ['definition.yaml', 'composition.yaml']) {
    for (const m of manifests(`examples/composition/${folder}/${file}`)) {
      await apply(m);
      if (m.kind === 'CompositeResourceDefinition') xrds.push(m);
    }
  }
  for (const xrd of xrds) {
    const { apiVersion = '', kind = '' } = xrd;
    const ready = (o: Conditioned) => conditions.every((c) => isTrue(o, c));
    await until(apiVersion, kind, xrd.metadata.name, undefined, ready, conditions.join(' and '));
  }
}

async function namespace(name: string): Promise<void> {
  await kube.create(namespaceType, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

async function instance(name: string, engine: 'postgres' | 'mariadb', allowed: string[]): Promise<void> {
  const login = engine === 'postgres' ? env.postgres.admin : env.mariadb.admin;
  await kube.create<Secret>(secretType, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${name}-admin`, namespace: 'databases' },
    stringData: { username: login.user, password: login.password },
  } as Secret);
  await apply({
    apiVersion: `${group}/v1alpha1`,
    kind: 'DatabaseInstance',
    metadata: { name, namespace: 'databases' },
    spec: {
      forProvider: {
        engine,
        connection: { host: login.host, port: login.port, credentialsSecretRef: { name: `${name}-admin` } },
        tls: { mode: 'disable' },
        allowedNamespaces: allowed,
      },
    },
  } as KubeObject);
}

async function secretData(name: string, ns: string): Promise<Record<string, string>> {
  const secret = await eventually(`Secret ${ns}/${name}`, () =>
    kube.get<Secret>(secretType, { namespace: ns, name }),
  );
  const data: Record<string, string> = {};
  for (const key of Object.keys(secret.data ?? {})) data[key] = secretValue(secret, key) ?? '';
  return data;
}

/** The connection Secret of one of an AppDatabase's users in team-a, as the function reports it in status. */
async function userSecret(xr: Conditioned, user: string): Promise<Record<string, string>> {
  const users = (xr.status?.['users'] ?? []) as { name: string; connectionSecretName: string }[];
  const name = users.find((u) => u.name === user)?.connectionSecretName;
  assert.ok(name !== undefined, `status.users has no ${user}`);
  return secretData(name, 'team-a');
}

/** Runs one statement as the login a connection Secret holds; resolves to the SQLSTATE/errno it failed with. */
async function asPostgres(secret: Record<string, string>, sql: string): Promise<string> {
  const client = new pg.Client({
    host: secret['endpoint'],
    port: Number(secret['port']),
    user: secret['username'],
    password: secret['password'],
    database: secret['database'],
  });
  await client.connect();
  try {
    await client.query(sql);
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  } finally {
    await client.end();
  }
}

async function asMariaDb(secret: Record<string, string>, sql: string): Promise<string> {
  const connection = await mysql.createConnection({
    host: secret['endpoint'] ?? '',
    port: Number(secret['port']),
    user: secret['username'] ?? '',
    password: secret['password'] ?? '',
    database: secret['database'] ?? '',
  });
  try {
    await connection.query(sql);
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  } finally {
    await connection.end();
  }
}

function startProvider(kubeconfigPath: string): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repo, 'src', 'main.ts'),
      '--metrics-bind-address=127.0.0.1:0',
      '--health-probe-bind-address=127.0.0.1:0',
      '--poll=10s',
    ],
    { env: { ...process.env, KUBECONFIG: kubeconfigPath }, stdio: ['ignore', 'pipe', 'inherit'], cwd: repo },
  );
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      providerLog.push(JSON.parse(line) as { msg: string; kind?: string });
    } catch {
      providerLog.push({ msg: line });
    }
  });
  return child;
}

before(async () => {
  env = await useTestEnvironment();
  plane = await startControlPlane();
  kube = await createKubeApi({ fromString: plane.kubeconfig });
  discovery = new Discovery(
    new RestTransport(await loadClusterAccess({ fromString: plane.kubeconfig }), {
      userAgent: 'dbops-e2e',
      timeoutMs: 30_000,
    }),
  );
  await run('bash', [join(repo, 'scripts', 'build-packages.sh'), '--out', join(dir, 'packages')], {
    cwd: repo,
  });
  xp = await startCrossplane({
    kube,
    kubeconfigPath: plane.kubeconfigPath,
    dir,
    activate: activated.map((plural) => `${plural}.${group}`),
  });
  // The function serves with a certificate from Crossplane's root CA for the address core dials, and trusts
  // that CA for client certificates: what the Deployment runtime's TLS Secrets hold in a cluster.
  const certs = join(dir, 'function-certs');
  mkdirSync(certs);
  const serving = xp.ca.issue('function', {
    commonName: 'function-dbops',
    usage: 'server',
    hosts: ['127.0.0.1'],
  });
  writeFileSync(join(certs, 'ca.crt'), readFileSync(xp.ca.caCert));
  writeFileSync(join(certs, 'tls.crt'), readFileSync(serving.cert));
  writeFileSync(join(certs, 'tls.key'), readFileSync(serving.key));
  fn = await startFunctionProcess(['--tls-certs-dir', certs]);
  xp.playPackageRuntime({ 'function-dbops': fn.address });
  provider = startProvider(plane.kubeconfigPath);
  for (const [kind, name, file] of [
    ['Provider', 'provider-dbops', 'provider-dbops.xpkg'],
    ['Function', 'function-dbops', 'function-dbops.xpkg'],
  ] as const) {
    const ref = await xp.push(join(dir, 'packages', file), name);
    await kube.create(packageTypes[kind], {
      apiVersion: 'pkg.crossplane.io/v1',
      kind,
      metadata: { name },
      spec: { package: ref },
    } as KubeObject);
  }
  for (const ns of ['databases', 'team-a', 'team-b', 'team-c']) await namespace(ns);
});

after(async () => {
  if (provider.exitCode === null && provider.signalCode === null) {
    const exited = new Promise((resolve) => provider.once('exit', resolve));
    provider.kill('SIGTERM');
    await exited;
  }
  await fn.stop();
  await xp.stop();
  kube.close();
  await plane.stop();
  if (process.env['KEEP_E2E'] === undefined) rmSync(dir, { recursive: true, force: true });
});

describe('real Crossplane core', () => {
  it('installs both packages; only the MRDs the policy activates get CRDs, and the provider starts only those kinds', async () => {
    for (const name of ['provider-dbops', 'function-dbops']) {
      const kind = name.startsWith('provider') ? 'Provider' : 'Function';
      await until(
        'pkg.crossplane.io/v1',
        kind,
        name,
        undefined,
        (o) => isTrue(o, 'Installed') && isTrue(o, 'Healthy'),
        'Installed and Healthy',
        180_000,
      );
    }
    const mrdState = async (plural: string) =>
      (await kube.get<Conditioned & { spec: { state?: string } }>(mrdType, { name: `${plural}.${group}` }))
        ?.spec.state;
    await eventually(
      'the activation policy to activate its MRDs',
      async () =>
        (await Promise.all(activated.map(mrdState))).every((s) => s === 'Active') ? true : undefined,
      60_000,
    );
    for (const plural of activated) {
      await eventually(
        `CRD ${plural} served`,
        () => discovery.resource(`${group}/v1alpha1`, kindOf(plural)),
        60_000,
      );
    }
    for (const plural of inactive) {
      assert.equal((await mrdState(plural)) ?? 'Inactive', 'Inactive', plural);
      assert.equal(
        await discovery.resource(`${group}/v1alpha1`, kindOf(plural)),
        undefined,
        `no CRD for ${plural}`,
      );
    }
    const started = () =>
      new Set(providerLog.filter((l) => l.msg === 'Started controller').map((l) => l.kind));
    await eventually(
      'the provider to start the activated kinds it serves',
      () =>
        ['DatabaseInstance', 'Database', 'DatabaseUser', 'DatabaseGrant'].every((k) => started().has(k)) ||
        undefined,
      120_000,
    );
    assert.equal(
      started().has('DatabaseRole'),
      false,
      'DatabaseRole is not activated, so its controller waits',
    );
    assert.equal(await discovery.resource(`${group}/v1alpha1`, 'DatabaseRole'), undefined);
  });

  it('takes the v2 example XR to its database and users on PostgreSQL; the Secrets log in with exactly the granted rights', async () => {
    await instance('pg-main', 'postgres', ['team-a']);
    await installComposition('v2', ['Established']);
    for (const m of manifests('examples/composition/v2/appdatabase.yaml')) await apply(m);
    const xr = await until(
      'platform.example.org/v1alpha1',
      'AppDatabase',
      'orders',
      'team-a',
      (o) => (o.status?.['users'] as unknown[] | undefined)?.length === 2,
      'status written by the function',
    );
    assert.equal(xr.status?.['databaseName'], 'orders');
    const composed = await eventually(
      'composed SQL resources Ready',
      async () => {
        const all = await Promise.all(
          (['Database', 'DatabaseUser', 'DatabaseGrant'] as const).map(
            async (k) => (await kube.list<Conditioned>(kinds[k], { namespace: 'team-a' })).items,
          ),
        );
        const items = all.flat();
        return items.length === 5 && items.every((o) => isTrue(o, 'Ready')) ? items : undefined;
      },
      120_000,
    );
    assert.equal(composed.length, 5);
    const app = await userSecret(xr, 'orders_app');
    const report = await userSecret(xr, 'orders_report');
    assert.equal(await asPostgres(app, 'CREATE SCHEMA app_owned'), 'ok', 'orders_app has CREATE');
    assert.equal(await asPostgres(report, 'SELECT 1'), 'ok', 'orders_report has CONNECT');
    assert.equal(
      await asPostgres(report, 'CREATE SCHEMA report_owned'),
      '42501',
      'orders_report has no CREATE',
    );
    // The example's database is owned by the composed user, which the admin login was not a member of.
    const owner = await asPostgres(
      app,
      "DO $$ BEGIN IF (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'orders') <> 'orders_app' THEN RAISE EXCEPTION 'owner'; END IF; END $$",
    );
    assert.equal(owner, 'ok');
    // The backup schedule is composed too, and nothing serves it yet (the backup issue): it says so on its
    // conditions, and the XR names it as the one resource it still waits for.
    await eventually('the backup schedule saying it is not served yet', async () => {
      const { items } = await kube.list<Conditioned>(kinds.DatabaseBackupSchedule, { namespace: 'team-a' });
      const synced = condition(items[0], 'Synced');
      return synced?.status === 'False' && /not served yet/.test(synced.message ?? '') ? true : undefined;
    });
    await until(
      'platform.example.org/v1alpha1',
      'AppDatabase',
      'orders',
      'team-a',
      (o) => condition(o, 'Ready')?.message === 'Unready resources: backup-schedule',
      'waiting for the backup schedule only',
    );
  });

  it('converges on the server when the XR adds a user and changes privileges', async () => {
    await kube.patch(
      await typeOf('platform.example.org/v1alpha1', 'AppDatabase'),
      { namespace: 'team-a', name: 'orders' },
      {
        spec: {
          users: [
            { name: 'orders_app', privileges: ['CONNECT', 'CREATE', 'TEMPORARY'] },
            { name: 'orders_report', privileges: ['CONNECT', 'CREATE'] },
            { name: 'orders_audit', privileges: ['CONNECT'] },
          ],
        },
      },
      { strategy: 'merge' },
    );
    const xr = await until(
      'platform.example.org/v1alpha1',
      'AppDatabase',
      'orders',
      'team-a',
      (o) => (o.status?.['users'] as unknown[] | undefined)?.length === 3,
      'three users in status',
    );
    const audit = await userSecret(xr, 'orders_audit');
    await eventually(
      'orders_audit logs in',
      async () => ((await asPostgres(audit, 'SELECT 1')) === 'ok' ? true : undefined),
      120_000,
    );
    const report = await userSecret(xr, 'orders_report');
    await eventually(
      'orders_report may create schemas',
      async () => ((await asPostgres(report, 'CREATE SCHEMA report_owned')) === 'ok' ? true : undefined),
      120_000,
    );
  });

  it('takes the legacy Claim to Ready on MariaDB; its Secret logs in with exactly the granted rights', async () => {
    await instance('mariadb-shared', 'mariadb', ['team-b']);
    await installComposition('legacy', ['Established', 'Offered']);
    for (const m of manifests('examples/composition/legacy/claim.yaml')) await apply(m);
    await until(
      'legacy.example.org/v1alpha1',
      'AppDatabaseClaim',
      'billing',
      'team-b',
      (o) => isTrue(o, 'Ready'),
      'Ready',
      180_000,
    );
    const users = await eventually('composed user in team-b', async () => {
      const { items } = await kube.list<
        Conditioned & { spec: { writeConnectionSecretToRef?: { name: string } } }
      >(kinds.DatabaseUser, { namespace: 'team-b' });
      return items.length === 1 ? items : undefined;
    });
    const secret = await secretData(users[0]?.spec.writeConnectionSecretToRef?.name ?? '', 'team-b');
    assert.equal(
      await asMariaDb(secret, 'CREATE TABLE t (i int)'),
      'ER_TABLEACCESS_DENIED_ERROR',
      'no CREATE was granted',
    );
    assert.equal(await asMariaDb(secret, 'SELECT 1'), 'ok');
  });

  it('shows the function refusing a composite whose namespace the instance does not allow, as a Fatal result', async () => {
    await apply({
      apiVersion: 'platform.example.org/v1alpha1',
      kind: 'AppDatabase',
      metadata: { name: 'intruder', namespace: 'team-c' },
      spec: {
        crossplane: { compositionRef: { name: 'appdatabase' } },
        instanceRef: { name: 'pg-main', namespace: 'databases' },
        users: [{ name: 'intruder' }],
      },
    } as KubeObject);
    const xr = await until(
      'platform.example.org/v1alpha1',
      'AppDatabase',
      'intruder',
      'team-c',
      (o) => condition(o, 'Synced')?.status === 'False',
      'Synced=False',
    );
    assert.match(condition(xr, 'Synced')?.message ?? '', /does not allow namespace team-c/);
    const { items } = await kube.list(kinds.Database, { namespace: 'team-c' });
    assert.deepEqual(items, [], 'nothing is composed for a refused composite');
  });

  it('removes everything the claim composed from the server when the claim is deleted', async () => {
    const [database] = (await kube.list(kinds.Database, { namespace: 'team-b' })).items;
    const dbName = database?.metadata.annotations?.['crossplane.io/external-name'] ?? '';
    assert.notEqual(dbName, '');
    await kube.delete(await typeOf('legacy.example.org/v1alpha1', 'AppDatabaseClaim'), {
      namespace: 'team-b',
      name: 'billing',
    });
    const admin = env.mariadb.admin;
    const connection = await mysql.createConnection({
      host: admin.host,
      port: admin.port,
      user: admin.user,
      password: admin.password,
    });
    try {
      await eventually(
        'the claim database and user dropped',
        async () => {
          const [dbs] = await connection.query<mysql.RowDataPacket[]>(
            'SELECT 1 FROM information_schema.schemata WHERE schema_name = ?',
            [dbName],
          );
          const [us] = await connection.query<mysql.RowDataPacket[]>(
            "SELECT 1 FROM mysql.user WHERE user = 'billing_app'",
          );
          return dbs.length === 0 && us.length === 0 ? true : undefined;
        },
        180_000,
      );
    } finally {
      await connection.end();
    }
  });

  it("counts only successful calls in core's own function metrics", async () => {
    const body = (await httpGet(xp.metricsUrl)).body;
    const samples = parseExposition(body).get('function_run_function_response_total')?.samples ?? [];
    assert.ok(samples.length > 0, 'core called the function');
    for (const s of samples) assert.equal(s.labels['grpc_code'], 'OK', JSON.stringify(s.labels));
    const fatal = samples.filter((s) => s.labels['result_severity'] === 'Fatal');
    assert.ok(fatal.length > 0, 'the refused composite was answered, with a Fatal result');
  });
});
