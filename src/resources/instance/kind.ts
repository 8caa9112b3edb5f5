// The DatabaseInstance kind: Observe connects, pings and reads the server version, and reports the server's
// health as Ready=True/Available or Ready=False/Unavailable with the reason, and in the dbops_* connection
// and health metrics. The server itself is never created or deleted; deleting the object only closes its
// pool and removes its series, and waits while resources still use it (they need it to clean up after
// themselves on the server).
import type { DatabaseInstance } from '../../apis/database-instance.ts';
import { kinds } from '../../apis/registry.ts';
import type { KubeApi } from '../../kube/api.ts';
import { available, markConditions, unavailable } from '../../runtime/conditions.ts';
import { refersTo } from '../../runtime/dependencies.ts';
import type { ExternalClient } from '../../runtime/external.ts';
import type { ManagedKind } from '../../runtime/provider.ts';
import { forgetInstance, recordHealthCheck } from '../metrics.ts';
import { instanceDependency, type Dependant, type KindContext } from './dependant.ts';

const dependantKinds = [kinds.Database, kinds.DatabaseUser, kinds.DatabaseRole, kinds.DatabaseGrant];

/** "Kind namespace/name" of every resource whose instanceRef names this instance. */
async function usersOf(kube: KubeApi, instance: DatabaseInstance): Promise<string[]> {
  const lists = await Promise.all(dependantKinds.map((type) => kube.list<Dependant>(type)));
  return lists.flatMap((list, i) =>
    list.items
      .filter((mg) => refersTo(instanceDependency, mg, instance))
      .map((mg) => `${dependantKinds[i]?.kind ?? ''} ${mg.metadata.namespace ?? ''}/${mg.metadata.name}`),
  );
}

/** Why the instance cannot go yet; listing a few users is enough to act on. */
function stillInUse(users: readonly string[]): string {
  const shown = users.slice(0, 5).join(', ');
  const more = users.length > 5 ? ` and ${String(users.length - 5)} more` : '';
  return `still used by ${String(users.length)} resource(s): ${shown}${more}; delete them first, so they can clean up on the server`;
}

function instanceClient(ctx: KindContext, instance: DatabaseInstance): ExternalClient<DatabaseInstance> {
  const { instances, metrics } = ctx;
  const release = async (mg: DatabaseInstance) => {
    await instances.release(mg);
    forgetInstance(metrics, mg);
  };
  return {
    async observe(mg, signal) {
      if (mg.metadata.deletionTimestamp !== undefined) {
        const users = await usersOf(ctx.kube, mg);
        if (users.length > 0) throw new Error(stillInUse(users));
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
    // The server itself: it always exists, so no create is ever tracked.
    deterministicExternal: true,
  };
}
