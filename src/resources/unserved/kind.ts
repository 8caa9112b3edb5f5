// Kinds the provider installs CRDs for but does not reconcile yet: backups, backup schedules and restores. An
// object of such a kind must not sit with an empty status forever, looking accepted: each reconcile fails with
// a message that says so (Synced=False, a Warning event, phase Failed), and deleting it is immediate.
import type { ResourceType } from '../../kube/api.ts';
import type { ExternalClient } from '../../runtime/external.ts';
import type { ManagedResource } from '../../runtime/managed.ts';
import type { ManagedKind } from '../../runtime/provider.ts';

export function unservedKind(type: ResourceType): ManagedKind {
  const refusal = () =>
    Promise.reject(
      new Error(
        `${type.kind} is not served yet by this version of provider-dbops: the object is kept, nothing is done`,
      ),
    );
  const client: ExternalClient<ManagedResource> = {
    // Nothing was ever made for it, so a deleted object has nothing left outside Kubernetes.
    observe: (mg) =>
      mg.metadata.deletionTimestamp === undefined
        ? refusal()
        : Promise.resolve({ resourceExists: false, resourceUpToDate: true }),
    create: refusal,
    update: refusal,
    delete: () => Promise.resolve(),
  };
  return { type, connector: { connect: () => Promise.resolve(client) } };
}
