// The DatabaseGrant kind: privileges and role memberships of one grantee. Observe reads the real privileges
// and compares them with the spec and with what this grant applied last (status.atProvider), so Update
// grants what is missing and revokes what left the spec; an up-to-date grant sends no statement.
import type { DatabaseGrant } from '../../apis/database-grant.ts';
import type { DatabaseUser } from '../../apis/database-user.ts';
import { kinds } from '../../apis/registry.ts';
import type { AppliedGrant, Engine, Grantee } from '../../engines/engine.ts';
import type { KubeApi } from '../../kube/api.ts';
import type { Dependency } from '../../runtime/dependencies.ts';
import type { ExternalClient } from '../../runtime/external.ts';
import type { ManagedKind } from '../../runtime/provider.ts';
import { kindOnInstance, observed, type KindContext } from '../instance/dependant.ts';
import type { NameReferences } from '../ownership/references.ts';
import { referenced, resolveGrantReferences } from './references.ts';

/** What this grant applied last, as kept in its status. */
export function previouslyApplied(mg: DatabaseGrant): AppliedGrant | undefined {
  const at = mg.status?.atProvider;
  if (at?.privileges === undefined && at?.memberOf === undefined) return undefined;
  return { memberOf: at.memberOf ?? [], privileges: at.privileges ?? [] };
}

/** The grantee; for a referenced MySQL/MariaDB user, every host it has an account on. */
async function granteeOf(kube: KubeApi, mg: DatabaseGrant): Promise<Grantee> {
  const fp = mg.spec.forProvider;
  if (fp.role !== undefined) return { kind: 'role', name: fp.role };
  if (fp.user === undefined) throw new Error('forProvider.user is not set or resolved');
  if (fp.userRef === undefined) return { kind: 'user', name: fp.user };
  const user = await referenced<DatabaseUser>(kube, mg, fp.userRef, kinds.DatabaseUser);
  const hosts = user.spec.forProvider.mysql?.allowedHosts;
  return hosts === undefined ? { kind: 'user', name: fp.user } : { kind: 'user', name: fp.user, hosts };
}

function grantClient(engine: Engine, grantee: Grantee): ExternalClient<DatabaseGrant> {
  let held: AppliedGrant | undefined;
  const apply = async (mg: DatabaseGrant, signal: AbortSignal) => {
    const applied = await engine.applyGrant(grantee, mg.spec.forProvider, previouslyApplied(mg), signal);
    mg.status = { ...mg.status, atProvider: applied };
    return {};
  };
  return {
    async observe(mg, signal) {
      const o = await engine.observeGrant(grantee, mg.spec.forProvider, previouslyApplied(mg), signal);
      held = o.state;
      return observed(mg, o);
    },
    create: apply,
    update: apply,
    async delete(mg, signal) {
      const applied = previouslyApplied(mg) ?? held;
      if (applied !== undefined) await engine.revokeGrant(grantee, applied, signal);
      // Nothing is applied any more: the next Observe then confirms the grant is gone.
      mg.status = { ...mg.status, atProvider: {} };
    },
  };
}

/** A grant is retried as soon as its user, role or database becomes Ready. */
const granteeAndTarget: Dependency<DatabaseGrant>[] = [
  { type: kinds.DatabaseUser, reference: (mg) => mg.spec.forProvider.userRef },
  { type: kinds.DatabaseRole, reference: (mg) => mg.spec.forProvider.roleRef },
  { type: kinds.Database, reference: (mg) => mg.spec.forProvider.databaseRef },
];

/**
 * What a grant touches besides privileges: its grantee, its database, the roles it hands out and the roles
 * whose future objects it covers; all must belong to the grant's namespace. Server-wide privileges are the
 * instance's own namespace's to give.
 */
export function grantReferences(mg: DatabaseGrant): NameReferences {
  const fp = mg.spec.forProvider;
  const named = (name: string | undefined, as: string) => (name === undefined ? [] : [{ name, as }]);
  const grantee = [...named(fp.user, 'grantee user'), ...named(fp.role, 'grantee role')];
  // Deleting revokes from the grantee only, which can only lose what it holds: the grantee alone must still
  // be this namespace's (a role or database deleted first must not keep the rest from being revoked).
  if (mg.metadata.deletionTimestamp !== undefined) return { account: grantee, database: [] };
  return {
    account: [
      ...grantee,
      ...(fp.memberOf ?? []).map((m) => ({ name: m.role, as: 'role in memberOf' })),
      ...(fp.postgres?.defaultPrivileges ?? []).map((d) => ({ name: d.forRole, as: 'forRole' })),
    ],
    database: named(fp.database, 'database'),
    ...(fp.mysql?.global === undefined ? {} : { serverWide: 'global privileges (ON *.*)' }),
  };
}

export function databaseGrantKind(ctx: KindContext): ManagedKind<DatabaseGrant> {
  const kind = kindOnInstance<DatabaseGrant>(
    kinds.DatabaseGrant,
    ctx,
    async (mg, { engine }) => grantClient(engine, await granteeOf(ctx.kube, mg)),
    grantReferences,
  );
  return {
    ...kind,
    resolveReferences: (mg) => resolveGrantReferences(ctx.kube, mg),
    dependsOn: [...(kind.dependsOn ?? []), ...granteeAndTarget],
  };
}
