// DatabaseInstance: a database server you already run. The provider connects, pings and reads the version; it
// never creates or deletes the server. Other kinds point at it with instanceRef.
import { type Static } from 'typebox';
import {
  LocalSecretKeySelector,
  managedPhases,
  managedSpec,
  managedStatus,
  resourceSchema,
} from './common.ts';
import { namespaceName, objectName, secretKey, sqlName } from './names.ts';
import { engines, enginesWith } from './engine-table.ts';
import { enumOf, immutable, int, obj, opt, rules, setOf, str, type CelRule } from './schema.ts';

export const tlsModes = ['disable', 'require', 'verify-ca', 'verify-full'] as const;

/** CEL: a settings block only on the engines that read it (engine-table.ts). */
function settingsBlockRules(): CelRule[] {
  return (['postgres', 'mysql'] as const).map((block) => {
    const names = enginesWith(block);
    return {
      rule: `!has(self.${block}) || self.engine in [${names.map((e) => `'${e}'`).join(', ')}]`,
      message: `${block} settings apply to engine ${names.join(', ')} only`,
    };
  });
}

/** A set of namespaces, "*" meaning all, besides the instance's own (which always counts). */
function namespaces(description: string) {
  return opt(
    setOf(
      namespaceName('A namespace, or "*" for all namespaces.', {
        pattern: '^(\\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$',
      }),
      description,
      { maxItems: 256 },
    ),
  );
}

const Connection = obj(
  {
    host: str('Host name or IP address of the server.', { minLength: 1, maxLength: 253 }),
    port: opt(
      int('TCP port of the server; defaults to 5432 for postgres and 3306 for mysql and mariadb.', {
        minimum: 1,
        maximum: 65535,
      }),
    ),
    database: opt(
      sqlName(
        'Database the provider connects to for administration on PostgreSQL; defaults to "postgres". ' +
          'Not used by MySQL and MariaDB.',
      ),
    ),
    credentialsSecretRef: obj(
      {
        name: objectName('Name of the Secret, in the namespace of this DatabaseInstance.'),
        usernameKey: secretKey('Key holding the user name.', { default: 'username' }),
        passwordKey: secretKey('Key holding the password.', { default: 'password' }),
      },
      'The Secret with the administrative login the provider uses. It needs the rights to create databases ' +
        'and roles (PostgreSQL CREATEDB and CREATEROLE; MySQL/MariaDB CREATE USER and GRANT OPTION), and on ' +
        'MySQL/MariaDB SELECT, INSERT, UPDATE, DELETE and CREATE on the ownership ledger ' +
        '(GRANT … ON `dbops\\_provider`.*; CREATE only until the ledger exists).',
    ),
    connectTimeoutSeconds: int('Seconds to wait for a connection before giving up.', {
      minimum: 1,
      maximum: 300,
      default: 10,
    }),
  },
  'How to reach and log in to the server.',
);

const Tls = obj(
  {
    mode: enumOf(
      tlsModes,
      'disable: plain TCP. require: TLS without certificate checks. verify-ca: TLS with a server certificate ' +
        'signed by a trusted CA. verify-full: verify-ca and the certificate must name the host. Applies to ' +
        'every connection, including dump and restore tools.',
      { default: 'verify-full' },
    ),
    caSecretRef: opt(
      obj(
        LocalSecretKeySelector.properties,
        'PEM CA bundle to trust for the server certificate; defaults to the system trust store.',
      ),
    ),
    clientCertificateSecretRef: opt(
      obj(
        {
          name: objectName('Name of the Secret, in the namespace of this DatabaseInstance.'),
          certificateKey: secretKey('Key holding the PEM client certificate.', { default: 'tls.crt' }),
          privateKeyKey: secretKey('Key holding the PEM private key.', { default: 'tls.key' }),
        },
        'Client certificate for mutual TLS, e.g. a kubernetes.io/tls Secret.',
      ),
    ),
    serverName: opt(
      str('Host name expected in the server certificate under verify-full, when it differs from host.', {
        maxLength: 253,
      }),
    ),
  },
  'TLS for connections to the server. Defaults to verify-full; set mode: disable for servers without TLS.',
  {
    default: {},
    ...rules({
      rule: "self.mode != 'disable' || (!has(self.caSecretRef) && !has(self.clientCertificateSecretRef))",
      message: 'caSecretRef and clientCertificateSecretRef need a TLS mode other than disable',
    }),
  },
);

export const DatabaseInstanceParameters = obj(
  {
    engine: enumOf(engines, 'The server software. Cannot be changed.', rules(immutable('engine'))),
    connection: Connection,
    tls: opt(Tls),
    pool: opt(
      obj(
        {
          maxConnections: int('Most connections the provider keeps open to this server.', {
            minimum: 1,
            maximum: 100,
            default: 5,
          }),
        },
        'The connection pool the provider shares across all resources on this server.',
        { default: {} },
      ),
    ),
    postgres: opt(
      obj(
        {
          applicationName: str('application_name of the provider’s sessions, as seen in pg_stat_activity.', {
            maxLength: 63,
            default: 'provider-dbops',
          }),
          statementTimeoutSeconds: opt(
            int('statement_timeout for the provider’s sessions; 0 means none.', {
              minimum: 0,
              maximum: 86400,
            }),
          ),
        },
        'PostgreSQL session settings.',
      ),
    ),
    mysql: opt(
      obj(
        {
          charset: str('Connection character set.', {
            maxLength: 32,
            pattern: '^[a-z0-9_]+$',
            default: 'utf8mb4',
          }),
        },
        'MySQL and MariaDB session settings.',
      ),
    ),
    allowedNamespaces: namespaces(
      'Namespaces whose resources may use this instance through instanceRef. Its own namespace is always ' +
        'allowed and is the only one when this is empty. References from other namespaces are refused with ' +
        'a condition saying so.',
    ),
    adoptionNamespaces: namespaces(
      'Namespaces whose objects may adopt (annotation dbops.dbprovision.io/adopt) databases and accounts ' +
        'on this server that no object owns, such as ones a DBA made by hand. Its own namespace always may; ' +
        'no other does when this is empty: adopting a login hands its password to the adopter.',
    ),
    protectedNames: opt(
      setOf(
        str('A database or account name.', { minLength: 1, maxLength: 128 }),
        "Databases and accounts on this server that no resource may manage, besides the engine's own " +
          '(postgres, template0, template1, pg_* roles; mysql, sys, root, …) and the admin login, which are ' +
          'always protected: e.g. monitoring or replication logins. Compared case-insensitively.',
        { maxItems: 256 },
      ),
    ),
  },
  'Desired state of a DatabaseInstance.',
  rules(...settingsBlockRules()),
);

export const DatabaseInstanceObservation = obj(
  {
    version: opt(str('Server version as the server reports it, e.g. "15.20" or "10.11.19-MariaDB".')),
  },
  'Observed state of the server.',
);

export const DatabaseInstance = resourceSchema(
  'A database server (PostgreSQL, MySQL or MariaDB) that the provider connects to. Databases, users, roles ' +
    'and grants reference it. Creating or deleting this object never creates or deletes the server.',
  managedSpec(DatabaseInstanceParameters, 'Desired state of the DatabaseInstance.'),
  managedStatus(DatabaseInstanceObservation, managedPhases, 'Observed state of the DatabaseInstance.'),
);
export type DatabaseInstance = Static<typeof DatabaseInstance>;
export type DatabaseInstanceParameters = Static<typeof DatabaseInstanceParameters>;
