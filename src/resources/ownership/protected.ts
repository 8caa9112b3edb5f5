// Names no object may manage on an instance: the engine's system objects and the admin login the provider
// connects as (the engine knows both), plus the names the DatabaseInstance lists itself (its monitoring or
// replication logins). Decided before any SQL is sent.
import type { DatabaseInstance } from '../../apis/database-instance.ts';
import type { Engine, OwnedClass } from '../../engines/engine.ts';

export function protectedReason(
  engine: Engine,
  instance: DatabaseInstance,
  objectClass: OwnedClass,
  name: string,
): string | undefined {
  const system = engine.systemName(objectClass, name);
  if (system !== undefined) return system;
  const listed = instance.spec.forProvider.protectedNames ?? [];
  if (!listed.some((n) => n.toLowerCase() === name.toLowerCase())) return undefined;
  const where = `${instance.metadata.namespace ?? ''}/${instance.metadata.name}`;
  return `"${name}" is in the protectedNames of DatabaseInstance ${where}`;
}
