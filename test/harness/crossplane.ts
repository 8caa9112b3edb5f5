// Real Crossplane core, out of cluster, for the end-to-end suite (../shared/reference/crossplane-core-e2e.md):
// a loopback OCI registry to push our packages to, `crossplane core init` and `crossplane core start` with the
// External package runtime, and this harness playing that runtime for the revisions core activates (a TLS
// server Secret, the function's endpoint, RuntimeHealthy), as a Deployment-based runtime would in a cluster.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { isConflict, type KubeApi, type KubeObject, type ResourceType } from '../../src/kube/api.ts';
import { namespaceType, secretType, secretValue, type Secret } from '../../src/kube/core.ts';
import { httpGet } from './https-probe.ts';
import { certificateAuthorityFrom, type CertificateAuthority } from './pki.ts';
import { freePort } from './ports.ts';
import { startProcess, waitUntilReady, type ManagedProcess } from './processes.ts';
import { cacheDir, goBuiltServer, pinnedVersions } from './tools.ts';

const run = promisify(execFile);

export const crossplaneNamespace = 'crossplane-system';

const pkg = (kind: string, plural: string): ResourceType => ({
  group: 'pkg.crossplane.io',
  version: 'v1',
  kind,
  plural,
  namespaced: false,
});
export const packageTypes = {
  Provider: pkg('Provider', 'providers'),
  Function: pkg('Function', 'functions'),
  ProviderRevision: pkg('ProviderRevision', 'providerrevisions'),
  FunctionRevision: pkg('FunctionRevision', 'functionrevisions'),
};
export const mrdType: ResourceType = {
  group: 'apiextensions.crossplane.io',
  version: 'v1alpha1',
  kind: 'ManagedResourceDefinition',
  plural: 'managedresourcedefinitions',
  namespaced: false,
};

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

interface PackageRevision extends KubeObject {
  spec: { desiredState?: string };
  status?: { conditions?: Condition[]; tlsServerSecretName?: string; endpoint?: string };
}

export interface CrossplaneOptions {
  kube: KubeApi;
  kubeconfigPath: string;
  dir: string;
  /** MRD names (or patterns) the activation policy `default` turns on. */
  activate: string[];
}

export interface RunningCrossplane {
  /** host:port of the loopback OCI registry packages are pushed to. */
  readonly registry: string;
  /** Crossplane's root CA (from the Secret init made), to sign the servers core dials. */
  readonly ca: CertificateAuthority;
  /** Core's /metrics. */
  readonly metricsUrl: string;
  readonly core: ManagedProcess;
  /** Pushes a built .xpkg to the registry; returns the reference for spec.package. */
  push(file: string, name: string): Promise<string>;
  /** Plays the External package runtime: `endpoints` maps a Function's name to where it serves. */
  playPackageRuntime(endpoints: Record<string, string>): void;
  stop(): Promise<void>;
}

function crdsPath(): string {
  const mod = ['go', 'mod', 'github.com', 'crossplane', 'crossplane', `v2@v${pinnedVersions().crossplane}`];
  return join(cacheDir(), ...mod, 'cluster', 'crds');
}

async function acceptsTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => {
      resolve(false);
    });
  });
}

/**
 * `crossplane core init`: CRDs, the CA and client certificate Secrets, the Lock and the activation policy. On a
 * fresh API server it can race its own CRDs ("no matches for kind Lock"), so it is retried.
 */
async function initCore(options: CrossplaneOptions): Promise<void> {
  const env = {
    ...process.env,
    KUBECONFIG: options.kubeconfigPath,
    CRDS_PATH: crdsPath(),
    TLS_CA_SECRET_NAME: 'crossplane-root-ca',
    TLS_CLIENT_SECRET_NAME: 'crossplane-tls-client',
  };
  const args = ['core', 'init', '--enable-webhooks=false', `--activation=${options.activate.join(',')}`];
  let last: unknown;
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      await run(goBuiltServer('crossplane'), args, { env, timeout: 120_000 });
      return;
    } catch (err) {
      last = err;
      await sleep(2_000);
    }
  }
  const stderr = (last as { stderr?: string }).stderr ?? String(last);
  throw new Error(`crossplane core init failed 5 times; last: ${stderr}`);
}

async function secretFiles(kube: KubeApi, name: string, dir: string, keys: string[]): Promise<void> {
  const secret = await kube.get<Secret>(secretType, { namespace: crossplaneNamespace, name });
  if (secret === undefined) throw new Error(`crossplane core init made no Secret ${name}`);
  mkdirSync(dir, { recursive: true });
  for (const key of keys) {
    const value = secretValue(secret, key);
    if (value === undefined) throw new Error(`Secret ${name} has no ${key}`);
    writeFileSync(join(dir, key), value, { mode: 0o600 });
  }
}

/** Sets what the External runtime owes an active revision, unless it is already there. */
async function serveRevision(
  kube: KubeApi,
  type: ResourceType,
  revision: PackageRevision,
  want: { tlsServerSecretName: string; endpoint?: string },
): Promise<void> {
  const status = revision.status ?? {};
  const healthy = status.conditions?.some((c) => c.type === 'RuntimeHealthy' && c.status === 'True');
  const endpointOk = want.endpoint === undefined || status.endpoint === want.endpoint;
  if (status.tlsServerSecretName === want.tlsServerSecretName && healthy === true && endpointOk) return;
  const conditions = (status.conditions ?? []).filter((c) => c.type !== 'RuntimeHealthy');
  conditions.push({
    type: 'RuntimeHealthy',
    status: 'True',
    reason: 'HealthyPackageRevision',
    lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  });
  const next = { ...revision, status: { ...status, ...want, conditions } };
  try {
    await kube.updateStatus(type, next);
  } catch (err) {
    if (!isConflict(err)) throw err; // core wrote in between: the next round reads it again
  }
}

export async function startCrossplane(options: CrossplaneOptions): Promise<RunningCrossplane> {
  const { kube, dir } = options;
  const started: ManagedProcess[] = [];
  let runtime: AbortController | undefined;
  const stop = async () => {
    runtime?.abort();
    for (const proc of started.reverse()) await proc.stop();
  };
  try {
    const registryPort = await freePort();
    const registry = startProcess({
      name: 'oci-registry',
      command: goBuiltServer('oci-registry'),
      args: ['-port', String(registryPort)],
      logFile: join(dir, 'registry.log'),
    });
    started.push(registry);
    await waitUntilReady(registry, () => acceptsTcp(registryPort), 30_000);

    await kube.create(namespaceType, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: crossplaneNamespace },
    });
    await initCore(options);
    const clientCerts = join(dir, 'client-certs');
    await secretFiles(kube, 'crossplane-tls-client', clientCerts, ['ca.crt', 'tls.crt', 'tls.key']);
    const rootCa = join(dir, 'root-ca');
    await secretFiles(kube, 'crossplane-root-ca', rootCa, ['tls.crt', 'tls.key']);
    const ca = certificateAuthorityFrom(
      join(dir, 'issued'),
      join(rootCa, 'tls.crt'),
      join(rootCa, 'tls.key'),
    );

    const [metricsPort, healthPort] = [await freePort(), await freePort()];
    // Core streams each package into this cache as it parses it; a missing directory fails every unpack.
    const xpkgCache = join(dir, 'xpkg-cache');
    mkdirSync(xpkgCache);
    const core = startProcess({
      name: 'crossplane',
      command: goBuiltServer('crossplane'),
      args: [
        'core',
        'start',
        '--debug',
        '--package-runtime=External',
        '--enable-webhooks=false',
        `--xpkg-cache-dir=${xpkgCache}`,
        `--tls-client-certs-dir=${clientCerts}`,
        `--metrics-port=${String(metricsPort)}`,
        `--health-probe-port=${String(healthPort)}`,
      ],
      env: { ...process.env, KUBECONFIG: options.kubeconfigPath },
      logFile: join(dir, 'crossplane.log'),
    });
    started.push(core);
    await waitUntilReady(
      core,
      async () => (await httpGet(`http://127.0.0.1:${String(healthPort)}/healthz`)).status === 200,
      60_000,
    );

    const serverSecret = 'dbops-runtime-tls-server';
    const serving = ca.issue('runtime-server', {
      commonName: 'runtime',
      usage: 'server',
      hosts: ['127.0.0.1'],
    });
    await kube.create<Secret>(secretType, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: serverSecret, namespace: crossplaneNamespace },
      stringData: {
        'tls.crt': readFileSync(serving.cert, 'utf8'),
        'tls.key': readFileSync(serving.key, 'utf8'),
      },
    } as Secret);

    return {
      registry: `127.0.0.1:${String(registryPort)}`,
      ca,
      metricsUrl: `http://127.0.0.1:${String(metricsPort)}/metrics`,
      core,
      async push(file, name) {
        const ref = `127.0.0.1:${String(registryPort)}/dbops/${name}:v0.1.0`;
        await run(goBuiltServer('crank'), ['xpkg', 'push', '-f', file, ref], { timeout: 120_000 });
        return ref;
      },
      playPackageRuntime(endpoints) {
        runtime = new AbortController();
        const { signal } = runtime;
        const round = async () => {
          for (const [type, endpointOf] of [
            [packageTypes.ProviderRevision, () => undefined],
            [packageTypes.FunctionRevision, (r: PackageRevision) => endpoints[packageOf(r)]],
          ] as const) {
            const { items } = await kube.list<PackageRevision>(type);
            for (const revision of items.filter((r) => r.spec.desiredState === 'Active')) {
              const endpoint = endpointOf(revision);
              await serveRevision(kube, type, revision, {
                tlsServerSecretName: serverSecret,
                ...(endpoint === undefined ? {} : { endpoint }),
              });
            }
          }
        };
        void (async () => {
          while (!signal.aborted) {
            await round().catch(() => undefined); // a failed round is simply tried again
            await sleep(500, undefined, { signal }).catch(() => undefined);
          }
        })();
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A revision's package (its Provider or Function object), from the label core puts on it. */
function packageOf(revision: PackageRevision): string {
  return revision.metadata.labels?.['pkg.crossplane.io/package'] ?? '';
}
