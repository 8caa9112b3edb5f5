// Driver errors become errors a user can act on. mysql2 puts the whole statement on err.sql, values inlined
// (IDENTIFIED BY '…' included), and a syntax error's message quotes the statement too; so nothing of the
// original error object is kept except its number and a redacted server message. A failed TLS handshake is
// told in the words of the spec (mode, host, the CA Secret or the system store, the names in the certificate)
// instead of OpenSSL's, and a refused login on a connection says whether TLS may be what the account lacks.
import type { TlsContext } from './tls.ts';

/** An error from the server or the connection, safe to log and to put in a condition message. */
export class MysqlEngineError extends Error {
  override name = 'MysqlEngineError';
  constructor(
    message: string,
    readonly errno: number | undefined,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Server error numbers the engine explains or handles. */
export const errno = {
  dbAccessDenied: 1044,
  accessDenied: 1045,
  unknownDatabase: 1049,
  databaseExists: 1007,
  unknownThread: 1094,
  duplicateKey: 1062,
  noSuchTable: 1146,
  noSuchAccount: 1133,
  noSuchGrant: 1141,
  tableAccessDenied: 1142,
  columnAccessDenied: 1143,
  noSuchTableGrant: 1147,
  specificAccessDenied: 1227,
  cannotUser: 1396,
  pluginNotLoaded: 1524,
  /** MySQL with require_secure_transport refused a plain TCP connection. */
  insecureTransport: 3159,
} as const;

const explanations: Readonly<Record<number, string>> = {
  [errno.dbAccessDenied]: 'the admin login may not do this on the database',
  [errno.accessDenied]: 'the server refused the admin login (user name, password or allowed host)',
  [errno.unknownDatabase]: 'the database does not exist',
  [errno.databaseExists]: 'the database already exists',
  [errno.noSuchAccount]: 'the grantee account does not exist (create the user or role first)',
  [errno.noSuchGrant]: 'there is no such grant to revoke',
  [errno.tableAccessDenied]: 'the admin login lacks a privilege on the table',
  [errno.columnAccessDenied]: 'the admin login lacks a privilege on the column',
  [errno.noSuchTableGrant]: 'there is no such table grant to revoke',
  [errno.specificAccessDenied]: 'the admin login lacks a privilege this needs',
  [errno.cannotUser]: 'the account operation failed: the account or role already exists, or does not exist',
  [errno.pluginNotLoaded]: 'the auth plugin is not loaded on the server',
  [errno.insecureTransport]:
    'the server accepts TLS connections only (require_secure_transport): set tls.mode',
};

/** Why create refused an object that exists without this provider's record. */
export function alreadyExists(what: string): string {
  return `${what} already exists; create never takes over an existing object`;
}

/** Another owner's record holds the name in the ownership ledger; nothing was created. */
export class OwnedElsewhereError extends MysqlEngineError {
  override name = 'OwnedElsewhereError';
  constructor(
    what: string,
    readonly owner: string,
  ) {
    super(
      `${what} is recorded in the ownership ledger as "${owner}"; nothing was created`,
      undefined,
      undefined,
    );
  }
}

function errnoOf(err: unknown): number | undefined {
  const n = (err as { errno?: unknown } | null)?.errno;
  return typeof n === 'number' ? n : undefined;
}

/** The ledger database or table does not exist (yet): the provider has recorded nothing on this server. */
export function missingLedger(err: unknown): boolean {
  const n = errnoOf(err);
  return n === errno.unknownDatabase || n === errno.noSuchTable;
}

/**
 * The server answered the statement with an error, so it changed nothing. Server errors are numbered from
 * 1000; a lost connection (no number, or a negative system errno) leaves the outcome unknown.
 */
export function refusedByServer(err: unknown): boolean {
  const n = errnoOf(err);
  return n !== undefined && n >= 1000;
}

// Quoted strings after the clauses that carry secrets, in case a server message echoes a statement.
const secretClauses = /(IDENTIFIED\s+(?:WITH\s+\S+\s+)?BY|PASSWORD\s*\(|USING|AS)\s*'(?:[^'\\]|\\.|'')*'/gi;

/** Removes every given secret and every quoted password clause from a text. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(secretClauses, "$1 '<redacted>'");
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('<redacted>');
  }
  return out;
}

interface DriverError {
  message?: unknown;
  sqlMessage?: unknown;
  errno?: unknown;
  code?: unknown;
  /** OpenSSL's reason ("tlsv1 alert unknown ca"), and its library, on an error from OpenSSL. */
  reason?: unknown;
  library?: unknown;
  /** On Node's host name mismatch (ERR_TLS_CERT_ALTNAME_INVALID): the name checked and the peer certificate. */
  host?: unknown;
  cert?: unknown;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

// Node's chain verification errors carry OpenSSL's X509 texts (mysql2 overwrites their codes with
// HANDSHAKE_SSL_ERROR). OpenSSL 1 wrote "self signed", OpenSSL 3 "self-signed".
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

/** OpenSSL's reason without its error number, function, source path and line ("…:tlsv1 alert unknown ca:../deps/…"). */
function opensslReason(e: DriverError): string | undefined {
  const reason = text(e.reason);
  if (reason !== undefined && reason.length > 0) return reason;
  const m = /error:[0-9A-F]+:[^:\n]*:[^:\n]*:([^:\n]+)/.exec(text(e.message) ?? '');
  return m?.[1]?.trim();
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

function hostMismatch(e: DriverError, tls: TlsContext): string {
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

function opensslFailure(e: DriverError, tls: TlsContext): string | undefined {
  const reason = opensslReason(e);
  if (reason === undefined) return undefined;
  if (text(e.library) === undefined && !/error:[0-9A-F]+:/.test(text(e.message) ?? '')) return undefined;
  return alert(reason, tls) ?? clientMaterial[reason] ?? `TLS failed: ${reason}`;
}

/** A failure of Node's chain verification (mysql2 has replaced its code with HANDSHAKE_SSL_ERROR). */
function verifyFailure(message: string, tls: TlsContext): string {
  const verify = message.toLowerCase().replace(/self signed/g, 'self-signed');
  if (untrustedChain.has(verify)) {
    return `the server certificate is not signed by a CA in ${tls.trust}: ${message}`;
  }
  return certificateDates[verify] ?? `the TLS handshake failed: ${message}`;
}

function handshakeFailure(e: DriverError, tls: TlsContext): string | undefined {
  const code = text(e.code);
  const message = text(e.message) ?? '';
  if (code === 'HANDSHAKE_NO_SSL_SUPPORT') {
    return 'the server does not offer TLS: enable TLS on the server, or set tls.mode: disable where the network is trusted';
  }
  if (
    code === 'ERR_TLS_CERT_ALTNAME_INVALID' ||
    message.startsWith("Hostname/IP does not match certificate's altnames")
  ) {
    return hostMismatch(e, tls);
  }
  return opensslFailure(e, tls) ?? (code === 'HANDSHAKE_SSL_ERROR' ? verifyFailure(message, tls) : undefined);
}

/**
 * What failed in a TLS handshake, in the words of the spec; undefined when the error is not about TLS. Pure,
 * so every shape Node and mysql2 give is table-tested.
 */
export function describeTlsFailure(err: unknown, tls: TlsContext): string | undefined {
  if (typeof err !== 'object' || err === null || tls.mode === 'disable') return undefined;
  const what = handshakeFailure(err, tls);
  return what === undefined ? undefined : `TLS ${tls.mode} to ${tls.host}: ${what}`;
}

/** What a refused login on this connection may be missing, as TLS goes. */
function accessDeniedHint(tls: TlsContext): string {
  if (tls.mode === 'disable') {
    return 'the account may require TLS (REQUIRE SSL or X509): set tls.mode';
  }
  if (!tls.clientCertificate) {
    return 'if the account requires a client certificate (REQUIRE X509, SUBJECT or ISSUER), set tls.clientCertificateSecretRef';
  }
  return 'if the account requires a certificate of a given SUBJECT or ISSUER, check the one in tls.clientCertificateSecretRef';
}

/**
 * Turns anything a driver call threw into a MysqlEngineError that names what was being done, without the
 * statement, the stack of the driver or any secret. With the connection's TLS context, a failed handshake says
 * what failed, and a refused login whether TLS may be the cause.
 */
export function toEngineError(
  err: unknown,
  doing: string,
  secrets: readonly string[],
  tls?: TlsContext,
): Error {
  if (err instanceof MysqlEngineError) return err;
  if (typeof err !== 'object' || err === null)
    return new MysqlEngineError(`${doing}: ${String(err)}`, undefined, undefined);
  const e = err as DriverError;
  const number = errnoOf(err);
  const code = text(e.code);
  const handshake = tls === undefined ? undefined : describeTlsFailure(err, tls);
  if (handshake !== undefined)
    return new MysqlEngineError(`${doing}: ${redact(handshake, secrets)}`, number, code);
  const explanation = number === undefined ? undefined : explanations[number];
  const detail = redact(text(e.sqlMessage) ?? String(e.message), secrets);
  const message = explanation === undefined ? `${doing}: ${detail}` : `${doing}: ${explanation} (${detail})`;
  const hint = number === errno.accessDenied && tls !== undefined ? `; ${accessDeniedHint(tls)}` : '';
  return new MysqlEngineError(message + hint, number, code);
}
