// The DatabaseRole kind: a PostgreSQL NOLOGIN role or a MySQL 8 / MariaDB role. Privileges reach it through
// DatabaseGrant.
import type { DatabaseRole } from '../../apis/database-role.ts';
import { kinds } from '../../apis/registry.ts';
import type { ManagedKind } from '../../runtime/provider.ts';
import { observed, ownerKindOnInstance, serverName, type KindContext } from '../instance/dependant.ts';
import { accountReferences } from '../user/account-references.ts';

export function databaseRoleKind(ctx: KindContext): ManagedKind<DatabaseRole> {
  return ownerKindOnInstance<DatabaseRole>(
    kinds.DatabaseRole,
    ctx,
    { owns: 'account', references: accountReferences },
    (_, { engine, ownership }) => ({
      async observe(mg, signal) {
        const o = await engine.observeRole(serverName(mg), mg.spec.forProvider, signal);
        return observed(mg, ownership.check(mg, o));
      },
      async create(mg, signal) {
        await engine.createRole(serverName(mg), mg.spec.forProvider, ownership.record, signal);
        return {};
      },
      async update(mg, signal) {
        await engine.updateRole(serverName(mg), mg.spec.forProvider, signal);
        return {};
      },
      delete: (mg, signal) => engine.dropRole(serverName(mg), signal),
    }),
  );
}
