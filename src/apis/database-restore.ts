// DatabaseRestore: one restore run of a backup into a new database, or in place over an existing one when the
// data-loss confirmation is given. One-shot: Create starts the run, Observe reports it.
import { type Static } from 'typebox';
import { managedSpec, managedStatus, resourceSchema, runPhases } from './common.ts';
import { sqlName, timestamp } from './names.ts';
import { namespacedReference } from './references.ts';
import { bool, exactlyOneOf, fixedAfterCreation, int, listOf, obj, opt, rules, str } from './schema.ts';
import { Compression, Encryption, storageLocation } from './storage.ts';

export const dataLossConfirmation = 'I-UNDERSTAND-DATA-LOSS';

const FromPath = obj(
  {
    storage: opt(storageLocation('Where the backup object is; defaults to the provider config’s storage.')),
    objectKey: str('Key (path) of the backup object, as in a DatabaseBackup’s status.atProvider.objectKey.', {
      minLength: 1,
      maxLength: 1024,
    }),
    compression: opt(Compression),
    encryption: opt(Encryption),
  },
  'A backup object in storage that has no DatabaseBackup, e.g. from another cluster. The dump format is ' +
    'recognised from its content.',
);

const Target = obj(
  {
    newDatabase: opt(
      obj(
        {
          instanceRef: namespacedReference(
            'DatabaseInstance',
            'The instance to create the database on. It may be in another namespace if that instance allows it.',
          ),
          name: sqlName('Name of the new database. The restore fails if a database of this name exists.'),
        },
        'Restore into a new database. The restore creates it; create a Database with this external name to ' +
          'manage it afterwards.',
      ),
    ),
    inPlace: opt(
      obj(
        {
          databaseRef: namespacedReference('Database', 'The Database to overwrite.'),
          acknowledgeDataLoss: opt(
            str(
              `Must be "${dataLossConfirmation}": the database is dropped and re-created from the backup.`,
              {
                maxLength: 64,
              },
            ),
          ),
        },
        'Restore over an existing Database: everything in it is replaced by the backup.',
        rules({
          rule: `has(self.acknowledgeDataLoss) && self.acknowledgeDataLoss == '${dataLossConfirmation}'`,
          message: `an in-place restore destroys the current data: set acknowledgeDataLoss to ${dataLossConfirmation}`,
          fieldPath: '.acknowledgeDataLoss',
          reason: 'FieldValueRequired',
        }),
      ),
    ),
  },
  'Where to restore to: exactly one of newDatabase or inPlace.',
  rules(exactlyOneOf([['newDatabase'], ['inPlace']], 'set exactly one of newDatabase or inPlace')),
);

const PostgresRestore = obj(
  {
    noOwner: bool('Do not restore object ownership; objects belong to the provider’s login (--no-owner).', {
      default: true,
    }),
    noPrivileges: bool('Do not restore GRANT and REVOKE commands (--no-privileges).', { default: false }),
    dataOnly: bool('Restore only the data (--data-only).', { default: false }),
    schemaOnly: bool('Restore only the schema (--schema-only).', { default: false }),
    disableTriggers: bool('Disable triggers while restoring data (--disable-triggers; needs superuser).', {
      default: false,
    }),
    schemas: opt(
      listOf(sqlName('A schema.'), 'Restore only these schemas (custom and tar formats).', { maxItems: 128 }),
    ),
    tables: opt(
      listOf(sqlName('A table.'), 'Restore only these tables (custom and tar formats).', { maxItems: 128 }),
    ),
    analyze: bool('Run ANALYZE afterwards so the planner has statistics.', { default: true }),
  },
  'pg_restore / psql options, for a postgres target.',
  rules({
    rule: '!(self.dataOnly && self.schemaOnly)',
    message: 'dataOnly and schemaOnly exclude each other',
  }),
);

const MysqlRestore = obj(
  {
    disableForeignKeyChecks: bool('Turn off foreign key checks during the restore.', { default: true }),
    disableBinlog: bool(
      'Do not write the restore to the binary log (needs SUPER or SYSTEM_VARIABLES_ADMIN).',
      {
        default: false,
      },
    ),
    analyze: bool('Run ANALYZE TABLE afterwards.', { default: true }),
  },
  'mysql client options, for a mysql or mariadb target.',
);

export const DatabaseRestoreParameters = obj(
  {
    backupRef: opt(
      namespacedReference('DatabaseBackup', 'The DatabaseBackup to restore; it must be Completed.'),
    ),
    fromPath: opt(FromPath),
    target: Target,
    activeDeadlineSeconds: int('Fail the run when it takes longer than this.', {
      minimum: 1,
      maximum: 604800,
      default: 7200,
    }),
    postgres: opt(PostgresRestore),
    mysql: opt(MysqlRestore),
  },
  'What to restore, where to, and how. Only activeDeadlineSeconds can change after creation.',
  rules(
    exactlyOneOf([['backupRef'], ['fromPath']], 'set exactly one of backupRef or fromPath'),
    { rule: '!(has(self.postgres) && has(self.mysql))', message: 'set postgres or mysql options, not both' },
    ...['backupRef', 'fromPath', 'target', 'postgres', 'mysql'].map(fixedAfterCreation),
  ),
);

export const DatabaseRestoreObservation = obj(
  {
    objectKey: opt(str('Key of the backup object restored.')),
    targetInstance: opt(str('The DatabaseInstance restored to, as namespace/name.')),
    targetDatabase: opt(str('The database name restored to.')),
    startedAt: opt(timestamp('When the run started.')),
    completedAt: opt(timestamp('When the run completed.')),
    restoredBytes: opt(int('Bytes of dump restored so far.', { format: 'int64', minimum: 0 })),
    warnings: opt(
      listOf(str('A warning.', { maxLength: 4096 }), 'Warnings the restore tool reported.', { maxItems: 50 }),
    ),
  },
  'Observed state of the restore run.',
);

export const DatabaseRestore = resourceSchema(
  'One restore of a backup into a new database or, with explicit confirmation, over an existing one.',
  managedSpec(DatabaseRestoreParameters, 'Desired state of the DatabaseRestore.'),
  managedStatus(DatabaseRestoreObservation, runPhases, 'Observed state of the DatabaseRestore.'),
);
export type DatabaseRestore = Static<typeof DatabaseRestore>;
export type DatabaseRestoreParameters = Static<typeof DatabaseRestoreParameters>;
