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
import { UnsupportedError, type ConnectionSettings } from '../engine.ts';
import { expectedName, trustedCa } from '../tls.ts';

type Tls = ConnectionSettings['tls'];

function clientCertificate(tls: Tls): Pick<SslOptions, 'cert' | 'key'> {
  if (tls.cert === undefined && tls.key === undefined) return {};
  if (tls.cert === undefined || tls.key === undefined) {
    throw new UnsupportedError('mutual TLS needs both a client certificate and its private key');
  }
  return { cert: tls.cert, key: tls.key };
}

function trustedCas(tls: Tls): Pick<SslOptions, 'ca'> {
  const ca = trustedCa(tls);
  return ca === undefined ? {} : { ca };
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
