// HTTP transport to the API server: client-node's KubeConfig supplies TLS material and credentials, and one
// keep-alive agent carries every request. (KubeConfig.applyToHTTPSOptions builds a fresh agent per call, which
// would open a new TLS connection per request.)
import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError } from './api.ts';

export interface KubeConfigSource {
  /** A kubeconfig file. */
  fromFile?: string;
  /** A kubeconfig's YAML. */
  fromString?: string;
}

/** Loads the given kubeconfig, or the default one: $KUBECONFIG, ~/.kube/config, then the in-cluster account. */
export function loadKubeConfig(source: KubeConfigSource): KubeConfig {
  const kc = new KubeConfig();
  if (source.fromString !== undefined) kc.loadFromString(source.fromString);
  else if (source.fromFile !== undefined) kc.loadFromFile(source.fromFile);
  else kc.loadFromDefault();
  return kc;
}

/** Reasons for responses whose body is not a Status (proxies, load balancers). */
const reasonByCode: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

interface Status {
  kind?: unknown;
  code?: unknown;
  reason?: unknown;
  message?: unknown;
}

/** A KubeApiError from a Status object (a response body or a watch ERROR event) or, failing that, the code. */
export function statusError(code: number, body: unknown, context: string): KubeApiError {
  const status = parseStatus(body);
  const statusCode = typeof status?.code === 'number' ? status.code : code;
  const reason =
    typeof status?.reason === 'string' && status.reason !== ''
      ? status.reason
      : (reasonByCode[statusCode] ?? 'Unknown');
  const message =
    typeof status?.message === 'string' && status.message !== ''
      ? status.message
      : `${context}: HTTP ${statusCode} ${reason}`;
  return new KubeApiError(message, statusCode, reason);
}

function parseStatus(body: unknown): Status | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const status = value as Status;
  return status.kind === 'Status' ? status : undefined;
}

export interface RestResponse {
  status: number;
  body: string;
}

export interface RestRequest {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
}

/** Raised when a pooled connection turns out to have been closed by the server; the request can be resent. */
class StaleConnectionError extends Error {}

/** Free connections are closed before the API server's own 90 s idle timeout, to avoid reusing a dying one. */
const freeSocketTimeoutMs = 60_000;
/** Credentials are re-read this often (client-node itself re-reads a token file every 60 s). */
const credentialsTtlMs = 30_000;

export class RestTransport {
  /** TCP connections opened so far: with keep-alive working, far fewer than requests. */
  connectionsOpened = 0;
  private credentials: { headers: Record<string, string>; at: number } | undefined;

  private constructor(
    private readonly kc: KubeConfig,
    private readonly server: string,
    private readonly agent: http.Agent,
    private readonly options: { userAgent: string; timeoutMs: number },
  ) {}

  static async create(
    kc: KubeConfig,
    options: { userAgent: string; timeoutMs: number },
  ): Promise<RestTransport> {
    const cluster = kc.getCurrentCluster();
    if (cluster === null) throw new Error('kubeconfig has no current cluster');
    const tls: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(tls);
    const agent = makeAgent(cluster.server, cluster.proxyUrl, tls);
    return new RestTransport(kc, cluster.server.replace(/\/+$/, ''), agent, options);
  }

  /** Sends a request and reads the whole response; resends once if a pooled connection was stale. */
  async request(req: RestRequest): Promise<RestResponse> {
    try {
      return await this.send(req);
    } catch (err) {
      if (!(err instanceof StaleConnectionError)) throw err;
      return this.send(req);
    }
  }

  /** Opens a streaming GET; resolves with the response once its headers arrive. */
  async stream(
    path: string,
    idleTimeoutMs: number,
  ): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
    const headers = await this.headers();
    return new Promise((resolve, reject) => {
      const req = this.transport().request(`${this.server}${path}`, {
        agent: this.agent,
        method: 'GET',
        headers,
      });
      req.setTimeout(idleTimeoutMs, () =>
        req.destroy(new Error(`GET ${path}: no data for ${idleTimeoutMs} ms`)),
      );
      req.on('socket', (socket) => {
        this.countConnection(req);
        socket.setKeepAlive(true, 30_000);
      });
      req.on('response', (res) => {
        resolve({ req, res });
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Drops pooled and open connections (in-flight requests end with an error). */
  close(): void {
    this.agent.destroy();
  }

  /** Makes the next request re-read credentials (after a 401, a rotated token may be waiting). */
  invalidateCredentials(): void {
    this.credentials = undefined;
  }

  private async send(request: RestRequest): Promise<RestResponse> {
    const headers: Record<string, string> = { ...(await this.headers()) };
    if (request.body !== undefined) {
      headers['Content-Type'] = request.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(request.body));
    }
    return new Promise((resolve, reject) => {
      const req = this.transport().request(`${this.server}${request.path}`, {
        agent: this.agent,
        method: request.method,
        headers,
      });
      req.on('socket', () => {
        this.countConnection(req);
      });
      req.setTimeout(this.options.timeoutMs, () =>
        req.destroy(
          new Error(`${request.method} ${request.path}: timed out after ${this.options.timeoutMs} ms`),
        ),
      );
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
        res.on('close', () => {
          if (!res.complete) reject(new Error(`${request.method} ${request.path}: response cut short`));
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        const stale = req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
        reject(stale ? new StaleConnectionError(err.message, { cause: err }) : err);
      });
      req.end(request.body);
    });
  }

  private countConnection(req: http.ClientRequest): void {
    if (!req.reusedSocket) this.connectionsOpened++;
  }

  private async headers(): Promise<Record<string, string>> {
    const now = Date.now();
    if (this.credentials !== undefined && now - this.credentials.at < credentialsTtlMs) {
      return this.credentials.headers;
    }
    const opts: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(opts);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': this.options.userAgent,
    };
    if (opts.headers !== undefined && !Array.isArray(opts.headers)) {
      for (const [key, value] of Object.entries(opts.headers)) {
        if (typeof value === 'string' || typeof value === 'number') headers[key] = String(value);
      }
    }
    if (typeof opts.auth === 'string')
      headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    this.credentials = { headers, at: now };
    return headers;
  }

  private transport(): typeof http | typeof https {
    return this.server.startsWith('http:') ? http : https;
  }
}

/** One keep-alive agent with the kubeconfig's TLS material; behind a proxy, client-node's proxy agent. */
function makeAgent(server: string, proxyUrl: string | undefined, tls: https.RequestOptions): http.Agent {
  if (proxyUrl !== undefined && tls.agent instanceof http.Agent) return tls.agent;
  const common = { keepAlive: true, timeout: freeSocketTimeoutMs };
  if (server.startsWith('http:')) return new http.Agent(common);
  const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = tls;
  return new https.Agent({
    ...common,
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(pfx === undefined ? {} : { pfx }),
    ...(passphrase === undefined ? {} : { passphrase }),
    ...(rejectUnauthorized === undefined ? {} : { rejectUnauthorized }),
    ...(servername === undefined ? {} : { servername }),
  });
}
