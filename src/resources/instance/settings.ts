// What a DatabaseInstance asks of its Secrets, and the ConnectionSettings it resolves to once they are read.
// Pure, so defaults and errors are table-tested; reading the Secrets is secrets.ts's job.
import type { DatabaseInstance } from '../../apis/database-instance.ts';
import { engineFacts } from '../../apis/engine-table.ts';
import type { ConnectionSettings } from '../../engines/engine.ts';

/** One Secret key the instance needs, named by its role in the connection. */
export interface SecretKeyNeed {
  purpose: 'username' | 'password' | 'ca' | 'cert' | 'key';
  name: string;
  key: string;
  /** A key that may be absent: the password of a login that proves itself with a client certificate. */
  optional?: true;
}

/** Values read for each need, by purpose. */
export type SecretValues = Partial<Record<SecretKeyNeed['purpose'], string>>;

/** The server's TCP port: the spec's, or the engine's default. */
export function serverPort(instance: DatabaseInstance): number {
  const { engine, connection } = instance.spec.forProvider;
  return connection.port ?? engineFacts[engine].defaultPort;
}

/** The Secret keys the instance's spec refers to, all in the instance's own namespace. */
export function secretNeeds(instance: DatabaseInstance): SecretKeyNeed[] {
  const { connection, tls } = instance.spec.forProvider;
  const creds = connection.credentialsSecretRef;
  const client = tls?.clientCertificateSecretRef;
  const password = { purpose: 'password', name: creds.name, key: creds.passwordKey ?? 'password' } as const;
  const needs: SecretKeyNeed[] = [
    { purpose: 'username', name: creds.name, key: creds.usernameKey ?? 'username' },
    client === undefined ? password : { ...password, optional: true },
  ];
  if (tls?.caSecretRef) needs.push({ purpose: 'ca', ...tls.caSecretRef });
  if (client) {
    needs.push({ purpose: 'cert', name: client.name, key: client.certificateKey ?? 'tls.crt' });
    needs.push({ purpose: 'key', name: client.name, key: client.privateKeyKey ?? 'tls.key' });
  }
  return needs;
}

function tlsSettings(instance: DatabaseInstance, values: SecretValues): ConnectionSettings['tls'] {
  const tls = instance.spec.forProvider.tls;
  const { ca, cert, key } = values;
  return {
    mode: tls?.mode ?? 'verify-full',
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(tls?.serverName === undefined ? {} : { serverName: tls.serverName }),
  };
}

/** Per-engine session settings: PostgreSQL's application name and statement timeout, MySQL's charset. */
function sessionSettings(instance: DatabaseInstance): Partial<ConnectionSettings> {
  const { engine, connection, postgres, mysql } = instance.spec.forProvider;
  if (engineFacts[engine].settingsBlock === 'mysql') return mysql?.charset ? { charset: mysql.charset } : {};
  const timeout = postgres?.statementTimeoutSeconds;
  return {
    database: connection.database ?? 'postgres',
    ...(postgres?.applicationName ? { applicationName: postgres.applicationName } : {}),
    ...(timeout ? { statementTimeoutMs: timeout * 1000 } : {}),
  };
}

/** The connection the engine opens, from the spec and the values of secretNeeds(). */
export function connectionSettings(instance: DatabaseInstance, values: SecretValues): ConnectionSettings {
  const { engine, connection, pool } = instance.spec.forProvider;
  const { username, cert } = values;
  // A login that proves itself with a client certificate needs no password (an empty one is never sent
  // unless the server asks, and then the login fails as it should).
  const password = values.password ?? (cert === undefined ? undefined : '');
  if (username === undefined || password === undefined) {
    throw new Error(
      'the credentials Secret needs a username, and a password unless tls.clientCertificateSecretRef is set',
    );
  }
  return {
    engine,
    host: connection.host,
    port: serverPort(instance),
    user: username,
    password,
    tls: tlsSettings(instance, values),
    connectTimeoutMs: (connection.connectTimeoutSeconds ?? 10) * 1000,
    maxConnections: pool?.maxConnections ?? 5,
    ...sessionSettings(instance),
  };
}
