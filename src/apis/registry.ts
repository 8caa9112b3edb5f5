// Every kind the provider serves: names, scope, categories, printer columns and schema. The runtime and main
// look kinds up here (each entry is a ResourceType of src/kube/api.ts), and scripts/gen-crds.ts turns each
// entry into a CRD.
import { type TSchema } from 'typebox';
import { group, version } from './common.ts';
import { DatabaseBackupSchedule } from './database-backup-schedule.ts';
import { DatabaseBackup } from './database-backup.ts';
import { DatabaseGrant } from './database-grant.ts';
import { DatabaseInstance } from './database-instance.ts';
import { DatabaseRestore } from './database-restore.ts';
import { DatabaseRole } from './database-role.ts';
import { DatabaseUser } from './database-user.ts';
import { Database } from './database.ts';
import { ProviderConfigUsage } from './provider-config-usage.ts';
import { ClusterProviderConfig, ProviderConfig } from './provider-config.ts';

export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
  /** 0 shows in `kubectl get`; 1 only in `kubectl get -o wide`. */
  readonly priority?: number;
}

export interface KindDefinition {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly namespaced: boolean;
  readonly categories: readonly string[];
  readonly printerColumns: readonly PrinterColumn[];
  /** The openAPIV3Schema of the CRD. */
  readonly schema: TSchema;
  /** A managed resource (reconciled by the managed reconciler) rather than a provider config or usage. */
  readonly managed: boolean;
  readonly statusSubresource: boolean;
}

const managedCategories = ['crossplane', 'managed', 'dbops'] as const;
const providerCategories = ['crossplane', 'provider', 'dbops'] as const;

const column = (
  name: string,
  jsonPath: string,
  type: PrinterColumn['type'] = 'string',
  priority = 0,
): PrinterColumn => (priority === 0 ? { name, type, jsonPath } : { name, type, jsonPath, priority });

const age = column('AGE', '.metadata.creationTimestamp', 'date');
const phase = column('PHASE', '.status.phase');

/** READY, SYNCED, EXTERNAL-NAME, the kind's own columns, AGE: what Crossplane users see for every MR. */
function managedColumns(...own: PrinterColumn[]): PrinterColumn[] {
  return [
    column('READY', ".status.conditions[?(@.type=='Ready')].status"),
    column('SYNCED', ".status.conditions[?(@.type=='Synced')].status"),
    column('EXTERNAL-NAME', '.metadata.annotations.crossplane\\.io/external-name'),
    ...own,
    age,
  ];
}

interface Names {
  kind: string;
  plural: string;
  shortNames: readonly string[];
}

function managedKind(names: Names, schema: TSchema, columns: PrinterColumn[]): KindDefinition {
  return {
    group,
    version,
    kind: names.kind,
    listKind: `${names.kind}List`,
    plural: names.plural,
    singular: names.kind.toLowerCase(),
    shortNames: names.shortNames,
    namespaced: true,
    categories: managedCategories,
    printerColumns: managedColumns(...columns),
    schema,
    managed: true,
    statusSubresource: true,
  };
}

function providerKind(
  names: Names & { namespaced: boolean; status: boolean },
  schema: TSchema,
  columns: PrinterColumn[],
) {
  return {
    group,
    version,
    kind: names.kind,
    listKind: `${names.kind}List`,
    plural: names.plural,
    singular: names.kind.toLowerCase(),
    shortNames: names.shortNames,
    namespaced: names.namespaced,
    categories: providerCategories,
    printerColumns: [...columns, age],
    schema,
    managed: false,
    statusSubresource: names.status,
  } satisfies KindDefinition;
}

const instanceRef = column('INSTANCE', '.spec.forProvider.instanceRef.name');
const providerConfigColumns = [
  column('SOURCE', '.spec.credentials.source'),
  column('USERS', '.status.users', 'integer'),
  column('SECRET-NAME', '.spec.credentials.secretRef.name', 'string', 1),
];

export const kinds = {
  DatabaseInstance: managedKind(
    { kind: 'DatabaseInstance', plural: 'databaseinstances', shortNames: ['dbi'] },
    DatabaseInstance,
    [
      column('ENGINE', '.spec.forProvider.engine'),
      column('VERSION', '.status.atProvider.version'),
      phase,
      column('HOST', '.spec.forProvider.connection.host', 'string', 1),
      column('PORT', '.spec.forProvider.connection.port', 'integer', 1),
    ],
  ),
  Database: managedKind({ kind: 'Database', plural: 'databases', shortNames: ['db'] }, Database, [
    instanceRef,
    phase,
    column('SIZE', '.status.atProvider.sizeBytes', 'integer'),
  ]),
  DatabaseUser: managedKind(
    { kind: 'DatabaseUser', plural: 'databaseusers', shortNames: ['dbu'] },
    DatabaseUser,
    [instanceRef, phase, column('SECRET', '.spec.writeConnectionSecretToRef.name', 'string', 1)],
  ),
  DatabaseRole: managedKind(
    { kind: 'DatabaseRole', plural: 'databaseroles', shortNames: ['dbr'] },
    DatabaseRole,
    [instanceRef, phase],
  ),
  DatabaseGrant: managedKind(
    { kind: 'DatabaseGrant', plural: 'databasegrants', shortNames: ['dbg'] },
    DatabaseGrant,
    [
      column('USER', '.spec.forProvider.user'),
      column('ROLE', '.spec.forProvider.role'),
      column('DATABASE', '.spec.forProvider.database'),
      phase,
    ],
  ),
  DatabaseBackup: managedKind(
    { kind: 'DatabaseBackup', plural: 'databasebackups', shortNames: ['dbbak'] },
    DatabaseBackup,
    [
      column('DATABASE', '.spec.forProvider.databaseRef.name'),
      phase,
      column('SIZE', '.status.atProvider.storedSizeBytes', 'integer'),
      column('STARTED', '.status.atProvider.startedAt', 'date'),
      column('COMPLETED', '.status.atProvider.completedAt', 'date', 1),
    ],
  ),
  DatabaseBackupSchedule: managedKind(
    { kind: 'DatabaseBackupSchedule', plural: 'databasebackupschedules', shortNames: ['dbbaksched'] },
    DatabaseBackupSchedule,
    [
      column('SCHEDULE', '.spec.forProvider.schedule'),
      column('TIMEZONE', '.spec.forProvider.timezone', 'string', 1),
      phase,
      column('LAST-BACKUP', '.status.atProvider.lastBackup.name'),
      // A string, not a date: kubectl prints future dates as <invalid>.
      column('NEXT-BACKUP', '.status.atProvider.nextBackupTime'),
    ],
  ),
  DatabaseRestore: managedKind(
    { kind: 'DatabaseRestore', plural: 'databaserestores', shortNames: ['dbrestore'] },
    DatabaseRestore,
    [
      column('BACKUP', '.spec.forProvider.backupRef.name'),
      column('TARGET', '.status.atProvider.targetDatabase'),
      phase,
      column('STARTED', '.status.atProvider.startedAt', 'date', 1),
    ],
  ),
  ProviderConfig: providerKind(
    { kind: 'ProviderConfig', plural: 'providerconfigs', shortNames: [], namespaced: true, status: true },
    ProviderConfig,
    providerConfigColumns,
  ),
  ClusterProviderConfig: providerKind(
    {
      kind: 'ClusterProviderConfig',
      plural: 'clusterproviderconfigs',
      shortNames: [],
      namespaced: false,
      status: true,
    },
    ClusterProviderConfig,
    providerConfigColumns,
  ),
  ProviderConfigUsage: providerKind(
    {
      kind: 'ProviderConfigUsage',
      plural: 'providerconfigusages',
      shortNames: [],
      namespaced: true,
      status: false,
    },
    ProviderConfigUsage,
    [
      column('CONFIG-KIND', '.providerConfigRef.kind'),
      column('CONFIG-NAME', '.providerConfigRef.name'),
      column('RESOURCE-KIND', '.resourceRef.kind'),
      column('RESOURCE-NAME', '.resourceRef.name'),
    ],
  ),
} as const satisfies Record<string, KindDefinition>;

export type KindName = keyof typeof kinds;

export const allKinds: readonly KindDefinition[] = Object.values(kinds);

export const managedKinds: readonly KindDefinition[] = allKinds.filter((k) => k.managed);
