// Crossplane's own client renders the example composites through the running function: `crank render`
// (Crossplane's CLI, built from the Go module proxy) with the Development runtime dials our entrypoint over
// gRPC, runs its real pipeline logic (required-resources loop, readiness, status), and prints what Crossplane
// would apply.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import type { JsonObject, JsonValue } from '../../../src/function/protocol/messages.ts';
import { stringAt, valueAt } from '../../../src/function/sdk/request.ts';
import { startFunctionProcess, type RunningFunction } from '../../harness/function.ts';
import { goBuiltServer } from '../../harness/tools.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const examples = join(repoRoot, 'examples', 'composition');
const fixtures = join(import.meta.dirname, 'fixtures');
const crank = goBuiltServer('crank');
const scratch = mkdtempSync(join(tmpdir(), 'dbops-render-'));

type Doc = JsonObject;

interface Rendered {
  code: number;
  stderr: string;
  composite: Doc;
  resources: Doc[];
  results: Doc[];
}

let fn: RunningFunction;

function render(xr: string, composition: string, extra: string[] = []): Promise<Rendered> {
  const args = [
    'render',
    xr,
    composition,
    join(examples, 'functions.yaml'),
    '--include-function-results',
    `--required-resources=${join(fixtures, 'instances.yaml')}`,
    `--function-annotations=render.crossplane.io/runtime-development-target=${fn.address}`,
    '--timeout=30s',
    ...extra,
  ];
  return new Promise((resolve) => {
    execFile(crank, args, { encoding: 'utf8' }, (err, stdout, stderr) => {
      const docs = parseAllDocuments(stdout)
        .map((d) => d.toJS() as unknown)
        .filter((d): d is Doc => typeof d === 'object' && d !== null);
      resolve({
        code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1,
        stderr,
        composite: docs[0] ?? {},
        resources: docs.slice(1).filter((d) => d['kind'] !== 'Result'),
        results: docs.filter((d) => d['kind'] === 'Result'),
      });
    });
  });
}

const key = (d: Doc) => stringAt(d, 'metadata', 'annotations', 'crossplane.io/composition-resource-name');
const forProvider = (d: Doc | undefined, ...path: string[]): JsonValue | undefined =>
  valueAt(d, 'spec', 'forProvider', ...path);
function condition(d: Doc, type: string): { status?: string; reason?: string; message?: string } {
  const conditions = valueAt(d, 'status', 'conditions');
  const found = Array.isArray(conditions) ? conditions.find((c) => valueAt(c, 'type') === type) : undefined;
  const fields: { status?: string; reason?: string; message?: string } = {};
  for (const field of ['status', 'reason', 'message'] as const) {
    const value = stringAt(found, field);
    if (value !== undefined) fields[field] = value;
  }
  return fields;
}

/** Observed resources as Crossplane would have them after creating the first render: named and Ready. */
function observedFrom(resources: Doc[], file: string): string {
  const observed = resources.map((r, i) => ({
    ...r,
    metadata: {
      ...(valueAt(r, 'metadata') as JsonObject),
      name: `${stringAt(r, 'metadata', 'generateName') ?? ''}${String(i)}abcd`,
    },
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Available' }] },
  }));
  const path = join(scratch, file);
  writeFileSync(path, observed.map((o) => stringify(o)).join('---\n'));
  return path;
}

function writeXr(name: string, doc: Doc): string {
  const path = join(scratch, name);
  writeFileSync(path, stringify(doc));
  return path;
}

const v2Xr = join(examples, 'v2', 'appdatabase.yaml');
const v2Composition = join(examples, 'v2', 'composition.yaml');

describe('crossplane render against the function', () => {
  before(async () => {
    fn = await startFunctionProcess(['--insecure', '--debug']);
  });
  after(async () => {
    await fn.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('v2 namespaced AppDatabase, first render: database, users, grants; not ready yet', async () => {
    const out = await render(v2Xr, v2Composition);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(out.resources.map(key), [
      'database',
      'grant-orders_app',
      'grant-orders_report',
      'user-orders_app',
      'user-orders_report',
    ]);
    for (const r of out.resources) {
      assert.equal(stringAt(r, 'metadata', 'namespace'), 'team-a');
      const owners = valueAt(r, 'metadata', 'ownerReferences');
      assert.equal(Array.isArray(owners) ? stringAt(owners[0], 'kind') : undefined, 'AppDatabase');
      assert.deepEqual(forProvider(r, 'instanceRef'), { name: 'pg-main', namespace: 'databases' });
    }
    const database = out.resources.find((r) => key(r) === 'database');
    assert.equal(stringAt(database, 'metadata', 'annotations', 'crossplane.io/external-name'), 'orders');
    assert.deepEqual(forProvider(database), {
      instanceRef: { name: 'pg-main', namespace: 'databases' },
      deletionProtection: true,
      postgres: { owner: 'orders_app' },
    });
    const grant = out.resources.find((r) => key(r) === 'grant-orders_app');
    assert.deepEqual(forProvider(grant, 'postgres'), {
      database: { privileges: ['CONNECT', 'CREATE', 'TEMPORARY'] },
    });
    assert.equal(condition(out.composite, 'Ready').status, 'False');
    assert.match(condition(out.composite, 'Ready').message ?? '', /Unready resources/);
    assert.equal(condition(out.composite, 'InstanceReady').status, 'True');
    assert.deepEqual(valueAt(out.composite, 'status', 'users'), [
      { name: 'orders_app', connectionSecretName: 'orders-orders-app' },
      { name: 'orders_report', connectionSecretName: 'orders-orders-report' },
    ]);
    assert.equal(stringAt(out.composite, 'status', 'databaseName'), 'orders');
  });

  it('v2 AppDatabase with its resources created and Ready: composite Ready, backup schedule added', async () => {
    const first = await render(v2Xr, v2Composition);
    const observed = observedFrom(first.resources, 'observed-v2.yaml');
    const second = await render(v2Xr, v2Composition, [`--observed-resources=${observed}`]);
    assert.equal(second.code, 0, second.stderr);
    const schedule = second.resources.find((r) => key(r) === 'backup-schedule');
    const databaseName = first.resources.findIndex((r) => key(r) === 'database');
    assert.equal(stringAt(schedule, 'kind'), 'DatabaseBackupSchedule');
    assert.deepEqual(forProvider(schedule, 'backupTemplate'), {
      forProvider: { databaseRef: { name: `orders-${String(databaseName)}abcd` } },
    });
    assert.equal(forProvider(schedule, 'timezone'), 'Europe/Berlin');
    // The schedule itself is new (not observed), so the composite waits for it alone.
    assert.equal(condition(second.composite, 'Ready').message, 'Unready resources: backup-schedule');
    const withSchedule = observedFrom(second.resources, 'observed-v2-all.yaml');
    const third = await render(v2Xr, v2Composition, [`--observed-resources=${withSchedule}`]);
    assert.equal(condition(third.composite, 'Ready').status, 'True');
    assert.equal(condition(third.composite, 'Ready').reason, 'Available');
  });

  it('legacy cluster-scoped composite of a claim: resources in the claim namespace, MariaDB privileges', async () => {
    const out = await render(join(fixtures, 'legacy-xr.yaml'), join(examples, 'legacy', 'composition.yaml'));
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(out.resources.map(key), ['database', 'grant-billing_app', 'user-billing_app']);
    for (const r of out.resources) assert.equal(stringAt(r, 'metadata', 'namespace'), 'team-b');
    const grant = out.resources.find((r) => key(r) === 'grant-billing_app');
    assert.deepEqual(forProvider(grant, 'mysql'), {
      database: { privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] },
    });
    const database = out.resources.find((r) => key(r) === 'database');
    assert.equal(stringAt(database, 'metadata', 'annotations', 'crossplane.io/external-name'), 'billing');
    assert.deepEqual(forProvider(database, 'instanceRef'), {
      name: 'mariadb-shared',
      namespace: 'databases',
    });
    assert.deepEqual(valueAt(out.composite, 'status', 'users'), [
      { name: 'billing_app', connectionSecretName: 'billing-billing-app' },
    ]);
    const instance = condition(out.composite, 'InstanceReady');
    assert.equal(instance.status, 'False');
    assert.match(instance.message ?? '', /DatabaseInstance databases\/mariadb-shared is not ready/);
  });

  const refusals: { name: string; spec: Doc; namespace?: string; says: RegExp }[] = [
    {
      name: 'a namespace the instance does not allow',
      spec: { instanceRef: { name: 'pg-main', namespace: 'databases' } },
      namespace: 'team-z',
      says: /spec\.instanceRef: DatabaseInstance databases\/pg-main does not allow namespace team-z/,
    },
    {
      name: 'an unknown privilege',
      spec: {
        instanceRef: { name: 'pg-main', namespace: 'databases' },
        users: [{ name: 'a', privileges: ['SELEKT'] }],
      },
      says: /spec\.users\[0\]\.privileges\[0\]: unknown privilege "SELEKT"/,
    },
    {
      name: 'a composite without instance',
      spec: { users: [{ name: 'a' }] },
      says: /spec\.instanceRef: is required/,
    },
  ];
  for (const tc of refusals) {
    it(`stops the pipeline with a fatal result for ${tc.name}`, async () => {
      const xr = writeXr(`bad-${tc.name.replace(/\W+/g, '-')}.yaml`, {
        apiVersion: 'platform.example.org/v1alpha1',
        kind: 'AppDatabase',
        metadata: { name: 'bad', namespace: tc.namespace ?? 'team-a' },
        spec: { crossplane: { compositionRef: { name: 'appdatabase' } }, ...tc.spec },
      });
      const out = await render(xr, v2Composition);
      assert.notEqual(out.code, 0);
      assert.match(out.stderr, /pipeline step "compose-database" returned a fatal result/);
      assert.match(out.stderr, tc.says);
    });
  }
});
