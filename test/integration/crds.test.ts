// The generated CRDs on a real kube-apiserver: they install (idempotently, as every test file that needs them
// applies them again), become Established, accept a valid object of every kind with the defaults filled in, and
// the SERVER rejects invalid objects with 422: enums, ranges, patterns, CEL cross-field rules, immutable fields,
// and status writes the runtime could get wrong.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { customResourceDefinition } from '../../src/apis/crd.ts';
import { allKinds, kinds, type KindName } from '../../src/apis/registry.ts';
import { eventually } from '../harness/wait.ts';
import { useTestEnvironment } from '../harness/environment.ts';
import { validObjects, withValue, type Fixture } from '../unit/apis/fixtures.ts';

const fieldManager = 'provider-dbops-crds';
const run = String(process.pid);

/** The API server's message of a failed call, with its HTTP status. */
function failure(err: unknown): { code: number; message: string } {
  if (!(err instanceof k8s.ApiException)) throw err;
  const body: unknown = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
  const message = (body as { message?: unknown } | undefined)?.message;
  return { code: err.code, message: typeof message === 'string' ? message : String(err.body) };
}

describe('CRDs on a real API server', () => {
  let kc: k8s.KubeConfig;
  let ext: k8s.ApiextensionsV1Api;
  let core: k8s.CoreV1Api;
  let custom: k8s.CustomObjectsApi;
  const namespaces: string[] = [];
  const clusterConfig = `crds-test-${run}`;

  async function applyCrds(): Promise<void> {
    for (const def of allKinds) {
      const crd = customResourceDefinition(def);
      await ext.patchCustomResourceDefinition(
        { name: crd.metadata.name, body: crd, fieldManager, force: true },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
      );
    }
  }

  async function namespace(purpose: string): Promise<string> {
    const name = `crds-${purpose}-${run}`;
    await core.createNamespace({ body: { metadata: { name } } });
    namespaces.push(name);
    return name;
  }

  /** Where `obj` lives: its type's coordinates, namespace and name. */
  function target(kind: KindName, obj: Fixture) {
    const { group, version, plural } = kinds[kind];
    return { group, version, plural, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name };
  }

  async function create(kind: KindName, obj: Fixture): Promise<Record<string, unknown>> {
    const { group, version, plural, namespace: ns } = target(kind, obj);
    const created: unknown = kinds[kind].namespaced
      ? await custom.createNamespacedCustomObject({ group, version, plural, namespace: ns, body: obj })
      : await custom.createClusterCustomObject({ group, version, plural, body: obj });
    return created as Record<string, unknown>;
  }

  async function mergePatch(kind: KindName, obj: Fixture, patch: object): Promise<unknown> {
    return custom.patchNamespacedCustomObject(
      { ...target(kind, obj), body: patch },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
  }

  /** Runs `call`, which must fail with 422; returns the server's message. */
  async function rejected(call: () => Promise<unknown>): Promise<string> {
    const err = await call().then(
      () => assert.fail('the API server accepted it'),
      (e: unknown) => failure(e),
    );
    assert.equal(err.code, 422, err.message);
    return err.message;
  }

  before(async () => {
    const env = await useTestEnvironment();
    kc = new k8s.KubeConfig();
    kc.loadFromString(env.kube.kubeconfig);
    ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    core = kc.makeApiClient(k8s.CoreV1Api);
    custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await applyCrds();
    for (const def of allKinds) {
      await eventually(`${def.plural} Established`, async () => {
        const crd = await ext.readCustomResourceDefinition({ name: `${def.plural}.${def.group}` });
        return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
          ? true
          : undefined;
      });
      // Served once listable; from then on the server enforces the schema.
      await eventually(`${def.plural} served`, () =>
        custom.listClusterCustomObject({ group: def.group, version: def.version, plural: def.plural }),
      );
    }
  });

  after(async () => {
    const { group, version, plural } = kinds.ClusterProviderConfig;
    await custom
      .deleteClusterCustomObject({ group, version, plural, name: clusterConfig })
      .catch(() => undefined);
    for (const name of namespaces) await core.deleteNamespace({ name }).catch(() => undefined);
  });

  it('applies the CRDs again without changing them', async () => {
    const generations = async () =>
      Promise.all(
        allKinds.map(async (def) => {
          const crd = await ext.readCustomResourceDefinition({ name: `${def.plural}.${def.group}` });
          return crd.metadata?.generation;
        }),
      );
    const before = await generations();
    await applyCrds();
    assert.deepEqual(await generations(), before);
  });

  it('accepts a valid object of every kind and fills in the defaults', async () => {
    const ns = await namespace('valid');
    const objects = validObjects(ns, clusterConfig);
    const stored = new Map<KindName, Record<string, unknown>>();
    for (const kind of Object.keys(objects) as KindName[])
      stored.set(kind, await create(kind, objects[kind]));

    const defaults: [KindName, string, unknown][] = [
      ['Database', 'spec.managementPolicies', ['*']],
      ['Database', 'spec.providerConfigRef', { kind: 'ClusterProviderConfig', name: 'default' }],
      ['Database', 'spec.forProvider.deletionProtection', false],
      ['Database', 'spec.forProvider.postgres.connectionLimit', -1],
      ['DatabaseInstance', 'spec.forProvider.connection.credentialsSecretRef.usernameKey', 'username'],
      ['DatabaseInstance', 'spec.forProvider.pool.maxConnections', 5],
      ['DatabaseUser', 'spec.forProvider.postgres.login', true],
      ['DatabaseUser', 'spec.forProvider.postgres.inherit', false],
      ['DatabaseUser', 'spec.forProvider.passwordGeneration.includeSpecialChars', true],
      ['DatabaseGrant', 'spec.forProvider.memberOf', [{ role: 'readers', withAdminOption: false }]],
      ['DatabaseBackup', 'spec.forProvider.storage.s3.region', 'us-east-1'],
      ['DatabaseBackup', 'spec.forProvider.activeDeadlineSeconds', 3600],
      ['DatabaseBackupSchedule', 'spec.forProvider.concurrencyPolicy', 'Forbid'],
      [
        'DatabaseBackupSchedule',
        'spec.forProvider.backupTemplate.forProvider.compression',
        { algorithm: 'gzip' },
      ],
      ['DatabaseRestore', 'spec.forProvider.activeDeadlineSeconds', 7200],
    ];
    for (const [kind, path, expected] of defaults) {
      const value = path
        .split('.')
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], stored.get(kind));
      assert.deepEqual(value, expected, `${kind} ${path}`);
    }
  });

  it('defaults TLS to verify-full when an instance leaves it out', async () => {
    const ns = await namespace('tls');
    const instance = withValue(validObjects(ns).DatabaseInstance, 'spec.forProvider.tls', undefined);
    const stored = (await create('DatabaseInstance', instance)) as {
      spec: { forProvider: { tls: unknown } };
    };
    assert.deepEqual(stored.spec.forProvider.tls, { mode: 'verify-full' });
  });

  it('rejects invalid objects with 422 and says why', async () => {
    const ns = await namespace('invalid');
    const objects = validObjects(ns, clusterConfig);
    const cases: { what: string; kind: KindName; path: string; value: unknown; message: RegExp }[] = [
      {
        what: 'a bad enum',
        kind: 'DatabaseInstance',
        path: 'spec.forProvider.engine',
        value: 'cockroachdb',
        message: /engine: Unsupported value: "cockroachdb"/,
      },
      {
        what: 'a number out of range',
        kind: 'DatabaseInstance',
        path: 'spec.forProvider.connection.port',
        value: 0,
        message: /port: Invalid value: 0/,
      },
      {
        what: 'a bad identifier',
        kind: 'Database',
        path: 'spec.forProvider.postgres.owner',
        value: 'app; DROP DATABASE x',
        message: /owner: Invalid value: "app; DROP DATABASE x".*should match/,
      },
      {
        what: 'a privilege that does not fit the level',
        kind: 'DatabaseGrant',
        path: 'spec.forProvider.postgres.database.privileges',
        value: ['SELECT'],
        message: /privileges\[0\]: Unsupported value: "SELECT"/,
      },
      {
        what: 'a default privilege that does not fit the object type (CEL)',
        kind: 'DatabaseGrant',
        path: 'spec.forProvider.postgres.defaultPrivileges',
        value: [{ forRole: 'owner', objectType: 'sequences', privileges: ['EXECUTE'] }],
        message: /privileges on sequences are ALL, USAGE, SELECT, UPDATE/,
      },
      {
        what: 'a grant with two grantees (CEL)',
        kind: 'DatabaseGrant',
        path: 'spec.forProvider.role',
        value: 'readers',
        message: /set one grantee/,
      },
      {
        what: 'a grant of postgres privileges without a database (CEL)',
        kind: 'DatabaseGrant',
        path: 'spec.forProvider.databaseRef',
        value: undefined,
        message: /postgres privileges need a database/,
      },
      {
        what: 'a resource without an instance (CEL)',
        kind: 'DatabaseRole',
        path: 'spec.forProvider.instanceRef',
        value: undefined,
        message: /set instanceRef or instanceSelector/,
      },
      {
        what: 'a generated password with nowhere to keep it (CEL)',
        kind: 'DatabaseUser',
        path: 'spec.writeConnectionSecretToRef',
        value: undefined,
        message: /a generated password is kept only in the connection Secret/,
      },
      {
        what: 'an in-place restore without the confirmation (CEL)',
        kind: 'DatabaseRestore',
        path: 'spec.forProvider.target',
        value: { inPlace: { databaseRef: { name: 'orders' }, acknowledgeDataLoss: 'yes' } },
        message: /acknowledgeDataLoss: Required value: an in-place restore destroys the current data/,
      },
      {
        what: 'a restore from both a backup and a path (CEL)',
        kind: 'DatabaseRestore',
        path: 'spec.forProvider.fromPath',
        value: { objectKey: 'orders/orders-now.dump.gz' },
        message: /set exactly one of backupRef or fromPath/,
      },
      {
        what: 'a gzip level above 9 (CEL)',
        kind: 'DatabaseBackup',
        path: 'spec.forProvider.compression',
        value: { algorithm: 'gzip', level: 12 },
        message: /gzip levels are 1 to 9/,
      },
      {
        what: 'storage in two places at once (CEL)',
        kind: 'ProviderConfig',
        path: 'spec.storage.gcs',
        value: { bucket: 'backups' },
        message: /set exactly one of s3, gcs, azure, filesystem/,
      },
    ];
    for (const { what, kind, path, value, message } of cases) {
      const invalid = withValue(objects[kind], path, value);
      assert.match(await rejected(() => create(kind, invalid)), message, what);
    }
  });

  it('refuses to change immutable fields and allows the rest', async () => {
    const ns = await namespace('immutable');
    const objects = validObjects(ns, clusterConfig);
    for (const kind of ['DatabaseInstance', 'Database', 'DatabaseBackup', 'DatabaseRestore'] as const) {
      await create(kind, objects[kind]);
    }
    const changes: { kind: KindName; patch: object; message: RegExp }[] = [
      {
        kind: 'DatabaseInstance',
        patch: { spec: { forProvider: { engine: 'mysql' } } },
        message: /engine: Invalid value: "mysql": engine is immutable/,
      },
      {
        kind: 'Database',
        patch: { spec: { forProvider: { instanceRef: { name: 'other' } } } },
        message: /instanceRef is immutable/,
      },
      {
        kind: 'Database',
        patch: {
          spec: { forProvider: { instanceRef: null, instanceSelector: { matchLabels: { a: 'b' } } } },
        },
        message: /instanceRef cannot be removed once set/,
      },
      {
        kind: 'Database',
        patch: { spec: { forProvider: { postgres: { encoding: 'LATIN1' } } } },
        message: /postgres.encoding is immutable/,
      },
      {
        kind: 'DatabaseRestore',
        patch: { spec: { forProvider: { target: { newDatabase: { name: 'elsewhere' } } } } },
        message: /target cannot be changed after creation/,
      },
      {
        kind: 'DatabaseBackup',
        patch: { spec: { forProvider: { compression: { algorithm: 'gzip', level: null } } } },
        message: /compression cannot be changed after creation/,
      },
    ];
    for (const { kind, patch, message } of changes) {
      assert.match(await rejected(() => mergePatch(kind, objects[kind], patch)), message, kind);
    }
    // What may change does.
    await mergePatch('DatabaseInstance', objects.DatabaseInstance, {
      spec: { forProvider: { connection: { port: 5433 } } },
    });
    await mergePatch('DatabaseRestore', objects.DatabaseRestore, {
      spec: { forProvider: { activeDeadlineSeconds: 60 } },
    });
    await mergePatch('DatabaseBackup', objects.DatabaseBackup, { spec: { forProvider: { ttl: '30d' } } });
    await mergePatch('Database', objects.Database, {
      spec: {
        managementPolicies: ['Observe', 'Create', 'Update', 'LateInitialize'],
        forProvider: { deletionProtection: true },
      },
    });
  });

  it('keeps false in booleans that default to true through a full update', async () => {
    const ns = await namespace('booleans');
    const user = withValue(validObjects(ns).DatabaseUser, 'spec.forProvider.postgres.login', false);
    const created = await create('DatabaseUser', user);
    // A full replace, the way the runtime adds its finalizer.
    const { group, version, plural } = kinds.DatabaseUser;
    const metadata = {
      ...(created.metadata as object),
      finalizers: ['finalizer.managedresource.crossplane.io'],
    };
    const replaced = (await custom.replaceNamespacedCustomObject({
      group,
      version,
      plural,
      namespace: ns,
      name: user.metadata.name,
      body: { ...created, metadata },
    })) as { spec: { forProvider: { postgres: { login: boolean } } } };
    assert.equal(replaced.spec.forProvider.postgres.login, false);
    await mergePatch('DatabaseUser', user, { metadata: { finalizers: null } });
  });

  it('validates status writes: phase words and one condition per type', async () => {
    const ns = await namespace('status');
    const db = validObjects(ns).Database;
    const created = await create('Database', db);
    const { group, version, plural } = kinds.Database;
    const condition = (type: string) => ({
      type,
      status: 'True',
      reason: 'Available',
      lastTransitionTime: '2026-01-01T00:00:00Z',
      observedGeneration: 1,
    });
    const writeStatus = (status: object) =>
      custom.replaceNamespacedCustomObjectStatus({
        group,
        version,
        plural,
        namespace: ns,
        name: db.metadata.name,
        body: { ...created, status },
      });

    assert.match(
      await rejected(() => writeStatus({ phase: 'Creating' })),
      /phase: Unsupported value: "Creating"/,
    );
    assert.match(
      await rejected(() => writeStatus({ conditions: [condition('Ready'), condition('Ready')] })),
      /conditions\[1\]: Duplicate value/,
    );
    const written = (await writeStatus({
      phase: 'Ready',
      conditions: [condition('Ready'), condition('Synced')],
      atProvider: { sizeBytes: 7_654_321, owner: 'postgres' },
    })) as { status: { phase: string; atProvider: { sizeBytes: number } } };
    assert.equal(written.status.phase, 'Ready');
    assert.equal(written.status.atProvider.sizeBytes, 7_654_321);
  });
});
