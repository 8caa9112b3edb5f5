// A DatabaseGrant's references: the instance, and the grantee (DatabaseUser or DatabaseRole) and target
// Database, whose external names fill forProvider.user / role / database the Crossplane way. A referenced
// object must also be Ready: until it is, the grant waits (and is retried the moment it turns Ready) instead of
// sending GRANTs that fail because the user or database does not exist yet.
import type { DatabaseGrant } from '../../apis/database-grant.ts';
import { kinds } from '../../apis/registry.ts';
import type { KubeApi, KubeObject, ResourceType } from '../../kube/api.ts';
import { isReady } from '../../runtime/conditions.ts';
import type { ManagedResource } from '../../runtime/managed.ts';
import {
  NotReadyYet,
  ReferenceError,
  resolveReference,
  type NamespacedReference,
} from '../../runtime/references.ts';
import { resolveInstanceRef, serverName } from '../instance/dependant.ts';

type Parameters = DatabaseGrant['spec']['forProvider'];

interface NameField {
  name: 'user' | 'role' | 'database';
  ref: 'userRef' | 'roleRef' | 'databaseRef';
  selector: 'userSelector' | 'roleSelector' | 'databaseSelector';
  target: ResourceType;
}

const nameFields: readonly NameField[] = [
  { name: 'user', ref: 'userRef', selector: 'userSelector', target: kinds.DatabaseUser },
  { name: 'role', ref: 'roleRef', selector: 'roleSelector', target: kinds.DatabaseRole },
  { name: 'database', ref: 'databaseRef', selector: 'databaseSelector', target: kinds.Database },
];

/** The object a resolved reference names, or ReferenceError. */
export async function referenced<T extends KubeObject>(
  kube: KubeApi,
  grant: DatabaseGrant,
  ref: NamespacedReference,
  target: ResourceType,
): Promise<T> {
  const namespace = ref.namespace ?? grant.metadata.namespace ?? '';
  const found = await kube.get<T>(target, { namespace, name: ref.name });
  if (found === undefined) throw new ReferenceError(`${target.kind} ${namespace}/${ref.name} not found`);
  return found;
}

async function resolveName(kube: KubeApi, mg: DatabaseGrant, field: NameField): Promise<boolean> {
  const fp: Parameters = mg.spec.forProvider;
  const current = fp[field.ref];
  const ref = await resolveReference(kube, mg, {
    ref: current,
    selector: fp[field.selector],
    target: field.target,
  });
  if (ref === undefined) return false;
  const target = await referenced<ManagedResource>(kube, mg, ref, field.target);
  if (!isReady(target)) {
    const namespace = target.metadata.namespace ?? '';
    throw new NotReadyYet(`${field.target.kind} ${namespace}/${ref.name} is not Ready yet`);
  }
  const name = serverName(target);
  const changed = ref !== current || fp[field.name] !== name;
  fp[field.ref] = ref;
  fp[field.name] = name;
  return changed;
}

/** Resolves every reference of the grant; true when the spec changed. */
export async function resolveGrantReferences(kube: KubeApi, mg: DatabaseGrant): Promise<boolean> {
  let changed = await resolveInstanceRef(kube, mg);
  for (const field of nameFields) changed = (await resolveName(kube, mg, field)) || changed;
  return changed;
}
