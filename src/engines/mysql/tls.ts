// Maps the instance's TLS mode onto mysql2's ssl options. mysql2 checks the chain with rejectUnauthorized and
// the host name separately with verifyIdentity, which is exactly the verify-ca / verify-full split.
import type { SslOptions } from 'mysql2';
import { UnsupportedError, type ConnectionSettings } from '../engine.ts';

type Tls = ConnectionSettings['tls'];

function clientCertificate(tls: Tls): Pick<SslOptions, 'cert' | 'key'> {
  if (tls.cert === undefined && tls.key === undefined) return {};
  if (tls.cert === undefined || tls.key === undefined) {
    throw new UnsupportedError('mutual TLS needs both a client certificate and its private key');
  }
  return { cert: tls.cert, key: tls.key };
}

/** The `ssl` option for mysql2, or undefined for plain TCP. */
export function sslOptions(tls: Tls, host: string): SslOptions | undefined {
  // mysql2 always verifies the name it connected to and offers no override, so a different expected name
  // cannot be honoured; refusing is better than silently checking the wrong name.
  if (tls.serverName !== undefined && tls.serverName !== host) {
    throw new UnsupportedError(
      `tls.serverName (${tls.serverName}) differing from the host (${host}) is not supported for MySQL/MariaDB`,
    );
  }
  const ca = tls.ca === undefined ? {} : { ca: tls.ca };
  switch (tls.mode) {
    case 'disable':
      return undefined;
    case 'require':
      return { ...clientCertificate(tls), rejectUnauthorized: false, verifyIdentity: false };
    case 'verify-ca':
      return { ...ca, ...clientCertificate(tls), rejectUnauthorized: true, verifyIdentity: false };
    case 'verify-full':
      return { ...ca, ...clientCertificate(tls), rejectUnauthorized: true, verifyIdentity: true };
  }
}
