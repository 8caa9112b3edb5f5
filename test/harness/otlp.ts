// Stand-ins for an OpenTelemetry Collector (none can be installed here without building it from its Go
// sources): an OTLP/HTTP receiver on a loopback port that decodes what the provider's real exporter posts in
// the OTLP JSON encoding, and a "blackhole" that accepts connections and never answers.
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';

/** One received span, flattened from OTLP JSON. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  attributes: Record<string, string | number | boolean>;
  status: { code: number; message?: string };
  /** Start and end, milliseconds since the epoch. */
  startMs: number;
  endMs: number;
}

export interface Collector {
  /** The traces endpoint (…/v1/traces). */
  url: string;
  spans: ReceivedSpan[];
  /** Every request body as received, to search for what must never be exported. */
  bodies: string[];
  close(): Promise<void>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: OtlpAttribute[];
  status?: { code?: number; message?: string };
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
}
interface OtlpRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

function attributeMap(list: OtlpAttribute[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    const v = value.stringValue ?? value.boolValue ?? value.doubleValue ?? value.intValue;
    if (v !== undefined) out[key] = typeof v === 'string' && value.intValue !== undefined ? Number(v) : v;
  }
  return out;
}

/** OTLP/JSON writes 64-bit nanoseconds as a decimal string; milliseconds fit a double exactly enough. */
const nanosToMs = (nanos: string | number | undefined): number => Number(BigInt(nanos ?? 0) / 1000n) / 1000;

/** Flattens one OTLP/JSON ExportTraceServiceRequest. */
export function decodeTraces(body: string): ReceivedSpan[] {
  const request = JSON.parse(body) as OtlpRequest;
  return (request.resourceSpans ?? []).flatMap((rs) => {
    const service = String(attributeMap(rs.resource?.attributes)['service.name']);
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        service,
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId === undefined || s.parentSpanId === '' ? undefined : s.parentSpanId,
        name: s.name,
        attributes: attributeMap(s.attributes),
        status: {
          code: s.status?.code ?? 0,
          ...(s.status?.message === undefined ? {} : { message: s.status.message }),
        },
        startMs: nanosToMs(s.startTimeUnixNano),
        endMs: nanosToMs(s.endTimeUnixNano),
      })),
    );
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startCollector(): Promise<Collector> {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const server = createHttpServer((req, res) => {
    void readBody(req).then((body) => {
      const json = req.headers['content-type']?.startsWith('application/json') === true;
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !json) {
        res.writeHead(404).end();
        return;
      }
      bodies.push(body);
      spans.push(...decodeTraces(body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${String(port)}/v1/traces`,
    spans,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

export interface Blackhole {
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** A TCP server that accepts every connection, reads everything and never replies. */
export async function startBlackhole(): Promise<Blackhole> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createTcpServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${String(port)}/v1/traces`,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
