// Keeps passwords and other secrets out of log lines, condition messages and events. Two layers: values under
// secret-looking keys are censored whole (at any depth, unlike pino's fixed redact paths), and every string is
// scrubbed for the places drivers echo secrets: SQL statements (mysql2 copies the whole statement, values
// inlined, into err.sql and sometimes err.message), connection URIs, key=value DSNs, auth headers, PEM keys.

export const censor = '[REDACTED]';

// A SQL string literal as PostgreSQL or MySQL/MariaDB accept it ('…' with '' or \ escapes, E'…', N'…', _charset'…',
// "…", $tag$…$tag$). An unterminated literal runs to the end of the text: driver messages are sometimes truncated.
const sqlLiteral = String.raw`(?:[EN]|_\w+\s*)?(?:'(?:[^'\\]|\\[\s\S]|'')*(?:'|$)|"(?:[^"\\]|\\[\s\S]|"")*(?:"|$)|\$(?<tag>\w*)\$[\s\S]*?(?:\$\k<tag>\$|$))`;

/**
 * SQL clauses whose next string literal is a password or a password hash. SQL separates the keyword from the
 * literal by space, '=' or '(', which keeps JSON such as "password":"…" out of these (secretAssignment takes it).
 */
const passwordClauses = [
  // MySQL IDENTIFIED [WITH plugin] BY '…', BY PASSWORD '…', ALTER USER … REPLACE '…', MariaDB USING PASSWORD('…')
  String.raw`\b(?:BY|USING|REPLACE)(?:\s+PASSWORD)?(?:\s*\(\s*|\s+)`,
  // MySQL IDENTIFIED WITH plugin AS 'hash'
  String.raw`\bIDENTIFIED\s+WITH\s+\S+\s+AS\s*`,
  // PostgreSQL [ENCRYPTED] PASSWORD '…', MySQL PASSWORD('…') and SET PASSWORD = '…'
  String.raw`\b(?:(?:UN)?ENCRYPTED\s+)?PASSWORD(?:\s*[=(]\s*|\s+)`,
  // MySQL SET PASSWORD FOR 'user'@'host' = '…'
  String.raw`\bSET\s+PASSWORD\s+FOR\s+[^=]*=\s*(?:PASSWORD\s*\(\s*)?`,
].map((clause) => new RegExp(`(?<keep>${clause})${sqlLiteral}`, 'gi'));

// key=value and key: value pairs whose key names a secret: libpq conninfo, ODBC DSNs, URI query parameters,
// environment assignments (PGPASSWORD=…, MYSQL_PWD=…), JSON and YAML fragments, Azure connection strings, SAS sig=.
// MySQL's "Access denied … (using password: YES)" is kept: it tells whether a password was sent, not which.
const secretAssignment =
  /(?<keep>\b[\w.-]*(?:password|passwd|pwd|secret|token|apikey|api_key|accountkey|accesskey|sig)["']?\s*[=:]\s*)(?!(?:YES|NO)\))(?:"(?:[^"\\]|\\.)*(?:"|$)|'(?:[^'\\]|\\.)*(?:'|$)|[^\s&;,]+)/gi;

// scheme://user:password@host; the password may contain raw '@' or '/', so it runs to the last '@' of the token.
const uriCredentials = /(?<keep>\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/?#]*:)\S*@/gi;

const authorizationHeader = /(?<keep>\b(?:Bearer|Basic)\s+)[\w.~+/=-]{8,}/g;

const privateKey = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;

// MySQL and MariaDB syntax errors quote the statement from the error position: "… near 'BY 'pw'' at line 1".
// When that fragment holds a string literal it may start inside a password clause, so it goes whole.
const mysqlNearFragment = /(?<keep>\bnear ')(?<fragment>[\s\S]*?)(?=' at line \d+)/g;

const scrubbers: readonly [RegExp, string | ((...args: string[]) => string)][] = [
  [privateKey, censor],
  [
    mysqlNearFragment,
    (match: string, keep: string, fragment: string) => (/['"$]/.test(fragment) ? keep + censor : match),
  ],
  ...passwordClauses.map((re): [RegExp, string] => [re, `$<keep>${censor}`]),
  [uriCredentials, `$<keep>${censor}@`],
  [secretAssignment, `$<keep>${censor}`],
  [authorizationHeader, `$<keep>${censor}`],
];

/** Returns text with every recognisable secret replaced by [REDACTED]. Idempotent. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [re, replacement] of scrubbers) {
    out = typeof replacement === 'string' ? out.replace(re, replacement) : out.replace(re, replacement);
  }
  return out;
}

const secretKeyNames = new Set(['sql', 'dsn', 'pwd', 'sig', 'authorization', 'cookie']);
const secretKeySuffixes = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'accountkey',
  'privatekey',
  'credentials',
  'connectionstring',
];

/**
 * Whether a field of this name holds a secret, whatever its value looks like. `sql` is here because mysql2's
 * err.sql is the statement with every value inlined; `passwordSecretRef` is not (it names a Secret).
 */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_.\s]/g, '');
  return secretKeyNames.has(k) || secretKeySuffixes.some((suffix) => k.endsWith(suffix));
}

const maxDepth = 10;

/**
 * Returns a JSON-ready deep copy of value with secrets censored: Errors become plain objects (type, message,
 * stack, own fields, cause chain), binary data (connection details are Buffers) is censored, strings are scrubbed.
 */
export function redactValue(value: unknown): unknown {
  return walk(value, 0, new WeakSet());
}

function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return value.toISOString();
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return censor;
  if (seen.has(value)) return '[Circular]';
  if (depth >= maxDepth) return '[Truncated]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item: unknown) => walk(item, depth + 1, seen));
    if (value instanceof Error) return walkError(value, depth, seen);
    if (hasToJSON(value)) return walk(value.toJSON(), depth + 1, seen);
    return walkFields(Object.entries(value), depth, seen);
  } finally {
    seen.delete(value);
  }
}

function hasToJSON(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

function walkError(err: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: err.name,
    message: redactSecrets(err.message),
    ...walkFields(Object.entries(err), depth, seen),
  };
  if (err.stack !== undefined) out['stack'] = redactSecrets(err.stack);
  if (err.cause !== undefined) out['cause'] = walk(err.cause, depth + 1, seen);
  if (err instanceof AggregateError) out['errors'] = walk(err.errors, depth + 1, seen);
  return out;
}

function walkFields(
  entries: [string, unknown][],
  depth: number,
  seen: WeakSet<object>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of entries) {
    if (field === undefined || typeof field === 'function') continue;
    out[key] = isSecretKey(key) ? censor : walk(field, depth + 1, seen);
  }
  return out;
}
