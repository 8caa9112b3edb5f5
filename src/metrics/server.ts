// The provider's two small HTTP servers on node:http: /metrics (Prometheus scrape, :8080 by default) and the
// probes (:8081): /healthz answers 200 while the process can serve at all, /readyz 200 only when every named
// readiness check passes, else 503 naming the failing checks, in the style of Kubernetes' own /readyz.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { redactSecrets } from '../log/redact.ts';

/** Where to listen; no host means every interface. Port 0 picks a free port (see RunningServer.port). */
export interface ListenAddress {
  host?: string;
  port: number;
}

export interface RunningServer {
  readonly port: number;
  /** Base URL, e.g. http://127.0.0.1:8080 (localhost when listening on every interface). */
  readonly url: string;
  /** Stops listening and drops open keep-alive connections, so shutdown never waits on a scraper. */
  close(): Promise<void>;
}

/** What /metrics serves; a prom-client Registry is one. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export type ReadinessStatus = { ready: true } | { ready: false; reason: string };
export type ReadinessCheck = () => ReadinessStatus | Promise<ReadinessStatus>;

export interface HealthServerOptions {
  address: ListenAddress;
  /** Named checks, e.g. { informers: …, leader: … }; /readyz is 200 only when all report ready. */
  readiness: Readonly<Record<string, ReadinessCheck>>;
  /** A check that has not answered after this long fails; default 5 s (kubelet's probe timeout is 1 s+). */
  checkTimeoutMs?: number;
}

type Handler = (query: URLSearchParams) => Promise<Reply>;
interface Reply {
  status: number;
  body: string;
  contentType?: string;
}

const textPlain = 'text/plain; charset=utf-8';

export function startMetricsServer(options: {
  address: ListenAddress;
  source: MetricsSource;
}): Promise<RunningServer> {
  const { source } = options;
  return listen(options.address, {
    '/metrics': async () => {
      try {
        return { status: 200, body: await source.metrics(), contentType: source.contentType };
      } catch (err) {
        return { status: 500, body: `cannot collect metrics: ${errorMessage(err)}\n` };
      }
    },
  });
}

export function startHealthServer(options: HealthServerOptions): Promise<RunningServer> {
  const timeoutMs = options.checkTimeoutMs ?? 5000;
  return listen(options.address, {
    '/healthz': () => Promise.resolve({ status: 200, body: 'ok\n' }),
    '/readyz': async (query) => {
      const results = await Promise.all(
        Object.entries(options.readiness).map(async ([name, check]) => ({
          name,
          status: await runCheck(check, timeoutMs),
        })),
      );
      const ready = results.every((r) => r.status.ready);
      if (ready && !query.has('verbose')) {
        return { status: 200, body: 'ok\n' };
      }
      const lines = results.map(({ name, status }) =>
        status.ready ? `[+]${name} ok` : `[-]${name} failed: ${status.reason}`,
      );
      return {
        status: ready ? 200 : 503,
        body: `${lines.join('\n')}\n${ready ? 'readyz check passed' : 'readyz check failed'}\n`,
      };
    },
  });
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<ReadinessStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ReadinessStatus>((resolve) => {
    timer = setTimeout(() => {
      resolve({ ready: false, reason: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (err) {
    return { ready: false, reason: errorMessage(err) };
  } finally {
    clearTimeout(timer);
  }
}

async function listen(
  address: ListenAddress,
  routes: Readonly<Record<string, Handler>>,
): Promise<RunningServer> {
  const server = createServer((req, res) => {
    // A probe must never take the process down: whatever goes wrong, only this connection is dropped.
    respond(routes, req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return { port, url: baseUrl(address.host, port), close: () => close(server) };
}

async function respond(
  routes: Readonly<Record<string, Handler>>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // Split by hand: new URL() throws on request targets such as "//", and reads "//metrics" as a host.
  const target = req.url ?? '/';
  const queryStart = target.includes('?') ? target.indexOf('?') : target.length;
  const path = target.slice(0, queryStart);
  const handler = Object.hasOwn(routes, path) ? routes[path] : undefined;
  let reply: Reply;
  if (handler === undefined) reply = { status: 404, body: 'not found\n' };
  else if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    reply = { status: 405, body: 'method not allowed\n' };
  } else reply = await handler(new URLSearchParams(target.slice(queryStart + 1)));
  res.writeHead(reply.status, {
    'Content-Type': reply.contentType ?? textPlain,
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : reply.body);
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => {
      if (err === undefined) resolve();
      else reject(err);
    });
    server.closeAllConnections();
  });
}

function baseUrl(host: string | undefined, port: number): string {
  const shown = host === undefined || host === '' || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

// Probe and scrape bodies reach anyone on the pod network, so thrown messages are scrubbed like log lines.
function errorMessage(err: unknown): string {
  return redactSecrets(err instanceof Error ? err.message : String(err));
}
