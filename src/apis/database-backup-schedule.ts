// DatabaseBackupSchedule: creates DatabaseBackups on a cron schedule in a time zone and prunes old ones by a
// retention policy. It has no external resource of its own; its backups do.
import { type Static } from 'typebox';
import { managedSpec, managedStatus, resourceSchema, runPhases, schedulePhases } from './common.ts';
import { backupParameters } from './database-backup.ts';
import { duration, timestamp } from './names.ts';
import { bool, enumOf, int, listOf, mapOf, obj, opt, str } from './schema.ts';

const keep = (period: string) =>
  opt(
    int(`Keep the newest completed backup of each of the last N ${period}.`, { minimum: 0, maximum: 10000 }),
  );

const Retention = obj(
  {
    keepLast: opt(int('Keep the N newest completed backups.', { minimum: 0, maximum: 10000 })),
    keepHourly: keep('hours'),
    keepDaily: keep('days'),
    keepWeekly: keep('weeks'),
    keepMonthly: keep('months'),
    keepYearly: keep('years'),
    minAge: opt(duration('Never delete a backup younger than this, whatever the keep rules say.')),
  },
  'Which completed backups of this schedule to keep; the others are deleted (with their stored objects). A ' +
    'backup kept by any rule stays. Periods are counted in the schedule’s time zone. Leave out to keep all.',
);

const backupTemplate = obj(
  {
    metadata: opt(
      obj(
        {
          labels: opt(
            mapOf(str('Label value.', { maxLength: 63 }), 'Labels for each backup.', { maxProperties: 64 }),
          ),
          annotations: opt(
            mapOf(str('Annotation value.', { maxLength: 8192 }), 'Annotations for each backup.', {
              maxProperties: 64,
            }),
          ),
        },
        'Labels and annotations added to each backup.',
      ),
    ),
    forProvider: backupParameters(false),
  },
  'The DatabaseBackup to create at each run. Backups are created in this namespace, named ' +
    '<schedule>-<UTC time of the run>, owned by this schedule and with its providerConfigRef and ' +
    'managementPolicies. Changing the template affects later backups only.',
);

export const DatabaseBackupScheduleParameters = obj(
  {
    schedule: str(
      'When to back up: a five-field cron expression (minute hour day-of-month month day-of-week, e.g. ' +
        '"30 2 * * *"), or @hourly, @daily, @weekly, @monthly, @yearly. Missed runs are not caught up.',
      {
        minLength: 1,
        maxLength: 128,
        pattern: '^(@(hourly|daily|midnight|weekly|monthly|yearly|annually)|\\S+( +\\S+){4})$',
      },
    ),
    timezone: str(
      'IANA time zone the schedule is read in, e.g. Europe/Berlin; runs follow daylight saving time.',
      {
        maxLength: 64,
        pattern: '^[A-Za-z][A-Za-z0-9_+/-]*$',
        default: 'UTC',
      },
    ),
    paused: bool('Create no backups while true; existing ones and retention are untouched.', {
      default: false,
    }),
    concurrencyPolicy: enumOf(
      ['Allow', 'Forbid', 'Replace'] as const,
      'When a run is due while the previous backup is still running: Allow starts another, Forbid skips the ' +
        'run, Replace deletes the running backup and starts a new one.',
      { default: 'Forbid' },
    ),
    backupTemplate,
    retention: opt(Retention),
    successfulBackupsHistoryLimit: int('Completed backups listed in status.atProvider.recentBackups.', {
      minimum: 0,
      maximum: 100,
      default: 5,
    }),
    failedBackupsHistoryLimit: int('Failed backups listed in status.atProvider.recentBackups.', {
      minimum: 0,
      maximum: 100,
      default: 3,
    }),
  },
  'Desired state of a DatabaseBackupSchedule.',
);

const backupRun = (description: string) =>
  obj(
    {
      name: str('Name of the DatabaseBackup.'),
      phase: opt(enumOf(runPhases, 'Phase of the backup.')),
      startedAt: opt(timestamp('When the backup started.')),
      completedAt: opt(timestamp('When the backup completed.')),
    },
    description,
  );

const count = (description: string) => opt(int(description, { format: 'int64', minimum: 0 }));

export const DatabaseBackupScheduleObservation = obj(
  {
    nextBackupTime: opt(timestamp('When the next backup is due; absent while paused.')),
    lastScheduleTime: opt(timestamp('The slot of the last backup this schedule created.')),
    lastBackup: opt(backupRun('The last backup this schedule created.')),
    recentBackups: opt(
      listOf(backupRun('A recent backup.'), 'Recent backups, newest first, within the history limits.', {
        maxItems: 256,
      }),
    ),
    statistics: opt(
      obj(
        {
          totalBackups: count('Backups created by this schedule.'),
          successfulBackups: count('Backups that completed.'),
          failedBackups: count('Backups that failed.'),
          averageDurationSeconds: count('Average duration of completed backups.'),
          averageSizeBytes: count('Average stored size of completed backups.'),
          totalStorageBytes: count('Stored size of the backups kept.'),
        },
        'Statistics over this schedule’s backups.',
      ),
    ),
  },
  'Observed state of the schedule.',
);

export const DatabaseBackupSchedule = resourceSchema(
  'Creates DatabaseBackups on a cron schedule and deletes old ones by a retention policy.',
  managedSpec(DatabaseBackupScheduleParameters, 'Desired state of the DatabaseBackupSchedule.'),
  managedStatus(
    DatabaseBackupScheduleObservation,
    schedulePhases,
    'Observed state of the DatabaseBackupSchedule.',
  ),
);
export type DatabaseBackupSchedule = Static<typeof DatabaseBackupSchedule>;
export type DatabaseBackupScheduleParameters = Static<typeof DatabaseBackupScheduleParameters>;
