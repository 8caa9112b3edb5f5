// The DatabaseInstance kind: Observe connects, pings and reads the server version, and reports the server's
// health as Ready=True/Available or Ready=False/Unavailable with the reason. The server itself is never
// created or deleted; deleting the object only closes its pool.
import type { DatabaseInstance } from '../../apis/database-instance.ts';
import { kinds } from '../../apis/registry.ts';
import { available, markConditions, unavailable } from '../../runtime/conditions.ts';
import type { ExternalClient } from '../../runtime/external.ts';
import type { ManagedKind } from '../../runtime/provider.ts';
import type { Instances } from './instances.ts';

function instanceClient(instances: Instances, instance: DatabaseInstance): ExternalClient<DatabaseInstance> {
  return {
    async observe(mg, signal) {
      if (mg.metadata.deletionTimestamp !== undefined) {
        await instances.release(mg);
        return { resourceExists: false, resourceUpToDate: true };
      }
      try {
        const engine = await instances.connect(instance);
        const { version } = await engine.ping(signal);
        mg.status = { ...mg.status, atProvider: { version } };
        markConditions(mg, [available()]);
      } catch (err) {
        markConditions(mg, [unavailable(err instanceof Error ? err.message : String(err))]);
      }
      // The server is always "there": health is reported through Ready, not by recreating anything.
      return { resourceExists: true, resourceUpToDate: true };
    },
    create: () => Promise.resolve({}),
    update: () => Promise.resolve({}),
    delete: (mg) => instances.release(mg),
  };
}

export function databaseInstanceKind(instances: Instances): ManagedKind<DatabaseInstance> {
  return {
    type: kinds.DatabaseInstance,
    connector: { connect: (mg) => Promise.resolve(instanceClient(instances, mg)) },
  };
}
