// What both engines share about TLS, whatever their driver: the CA bundle check (Node reads PEM only), what an
// error message may tell about a connection's TLS (TlsContext), and what failed in a handshake, told in the
// words of the spec (the mode, the host, the CA Secret or the system store, the names in the certificate)
// instead of OpenSSL's, with no OpenSSL error line or build path. Both drivers hand Node's and OpenSSL's errors
// through; each tells its own shapes (a server without TLS, an error code it overwrote) by a DriverTlsShape.
import type { ConnectionSettings, TlsMode } from './engine.ts';

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

// Node reads only PEM certificates from a string and silently skips anything else, so a CA Secret holding DER,
// a key or a typo would leave an empty trust store and read as an untrusted server.
const pemCertificate = /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----/;

/**
 * The CA bundle of the CA Secret, or undefined for the system store. Throws TlsSettingsError when the Secret
 * holds no PEM certificate, before anything connects.
 */
export function trustedCa(tls: Pick<Tls, 'ca'>): string | undefined {
  if (tls.ca === undefined) return undefined;
  if (!pemCertificate.test(tls.ca)) {
    throw new TlsSettingsError(
      `${caSource(tls)} holds no PEM certificate (-----BEGIN CERTIFICATE-----), so no CA could be trusted`,
    );
  }
  return tls.ca;
}

/** Under verify-full, the name the server certificate must carry: tls.serverName, or else the host. */
export function expectedName(tls: Pick<Tls, 'mode' | 'serverName'>, host: string): string | undefined {
  return tls.mode === 'verify-full' ? (tls.serverName ?? host) : undefined;
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

/**
 * What a driver's own error says about TLS, which Node's and OpenSSL's errors cannot: `no-tls`, the server
 * does not offer TLS; `handshake`, the error came from the TLS handshake but the driver replaced Node's code,
 * so only its message tells what failed.
 */
export type DriverTlsShape = (err: object) => 'no-tls' | 'handshake' | undefined;

interface TlsError {
  message?: unknown;
  code?: unknown;
  /** OpenSSL's reason ("tlsv1 alert unknown ca"), and its library, on an error from OpenSSL. */
  reason?: unknown;
  library?: unknown;
  /** On Node's host name mismatch (ERR_TLS_CERT_ALTNAME_INVALID): the name checked and the peer certificate. */
  host?: unknown;
  cert?: unknown;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const serverWithoutTls =
  'the server does not offer TLS: enable TLS on the server, or set tls.mode: disable where the network is trusted';

// Node's codes for a failed chain verification, whose messages are OpenSSL's X509 texts.
const verifyCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
]);

// The X509 texts of an untrusted chain. OpenSSL 1 wrote "self signed", OpenSSL 3 "self-signed".
const untrustedChain = new Set([
  'self-signed certificate in certificate chain',
  'self-signed certificate',
  'unable to get local issuer certificate',
  'unable to get issuer certificate',
  'unable to verify the first certificate',
  'certificate not trusted',
]);
const certificateDates: Readonly<Record<string, string>> = {
  'certificate has expired': 'the server certificate has expired',
  'certificate is not yet valid': 'the server certificate is not valid yet',
};

/** TLS alerts the server sends about the client certificate, and what they mean. */
const clientCertificateAlerts: Readonly<Record<string, string>> = {
  'unknown ca': 'it is not signed by a CA the server trusts',
  'bad certificate': 'the server cannot use it',
  'unsupported certificate': 'the server cannot use it (is it a client certificate?)',
  'certificate unknown': 'the server cannot use it',
  'certificate expired': 'it has expired',
  'certificate revoked': 'it is revoked',
  'decrypt error': 'its signature does not verify',
  'access denied': 'the server denies it access',
};

/** OpenSSL errors about the client certificate and key themselves, before anything is sent. */
const clientMaterial: Readonly<Record<string, string>> = {
  'no start line': 'the client certificate or key in tls.clientCertificateSecretRef is not PEM',
  'key values mismatch':
    'the private key in tls.clientCertificateSecretRef does not belong to its certificate',
  'bad decrypt': 'the private key in tls.clientCertificateSecretRef is encrypted',
};

// An OpenSSL error line: "<thread>:error:<number>:<library>:<function>:<reason>:<source path>:<line>:<more>".
const opensslLine = /(?:[0-9A-F]+:)?error:[0-9A-F]+:[^:\n]*:[^:\n]*:([^:\n]+)(?::[^\n]*)?/g;

/** OpenSSL's reason without its error number, function, source path and line ("…:tlsv1 alert unknown ca:../deps/…"). */
function opensslReason(e: TlsError): string | undefined {
  const reason = text(e.reason);
  if (reason !== undefined && reason.length > 0) return reason;
  const m = /error:[0-9A-F]+:[^:\n]*:[^:\n]*:([^:\n]+)/.exec(text(e.message) ?? '');
  return m?.[1]?.trim();
}

/** A message with every OpenSSL error line cut down to its reason: what may be shown of an error nobody explained. */
export function withoutOpensslDetail(message: string): string {
  return message.replace(opensslLine, (_line, reason: string) => reason.trim()).trim();
}

/** The names a certificate is for: its subjectAltName entries, or else its common name. */
function certificateNames(cert: unknown): string | undefined {
  if (typeof cert !== 'object' || cert === null) return undefined;
  const { subjectaltname, subject } = cert as { subjectaltname?: unknown; subject?: unknown };
  const san = text(subjectaltname);
  if (san !== undefined && san.length > 0) {
    return san
      .split(',')
      .map((n) => n.trim().replace(/^(?:DNS|IP Address):/, ''))
      .join(', ');
  }
  const cn = typeof subject === 'object' && subject !== null ? (subject as { CN?: unknown }).CN : undefined;
  const common = Array.isArray(cn) ? cn.map(String).join(', ') : text(cn);
  return common === undefined ? undefined : `CN=${common} (no subjectAltName)`;
}

function hostMismatch(e: TlsError, tls: TlsContext): string {
  const checked = tls.expected ?? { name: text(e.host) ?? tls.host, from: 'connection.host' };
  const names = certificateNames(e.cert);
  const found = names === undefined ? (text(e.reason) ?? text(e.message) ?? '') : `it names ${names}`;
  return `the server certificate does not name ${checked.name} (${checked.from}); ${found}`;
}

function alert(reason: string, tls: TlsContext): string | undefined {
  const m = /^(?:ssl|tls)v[0-9]* alert (.+)$/.exec(reason);
  if (m?.[1] === undefined) return undefined;
  const name = m[1];
  if (name === 'certificate required' && !tls.clientCertificate) {
    return 'the server requires a client certificate: set tls.clientCertificateSecretRef (TLS alert: certificate required)';
  }
  const why = clientCertificateAlerts[name];
  if (why !== undefined && tls.clientCertificate) {
    return `the server refused the client certificate from tls.clientCertificateSecretRef: ${why} (TLS alert: ${name})`;
  }
  return `the server ended the TLS handshake (TLS alert: ${name})`;
}

function opensslFailure(e: TlsError, tls: TlsContext): string | undefined {
  const reason = opensslReason(e);
  if (reason === undefined) return undefined;
  if (text(e.library) === undefined && !/error:[0-9A-F]+:/.test(text(e.message) ?? '')) return undefined;
  return alert(reason, tls) ?? clientMaterial[reason] ?? `TLS failed: ${reason}`;
}

/** A failure of Node's chain verification, told from OpenSSL's X509 text. */
function verifyFailure(message: string, tls: TlsContext): string {
  const verify = message.toLowerCase().replace(/self signed/g, 'self-signed');
  if (untrustedChain.has(verify)) {
    return `the server certificate is not signed by a CA in ${tls.trust}: ${message}`;
  }
  return certificateDates[verify] ?? `the TLS handshake failed: ${withoutOpensslDetail(message)}`;
}

// Node's message when the server closes the connection before the handshake is done.
const cutShort = 'Client network socket disconnected before secure TLS connection was established';

function handshakeFailure(e: TlsError, tls: TlsContext, shape: 'no-tls' | 'handshake' | undefined) {
  const code = text(e.code);
  const message = text(e.message) ?? '';
  if (shape === 'no-tls') return serverWithoutTls;
  if (
    code === 'ERR_TLS_CERT_ALTNAME_INVALID' ||
    message.startsWith("Hostname/IP does not match certificate's altnames")
  ) {
    return hostMismatch(e, tls);
  }
  const openssl = opensslFailure(e, tls);
  if (openssl !== undefined) return openssl;
  const handshake =
    shape === 'handshake' || (code !== undefined && verifyCodes.has(code)) || message.startsWith(cutShort);
  return handshake ? verifyFailure(message, tls) : undefined;
}

/**
 * What failed in a TLS handshake, in the words of the spec; undefined when the error is not about TLS. Pure,
 * so every shape Node, OpenSSL and the drivers give is table-tested; `driver` tells the driver's own shapes.
 */
export function describeTlsFailure(
  err: unknown,
  tls: TlsContext,
  driver?: DriverTlsShape,
): string | undefined {
  if (typeof err !== 'object' || err === null || tls.mode === 'disable') return undefined;
  const what = handshakeFailure(err, tls, driver?.(err));
  return what === undefined ? undefined : `TLS ${tls.mode} to ${tls.host}: ${what}`;
}
