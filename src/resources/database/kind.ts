// The Database kind: a PostgreSQL database or a MySQL/MariaDB schema. Observe reads it from the catalogs and
// reports size, owner, encoding and collation; deletion drops it (sessions ended first) unless deletion
// protection is on.
import type { DatabaseInstance } from '../../apis/database-instance.ts';
import type { Database } from '../../apis/database.ts';
import { kinds } from '../../apis/registry.ts';
import type { DatabaseState } from '../../engines/engine.ts';
import type { ManagedKind } from '../../runtime/provider.ts';
import { observed, ownerKindOnInstance, serverName, type KindContext } from '../instance/dependant.ts';
import type { NameReferences } from '../ownership/references.ts';
import { RefusedByPolicyError } from '../refusal.ts';

type DatabaseObservation = NonNullable<NonNullable<Database['status']>['atProvider']>;

export class DeletionProtectedError extends RefusedByPolicyError {
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

/** The labels of a database's size series: its name on the server and its instance. */
function sizeLabels(mg: Database, instance: DatabaseInstance): Record<string, string> {
  return {
    database: serverName(mg),
    instance: instance.metadata.name,
    engine: instance.spec.forProvider.engine,
    namespace: mg.metadata.namespace ?? '',
  };
}

/** The templates every PostgreSQL server offers to copy; any other template is another database's data. */
const builtInTemplates = new Set(['template0', 'template1']);

/** The roles and databases a Database's spec names: owners, and a template to copy. */
export function databaseReferences(mg: Database): NameReferences {
  const pg = mg.spec.forProvider.postgres;
  const owners = [
    ...(pg?.owner === undefined ? [] : [{ name: pg.owner, as: 'owner' }]),
    ...(pg?.schemas ?? []).flatMap((s) =>
      s.owner === undefined ? [] : [{ name: s.owner, as: 'schema owner' }],
    ),
  ];
  const template = pg?.template;
  const copies =
    template === undefined || builtInTemplates.has(template) ? [] : [{ name: template, as: 'template' }];
  return { account: owners, database: copies };
}

export function databaseKind(ctx: KindContext): ManagedKind<Database> {
  return ownerKindOnInstance<Database>(
    kinds.Database,
    ctx,
    { owns: 'database', references: databaseReferences },
    (_, { engine, instance, ownership }) => ({
      async observe(mg, signal) {
        const o = ownership.check(
          mg,
          await engine.observeDatabase(serverName(mg), mg.spec.forProvider, signal),
        );
        if (o.exists) {
          const atProvider = databaseObservation(o.state);
          mg.status = { ...mg.status, atProvider };
          if (atProvider.sizeBytes !== undefined) {
            ctx.metrics?.set('dbops_database_size_bytes', sizeLabels(mg, instance), atProvider.sizeBytes);
          }
        }
        return observed(mg, o);
      },
      async create(mg, signal) {
        await engine.createDatabase(serverName(mg), mg.spec.forProvider, ownership.record, signal);
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
        ctx.metrics?.forget('dbops_database_size_bytes', sizeLabels(mg, instance));
      },
    }),
  );
}
