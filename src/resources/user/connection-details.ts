// The keys of a DatabaseUser's connection Secret: username, password, endpoint, port, database, a URI for the
// engine, and the user's templated extra keys. Pure: the values are computed, never evaluated.
import type { EngineName } from '../../engines/engine.ts';

export interface UserConnection {
  engine: EngineName;
  host: string;
  port: number;
  username: string;
  password: string;
  /** Empty when the user names no database. */
  database: string;
}

/** A URL clients of the engine accept, with user, password and database percent-encoded. */
export function connectionUri(c: UserConnection): string {
  const scheme = c.engine === 'postgres' ? 'postgresql' : 'mysql';
  const host = c.host.includes(':') && !c.host.startsWith('[') ? `[${c.host}]` : c.host;
  const login = `${encodeURIComponent(c.username)}:${encodeURIComponent(c.password)}`;
  return `${scheme}://${login}@${host}:${String(c.port)}/${encodeURIComponent(c.database)}`;
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
  };
  const extra = Object.fromEntries(
    Object.entries(template).map(([key, text]) => [
      key,
      text.replace(placeholder, (_, name: string) => standard[name] ?? ''),
    ]),
  );
  return { ...standard, ...extra };
}
