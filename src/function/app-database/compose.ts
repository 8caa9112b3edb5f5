// Turns a checked plan into the composed resources (keyed by composition resource name) and the composite's
// status. Pure. Names on the server come from the plan (crossplane.io/external-name); Kubernetes names are left
// to Crossplane; grants find their user and database among the composite's own resources by label.
import { createHash } from 'node:crypto';
import { apiVersion } from '../../apis/common.ts';
import { engineFacts, type Engine } from '../../apis/engine-table.ts';
import type { JsonObject } from '../protocol/messages.ts';
import { defaultPrivileges, type AppDatabasePlan, type UserPlan } from './spec.ts';

const componentLabel = 'dbops.dbprovision.io/component';

export interface InstanceTarget {
  name: string;
  namespace: string;
  engine: Engine;
}

/** Composition resource names: stable across renders, so Crossplane updates rather than replaces. */
export const resourceNames = {
  database: 'database',
  user: (name: string) => `user-${name}`,
  grant: (name: string) => `grant-${name}`,
  backupSchedule: 'backup-schedule',
} as const;

/** A label value naming a composed resource: the key itself when it is a valid label value, else a hash. */
export function componentValue(key: string): string {
  if (/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(key)) return key;
  return `h-${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
}

function managed(
  kind: string,
  key: string,
  externalName: string | undefined,
  forProvider: JsonObject,
): JsonObject {
  const labels = { [componentLabel]: componentValue(key) };
  return {
    apiVersion,
    kind,
    metadata:
      externalName === undefined
        ? { labels }
        : { labels, annotations: { 'crossplane.io/external-name': externalName } },
    spec: { forProvider },
  };
}

/**
 * Sets the namespace: Crossplane puts a namespaced composite's resources in its own namespace anyway, but a
 * legacy cluster-scoped composite's namespaced resources need one (its claim's).
 */
function inNamespace(resource: JsonObject, namespace: string): JsonObject {
  (resource['metadata'] as JsonObject)['namespace'] = namespace;
  return resource;
}

function siblingSelector(key: string): JsonObject {
  return { matchControllerRef: true, matchLabels: { [componentLabel]: componentValue(key) } };
}

function databaseResource(plan: AppDatabasePlan, instanceRef: JsonObject, engine: Engine): JsonObject {
  const block = engineFacts[engine].settingsBlock;
  const own = plan.database[block];
  const settings = own === undefined ? {} : { [block]: own };
  return managed('Database', resourceNames.database, plan.database.name, {
    instanceRef,
    deletionProtection: plan.database.deletionProtection,
    ...settings,
  });
}

function userResource(plan: AppDatabasePlan, user: UserPlan, instanceRef: JsonObject): JsonObject {
  const resource = managed('DatabaseUser', resourceNames.user(user.name), user.name, {
    instanceRef,
    connectionDatabase: plan.database.name,
  });
  (resource['spec'] as JsonObject)['writeConnectionSecretToRef'] = { name: user.connectionSecretName };
  return resource;
}

function grantResource(user: UserPlan, privileges: string[], instanceRef: JsonObject, engine: Engine) {
  const onDatabase = { database: { privileges } };
  return managed('DatabaseGrant', resourceNames.grant(user.name), undefined, {
    instanceRef,
    userSelector: siblingSelector(resourceNames.user(user.name)),
    databaseSelector: siblingSelector(resourceNames.database),
    [engineFacts[engine].settingsBlock]: onDatabase,
  });
}

function backupScheduleResource(plan: AppDatabasePlan, databaseObjectName: string): JsonObject | undefined {
  const backup = plan.backup;
  if (backup === undefined) return undefined;
  return managed('DatabaseBackupSchedule', resourceNames.backupSchedule, undefined, {
    schedule: backup.schedule,
    ...(backup.timezone === undefined ? {} : { timezone: backup.timezone }),
    ...(backup.retention === undefined ? {} : { retention: backup.retention }),
    backupTemplate: {
      forProvider: {
        // Backups are owned by the schedule, not the composite, so they cannot select the database as a
        // sibling: they name it, once Crossplane has created it.
        databaseRef: { name: databaseObjectName },
        ...(backup.storage === undefined ? {} : { storage: backup.storage }),
      },
    },
  });
}

export interface Composition {
  resources: Record<string, JsonObject>;
  status: JsonObject;
}

/**
 * The resources of an application database. `databaseObjectName` is the Kubernetes name Crossplane gave the
 * Database (from observed state), needed by the backup schedule; until it exists the schedule waits.
 */
export function composeAppDatabase(
  plan: AppDatabasePlan,
  instance: InstanceTarget,
  databaseObjectName: string | undefined,
): Composition {
  const instanceRef: JsonObject = { name: instance.name, namespace: instance.namespace };
  const resources: Record<string, JsonObject> = {
    [resourceNames.database]: databaseResource(plan, instanceRef, instance.engine),
  };
  for (const user of plan.users) {
    resources[resourceNames.user(user.name)] = userResource(plan, user, instanceRef);
    const privileges = user.privileges ?? defaultPrivileges(instance.engine);
    if (privileges.length > 0) {
      resources[resourceNames.grant(user.name)] = grantResource(
        user,
        privileges,
        instanceRef,
        instance.engine,
      );
    }
  }
  // The schedule needs the Database's Kubernetes name, so it joins one render after the Database exists.
  const schedule =
    databaseObjectName === undefined ? undefined : backupScheduleResource(plan, databaseObjectName);
  if (schedule !== undefined) resources[resourceNames.backupSchedule] = schedule;
  for (const resource of Object.values(resources)) inNamespace(resource, plan.namespace);
  const status: JsonObject = {
    engine: instance.engine,
    instance: { name: instance.name, namespace: instance.namespace },
    databaseName: plan.database.name,
    users: plan.users.map((u) => ({ name: u.name, connectionSecretName: u.connectionSecretName })),
  };
  return { resources, status };
}
