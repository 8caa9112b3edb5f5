// Maps the DatabaseInstance TLS mode onto node:tls options for pg. pg sets `servername` to the host itself,
// so the host name check is done here by checkServerIdentity against the name the user expects. A CA Secret
// without a PEM certificate is refused here, when the pool is made, before anything connects (../tls.ts).
import { isIP } from 'node:net';
import { checkServerIdentity, type ConnectionOptions, type PeerCertificate } from 'node:tls';
import type { ConnectionSettings } from '../engine.ts';
import { expectedName, trustedCa } from '../tls.ts';

export function tlsOptions(settings: Pick<ConnectionSettings, 'host' | 'tls'>): false | ConnectionOptions {
  const { tls } = settings;
  if (tls.mode === 'disable') return false;
  const client: ConnectionOptions = {};
  if (tls.cert !== undefined) client.cert = tls.cert;
  if (tls.key !== undefined) client.key = tls.key;
  if (tls.mode === 'require') return { ...client, rejectUnauthorized: false };
  const trust: ConnectionOptions = { ...client, rejectUnauthorized: true };
  const ca = trustedCa(tls);
  if (ca !== undefined) trust.ca = ca;
  const expected = expectedName(tls, settings.host);
  if (expected === undefined) {
    // verify-ca: the chain is verified by rejectUnauthorized; the name in the certificate is deliberately not checked.
    return { ...trust, checkServerIdentity: () => undefined };
  }
  return {
    ...trust,
    // SNI carries host names only: Node warns (DEP0123) about an IP, and the IP is still checked below.
    ...(isIP(expected) === 0 ? { servername: expected } : {}),
    checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(expected, cert),
  };
}
