// DatabaseUser: a PostgreSQL login role or MySQL/MariaDB accounts (one per allowed host). The user name is the
// crossplane.io/external-name annotation (defaulting to metadata.name). Credentials go to the connection Secret.
import { type Static } from 'typebox';
import {
  LocalSecretKeySelector,
  managedPhases,
  managedBy,
  managedSpec,
  managedStatus,
  resourceSchema,
} from './common.ts';
import { secretKeyPattern, sqlName, timestamp } from './names.ts';
import { postgresLoginAttributes } from './postgres-role.ts';
import { instanceReferenceFields, instanceReferenceRules } from './references.ts';
import { bool, enumOf, int, mapOf, obj, opt, rules, setOf, str } from './schema.ts';

/** Authentication plugins; which ones a server accepts depends on the engine and is checked against it. */
export const mysqlAuthPlugins = [
  'mysql_native_password',
  'caching_sha2_password',
  'sha256_password',
  'ed25519',
] as const;

const PasswordGeneration = obj(
  {
    length: int('Number of characters.', { minimum: 8, maximum: 128, default: 32 }),
    includeSpecialChars: bool('Also use punctuation characters besides letters and digits.', {
      default: true,
    }),
    excludeChars: opt(str('Characters never to use, e.g. ones a client cannot handle.', { maxLength: 64 })),
  },
  'How to generate the password when passwordSecretRef is not set. The password is generated once (with ' +
    'node:crypto) and kept in the connection Secret.',
);

const PostgresUser = obj(
  postgresLoginAttributes(),
  'PostgreSQL role attributes, for users on a postgres instance.',
);

const resourceLimit = (description: string) =>
  int(`${description} 0 means no limit.`, { minimum: 0, maximum: 2147483647, default: 0 });

const MysqlUser = obj(
  {
    allowedHosts: setOf(
      str('A host: a name, an IP address, a netmask (10.0.0.0/255.0.0.0) or a pattern with % and _.', {
        minLength: 1,
        maxLength: 255,
        pattern: '^[A-Za-z0-9%_.:/-]+$',
      }),
      'Hosts the user may connect from: one account user@host is kept per entry, with the same password and ' +
        'grants. "%" means any host.',
      { default: ['%'], minItems: 1, maxItems: 32 },
    ),
    maxQueriesPerHour: resourceLimit('MAX_QUERIES_PER_HOUR.'),
    maxUpdatesPerHour: resourceLimit('MAX_UPDATES_PER_HOUR.'),
    maxConnectionsPerHour: resourceLimit('MAX_CONNECTIONS_PER_HOUR.'),
    maxUserConnections: resourceLimit('MAX_USER_CONNECTIONS.'),
    requireSSL: bool('REQUIRE SSL: connections must use TLS.', { default: false }),
    requireX509: bool('REQUIRE X509: connections must present a valid client certificate.', {
      default: false,
    }),
    accountLocked: bool('ACCOUNT LOCK: the account exists but cannot log in.', { default: false }),
    authPlugin: opt(
      enumOf(
        mysqlAuthPlugins,
        'Authentication plugin (IDENTIFIED WITH plugin BY password); defaults to the server’s. ' +
          'caching_sha2_password and sha256_password are MySQL only, ed25519 is MariaDB only.',
      ),
    ),
  },
  'MySQL and MariaDB account settings, for users on a mysql or mariadb instance.',
);

const placeholders =
  '{{ .username }}, {{ .password }}, {{ .endpoint }}, {{ .port }}, {{ .database }}, {{ .uri }}';

export const DatabaseUserParameters = obj(
  {
    ...instanceReferenceFields(),
    passwordSecretRef: opt(
      obj(
        LocalSecretKeySelector.properties,
        'Use the password in this Secret key instead of generating one. When the Secret changes, the ' +
          'provider sets the new password on the server.',
      ),
    ),
    passwordGeneration: opt(PasswordGeneration),
    connectionDatabase: opt(
      sqlName('Database named in the connection Secret (the database key and the URI); leave out for none.'),
    ),
    connectionSecretTemplate: opt(
      obj(
        {
          data: mapOf(
            str('A template; the placeholders are replaced and nothing else is evaluated.', {
              maxLength: 4096,
            }),
            `Extra keys for the connection Secret. Values may use ${placeholders}. A key equal to a ` +
              'standard key replaces it.',
            {
              maxProperties: 32,
              ...rules({
                rule: `self.all(k, k.size() <= 253 && k.matches('${secretKeyPattern}'))`,
                message: 'keys must be valid Secret keys: letters, digits, -, _ and .',
              }),
            },
          ),
        },
        'The connection Secret always holds username, password, endpoint, port, database and uri (a URL for ' +
          'the engine, e.g. postgresql://user:password@host:5432/db); this adds keys.',
      ),
    ),
    postgres: opt(PostgresUser),
    mysql: opt(MysqlUser),
  },
  'Desired state of a DatabaseUser. The user name on the server is the crossplane.io/external-name annotation, ' +
    'which defaults to metadata.name.',
  rules(
    ...instanceReferenceRules,
    { rule: '!(has(self.postgres) && has(self.mysql))', message: 'set postgres or mysql settings, not both' },
    {
      rule: '!(has(self.passwordSecretRef) && has(self.passwordGeneration))',
      message: 'set passwordSecretRef or passwordGeneration, not both',
    },
  ),
);

export const DatabaseUserObservation = obj(
  {
    username: opt(str('The user name on the server.')),
    lastPasswordChange: opt(timestamp('When the provider last set the password on the server.')),
    passwordSecretVersion: opt(
      str('resourceVersion of the passwordSecretRef Secret when its password was last set on the server.', {
        maxLength: 64,
      }),
    ),
    managedBy,
  },
  'Observed state of the user.',
);

export const DatabaseUser = resourceSchema(
  'A user on a DatabaseInstance: a PostgreSQL login role or MySQL/MariaDB accounts. Its credentials are ' +
    'written to the Secret named by spec.writeConnectionSecretToRef.',
  managedSpec(DatabaseUserParameters, 'Desired state of the DatabaseUser.', [
    {
      rule: 'has(self.forProvider.passwordSecretRef) || has(self.writeConnectionSecretToRef)',
      message:
        'a generated password is kept only in the connection Secret: set writeConnectionSecretToRef, ' +
        'or forProvider.passwordSecretRef',
    },
  ]),
  managedStatus(DatabaseUserObservation, managedPhases, 'Observed state of the DatabaseUser.'),
);
export type DatabaseUser = Static<typeof DatabaseUser>;
export type DatabaseUserParameters = Static<typeof DatabaseUserParameters>;
