// Driver errors become errors a user can act on. mysql2 puts the whole statement on err.sql, values inlined
// (IDENTIFIED BY '…' included), and a syntax error's message quotes the statement too; so nothing of the
// original error object is kept except its number and a redacted server message.

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

/**
 * Turns anything a driver call threw into a MysqlEngineError that names what was being done, without the
 * statement, the stack of the driver or any secret.
 */
export function toEngineError(err: unknown, doing: string, secrets: readonly string[]): Error {
  if (err instanceof MysqlEngineError) return err;
  if (typeof err !== 'object' || err === null)
    return new MysqlEngineError(`${doing}: ${String(err)}`, undefined, undefined);
  const e = err as DriverError;
  const number = typeof e.errno === 'number' ? e.errno : undefined;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const serverText = typeof e.sqlMessage === 'string' ? e.sqlMessage : String(e.message);
  const explanation = number === undefined ? undefined : explanations[number];
  const detail = redact(serverText, secrets);
  const message = explanation === undefined ? `${doing}: ${detail}` : `${doing}: ${explanation} (${detail})`;
  return new MysqlEngineError(message, number, code);
}
