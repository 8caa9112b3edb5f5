// Terminates mutual TLS for the gRPC server and decides about client certificates in JavaScript
// (client-certificate.ts says why OpenSSL cannot), then hands each accepted connection to grpc-js. A refused
// client is disconnected before a single HTTP/2 frame reaches the server, so no call runs without a valid
// certificate.
import { X509Certificate } from 'node:crypto';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Logger } from '../log/logger.ts';
import { certificatesOf, clientCertificateRefusal } from './client-certificate.ts';

export interface MutualTlsFiles {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export interface MutualTlsOptions {
  /** host:port; port 0 picks a free one. */
  address: string;
  files: MutualTlsFiles;
  /** Takes over a connection whose client certificate was accepted. */
  inject: (connection: Duplex) => void;
  logger: Logger;
  /**
   * How long a client may take to finish its handshake. Crossplane dials from inside the cluster, so 10 s is
   * generous; Node's own 120 s would let idle half-open connections pile up.
   */
  handshakeTimeoutMs?: number;
}

export interface MutualTlsListener {
  readonly port: number;
  close(): Promise<void>;
}

function peerCertificate(socket: TLSSocket): X509Certificate | undefined {
  const raw = socket.getPeerCertificate().raw as Buffer | undefined;
  return raw === undefined ? undefined : new X509Certificate(raw);
}

/** Splits "host:port" (IPv6 hosts in brackets) for net.Server#listen. */
function hostAndPort(address: string): { host: string; port: number } {
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  if (match === null) throw new Error(`cannot listen on ${address}: expected host:port`);
  return { host: match[1] === '' ? '0.0.0.0' : (match[1] ?? ''), port: Number(match[2]) };
}

/**
 * Listens on address and passes each connection whose client certificate is accepted to inject. OpenSSL still
 * runs the handshake and proves the client holds the certificate's key; only the chain decision is ours.
 */
export async function listenWithClientCertificates(options: MutualTlsOptions): Promise<MutualTlsListener> {
  const { address, files, inject, logger, handshakeTimeoutMs = 10_000 } = options;
  const authorities = certificatesOf(files.ca.toString('utf8'));
  if (authorities.length === 0) throw new Error('ca.crt holds no PEM certificate');
  const server: Server = createServer({
    ca: files.ca,
    cert: files.cert,
    key: files.key,
    requestCert: true,
    rejectUnauthorized: false,
    ALPNProtocols: ['h2'],
    handshakeTimeout: handshakeTimeoutMs,
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    socket.on('error', (err: Error) => {
      logger.debug({ err, remote: socket.remoteAddress }, 'function client connection failed');
    });
    let refusal: string | undefined;
    try {
      refusal = clientCertificateRefusal(peerCertificate(socket), authorities, new Date());
    } catch (err) {
      // Whatever a client's certificate holds must never take the server down: an error here refuses it.
      logger.error({ err, remote: socket.remoteAddress }, 'cannot check a function client certificate');
      refusal = 'its certificate could not be checked';
    }
    if (refusal === undefined) {
      inject(socket);
      return;
    }
    logger.warn({ remote: socket.remoteAddress, reason: refusal }, 'refused a function client');
    socket.destroy();
  });
  server.on('tlsClientError', (err: Error, socket: TLSSocket) => {
    logger.debug({ err, remote: socket.remoteAddress }, 'function client TLS handshake failed');
    // Node reports a failed or timed-out handshake but leaves the socket open: without this, connections
    // that never finish their handshake pile up and hold a graceful stop.
    socket.destroy();
  });
  const { host, port } = hostAndPort(address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: Error) => {
      reject(new Error(`cannot listen on ${address}: ${err.message}`, { cause: err }));
    });
    server.listen(port, host, resolve);
  });
  const bound = server.address();
  return {
    port: typeof bound === 'object' && bound !== null ? bound.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
