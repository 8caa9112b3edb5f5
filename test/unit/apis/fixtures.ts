// A small valid object of every kind, shared by the schema unit tests and the API-server integration test.
// Typed with the kinds' own types, so a schema change that breaks them fails to compile.
import { apiVersion } from '../../../src/apis/common.ts';
import type { DatabaseBackupSchedule } from '../../../src/apis/database-backup-schedule.ts';
import type { DatabaseBackup } from '../../../src/apis/database-backup.ts';
import type { DatabaseGrant } from '../../../src/apis/database-grant.ts';
import type { DatabaseInstance } from '../../../src/apis/database-instance.ts';
import type { DatabaseRestore } from '../../../src/apis/database-restore.ts';
import type { DatabaseRole } from '../../../src/apis/database-role.ts';
import type { DatabaseUser } from '../../../src/apis/database-user.ts';
import type { Database } from '../../../src/apis/database.ts';
import type { ProviderConfigUsage } from '../../../src/apis/provider-config-usage.ts';
import type { ClusterProviderConfig, ProviderConfig } from '../../../src/apis/provider-config.ts';

/** Any fixture, as plain data. */
export type Fixture = { metadata: { name: string; namespace?: string } } & object;

export interface Fixtures {
  DatabaseInstance: DatabaseInstance;
  Database: Database;
  DatabaseUser: DatabaseUser;
  DatabaseRole: DatabaseRole;
  DatabaseGrant: DatabaseGrant;
  DatabaseBackup: DatabaseBackup;
  DatabaseBackupSchedule: DatabaseBackupSchedule;
  DatabaseRestore: DatabaseRestore;
  ProviderConfig: ProviderConfig;
  ClusterProviderConfig: ClusterProviderConfig;
  ProviderConfigUsage: ProviderConfigUsage;
}

/** One valid object per kind in `namespace`; `clusterName` names the cluster-scoped ClusterProviderConfig. */
export function validObjects(namespace: string, clusterName = 'fixture'): Fixtures {
  return {
    DatabaseInstance: {
      apiVersion,
      kind: 'DatabaseInstance',
      metadata: { name: 'pg', namespace },
      spec: {
        forProvider: {
          engine: 'postgres',
          connection: { host: '127.0.0.1', port: 5432, credentialsSecretRef: { name: 'pg-admin' } },
          tls: { mode: 'disable' },
          allowedNamespaces: ['*'],
        },
      },
    },
    Database: {
      apiVersion,
      kind: 'Database',
      metadata: { name: 'orders', namespace },
      spec: {
        forProvider: {
          instanceRef: { name: 'pg' },
          postgres: { encoding: 'UTF8', extensions: [{ name: 'pgcrypto' }], schemas: [{ name: 'app' }] },
        },
      },
    },
    DatabaseUser: {
      apiVersion,
      kind: 'DatabaseUser',
      metadata: { name: 'orders-app', namespace },
      spec: {
        forProvider: {
          instanceSelector: { matchLabels: { engine: 'postgres' } },
          passwordGeneration: { length: 24 },
          connectionDatabase: 'orders',
          connectionSecretTemplate: { data: { DATABASE_URL: '{{ .uri }}' } },
          postgres: {
            login: true,
            inherit: false,
            inRoles: ['readers'],
            configParameters: { search_path: 'app' },
          },
        },
        writeConnectionSecretToRef: { name: 'orders-app-conn' },
      },
    },
    DatabaseRole: {
      apiVersion,
      kind: 'DatabaseRole',
      metadata: { name: 'readers', namespace },
      spec: {
        forProvider: { instanceRef: { name: 'pg' }, postgres: { createDB: false } },
      },
    },
    DatabaseGrant: {
      apiVersion,
      kind: 'DatabaseGrant',
      metadata: { name: 'orders-app', namespace },
      spec: {
        forProvider: {
          instanceRef: { name: 'pg' },
          userRef: { name: 'orders-app' },
          databaseRef: { name: 'orders' },
          memberOf: [{ role: 'readers' }],
          postgres: {
            database: { privileges: ['CONNECT', 'TEMPORARY'] },
            schemas: [{ name: 'app', privileges: ['USAGE'] }],
            tables: [
              { schema: 'app', allInSchema: true, privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] },
            ],
            sequences: [{ schema: 'app', names: ['orders_id_seq'], privileges: ['USAGE'] }],
            functions: [{ schema: 'app', names: ['total(integer)'], privileges: ['EXECUTE'] }],
            defaultPrivileges: [
              { forRole: 'owner', schema: 'app', objectType: 'tables', privileges: ['SELECT'] },
            ],
          },
        },
      },
    },
    DatabaseBackup: {
      apiVersion,
      kind: 'DatabaseBackup',
      metadata: { name: 'orders-now', namespace },
      spec: {
        forProvider: {
          databaseRef: { name: 'orders' },
          storage: { s3: { bucket: 'backups', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true } },
          compression: { algorithm: 'zstd', level: 12 },
          encryption: { keySecretRef: { name: 'backup-key', key: 'key' } },
          ttl: '7d',
          postgres: { format: 'custom', excludeSchemas: ['audit'] },
        },
      },
    },
    DatabaseBackupSchedule: {
      apiVersion,
      kind: 'DatabaseBackupSchedule',
      metadata: { name: 'orders-nightly', namespace },
      spec: {
        forProvider: {
          schedule: '30 2 * * *',
          timezone: 'Europe/Berlin',
          retention: { keepDaily: 7, keepWeekly: 4, minAge: '1d' },
          backupTemplate: {
            metadata: { labels: { app: 'orders' } },
            forProvider: { databaseRef: { name: 'orders' } },
          },
        },
      },
    },
    DatabaseRestore: {
      apiVersion,
      kind: 'DatabaseRestore',
      metadata: { name: 'orders-copy', namespace },
      spec: {
        forProvider: {
          backupRef: { name: 'orders-now' },
          target: { newDatabase: { instanceRef: { name: 'pg' }, name: 'orders_copy' } },
        },
      },
    },
    ProviderConfig: {
      apiVersion,
      kind: 'ProviderConfig',
      metadata: { name: 'local', namespace },
      spec: {
        credentials: { source: 'Secret', secretRef: { name: 's3-creds', key: 'credentials.json' } },
        storage: { s3: { bucket: 'backups', region: 'eu-central-1' } },
      },
    },
    ClusterProviderConfig: {
      apiVersion,
      kind: 'ClusterProviderConfig',
      metadata: { name: clusterName },
      spec: { credentials: { source: 'None' }, storage: { filesystem: { path: '/backups' } } },
    },
    ProviderConfigUsage: {
      apiVersion,
      kind: 'ProviderConfigUsage',
      metadata: { name: 'usage', namespace },
      providerConfigRef: { kind: 'ClusterProviderConfig', name: 'default' },
      resourceRef: { apiVersion, kind: 'Database', name: 'orders' },
    },
  };
}

/** A deep copy of `fixture` with the value at `path` (dot-separated) set, or removed when `value` is undefined. */
export function withValue(fixture: Fixture, path: string, value: unknown): Fixture {
  const copy = structuredClone(fixture) as Record<string, unknown> & Fixture;
  const keys = path.split('.');
  const leaf = keys.pop() ?? '';
  let node: Record<string, unknown> = copy;
  for (const key of keys) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  if (value === undefined) Reflect.deleteProperty(node, leaf);
  else node[leaf] = value;
  return copy;
}
