// What a spec points at besides its own server object (a grant's grantee, database and roles; a user's
// inRoles; a database's owner or template) must belong to the same namespace: an object of this namespace
// owns it. Otherwise one namespace could hand itself another's data or roles, or the server's own.
import type { DatabaseInstance } from '../../apis/database-instance.ts';
import type { Engine, OwnedClass } from '../../engines/engine.ts';
import type { ManagedResource } from '../../runtime/managed.ts';
import { OwnershipConflictError } from './guard.ts';
import { protectedReason } from './protected.ts';
import { describeOwner, parseRecord } from './record.ts';

/** The server objects a spec names, by class, and what each is in the spec (for messages). */
export interface NameReferences {
  account: { name: string; as: string }[];
  database: { name: string; as: string }[];
  /** Privileges on the whole server (MySQL ON *.*): only the instance's own namespace may grant them. */
  serverWide?: string;
}

/** Why a reference from `namespace` is refused, given the ownership records read for it; pure. */
export function foreignReference(
  namespace: string,
  ref: { name: string; as: string },
  record: string | undefined,
): string | undefined {
  const owner = record === undefined ? undefined : parseRecord(record);
  if (owner?.namespace === namespace) return undefined;
  const held =
    owner === undefined ? 'is not managed by provider-dbops' : `belongs to ${describeOwner(owner)}`;
  return `${ref.as} "${ref.name}" ${held}; only objects of namespace ${namespace} may be named here`;
}

/** Refuses (OwnershipConflictError) the first reference that is protected or not of `mg`'s namespace. */
export async function checkReferences(
  on: { engine: Engine; instance: DatabaseInstance },
  mg: ManagedResource,
  refs: NameReferences,
  signal: AbortSignal,
): Promise<void> {
  const { engine, instance } = on;
  const namespace = mg.metadata.namespace ?? '';
  if (refs.serverWide !== undefined && namespace !== instance.metadata.namespace) {
    throw new OwnershipConflictError(
      `${refs.serverWide} apply to the whole server; only objects in the DatabaseInstance's namespace ` +
        `${instance.metadata.namespace ?? ''} may grant them`,
    );
  }
  for (const objectClass of ['account', 'database'] as const satisfies readonly OwnedClass[]) {
    const named = refs[objectClass];
    if (named.length === 0) continue;
    for (const ref of named) {
      const reason = protectedReason(engine, instance, objectClass, ref.name);
      if (reason !== undefined)
        throw new OwnershipConflictError(`${ref.as} "${ref.name}" is protected: ${reason}`);
    }
    const records = await engine.readOwners(objectClass, [...new Set(named.map((r) => r.name))], signal);
    for (const ref of named) {
      const refused = foreignReference(namespace, ref, records.get(ref.name));
      if (refused !== undefined) throw new OwnershipConflictError(refused);
    }
  }
}
