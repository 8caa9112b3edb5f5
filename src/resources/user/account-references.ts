// What a PostgreSQL user's or role's own spec reaches beyond itself. The roles it joins (inRoles) must, like a
// grant's memberOf, belong to its namespace, or a tenant could join another's roles or the server's own. And
// the attributes that act on the whole server (SUPERUSER, CREATEROLE, CREATEDB, REPLICATION, BYPASSRLS: a
// CREATEROLE role may alter every other tenant's role) are the instance's own namespace's to hand out.
import type { DatabaseRole } from '../../apis/database-role.ts';
import type { DatabaseUser } from '../../apis/database-user.ts';
import type { NameReferences } from '../ownership/references.ts';

const serverWideAttributes = ['superuser', 'createRole', 'createDB', 'replication', 'bypassRLS'] as const;

export function accountReferences(mg: DatabaseUser | DatabaseRole): NameReferences {
  const pg = mg.spec.forProvider.postgres;
  const attributes = serverWideAttributes.filter((a) => pg?.[a] === true);
  return {
    account: (pg?.inRoles ?? []).map((name) => ({ name, as: 'role in inRoles' })),
    database: [],
    ...(attributes.length === 0 ? {} : { serverWide: `the role attributes ${attributes.join(', ')}` }),
  };
}
