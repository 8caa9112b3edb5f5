// Database: a PostgreSQL database or a MySQL/MariaDB schema. Its name on the server is the
// crossplane.io/external-name annotation (defaulting to metadata.name), so there is no name field.
import { type Static } from 'typebox';
import { managedBy, managedPhases, managedSpec, managedStatus, resourceSchema } from './common.ts';
import { sqlName } from './names.ts';
import { instanceReferenceFields, instanceReferenceRules } from './references.ts';
import { bool, immutable, int, listMapOf, obj, opt, rules, str } from './schema.ts';

const createOnly = (description: string, what: string) =>
  str(`${description} Set at creation only; cannot be changed.`, {
    maxLength: 64,
    pattern: '^[A-Za-z0-9_.@-]+$',
    ...rules(immutable(what)),
  });

const PostgresDatabase = obj(
  {
    owner: opt(sqlName('Role that owns the database; defaults to the provider’s login.')),
    encoding: opt(
      createOnly('Character encoding, e.g. UTF8; defaults to the template’s.', 'postgres.encoding'),
    ),
    lcCollate: opt(
      createOnly('LC_COLLATE, e.g. en_US.UTF-8; defaults to the template’s.', 'postgres.lcCollate'),
    ),
    lcCtype: opt(createOnly('LC_CTYPE, e.g. en_US.UTF-8; defaults to the template’s.', 'postgres.lcCtype')),
    template: opt(
      sqlName('Template database to copy, e.g. template0; defaults to template1. Set at creation only.', {
        ...rules(immutable('postgres.template')),
      }),
    ),
    tablespace: opt(sqlName('Default tablespace; defaults to pg_default.')),
    connectionLimit: int('Most concurrent connections to the database; -1 means no limit.', {
      minimum: -1,
      default: -1,
    }),
    isTemplate: bool('Whether the database can be used as a template by anyone with CREATEDB.', {
      default: false,
    }),
    allowConnections: bool('Whether anyone can connect to the database.', { default: true }),
    extensions: opt(
      listMapOf(
        obj(
          {
            name: str('Extension name, e.g. pgcrypto.', {
              minLength: 1,
              maxLength: 63,
              pattern: '^[a-z0-9_-]+$',
            }),
            schema: opt(sqlName('Schema to install the extension into; defaults to public.')),
            version: opt(
              str('Extension version; defaults to the default version.', {
                maxLength: 64,
                pattern: '^[A-Za-z0-9_.-]+$',
              }),
            ),
          },
          'An extension installed in the database.',
        ),
        ['name'],
        'Extensions installed in the database. Removing one from the list leaves it installed.',
        { maxItems: 64 },
      ),
    ),
    schemas: opt(
      listMapOf(
        obj(
          {
            name: sqlName('Schema name.'),
            owner: opt(sqlName('Role that owns the schema; defaults to the database owner.')),
          },
          'A schema in the database.',
        ),
        ['name'],
        'Schemas created in the database. Removing one from the list leaves the schema and its data in place.',
        { maxItems: 256 },
      ),
    ),
  },
  'PostgreSQL settings, for databases on a postgres instance.',
);

const MysqlDatabase = obj(
  {
    charset: str('Default character set.', { maxLength: 32, pattern: '^[a-z0-9_]+$', default: 'utf8mb4' }),
    collation: opt(
      str('Default collation; defaults to the character set’s default collation on the server.', {
        maxLength: 64,
        pattern: '^[a-z0-9_]+$',
      }),
    ),
  },
  'MySQL and MariaDB settings, for databases on a mysql or mariadb instance.',
);

export const DatabaseParameters = obj(
  {
    ...instanceReferenceFields(),
    deletionProtection: bool(
      'Refuse to drop the database while true: deleting this object then fails with a condition saying so. ' +
        'To keep the database but delete this object, leave Delete out of managementPolicies instead.',
      { default: false },
    ),
    postgres: opt(PostgresDatabase),
    mysql: opt(MysqlDatabase),
  },
  'Desired state of a Database. The database name on the server is the crossplane.io/external-name annotation, ' +
    'which defaults to metadata.name; set the annotation to create or adopt a database with another name.',
  rules(...instanceReferenceRules, {
    rule: '!(has(self.postgres) && has(self.mysql))',
    message: 'set postgres or mysql settings, not both',
  }),
);

export const DatabaseObservation = obj(
  {
    sizeBytes: opt(int('Size of the database on disk, in bytes.', { format: 'int64', minimum: 0 })),
    owner: opt(str('Owner of the database (PostgreSQL).')),
    encoding: opt(str('Character encoding (PostgreSQL) or character set (MySQL, MariaDB).')),
    collation: opt(str('Collation of the database.')),
    managedBy,
  },
  'Observed state of the database.',
);

export const Database = resourceSchema(
  'A database on a DatabaseInstance: a PostgreSQL database or a MySQL/MariaDB schema.',
  managedSpec(DatabaseParameters, 'Desired state of the Database.'),
  managedStatus(DatabaseObservation, managedPhases, 'Observed state of the Database.'),
);
export type Database = Static<typeof Database>;
export type DatabaseParameters = Static<typeof DatabaseParameters>;
