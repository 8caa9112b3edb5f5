// Every managed kind the provider serves, each with its connector over the shared DatabaseInstance engines.
import type { KubeApi } from '../kube/api.ts';
import type { DbopsMetrics } from '../metrics/dbops.ts';
import type { ManagedKind } from '../runtime/provider.ts';
import { databaseKind } from './database/kind.ts';
import { databaseGrantKind } from './grant/kind.ts';
import type { KindContext } from './instance/dependant.ts';
import { EngineRegistry } from './instance/engines.ts';
import { Instances } from './instance/instances.ts';
import { databaseInstanceKind } from './instance/kind.ts';
import { databaseRoleKind } from './role/kind.ts';
import { databaseUserKind } from './user/kind.ts';
import { unservedKind } from './unserved/kind.ts';
import { kinds as apiKinds } from '../apis/registry.ts';

export interface ManagedKinds {
  kinds: ManagedKind[];
  /** Closes every instance's connection pool. */
  close(): Promise<void>;
}

export interface ManagedKindsOptions {
  /** Where the dbops_* metrics are recorded. */
  metrics?: DbopsMetrics;
  registry?: EngineRegistry;
}

export function managedKinds(kube: KubeApi, options: ManagedKindsOptions = {}): ManagedKinds {
  const registry = options.registry ?? new EngineRegistry();
  const ctx: KindContext = {
    kube,
    instances: new Instances(kube, registry),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  };
  const kinds = [
    databaseInstanceKind(ctx),
    databaseKind(ctx),
    databaseUserKind(ctx),
    databaseRoleKind(ctx),
    databaseGrantKind(ctx),
    ...[apiKinds.DatabaseBackup, apiKinds.DatabaseBackupSchedule, apiKinds.DatabaseRestore].map(unservedKind),
  ] as ManagedKind[];
  return { kinds, close: () => registry.closeAll() };
}
