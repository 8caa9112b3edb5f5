// The Database kind: a PostgreSQL database or a MySQL/MariaDB schema. Observe reads it from the catalogs and
// reports size, owner, encoding and collation; deletion drops it (sessions ended first) unless deletion
// protection is on.
import type { Database } from '../../apis/database.ts';
import { kinds } from '../../apis/registry.ts';
import type { DatabaseState } from '../../engines/engine.ts';
import type { KubeApi } from '../../kube/api.ts';
import type { ManagedKind } from '../../runtime/provider.ts';
import { kindOnInstance, observed, serverName } from '../instance/dependant.ts';
import type { Instances } from '../instance/instances.ts';

type DatabaseObservation = NonNullable<NonNullable<Database['status']>['atProvider']>;

export class DeletionProtectedError extends Error {
  override name = 'DeletionProtectedError';
}

/** status.atProvider from what the engine read. */
export function databaseObservation(state: DatabaseState = {}): DatabaseObservation {
  const pick = (key: keyof DatabaseObservation, kind: 'string' | 'number') =>
    typeof state[key] === kind ? { [key]: state[key] } : {};
  return {
    ...pick('sizeBytes', 'number'),
    ...pick('owner', 'string'),
    ...pick('encoding', 'string'),
    ...pick('collation', 'string'),
  };
}

export function databaseKind(kube: KubeApi, instances: Instances): ManagedKind<Database> {
  return kindOnInstance<Database>(kinds.Database, kube, instances, (_, { engine }) => ({
    async observe(mg, signal) {
      const o = await engine.observeDatabase(serverName(mg), mg.spec.forProvider, signal);
      if (o.exists) mg.status = { ...mg.status, atProvider: databaseObservation(o.state) };
      return observed(mg, o);
    },
    async create(mg, signal) {
      await engine.createDatabase(serverName(mg), mg.spec.forProvider, signal);
      return {};
    },
    async update(mg, signal) {
      await engine.updateDatabase(serverName(mg), mg.spec.forProvider, signal);
      return {};
    },
    async delete(mg, signal) {
      if (mg.spec.forProvider.deletionProtection) {
        throw new DeletionProtectedError(
          `database ${serverName(mg)} is protected: set forProvider.deletionProtection to false to drop it, ` +
            'or leave Delete out of managementPolicies to keep it',
        );
      }
      await engine.dropDatabase(serverName(mg), signal);
    },
  }));
}
