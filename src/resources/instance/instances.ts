// The DatabaseInstances as the other kinds use them: an instance's engine, built from its Secrets, and the
// checks a dependant passes before any SQL is sent (the reference resolves, the instance allows the
// dependant's namespace, the server is not known to be down).
import type { DatabaseInstance } from '../../apis/database-instance.ts';
import { kinds } from '../../apis/registry.ts';
import type { Engine } from '../../engines/engine.ts';
import type { KubeApi } from '../../kube/api.ts';
import { getCondition } from '../../runtime/conditions.ts';
import type { ManagedResource } from '../../runtime/managed.ts';
import { namespaceAllowed } from '../../apis/references.ts';
import { type NamespacedReference } from '../../runtime/references.ts';
import type { EngineRegistry } from './engines.ts';
import { readSecretKeys } from './secrets.ts';
import { connectionSettings, secretNeeds, type SecretValues } from './settings.ts';

/** A dependant cannot use its instance yet; the message tells the user why. */
export class InstanceUnusableError extends Error {
  override name = 'InstanceUnusableError';
}

export interface UsableInstance {
  instance: DatabaseInstance;
  engine: Engine;
  /** The instance's own CA bundle (PEM), for clients that must verify the server as the provider does. */
  ca?: string;
}

/**
 * Why a resource in namespace `from` cannot use `instance` now, or undefined when it can. An instance being
 * deleted takes no new work but still serves the deletion of the resources it waits for.
 */
export function whyUnusable(
  instance: DatabaseInstance,
  from: string,
  dependantDeleting = false,
): string | undefined {
  const own = instance.metadata.namespace ?? '';
  if (!namespaceAllowed(instance.spec.forProvider.allowedNamespaces, own, from)) {
    return `does not allow namespace ${from} (see its allowedNamespaces)`;
  }
  if (instance.metadata.deletionTimestamp !== undefined && !dependantDeleting) return 'is being deleted';
  const ready = getCondition(instance.status?.conditions, 'Ready');
  if (ready.status === 'False') return `is unavailable: ${ready.message ?? ready.reason ?? 'not ready'}`;
  return undefined;
}

export class Instances {
  constructor(
    private readonly kube: KubeApi,
    private readonly registry: EngineRegistry,
  ) {}

  /** Reads the instance's Secrets and returns its engine (the same one while the settings are unchanged). */
  async connect(instance: DatabaseInstance): Promise<Engine> {
    const needs = secretNeeds(instance);
    const values = await readSecretKeys(this.kube, instance.metadata.namespace ?? '', needs);
    const byPurpose: SecretValues = Object.fromEntries(needs.map((n, i) => [n.purpose, values[i]]));
    return this.registry.engineFor(
      instance.metadata.uid ?? '',
      instance.metadata.generation ?? 0,
      connectionSettings(instance, byPurpose),
    );
  }

  /** Closes the pool of a deleted instance. */
  release(instance: DatabaseInstance): Promise<void> {
    return this.registry.release(instance.metadata.uid ?? '');
  }

  /** The instance `mg` references and its engine, or InstanceUnusableError saying why not. */
  async forDependant(mg: ManagedResource, ref: NamespacedReference | undefined): Promise<UsableInstance> {
    if (ref === undefined) throw new InstanceUnusableError('forProvider.instanceRef is not set or resolved');
    const from = mg.metadata.namespace ?? '';
    const namespace = ref.namespace ?? from;
    const what = `DatabaseInstance ${namespace}/${ref.name}`;
    const instance = await this.kube.get<DatabaseInstance>(kinds.DatabaseInstance, {
      namespace,
      name: ref.name,
    });
    if (instance === undefined) throw new InstanceUnusableError(`${what} not found`);
    const unusable = whyUnusable(instance, from, mg.metadata.deletionTimestamp !== undefined);
    if (unusable !== undefined) throw new InstanceUnusableError(`${what} ${unusable}`);
    const uid = instance.metadata.uid ?? '';
    const engine =
      this.registry.cached(uid, instance.metadata.generation ?? 0) ?? (await this.connect(instance));
    const ca = this.registry.trustedCa(uid);
    return ca === undefined ? { instance, engine } : { instance, engine, ca };
  }
}
