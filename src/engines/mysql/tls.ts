// Maps the instance's TLS settings onto mysql2's options. mysql2 builds tls.connect's options itself and takes
// no checkServerIdentity or servername of ours: it checks the chain with rejectUnauthorized and, with
// verifyIdentity, hands Node's tls.checkServerIdentity to tls.connect, which Node calls with the TLS server name
// or, when there is none, the host name recorded on the TCP socket. mysql2 sets the server name to its `host`
// only when that is not an IP (an IP server name breaks RFC 6066: Node's DEP0123), and Node records no host name
// on a socket opened to an IP, so an IP host used to be checked as "localhost".
//
// So under verify-full the name the certificate must carry (tls.serverName, or the host) is what mysql2 is told
// its host is, and the pool opens the TCP socket to the real host itself (pool.ts), recording that name on it
// when it is an IP. Node's tls.checkServerIdentity then checks the expected name, IP or DNS, during the
// handshake, before any credential is sent; the TLS server name is set only to a DNS name.
import { isIP } from 'node:net';
import type { SslOptions } from 'mysql2';
import { UnsupportedError, type ConnectionSettings, type TlsMode } from '../engine.ts';

type Tls = ConnectionSettings['tls'];

/** TLS settings the engine cannot use (a CA Secret without a certificate); the message says which. */
export class TlsSettingsError extends Error {
  override name = 'TlsSettingsError';
}

/** Where the trusted CAs come from, in the words of the spec. */
export function caSource(tls: Pick<Tls, 'ca'>): string {
  return tls.ca === undefined
    ? 'the system trust store (tls.caSecretRef is not set)'
    : 'the CA Secret (tls.caSecretRef)';
}

function clientCertificate(tls: Tls): Pick<SslOptions, 'cert' | 'key'> {
  if (tls.cert === undefined && tls.key === undefined) return {};
  if (tls.cert === undefined || tls.key === undefined) {
    throw new UnsupportedError('mutual TLS needs both a client certificate and its private key');
  }
  return { cert: tls.cert, key: tls.key };
}

// Node reads only PEM certificates from a string and silently skips anything else, so a CA Secret holding DER,
// a key or a typo would leave an empty trust store and read as an untrusted server.
const pemCertificate = /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----/;

function trustedCas(tls: Tls): Pick<SslOptions, 'ca'> {
  if (tls.ca === undefined) return {};
  if (!pemCertificate.test(tls.ca)) {
    throw new TlsSettingsError(
      `${caSource(tls)} holds no PEM certificate (-----BEGIN CERTIFICATE-----), so no CA could be trusted`,
    );
  }
  return { ca: tls.ca };
}

/** The `ssl` option for mysql2, or undefined for plain TCP. tls.serverName matters to verify-full only. */
export function sslOptions(tls: Tls): SslOptions | undefined {
  switch (tls.mode) {
    case 'disable':
      return undefined;
    case 'require':
      return { ...clientCertificate(tls), rejectUnauthorized: false, verifyIdentity: false };
    case 'verify-ca':
      return {
        ...trustedCas(tls),
        ...clientCertificate(tls),
        rejectUnauthorized: true,
        verifyIdentity: false,
      };
    case 'verify-full':
      return {
        ...trustedCas(tls),
        ...clientCertificate(tls),
        rejectUnauthorized: true,
        verifyIdentity: true,
      };
  }
}

/** Under verify-full, the name the server certificate must carry: tls.serverName, or else the host. */
export function expectedName(tls: Pick<Tls, 'mode' | 'serverName'>, host: string): string | undefined {
  return tls.mode === 'verify-full' ? (tls.serverName ?? host) : undefined;
}

/** How a connection reaches the server, and which name its certificate is checked against. */
export interface Route {
  /**
   * The `host` mysql2 is given. It becomes the TLS server name when it is not an IP, the name mysql2 checks,
   * and the key of its TLS session cache; under verify-full it is the expected name.
   */
  driverHost: string;
  /** When set, the pool opens the TCP socket itself, to the real server. */
  socket?: {
    host: string;
    port: number;
    /**
     * The expected name when it is an IP, recorded on the socket as its host name: the name Node checks when
     * there is no TLS server name (an IP never is one).
     */
    checkedName?: string;
  };
}

export function route(settings: Pick<ConnectionSettings, 'host' | 'port' | 'tls'>): Route {
  const name = expectedName(settings.tls, settings.host);
  if (name === undefined) return { driverHost: settings.host };
  const socket = { host: settings.host, port: settings.port };
  return { driverHost: name, socket: isIP(name) === 0 ? socket : { ...socket, checkedName: name } };
}

/** What an error message may tell about a connection's TLS: never a certificate, a key or a password. */
export interface TlsContext {
  mode: TlsMode;
  host: string;
  /** The name verify-full checks and where it comes from. */
  expected?: { name: string; from: 'connection.host' | 'tls.serverName' };
  /** Where the trusted CAs come from (caSource). */
  trust: string;
  clientCertificate: boolean;
}

export function tlsContext(host: string, tls: Tls): TlsContext {
  const name = expectedName(tls, host);
  return {
    mode: tls.mode,
    host,
    ...(name === undefined
      ? {}
      : { expected: { name, from: tls.serverName === undefined ? 'connection.host' : 'tls.serverName' } }),
    trust: caSource(tls),
    clientCertificate: tls.cert !== undefined,
  };
}
