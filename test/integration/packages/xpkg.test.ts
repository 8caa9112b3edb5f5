// Crossplane's own package builder (`crossplane xpkg build`, crank) accepts both package roots that
// scripts/build-packages.sh assembles, and the packages it writes hold what Crossplane will read: the
// package.yaml stream in the layer labelled "base", with our metadata and every CRD. Roots crank refuses prove
// that the check can fail.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { goBuiltServer } from '../../harness/tools.ts';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const script = join(repo, 'scripts', 'build-packages.sh');

interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

/** The regular files of a tar archive by name (ustar; what go-containerregistry writes). */
function untar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const text = (from: number, length: number, header: Buffer) =>
    header.toString('utf8', from, from + length).replace(/\0.*$/s, '');
  for (let offset = 0; offset + 512 <= archive.length;) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const name = text(0, 100, header);
    const prefix = text(345, 155, header);
    const size = parseInt(text(124, 12, header).trim() || '0', 8);
    const type = text(156, 1, header);
    offset += 512;
    if (type === '' || type === '0') {
      files.set(prefix === '' ? name : `${prefix}/${name}`, archive.subarray(offset, offset + size));
    }
    offset += Math.ceil(size / 512) * 512;
  }
  return files;
}

/**
 * The package.yaml of an .xpkg (an image tarball), found the way Crossplane finds it: the config labels one
 * layer `io.crossplane.xpkg:<layer digest>: base`, and that layer holds package.yaml.
 */
function packageYaml(xpkg: string): string {
  const image = untar(readFileSync(xpkg));
  const manifestFile = image.get('manifest.json');
  assert.ok(manifestFile, 'the package has a manifest.json');
  const [manifest] = JSON.parse(manifestFile.toString('utf8')) as { Config: string; Layers: string[] }[];
  assert.ok(manifest);
  const configFile = image.get(manifest.Config);
  assert.ok(configFile, `the package has its config ${manifest.Config}`);
  const config = JSON.parse(configFile.toString('utf8')) as { config?: { Labels?: Record<string, string> } };
  const labels = Object.entries(config.config?.Labels ?? {});
  const base = labels.find(
    ([key, value]) => key.startsWith('io.crossplane.xpkg:sha256:') && value === 'base',
  );
  assert.ok(base, `no layer is labelled base: ${JSON.stringify(labels)}`);
  const digest = base[0].slice('io.crossplane.xpkg:sha256:'.length);
  const layerName = manifest.Layers.find((layer) => layer.startsWith(digest));
  assert.ok(layerName, `the base layer ${digest} is in the image`);
  const layer = untar(gunzipSync(image.get(layerName) ?? Buffer.alloc(0)));
  const yamlFile = layer.get('package.yaml');
  assert.ok(yamlFile, `the base layer holds package.yaml (it has ${[...layer.keys()].join(', ')})`);
  return yamlFile.toString('utf8');
}

function documents(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((doc): doc is Manifest => doc !== null);
}

function readYaml(path: string): Manifest {
  return parse(readFileSync(path, 'utf8')) as Manifest;
}

/** The CRDs of a directory's YAML files, by name. */
function crdsIn(dir: string): Map<string, Manifest> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  return new Map(files.map((f) => readYaml(join(dir, f))).map((crd) => [crd.metadata?.name ?? '', crd]));
}

/** The YAML files of `dir` that a YAML 1.1 reader (Go's sigs.k8s.io/yaml) reads differently from YAML 1.2. */
function readsDifferentlyAsYaml11(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .filter((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      return JSON.stringify(parse(text)) !== JSON.stringify(parse(text, { version: '1.1' }));
    });
}

/** Whether `v` is an empty list or map: Go's encoders leave those out (omitempty) with the same meaning. */
function isEmptyCollection(v: unknown): boolean {
  return Array.isArray(v)
    ? v.length === 0
    : typeof v === 'object' && v !== null && Object.keys(v).length === 0;
}

/** `value` without empty lists and maps, except a `default` of {}, which is a value and kept as one. */
function withoutEmptyCollections(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmptyCollections);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).filter(([k, v]) => k === 'default' || !isEmptyCollection(v));
  return Object.fromEntries(entries.map(([k, v]) => [k, withoutEmptyCollections(v)]));
}

/** Asserts the package's stream: the meta of package/<kind>/crossplane.yaml first, then exactly `crds`. */
function assertPackage(text: string, metaFile: string, crds: Map<string, Manifest>): void {
  const [meta, ...objects] = documents(text);
  const expected = readYaml(metaFile);
  assert.equal(meta?.apiVersion, 'meta.pkg.crossplane.io/v1');
  assert.equal(meta.kind, expected.kind);
  assert.equal(meta.metadata?.name, expected.metadata?.name);
  assert.deepEqual(meta.metadata?.annotations, expected.metadata?.annotations);
  assert.deepEqual(meta.spec, expected.spec);
  assert.deepEqual(
    objects.map((o) => `${o.kind ?? ''} ${o.metadata?.name ?? ''}`).sort(),
    [...crds.keys()].map((name) => `CustomResourceDefinition ${name}`).sort(),
  );
  // crank re-encodes every object through the Kubernetes types; the schemas must come through unchanged.
  for (const object of objects) {
    const crd = crds.get(object.metadata?.name ?? '');
    const name = object.metadata?.name ?? '?';
    assert.deepEqual(
      withoutEmptyCollections(object.spec),
      withoutEmptyCollections(crd?.spec),
      `spec of ${name}`,
    );
  }
}

describe('Crossplane packages built with crossplane xpkg build', () => {
  let crank: string;
  let dir: string;

  /** Runs scripts/build-packages.sh with crank into the temp dir; returns its exit status and stderr. */
  function buildPackages(...targets: string[]): { status: number | null; stderr: string } {
    const run = spawnSync('bash', [script, '--out', join(dir, 'out'), ...targets], {
      env: { ...process.env, CRANK: crank },
      encoding: 'utf8',
    });
    return { status: run.status, stderr: run.stderr };
  }

  /** Runs crank's package builder on a root of the given files; returns its exit status and output. */
  function crankBuild(
    name: string,
    files: Record<string, string>,
  ): { status: number | null; output: string } {
    const root = join(dir, name);
    mkdirSync(root);
    for (const [file, text] of Object.entries(files)) writeFileSync(join(root, file), text);
    const run = spawnSync(
      crank,
      [
        'xpkg',
        'build',
        `--package-root=${root}`,
        `--package-file=${join(dir, `${name}.xpkg`)}`,
        `--examples-root=${join(dir, 'no-examples')}`,
      ],
      { encoding: 'utf8' },
    );
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  }

  before(() => {
    crank = goBuiltServer('crank');
    dir = mkdtempSync(join(tmpdir(), 'dbops-xpkg-'));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds the provider package: Provider metadata and every CRD of crds/', () => {
    const run = buildPackages('provider');
    assert.equal(run.status, 0, run.stderr);
    const text = packageYaml(join(dir, 'out', 'provider-dbops.xpkg'));
    const crds = crdsIn(join(repo, 'crds'));
    assert.equal(crds.size, 11, 'crds/ holds the 11 CRDs of the provider');
    assert.deepEqual(
      readsDifferentlyAsYaml11(join(repo, 'crds')),
      [],
      'crank, Crossplane and kubectl read YAML 1.1, where unquoted ON, OFF, yes, no are booleans: these CRDs ' +
        'would reach the cluster changed (render them with quotes, e.g. yaml stringify with version 1.1)',
    );
    assertPackage(text, join(repo, 'package', 'provider', 'crossplane.yaml'), crds);
    const [meta] = documents(text);
    assert.equal(meta?.metadata?.name, 'provider-dbops', 'monitoring/service.yaml selects pods by this name');
    assert.deepEqual(meta.spec, { crossplane: { version: '>=v2.0.0' }, capabilities: ['safe-start'] });
  });

  it('builds the function package: Function metadata and its input CRD', () => {
    const inputDir = join(repo, 'package', 'function', 'input');
    const run = buildPackages('function');
    assert.equal(run.status, 0, `scripts/build-packages.sh function failed:\n${run.stderr}`);
    const text = packageYaml(join(dir, 'out', 'function-dbops.xpkg'));
    const inputs = crdsIn(inputDir);
    assert.ok(inputs.size > 0, 'package/function/input/ holds the input CRD');
    assertPackage(text, join(repo, 'package', 'function', 'crossplane.yaml'), inputs);
    const [meta] = documents(text);
    assert.ok(meta?.metadata?.name?.startsWith('function-'), 'function package names start with function-');
    assert.deepEqual((meta?.spec as { capabilities?: unknown } | undefined)?.capabilities, ['composition']);
  });

  it('refuses a package whose crossplane.yaml has a malformed Crossplane version constraint', () => {
    const meta = readFileSync(join(repo, 'package', 'provider', 'crossplane.yaml'), 'utf8');
    const broken = meta.replace(/^(\s+version:) .*$/m, "$1 '>= version two'");
    assert.notEqual(broken, meta);
    const run = crankBuild('bad-constraint', { 'crossplane.yaml': broken });
    assert.notEqual(run.status, 0, run.output);
    assert.match(run.output, /package version constraints are poorly formatted/);
  });

  it('refuses a package root holding an object that is neither package metadata nor a CRD', () => {
    const run = crankBuild('stray-object', {
      'crossplane.yaml': readFileSync(join(repo, 'package', 'function', 'crossplane.yaml'), 'utf8'),
      'configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stray}\ndata: {a: b}\n',
    });
    assert.notEqual(run.status, 0, run.output);
    assert.match(run.output, /no kind "ConfigMap" is registered/);
  });

  it('refuses a package root with two package metadata documents', () => {
    const run = crankBuild('two-metas', {
      'crossplane.yaml': readFileSync(join(repo, 'package', 'provider', 'crossplane.yaml'), 'utf8'),
      'function.yaml': readFileSync(join(repo, 'package', 'function', 'crossplane.yaml'), 'utf8'),
    });
    assert.notEqual(run.status, 0, run.output);
    assert.match(run.output, /not exactly one package meta type/);
  });
});
