import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpGet, unverifiedTls, type TlsFiles } from './https-probe.ts';
import { createCertificateAuthority, createSigningKeyPair, base64Of } from './pki.ts';
import { freePort } from './ports.ts';
import { startProcess, trackScratchDir, waitUntilReady, type ManagedProcess } from './processes.ts';
import { goBuiltServer } from './tools.ts';

/**
 * A running etcd + kube-apiserver + kube-controller-manager on loopback, with an admin kubeconfig. The
 * controller manager runs only the garbage collector and the namespace controller, so owner references and
 * namespace deletion behave as in a real cluster.
 */
export interface ControlPlane {
  readonly server: string;
  readonly kubeconfigPath: string;
  /** The kubeconfig's YAML, for loading into a client without touching the file system. */
  readonly kubeconfig: string;
  readonly dir: string;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** Lift the API server's in-flight limits and priority-and-fairness (benchmarks only). */
  unlimited?: boolean;
}

function kubeconfigYaml(server: string, caCert: string, cert: string, key: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: dbops-test\n  cluster:\n    server: ${server}\n    certificate-authority-data: ${base64Of(caCert)}`,
    'users:',
    `- name: admin\n  user:\n    client-certificate-data: ${base64Of(cert)}\n    client-key-data: ${base64Of(key)}`,
    'contexts:',
    '- name: dbops-test\n  context:\n    cluster: dbops-test\n    user: admin',
    'current-context: dbops-test',
    '',
  ].join('\n');
}

async function startEtcd(dir: string): Promise<{ proc: ManagedProcess; url: string }> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const proc = startProcess({
    name: 'etcd',
    command: goBuiltServer('etcd'),
    args: [
      '--name=test',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=test=${peer}`,
      '--unsafe-no-fsync=true',
      '--quota-backend-bytes=4294967296',
      '--log-level=warn',
    ],
    logFile: join(dir, 'etcd.log'),
  });
  await waitUntilReady(
    proc,
    async () => (await httpGet(`${url}/health`)).body.includes('"health":"true"'),
    30_000,
  );
  return { proc, url };
}

async function startControllerManager(dir: string, kubeconfigPath: string): Promise<ManagedProcess> {
  const port = await freePort();
  const proc = startProcess({
    name: 'kube-controller-manager',
    command: goBuiltServer('kube-controller-manager'),
    args: [
      `--kubeconfig=${kubeconfigPath}`,
      `--authentication-kubeconfig=${kubeconfigPath}`,
      `--authorization-kubeconfig=${kubeconfigPath}`,
      '--controllers=garbage-collector-controller,namespace-controller',
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${join(dir, 'kcm-certs')}`,
    ],
    logFile: join(dir, 'kube-controller-manager.log'),
  });
  await waitUntilReady(
    proc,
    async () => (await httpGet(`https://127.0.0.1:${port}/healthz`, unverifiedTls)).status === 200,
    60_000,
  );
  return proc;
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const apiserverBinary = goBuiltServer('kube-apiserver');
  const dir = mkdtempSync(join(tmpdir(), 'dbops-kube-'));
  const removeDir = trackScratchDir(dir);
  const pki = join(dir, 'pki');
  const ca = createCertificateAuthority(pki, 'dbops-test-kube-ca');
  const serving = ca.issue('apiserver', {
    commonName: 'localhost',
    usage: 'server',
    hosts: ['localhost', '127.0.0.1'],
  });
  const admin = ca.issue('admin', {
    commonName: 'admin',
    organisations: ['system:masters'],
    usage: 'client',
  });
  const sa = createSigningKeyPair(pki, 'service-account');

  const started: ManagedProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const proc of started.reverse()) await proc.stop();
    removeDir();
  };
  try {
    const etcd = await startEtcd(dir);
    started.push(etcd.proc);
    const port = await freePort();
    const server = `https://127.0.0.1:${port}`;
    const limits = options.unlimited
      ? [
          '--max-requests-inflight=0',
          '--max-mutating-requests-inflight=0',
          '--enable-priority-and-fairness=false',
        ]
      : [];
    const apiserver = startProcess({
      name: 'kube-apiserver',
      command: apiserverBinary,
      args: [
        `--etcd-servers=${etcd.url}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${port}`,
        `--cert-dir=${pki}`,
        `--tls-cert-file=${serving.cert}`,
        `--tls-private-key-file=${serving.key}`,
        `--client-ca-file=${ca.caCert}`,
        `--service-account-issuer=${server}/`,
        `--service-account-key-file=${sa.publicKey}`,
        `--service-account-signing-key-file=${sa.privateKey}`,
        '--authorization-mode=RBAC',
        '--disable-admission-plugins=ServiceAccount',
        '--service-cluster-ip-range=10.0.0.0/24',
        '--endpoint-reconciler-type=none',
        ...limits,
      ],
      logFile: join(dir, 'kube-apiserver.log'),
    });
    started.push(apiserver);
    const tls: TlsFiles = {
      ca: readFileSync(ca.caCert),
      cert: readFileSync(admin.cert),
      key: readFileSync(admin.key),
    };
    await waitUntilReady(
      apiserver,
      async () => (await httpGet(`${server}/readyz`, tls)).status === 200,
      120_000,
    );
    // envtest's second gate: the default namespace exists once the bootstrap controllers ran.
    await waitUntilReady(
      apiserver,
      async () => (await httpGet(`${server}/api/v1/namespaces/default`, tls)).status === 200,
      30_000,
    );
    const kubeconfig = kubeconfigYaml(server, ca.caCert, admin.cert, admin.key);
    const kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
    started.push(await startControllerManager(dir, kubeconfigPath));
    return { server, kubeconfig, kubeconfigPath, dir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
