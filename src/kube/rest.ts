// HTTP transport to the API server: one keep-alive agent carries every request, with the TLS material and
// credentials of a ClusterAccess. (client-node's applyToHTTPSOptions builds a fresh agent per call, which
// would open a new TLS connection per request.)
import http from 'node:http';
import https from 'node:https';
import type { ClusterAccess } from './access.ts';
import { KubeApiError } from './api.ts';

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
export class RestTransport {
  /** TCP connections opened so far: with keep-alive working, far fewer than requests. */
  connectionsOpened = 0;
  private readonly agent: http.Agent;

  constructor(
    private readonly access: ClusterAccess,
    private readonly options: { userAgent: string; timeoutMs: number },
  ) {
    this.agent = access.agent ?? makeAgent(access);
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
      const req = this.transport().request(`${this.access.server}${path}`, {
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

  private async send(request: RestRequest): Promise<RestResponse> {
    const headers: Record<string, string> = { ...(await this.headers()) };
    if (request.body !== undefined) {
      headers['Content-Type'] = request.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(request.body));
    }
    return new Promise((resolve, reject) => {
      const req = this.transport().request(`${this.access.server}${request.path}`, {
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
    return {
      Accept: 'application/json',
      'User-Agent': this.options.userAgent,
      ...(await this.access.headers()),
    };
  }

  private transport(): typeof http | typeof https {
    return this.access.server.startsWith('http:') ? http : https;
  }
}

/** One keep-alive agent with the access's TLS material. */
function makeAgent(access: ClusterAccess): http.Agent {
  const common = { keepAlive: true, timeout: freeSocketTimeoutMs };
  return access.server.startsWith('http:')
    ? new http.Agent(common)
    : new https.Agent({ ...common, ...access.tls });
}
