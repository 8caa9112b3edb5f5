// Turns driver errors into messages a user can act on. pg's errors never carry the statement, and these
// messages are built from the SQLSTATE, the server's own message and the operation's description only, so a
// password in the statement cannot leak through them. A connection that failed in TLS says what failed, in the
// words of the spec (../tls.ts), and no message keeps OpenSSL's error lines.
import { DatabaseError } from 'pg';
import { describeTlsFailure, withoutOpensslDetail, type DriverTlsShape, type TlsContext } from '../tls.ts';

const hints: Record<string, string> = {
  '28P01': 'authentication failed: check the credentials Secret of the DatabaseInstance',
  '28000': 'the server refused the login (pg_hba.conf or role cannot log in)',
  '3D000': 'the database does not exist',
  '42704': 'an object named in the spec does not exist',
  '42P01': 'a table or view named in the spec does not exist',
  '42883': 'a function named in the spec does not exist',
  '3F000': 'a schema named in the spec does not exist',
  '42501': 'the provider’s login lacks the privilege for this (it is not a superuser)',
  '55006': 'the object is in use by other sessions',
  '2BP01': 'other objects depend on it (owned objects or privileges in some database)',
  '42710': 'it already exists',
  '42P04': 'it already exists',
  '57014': 'the statement timed out',
  '55000': 'the database does not accept connections yet',
  '53300': 'the server has too many connections',
};

/** An error of one engine operation; `code` is the SQLSTATE when the server sent one. */
export class PostgresError extends Error {
  override name = 'PostgresError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/**
 * A connection that failed in TLS, as the connection's TLS context explains it; `code` is Node's or OpenSSL's
 * (e.g. SELF_SIGNED_CERT_IN_CHAIN). Not a PostgresError, so describeError still says what was being done.
 */
export class PostgresTlsError extends Error {
  override name = 'PostgresTlsError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

// pg's own error when the server answers the SSL request with "N"; Node's and OpenSSL's errors pass unchanged.
const pgTlsShape: DriverTlsShape = (err) =>
  (err as { message?: unknown }).message === 'The server does not support SSL connections'
    ? 'no-tls'
    : undefined;

/** What failed in pg's TLS handshake, in the words of the spec; undefined when the error is not about TLS. */
export function describePostgresTlsFailure(err: unknown, tls: TlsContext): string | undefined {
  return describeTlsFailure(err, tls, pgTlsShape);
}

/** A failed connect, explained with the connection's TLS context when TLS is what failed; else `err` itself. */
export function explainConnectFailure(err: unknown, tls: TlsContext): Error {
  const what = describePostgresTlsFailure(err, tls);
  if (what === undefined) return err instanceof Error ? err : new Error(String(err));
  const code = (err as { code?: unknown }).code;
  return new PostgresTlsError(what, typeof code === 'string' ? code : undefined);
}

export function sqlState(err: unknown): string | undefined {
  return err instanceof DatabaseError ? err.code : undefined;
}

/**
 * Wraps `err` as "<what>: <hint> (<server message>, SQLSTATE xxxxx)"; never includes a statement. `secret`
 * (a password being set) is blanked from the server's message as a second line of defence.
 */
export function describeError(what: string, err: unknown, secret?: string): Error {
  if (err instanceof PostgresError || !(err instanceof Error))
    return err instanceof Error ? err : new Error(what);
  if (!(err instanceof DatabaseError)) {
    // Network and TLS errors: their messages name hosts and causes, not statements. A TLS failure is already
    // explained (PostgresTlsError); any other OpenSSL line is cut down to its reason.
    return new PostgresError(`${what}: ${withoutOpensslDetail(err.message)}`, undefined);
  }
  const hint = err.code === undefined ? undefined : hints[err.code];
  const message =
    secret === undefined || secret === '' ? err.message : err.message.replaceAll(secret, '[redacted]');
  const detail = `${message}, SQLSTATE ${err.code ?? 'unknown'}`;
  return new PostgresError(`${what}: ${hint === undefined ? detail : `${hint} (${detail})`}`, err.code);
}
