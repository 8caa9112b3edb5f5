// The ownership record: who owns a server object, written on the server with it (a PostgreSQL comment, a
// MySQL/MariaDB ledger row) so that it survives provider restarts, lost status and re-applied manifests. It
// names the kind, namespace and name of the owning object: the same object, re-created from the same manifest,
// owns what it owned before; nothing else does.

const prefix = 'managed by provider-dbops: ';

export interface Owner {
  kind: string;
  namespace: string;
  name: string;
}

/** The record that says `owner` owns an object. */
export function ownershipRecord(owner: Owner): string {
  return `${prefix}${owner.kind} ${owner.namespace}/${owner.name}`;
}

/** The owner a record names, or undefined for text this provider did not write (a DBA's comment). */
export function parseRecord(record: string): Owner | undefined {
  if (!record.startsWith(prefix)) return undefined;
  const match = /^(\w+) ([^/\s]+)\/(\S+)$/.exec(record.slice(prefix.length));
  if (match === null) return undefined;
  const [, kind = '', namespace = '', name = ''] = match;
  return { kind, namespace, name };
}

/** "Database team-a/orders", for messages and status. */
export function describeOwner(owner: Owner): string {
  return `${owner.kind} ${owner.namespace}/${owner.name}`;
}
