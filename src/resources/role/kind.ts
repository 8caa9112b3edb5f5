// The DatabaseRole kind: a PostgreSQL NOLOGIN role or a MySQL 8 / MariaDB role. Privileges reach it through
// DatabaseGrant.
import type { DatabaseRole } from '../../apis/database-role.ts';
import { kinds } from '../../apis/registry.ts';
import type { ManagedKind } from '../../runtime/provider.ts';
import { kindOnInstance, observed, serverName, type KindContext } from '../instance/dependant.ts';

export function databaseRoleKind(ctx: KindContext): ManagedKind<DatabaseRole> {
  return kindOnInstance<DatabaseRole>(kinds.DatabaseRole, ctx, (_, { engine }) => ({
    async observe(mg, signal) {
      return observed(mg, await engine.observeRole(serverName(mg), mg.spec.forProvider, signal));
    },
    async create(mg, signal) {
      await engine.createRole(serverName(mg), mg.spec.forProvider, signal);
      return {};
    },
    async update(mg, signal) {
      await engine.updateRole(serverName(mg), mg.spec.forProvider, signal);
      return {};
    },
    delete: (mg, signal) => engine.dropRole(serverName(mg), signal),
  }));
}
