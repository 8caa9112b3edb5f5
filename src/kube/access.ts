// How to reach the API server: its URL, the TLS material and the request headers that carry credentials.
// The common cases (in-cluster service account; a kubeconfig with client certificates, a token or a token
// file) are read here directly. Anything else (exec and auth-provider plugins, proxies, several merged
// kubeconfig files) goes through @kubernetes/client-node's KubeConfig, loaded only then: importing it costs
// about 75 MiB of resident memory, more than everything else the provider holds for 5,000 objects.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import type https from 'node:https';
import { parse } from 'yaml';

export interface KubeConfigSource {
  /** A kubeconfig file. */
  fromFile?: string;
  /** A kubeconfig's YAML. */
  fromString?: string;
}

export interface ClusterAccess {
  /** The API server's base URL, without a trailing slash. */
  server: string;
  /** TLS options for the one keep-alive agent. */
  tls: Pick<https.AgentOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'>;
  /** A ready agent when the access needs one of its own (a proxy); otherwise the transport builds one. */
  agent?: https.Agent;
  /** Headers that carry credentials; re-read on every call where they can change (token files, plugins). */
  headers(): Promise<Record<string, string>>;
}

const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

interface KubeConfigFile {
  'current-context'?: string;
  contexts?: { name: string; context?: { cluster?: string; user?: string } }[];
  clusters?: { name: string; cluster?: Record<string, unknown> }[];
  users?: { name: string; user?: Record<string, unknown> }[];
}

/** The user fields this loader handles itself; any other means client-node. */
const simpleUserFields = new Set([
  'client-certificate',
  'client-certificate-data',
  'client-key',
  'client-key-data',
  'token',
  'tokenFile',
  'username',
  'password',
]);

function fileOrData(
  base: string,
  entry: Record<string, unknown>,
  field: string,
): Promise<Buffer | undefined> | Buffer | undefined {
  const data = entry[`${field}-data`];
  if (typeof data === 'string') return Buffer.from(data, 'base64');
  const path = entry[field];
  if (typeof path !== 'string') return undefined;
  return readFile(isAbsolute(path) ? path : join(base, path));
}

/** A token re-read from its file at most once a minute (bound service-account tokens rotate). */
function tokenFileHeaders(path: string): () => Promise<Record<string, string>> {
  let cached: { token: string; at: number } | undefined;
  return async () => {
    if (cached === undefined || Date.now() - cached.at > 60_000) {
      cached = { token: (await readFile(path, 'utf8')).trim(), at: Date.now() };
    }
    return { Authorization: `Bearer ${cached.token}` };
  };
}

function staticHeaders(user: Record<string, unknown>): () => Promise<Record<string, string>> {
  const { token, username, password } = user;
  const headers: Record<string, string> = {};
  if (typeof token === 'string') headers['Authorization'] = `Bearer ${token}`;
  else if (typeof username === 'string' && typeof password === 'string') {
    headers['Authorization'] = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  return () => Promise.resolve(headers);
}

function inCluster(): Promise<ClusterAccess> | undefined {
  const host = process.env['KUBERNETES_SERVICE_HOST'];
  const port = process.env['KUBERNETES_SERVICE_PORT'];
  if (host === undefined || port === undefined) return undefined;
  return readFile(join(serviceAccountDir, 'ca.crt')).then((ca) => ({
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    tls: { ca },
    headers: tokenFileHeaders(join(serviceAccountDir, 'token')),
  }));
}

function pick<T extends { name: string }>(list: T[] | undefined, name: string | undefined, what: string): T {
  const found = list?.find((e) => e.name === name);
  if (found === undefined) throw new Error(`kubeconfig has no ${what} named ${String(name)}`);
  return found;
}

function tlsOptions(
  cluster: Record<string, unknown>,
  material: { ca: Buffer | undefined; cert: Buffer | undefined; key: Buffer | undefined },
): ClusterAccess['tls'] {
  const serverName = cluster['tls-server-name'];
  return {
    ...Object.fromEntries(Object.entries(material).filter(([, value]) => value !== undefined)),
    ...(cluster['insecure-skip-tls-verify'] === true ? { rejectUnauthorized: false } : {}),
    ...(typeof serverName === 'string' ? { servername: serverName } : {}),
  };
}

/** The access a parsed kubeconfig describes, or undefined when it needs client-node. */
async function fromKubeConfig(config: KubeConfigFile, base: string): Promise<ClusterAccess | undefined> {
  const context = pick(config.contexts, config['current-context'], 'context').context ?? {};
  const cluster = pick(config.clusters, context.cluster, 'cluster').cluster ?? {};
  const user = pick(config.users, context.user, 'user').user ?? {};
  if (Object.keys(user).some((k) => !simpleUserFields.has(k)) || cluster['proxy-url'] !== undefined)
    return undefined;
  const server = cluster['server'];
  if (typeof server !== 'string') throw new Error('kubeconfig cluster has no server');
  const [ca, cert, key] = await Promise.all([
    fileOrData(base, cluster, 'certificate-authority'),
    fileOrData(base, user, 'client-certificate'),
    fileOrData(base, user, 'client-key'),
  ]);
  const tokenFile = user['tokenFile'];
  return {
    server: server.replace(/\/+$/, ''),
    tls: tlsOptions(cluster, { ca, cert, key }),
    headers: typeof tokenFile === 'string' ? tokenFileHeaders(tokenFile) : staticHeaders(user),
  };
}

/** client-node's KubeConfig for what this loader does not handle itself. */
async function viaClientNode(source: { text?: string; file?: string }): Promise<ClusterAccess> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  if (source.text !== undefined) kc.loadFromString(source.text);
  else if (source.file !== undefined) kc.loadFromFile(source.file);
  else kc.loadFromDefault();
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('kubeconfig has no current cluster');
  const options: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  const { ca, cert, key, rejectUnauthorized, servername, agent } = options;
  return {
    server: cluster.server.replace(/\/+$/, ''),
    tls: { ca, cert, key, rejectUnauthorized, servername },
    ...(cluster.proxyUrl !== undefined && agent instanceof Object ? { agent: agent as https.Agent } : {}),
    headers: async () => {
      const opts: https.RequestOptions = {};
      await kc.applyToHTTPSOptions(opts);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(opts.headers ?? {})) {
        if (typeof value === 'string' || typeof value === 'number') headers[name] = String(value);
      }
      if (typeof opts.auth === 'string')
        headers['Authorization'] = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
      return headers;
    },
  };
}

async function fromText(text: string, base: string, file?: string): Promise<ClusterAccess> {
  return (
    (await fromKubeConfig(parse(text) as KubeConfigFile, base)) ??
    viaClientNode(file === undefined ? { text } : { file })
  );
}

async function fromFile(file: string): Promise<ClusterAccess> {
  return fromText(await readFile(file, 'utf8'), dirname(file), file);
}

/**
 * Loads the given kubeconfig, or the default one the way kubectl finds it: $KUBECONFIG, then the in-cluster
 * service account, then ~/.kube/config.
 */
export async function loadClusterAccess(source: KubeConfigSource): Promise<ClusterAccess> {
  if (source.fromString !== undefined) return fromText(source.fromString, process.cwd());
  if (source.fromFile !== undefined) return fromFile(source.fromFile);
  const env = process.env['KUBECONFIG'];
  if (env !== undefined && env !== '') {
    // Several files are merged by kubectl's rules, which client-node implements.
    return env.includes(delimiter) ? viaClientNode({}) : fromFile(env);
  }
  return (await inCluster()) ?? fromFile(join(homedir(), '.kube', 'config'));
}
