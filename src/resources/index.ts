// Every managed kind the provider serves, each with its connector over the shared DatabaseInstance engines.
import type { KubeApi } from '../kube/api.ts';
import type { ManagedKind } from '../runtime/provider.ts';
import { databaseKind } from './database/kind.ts';
import { databaseGrantKind } from './grant/kind.ts';
import { EngineRegistry } from './instance/engines.ts';
import { Instances } from './instance/instances.ts';
import { databaseInstanceKind } from './instance/kind.ts';
import { databaseRoleKind } from './role/kind.ts';
import { databaseUserKind } from './user/kind.ts';

export interface ManagedKinds {
  kinds: ManagedKind[];
  /** Closes every instance's connection pool. */
  close(): Promise<void>;
}

export function managedKinds(kube: KubeApi, registry = new EngineRegistry()): ManagedKinds {
  const instances = new Instances(kube, registry);
  const kinds = [
    databaseInstanceKind(instances),
    databaseKind(kube, instances),
    databaseUserKind(kube, instances),
    databaseRoleKind(kube, instances),
    databaseGrantKind(kube, instances),
  ] as ManagedKind[];
  return { kinds, close: () => registry.closeAll() };
}
