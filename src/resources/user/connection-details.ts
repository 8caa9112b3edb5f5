// The keys of a DatabaseUser's connection Secret: username, password, endpoint, port, database, a URI for the
// engine that asks for TLS as the provider's own connections do, the instance's CA bundle when it has one, and
// the user's templated extra keys. Pure: the values are computed, never evaluated.
import type { EngineName, TlsMode } from '../../engines/engine.ts';

export interface UserConnection {
  engine: EngineName;
  host: string;
  port: number;
  username: string;
  password: string;
  /** Empty when the user names no database. */
  database: string;
  /** The instance's TLS mode: clients should check the server as strictly as the provider does. */
  tlsMode: TlsMode;
  /** The instance's CA bundle (PEM), published as ca.crt for clients to verify the server with. */
  ca?: string;
}

/** MySQL's own URI option (mysql --ssl-mode, MySQL Shell, Connector/J) for each mode. */
const mysqlSslModes: Record<TlsMode, string> = {
  disable: 'DISABLED',
  require: 'REQUIRED',
  'verify-ca': 'VERIFY_CA',
  'verify-full': 'VERIFY_IDENTITY',
};

/** The URI's TLS option: libpq's sslmode has the same four words as the instance; MySQL spells them its way. */
function tlsParameter(c: UserConnection): string {
  return c.engine === 'postgres' ? `sslmode=${c.tlsMode}` : `ssl-mode=${mysqlSslModes[c.tlsMode]}`;
}

/** A URL clients of the engine accept, with user, password and database percent-encoded. */
export function connectionUri(c: UserConnection): string {
  const scheme = c.engine === 'postgres' ? 'postgresql' : 'mysql';
  const host = c.host.includes(':') && !c.host.startsWith('[') ? `[${c.host}]` : c.host;
  const login = `${encodeURIComponent(c.username)}:${encodeURIComponent(c.password)}`;
  const path = `${host}:${String(c.port)}/${encodeURIComponent(c.database)}`;
  return `${scheme}://${login}@${path}?${tlsParameter(c)}`;
}

const placeholder = /\{\{\s*\.(username|password|endpoint|port|database|uri)\s*\}\}/g;

/** Every key of the Secret; template keys may replace standard ones, as the API documents. */
export function connectionSecretData(
  c: UserConnection,
  template: Record<string, string> = {},
): Record<string, string> {
  const standard: Record<string, string> = {
    username: c.username,
    password: c.password,
    endpoint: c.host,
    port: String(c.port),
    database: c.database,
    uri: connectionUri(c),
    ...(c.ca === undefined ? {} : { 'ca.crt': c.ca }),
  };
  const extra = Object.fromEntries(
    Object.entries(template).map(([key, text]) => [
      key,
      text.replace(placeholder, (_, name: string) => standard[name] ?? ''),
    ]),
  );
  return { ...standard, ...extra };
}
