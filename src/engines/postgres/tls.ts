// Maps the DatabaseInstance TLS mode onto node:tls options for pg. pg sets `servername` to the host itself,
// so the host name check is done here by checkServerIdentity against the name the user expects.
import { isIP } from 'node:net';
import { checkServerIdentity, type ConnectionOptions, type PeerCertificate } from 'node:tls';
import type { ConnectionSettings } from '../engine.ts';

export function tlsOptions(settings: Pick<ConnectionSettings, 'host' | 'tls'>): false | ConnectionOptions {
  const { tls } = settings;
  if (tls.mode === 'disable') return false;
  const client: ConnectionOptions = {};
  if (tls.cert !== undefined) client.cert = tls.cert;
  if (tls.key !== undefined) client.key = tls.key;
  if (tls.mode === 'require') return { ...client, rejectUnauthorized: false };
  const trust: ConnectionOptions = { ...client, rejectUnauthorized: true };
  if (tls.ca !== undefined) trust.ca = tls.ca;
  if (tls.mode === 'verify-ca') {
    // The chain is verified by rejectUnauthorized; the name in the certificate is deliberately not checked.
    return { ...trust, checkServerIdentity: () => undefined };
  }
  const expected = tls.serverName ?? settings.host;
  return {
    ...trust,
    // SNI carries host names only: Node warns (DEP0123) about an IP, and the IP is still checked below.
    ...(isIP(expected) === 0 ? { servername: expected } : {}),
    checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(expected, cert),
  };
}
