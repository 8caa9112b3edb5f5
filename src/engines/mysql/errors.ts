// Driver errors become errors a user can act on. mysql2 puts the whole statement on err.sql, values inlined
// (IDENTIFIED BY '…' included), and a syntax error's message quotes the statement too; so nothing of the
// original error object is kept except its number and a redacted server message. A failed TLS handshake is
// told in the words of the spec (mode, host, the CA Secret or the system store, the names in the certificate)
// instead of OpenSSL's, and a refused login on a connection says whether TLS may be what the account lacks.
import { describeTlsFailure, type DriverTlsShape, type TlsContext } from '../tls.ts';

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
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * mysql2's own TLS shapes: its code for a server that does not offer TLS, and the code it puts over Node's on
 * any error from the handshake (a chain verification error then tells what failed by its message alone).
 */
const mysql2TlsShape: DriverTlsShape = (err) => {
  const code = text((err as DriverError).code);
  if (code === 'HANDSHAKE_NO_SSL_SUPPORT') return 'no-tls';
  return code === 'HANDSHAKE_SSL_ERROR' ? 'handshake' : undefined;
};

/**
 * What failed in a TLS handshake of mysql2, in the words of the spec (src/engines/tls.ts); undefined when the
 * error is not about TLS.
 */
export function describeMysqlTlsFailure(err: unknown, tls: TlsContext): string | undefined {
  return describeTlsFailure(err, tls, mysql2TlsShape);
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
  const handshake = tls === undefined ? undefined : describeMysqlTlsFailure(err, tls);
  if (handshake !== undefined)
    return new MysqlEngineError(`${doing}: ${redact(handshake, secrets)}`, number, code);
  const explanation = number === undefined ? undefined : explanations[number];
  const detail = redact(text(e.sqlMessage) ?? String(e.message), secrets);
  const message = explanation === undefined ? `${doing}: ${detail}` : `${doing}: ${explanation} (${detail})`;
  const hint = number === errno.accessDenied && tls !== undefined ? `; ${accessDeniedHint(tls)}` : '';
  return new MysqlEngineError(message + hint, number, code);
}
