// The DatabaseInstance kind: Observe connects, pings and reads the server version, and reports the server's
// health as Ready=True/Available or Ready=False/Unavailable with the reason, and in the dbops_* connection
// and health metrics. The server itself is never created or deleted; deleting the object only closes its
// pool and removes its series.
import type { DatabaseInstance } from '../../apis/database-instance.ts';
import { kinds } from '../../apis/registry.ts';
import { available, markConditions, unavailable } from '../../runtime/conditions.ts';
import type { ExternalClient } from '../../runtime/external.ts';
import type { ManagedKind } from '../../runtime/provider.ts';
import { forgetInstance, recordHealthCheck } from '../metrics.ts';
import type { KindContext } from './dependant.ts';

function instanceClient(ctx: KindContext, instance: DatabaseInstance): ExternalClient<DatabaseInstance> {
  const { instances, metrics } = ctx;
  const release = async (mg: DatabaseInstance) => {
    await instances.release(mg);
    forgetInstance(metrics, mg);
  };
  return {
    async observe(mg, signal) {
      if (mg.metadata.deletionTimestamp !== undefined) {
        await release(mg);
        return { resourceExists: false, resourceUpToDate: true };
      }
      const started = performance.now();
      try {
        const engine = await instances.connect(instance);
        const { version } = await engine.ping(signal);
        mg.status = { ...mg.status, atProvider: { version } };
        markConditions(mg, [available()]);
        recordHealthCheck(metrics, mg, {
          ok: true,
          seconds: (performance.now() - started) / 1000,
          at: new Date(),
        });
      } catch (err) {
        markConditions(mg, [unavailable(err instanceof Error ? err.message : String(err))]);
        recordHealthCheck(metrics, mg, { ok: false, seconds: 0, at: new Date() });
      }
      // The server is always "there": health is reported through Ready, not by recreating anything.
      return { resourceExists: true, resourceUpToDate: true };
    },
    create: () => Promise.resolve({}),
    update: () => Promise.resolve({}),
    delete: release,
  };
}

export function databaseInstanceKind(ctx: KindContext): ManagedKind<DatabaseInstance> {
  return {
    type: kinds.DatabaseInstance,
    connector: { connect: (mg) => Promise.resolve(instanceClient(ctx, mg)) },
  };
}
