// Every YAML document under examples/ is accepted by the real thing. With our CRDs and Crossplane's installed
// on the harness's kube-apiserver, a document whose kind the server serves must pass a server-side dry-run
// create with strict field validation (so a misspelt field fails instead of being pruned); a composite
// resource or claim defined by an XRD among the examples must pass Crossplane's own validator,
// `crossplane beta validate`, which derives the CRDs from the XRDs offline. A document that is neither fails
// with its file and kind.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import type { ResourceType } from '../../../src/kube/api.ts';
import { loadClusterAccess } from '../../../src/kube/access.ts';
import { createKubeApi, type KubeClient } from '../../../src/kube/client.ts';
import { collectionPath, objectPath, queryString } from '../../../src/kube/paths.ts';
import { RestTransport } from '../../../src/kube/rest.ts';
import { applyCrdDir, installCrds } from '../../harness/crds.ts';
import { useTestEnvironment } from '../../harness/environment.ts';
import { cacheDir, goBuiltServer, pinnedVersions } from '../../harness/tools.ts';
import { Discovery } from '../../harness/discovery.ts';
import { eventually } from '../../harness/wait.ts';
import {
  definingXrd,
  describeDocument,
  exampleDocuments,
  xrdsAmong,
  type ExampleDocument,
  type Manifest,
  type Xrd,
} from './documents.ts';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const examplesDir = join(repo, 'examples');
// Read when the file loads, so that each example file is a test of its own.
const documents = exampleDocuments(examplesDir);
const xrds = xrdsAmong(documents);
const files = [...new Set(documents.map((doc) => doc.file))];

const fieldManager = 'dbops-examples-test';
/** Where namespaced documents that name no namespace go. */
const ownNamespace = `examples-${String(process.pid)}`;

/** Crossplane's CRDs, from the module the crank build downloaded (same version as crank). */
function crossplaneCrdDir(): string {
  const version = pinnedVersions().crossplane;
  const mod = ['go', 'mod', 'github.com', 'crossplane', 'crossplane', `v2@v${version}`];
  return join(cacheDir(), ...mod, 'cluster', 'crds');
}

/** The API server through the provider's own REST transport: discovery and dry-run writes of any kind. */
class ApiServer {
  private readonly discovery: Discovery;

  constructor(private readonly transport: RestTransport) {
    this.discovery = new Discovery(transport);
  }

  /** The resource serving apiVersion/kind, or undefined when the server does not serve it. */
  resource(apiVersion: string, kind: string): Promise<ResourceType | undefined> {
    return this.discovery.resource(apiVersion, kind);
  }

  /**
   * A server-side dry-run create with strict field validation. An object that already exists on the shared
   * API server (409) is checked with a dry-run apply of the same object instead. Returns the HTTP status and
   * the server's message.
   */
  async dryRunCreate(type: ResourceType, object: Manifest): Promise<{ status: number; message: string }> {
    const namespace = type.namespaced ? (object.metadata?.namespace ?? ownNamespace) : undefined;
    const body = {
      ...object,
      metadata: { ...object.metadata, ...(namespace === undefined ? {} : { namespace }) },
    };
    const query = { dryRun: 'All', fieldValidation: 'Strict', fieldManager };
    let res = await this.transport.request({
      method: 'POST',
      path: collectionPath(type, namespace) + queryString(query),
      body: JSON.stringify(body),
    });
    if (res.status === 409) {
      res = await this.transport.request({
        method: 'PATCH',
        path:
          objectPath(type, {
            name: body.metadata.name ?? '',
            ...(namespace === undefined ? {} : { namespace }),
          }) + queryString({ ...query, force: 'true' }),
        body: JSON.stringify(body),
        contentType: 'application/apply-patch+yaml',
      });
    }
    const message =
      res.status < 300 ? '' : ((JSON.parse(res.body) as { message?: string }).message ?? res.body);
    return { status: res.status, message };
  }

  /** Creates a namespace for real; false when it existed already. */
  async createNamespace(name: string): Promise<boolean> {
    const res = await this.transport.request({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
    });
    if (res.status === 409) return false;
    assert.ok(res.status < 300, `create namespace ${name}: ${res.body}`);
    return true;
  }
}

describe('examples/ on the real API server and Crossplane’s validator', () => {
  let kube: KubeClient;
  let transport: RestTransport;
  let api: ApiServer;
  let crank: string;
  let dir: string;
  let validateCache: string;
  let crossplaneImage: string;

  /**
   * `crossplane beta validate` of one document against one XRD: both written to files, the XRD as the only
   * extension (a Provider or Function there would make crank download packages). Crossplane's own schemas come
   * from a cache seeded with its CRDs, so nothing is downloaded. Throws with crank's output unless it reports
   * exactly one success.
   */
  function crankValidate(xrd: Manifest, object: Manifest, what: string): string {
    const xrdFile = join(dir, 'xrd.yaml');
    const resourceFile = join(dir, 'resource.yaml');
    writeFileSync(xrdFile, stringify(xrd));
    writeFileSync(resourceFile, stringify(object));
    const run = spawnSync(
      crank,
      [
        'beta',
        'validate',
        xrdFile,
        resourceFile,
        `--cache-dir=${validateCache}`,
        `--crossplane-image=${crossplaneImage}`,
        '--error-on-missing-schemas',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    const output = `${run.stdout}${run.stderr}`;
    assert.doesNotMatch(output, /downloading/, `crank validate must not download anything:\n${output}`);
    if (run.status !== 0 || !/1 success cases, 0 failure cases/.test(output)) {
      throw new Error(`${what} refused by crossplane beta validate (exit ${String(run.status)}):\n${output}`);
    }
    return output;
  }

  /** Checks one example document the way its kind calls for; throws naming the document when refused. */
  async function check(doc: ExampleDocument, definitions: Xrd[] = xrds): Promise<void> {
    const { apiVersion, kind } = doc.object;
    if (apiVersion === undefined || kind === undefined)
      throw new Error(`${describeDocument(doc)}: no apiVersion or kind`);
    const type = await api.resource(apiVersion, kind);
    if (type !== undefined) {
      const { status, message } = await api.dryRunCreate(type, doc.object);
      if (status >= 300)
        throw new Error(`${describeDocument(doc)} refused by the API server (${String(status)}): ${message}`);
      return;
    }
    const xrd = definingXrd(doc.object, definitions);
    if (xrd !== undefined) {
      crankValidate(xrd.doc.object, doc.object, describeDocument(doc));
      return;
    }
    throw new Error(
      `${describeDocument(doc)}: the API server does not serve ${apiVersion} ${kind} and no XRD in examples/ defines it`,
    );
  }

  before(async () => {
    crank = goBuiltServer('crank');
    const crossplaneCrds = crossplaneCrdDir();
    assert.ok(
      existsSync(crossplaneCrds),
      `Crossplane's CRDs are missing at ${crossplaneCrds}; run scripts/build-test-binaries.sh`,
    );
    dir = mkdtempSync(join(tmpdir(), 'dbops-examples-'));
    // crank validate always loads the Crossplane image's schemas through its cache (image ':' becomes '@').
    crossplaneImage = `xpkg.crossplane.io/crossplane/crossplane:v${pinnedVersions().crossplane}`;
    validateCache = join(dir, 'validate-cache');
    const seeded = join(validateCache, crossplaneImage.replace(':', '@'));
    mkdirSync(seeded, { recursive: true });
    for (const f of readdirSync(crossplaneCrds)) copyFileSync(join(crossplaneCrds, f), join(seeded, f));

    const env = await useTestEnvironment();
    kube = await createKubeApi({ fromString: env.kube.kubeconfig, fieldManager });
    transport = new RestTransport(await loadClusterAccess({ fromString: env.kube.kubeconfig }), {
      userAgent: fieldManager,
      timeoutMs: 30_000,
    });
    api = new ApiServer(transport);
    await installCrds(kube);
    await applyCrdDir(kube, crossplaneCrds, fieldManager);
    // Discovery lags Established by a moment; wait until Crossplane's kinds are listed.
    await eventually('Crossplane kinds served', async () => {
      const probe = new ApiServer(transport);
      const served = await Promise.all([
        probe.resource('pkg.crossplane.io/v1', 'Provider'),
        probe.resource('apiextensions.crossplane.io/v2', 'CompositeResourceDefinition'),
        probe.resource('apiextensions.crossplane.io/v1', 'Composition'),
        probe.resource('pkg.crossplane.io/v1beta1', 'DeploymentRuntimeConfig'),
      ]);
      return served.every((t) => t !== undefined) || undefined;
    });
    // The namespaces the examples name are left in place afterwards: on the shared API server another test
    // may be using one of them by then.
    await api.createNamespace(ownNamespace);
    const named = new Set(documents.flatMap((doc) => doc.object.metadata?.namespace ?? []));
    for (const name of named) await api.createNamespace(name);
  });

  after(async () => {
    await kube.delete(
      { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
      { name: ownNamespace },
    );
    kube.close();
    transport.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has an example of every kind for each engine, the provider configs and the install manifests', () => {
    const kindsIn = (folder: string) =>
      new Set(documents.filter((doc) => doc.file.startsWith(`${folder}/`)).map((doc) => doc.object.kind));
    const engineKinds = [
      'Secret',
      'DatabaseInstance',
      'Database',
      'DatabaseUser',
      'DatabaseRole',
      'DatabaseGrant',
      'DatabaseBackup',
      'DatabaseBackupSchedule',
      'DatabaseRestore',
    ];
    for (const engine of ['postgresql', 'mysql', 'mariadb']) {
      assert.deepEqual([...kindsIn(engine)].sort(), [...engineKinds].sort(), engine);
    }
    assert.deepEqual([...kindsIn('provider-config')].sort(), [
      'ClusterProviderConfig',
      'ProviderConfig',
      'Secret',
    ]);
    assert.deepEqual([...kindsIn('install')].sort(), ['DeploymentRuntimeConfig', 'Function', 'Provider']);
    const engines = documents.flatMap((doc) =>
      doc.object.kind === 'DatabaseInstance'
        ? [(doc.object['spec'] as { forProvider: { engine: string } }).forProvider.engine]
        : [],
    );
    assert.deepEqual(engines.sort(), ['mariadb', 'mysql', 'postgres']);
  });

  for (const file of files) {
    it(`accepts every document of ${file}`, async () => {
      for (const doc of documents.filter((d) => d.file === file)) await check(doc);
    });
  }

  it('refuses a Database with a misspelt field, and one with an invalid value', async () => {
    const database = documents.find((doc) => doc.file === 'postgresql/database.yaml');
    assert.ok(database);
    const misspelt = structuredClone(database);
    const postgres = (misspelt.object['spec'] as { forProvider: { postgres: Record<string, unknown> } })
      .forProvider.postgres;
    postgres['encodng'] = 'UTF8';
    await assert.rejects(
      check(misspelt),
      /postgresql\/database\.yaml #1 .*refused by the API server \(400\).*unknown field "spec\.forProvider\.postgres\.encodng"/s,
    );

    const invalid = structuredClone(database);
    (invalid.object['spec'] as { forProvider: { postgres: Record<string, unknown> } }).forProvider.postgres[
      'connectionLimit'
    ] = -2;
    await assert.rejects(check(invalid), /refused by the API server \(422\).*connectionLimit/s);
  });

  it('validates composites with crank against their XRD, and refuses an invalid one', async () => {
    const xrd: ExampleDocument = {
      file: 'made-up/definition.yaml',
      position: 1,
      object: {
        apiVersion: 'apiextensions.crossplane.io/v2',
        kind: 'CompositeResourceDefinition',
        metadata: { name: 'widgets.test.example.org' },
        spec: {
          group: 'test.example.org',
          names: { kind: 'Widget', plural: 'widgets' },
          scope: 'Namespaced',
          versions: [
            {
              name: 'v1alpha1',
              served: true,
              referenceable: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: {
                      type: 'object',
                      required: ['size'],
                      properties: { size: { type: 'integer', minimum: 1 } },
                    },
                  },
                },
              },
            },
          ],
        },
      },
    };
    const widget = (spec: object): ExampleDocument => ({
      file: 'made-up/widget.yaml',
      position: 1,
      object: {
        apiVersion: 'test.example.org/v1alpha1',
        kind: 'Widget',
        metadata: { name: 'w', namespace: 'team-a' },
        spec,
      },
    });
    const definitions = xrdsAmong([xrd]);
    await check(widget({ size: 3, crossplane: { compositionRef: { name: 'widgets' } } }), definitions);
    await assert.rejects(
      check(widget({ size: 'large' }), definitions),
      /made-up\/widget\.yaml #1 .*refused by crossplane beta validate.*schema validation error/s,
    );
    await assert.rejects(
      check(widget({ size: 3, colour: 'red' }), definitions),
      /refused by crossplane beta validate.*colour/s,
    );
  });

  it('fails a document whose kind is neither served nor defined by an XRD, naming its file and kind', async () => {
    const stray: ExampleDocument = {
      file: 'made-up/stray.yaml',
      position: 2,
      object: { apiVersion: 'nowhere.example.org/v1', kind: 'Gizmo', metadata: { name: 'g' } },
    };
    await assert.rejects(
      check(stray),
      /made-up\/stray\.yaml #2 \(nowhere\.example\.org\/v1 Gizmo g\): the API server does not serve/,
    );
  });
});
