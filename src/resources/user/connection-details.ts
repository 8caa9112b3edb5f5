// The keys of a DatabaseUser's connection Secret: username, password, endpoint, port, database, a URI for the
// engine that asks for TLS as the provider's own connections do, the instance's CA bundle when it has one, and
// the user's templated extra keys. Pure: the values are computed, never evaluated.
import { engineFacts } from '../../apis/engine-table.ts';
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

/** The URI's TLS option, in the engine's clients' words (engine-table.ts). */
function tlsParameter(c: UserConnection): string {
  const { parameter, modes } = engineFacts[c.engine].uriTls;
  return `${parameter}=${modes[c.tlsMode]}`;
}

/** A URL clients of the engine accept, with user, password and database percent-encoded. */
export function connectionUri(c: UserConnection): string {
  const scheme = engineFacts[c.engine].uriScheme;
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
