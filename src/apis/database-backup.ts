// DatabaseBackup: one dump of a Database, streamed by the engine's own tool through compression and encryption
// to object storage. One-shot: Create starts the run, Observe reports it; the object key is the external name.
import { type Static } from 'typebox';
import { managedSpec, managedStatus, resourceSchema, runPhases } from './common.ts';
import { duration, timestamp } from './names.ts';
import { fixedReference, namespacedReference, namespacedSelector } from './references.ts';
import {
  anyPresent,
  bool,
  enumOf,
  fixedAfterCreation,
  int,
  listOf,
  obj,
  opt,
  rules,
  str,
  type CelRule,
} from './schema.ts';
import { Compression, Encryption, storageLocation } from './storage.ts';

export const storageTypes = ['s3', 'gcs', 'azure', 'filesystem'] as const;

/** A pg_dump/mysqldump object filter: a name or a pattern with * and ?. */
const dumpFilter = (description: string) =>
  listOf(
    str('A name, or a pattern with * and ? (pg_dump), e.g. "public.*".', {
      minLength: 1,
      maxLength: 127,
      pattern: '^[A-Za-z0-9_$.*?-]+$',
    }),
    description,
    { maxItems: 128 },
  );

const PostgresDump = obj(
  {
    format: enumOf(
      ['custom', 'plain', 'tar'] as const,
      'pg_dump output format: custom (for pg_restore, which can restore parts of it), plain (an SQL script ' +
        'run with psql) or tar.',
      { default: 'custom' },
    ),
    dataOnly: bool('Dump only the data, not the schema (--data-only).', { default: false }),
    schemaOnly: bool('Dump only the schema, not the data (--schema-only).', { default: false }),
    noOwner: bool('Leave out commands that set object ownership (--no-owner).', { default: false }),
    noPrivileges: bool('Leave out GRANT and REVOKE commands (--no-privileges).', { default: false }),
    blobs: bool('Include large objects (--large-objects).', { default: true }),
    schemas: opt(dumpFilter('Dump only these schemas (--schema).')),
    excludeSchemas: opt(dumpFilter('Leave out these schemas (--exclude-schema).')),
    tables: opt(dumpFilter('Dump only these tables (--table).')),
    excludeTables: opt(dumpFilter('Leave out these tables (--exclude-table).')),
    lockWaitTimeout: opt(
      duration('Fail instead of waiting longer than this for a table lock (--lock-wait-timeout).'),
    ),
  },
  'pg_dump options, for databases on a postgres instance.',
  rules({
    rule: '!(self.dataOnly && self.schemaOnly)',
    message: 'dataOnly and schemaOnly exclude each other',
  }),
);

const MysqlDump = obj(
  {
    singleTransaction: bool('Dump InnoDB tables consistently without locking (--single-transaction).', {
      default: true,
    }),
    quick: bool('Stream rows instead of buffering whole tables (--quick).', { default: true }),
    routines: bool('Include stored procedures and functions (--routines).', { default: true }),
    triggers: bool('Include triggers (--triggers).', { default: true }),
    events: bool('Include scheduled events (--events).', { default: true }),
    extendedInsert: bool('Use multi-row INSERT statements (--extended-insert).', { default: true }),
    lockTables: bool('Lock all tables while dumping (--lock-tables); for non-transactional tables.', {
      default: false,
    }),
    setGtidPurged: opt(
      enumOf(
        ['OFF', 'ON', 'AUTO'] as const,
        'Whether to write SET @@GLOBAL.GTID_PURGED (--set-gtid-purged); MySQL only, refused on MariaDB.',
      ),
    ),
    tables: opt(dumpFilter('Dump only these tables.')),
    excludeTables: opt(dumpFilter('Leave out these tables (--ignore-table).')),
  },
  'mysqldump / mariadb-dump options, for databases on a mysql or mariadb instance.',
  rules({
    rule: '!(self.singleTransaction && self.lockTables)',
    message: 'singleTransaction and lockTables exclude each other',
  }),
);

/**
 * Backup parameters. A DatabaseBackup fixes them at creation; a schedule's template (`fixed: false`) can be
 * edited, affecting only backups created afterwards.
 */
export function backupParameters(fixed: boolean) {
  const fixedRules: CelRule[] = fixed
    ? ['storage', 'compression', 'encryption', 'postgres', 'mysql'].map(fixedAfterCreation)
    : [];
  return obj(
    {
      databaseRef: opt(
        namespacedReference(
          'Database',
          'The Database to dump. It may be in another namespace.',
          fixed ? [fixedReference('databaseRef')] : [],
        ),
      ),
      databaseSelector: opt(namespacedSelector('Database', 'databaseRef')),
      storage: opt(storageLocation('Where to store the backup; defaults to the provider config’s storage.')),
      compression: opt(Compression),
      encryption: opt(Encryption),
      ttl: opt(
        duration(
          'Delete the backup this long after it completes: this object is deleted, and with it the stored ' +
            'object unless Delete is left out of managementPolicies.',
        ),
      ),
      activeDeadlineSeconds: int('Fail the run when it takes longer than this.', {
        minimum: 1,
        maximum: 604800,
        default: 3600,
      }),
      postgres: opt(PostgresDump),
      mysql: opt(MysqlDump),
    },
    'What to back up and how.',
    rules(
      {
        rule: anyPresent(['databaseRef', 'databaseSelector']),
        message: 'set databaseRef or databaseSelector',
      },
      {
        rule: '!(has(self.postgres) && has(self.mysql))',
        message: 'set postgres or mysql options, not both',
      },
      ...fixedRules,
    ),
  );
}

export const DatabaseBackupParameters = backupParameters(true);

export const DatabaseBackupObservation = obj(
  {
    objectKey: opt(str('Key (path) of the backup object in storage.')),
    storageType: opt(enumOf(storageTypes, 'Kind of storage the backup is in.')),
    format: opt(str('Dump format: custom, plain or tar for PostgreSQL; sql for MySQL and MariaDB.')),
    sizeBytes: opt(
      int('Size of the dump before compression and encryption.', { format: 'int64', minimum: 0 }),
    ),
    storedSizeBytes: opt(int('Size of the stored object.', { format: 'int64', minimum: 0 })),
    sha256: opt(str('Hex SHA-256 of the stored object.', { pattern: '^[a-f0-9]{64}$' })),
    startedAt: opt(timestamp('When the run started.')),
    completedAt: opt(timestamp('When the run completed.')),
    expiresAt: opt(timestamp('When the backup is deleted because of ttl.')),
    source: opt(
      obj(
        {
          instance: opt(str('The DatabaseInstance, as namespace/name.')),
          database: opt(str('The database name on the server.')),
          engine: opt(str('The engine: postgres, mysql or mariadb.')),
          serverVersion: opt(str('The server version at backup time.')),
        },
        'What was backed up.',
      ),
    ),
  },
  'Observed state of the backup run.',
);

export const DatabaseBackup = resourceSchema(
  'One backup of a Database in object storage. Created directly or by a DatabaseBackupSchedule. Deleting it ' +
    'deletes the stored object unless Delete is left out of managementPolicies.',
  managedSpec(DatabaseBackupParameters, 'Desired state of the DatabaseBackup.'),
  managedStatus(DatabaseBackupObservation, runPhases, 'Observed state of the DatabaseBackup.'),
);
export type DatabaseBackup = Static<typeof DatabaseBackup>;
export type DatabaseBackupParameters = Static<typeof DatabaseBackupParameters>;
