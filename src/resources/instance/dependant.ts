// What every kind that lives on a DatabaseInstance shares: resolving instanceRef/instanceSelector, and a
// connector that hands the kind's client a usable instance and its engine, or fails with a message a user
// understands before any SQL is sent.
import type { DatabaseInstance } from '../../apis/database-instance.ts';
import { namespaceAllowed } from '../../apis/references.ts';
import { kinds } from '../../apis/registry.ts';
import type { Engine, Observed, OwnedClass } from '../../engines/engine.ts';
import type { KubeApi, ResourceType } from '../../kube/api.ts';
import { externalName } from '../../runtime/annotations.ts';
import { available, markConditions } from '../../runtime/conditions.ts';
import type { ExternalClient, ExternalConnector, ExternalObservation } from '../../runtime/external.ts';
import type { Dependency } from '../../runtime/dependencies.ts';
import type { ManagedResource } from '../../runtime/managed.ts';
import type { ManagedKind } from '../../runtime/provider.ts';
import {
  resolveReference,
  type NamespacedReference,
  type NamespacedSelector,
} from '../../runtime/references.ts';
import type { DbopsMetrics } from '../../metrics/dbops.ts';
import { countedOperations, initialiseOperations } from '../metrics.ts';
import { OwnershipConflictError, OwnershipGuard } from '../ownership/guard.ts';
import { protectedReason } from '../ownership/protected.ts';
import { checkReferences, type NameReferences } from '../ownership/references.ts';
import { engineMismatch, type EngineSpecific } from './fit.ts';
import { InstanceUnusableError, type Instances } from './instances.ts';

/** What every kind's constructor is given. */
export interface KindContext {
  kube: KubeApi;
  instances: Instances;
  /** Where operations are counted; absent in tests that do not look. */
  metrics?: DbopsMetrics;
}

/** A managed resource on a DatabaseInstance. */
export interface Dependant extends ManagedResource {
  spec: ManagedResource['spec'] & {
    forProvider: EngineSpecific & {
      instanceRef?: NamespacedReference;
      instanceSelector?: NamespacedSelector;
    };
  };
}

/** Reconciles a kind's objects as soon as their instance becomes (un)available. */
export const instanceDependency: Dependency<Dependant> = {
  type: kinds.DatabaseInstance,
  reference: (mg) => mg.spec.forProvider.instanceRef,
};

/** Resolves instanceSelector into instanceRef; true when the spec changed. */
export async function resolveInstanceRef(kube: KubeApi, mg: Dependant): Promise<boolean> {
  const fp = mg.spec.forProvider;
  const ref = await resolveReference(kube, mg, {
    ref: fp.instanceRef,
    selector: fp.instanceSelector,
    target: kinds.DatabaseInstance,
  });
  if (ref === fp.instanceRef || ref === undefined) return false;
  fp.instanceRef = ref;
  return true;
}

export interface OnInstance {
  instance: DatabaseInstance;
  engine: Engine;
  /** The instance's own CA bundle (PEM), when it has one. */
  ca?: string;
}

/** What a kind that owns a server object gets: the guard its observe must consult (ownership/guard.ts). */
export interface OwnerOnInstance extends OnInstance {
  ownership: OwnershipGuard;
}

/** Builds a kind's client for one reconcile, given the usable instance and its engine. */
export type ClientFactory<T extends Dependant, On extends OnInstance = OnInstance> = (
  mg: T,
  on: On,
  signal: AbortSignal,
) => Promise<ExternalClient<T>> | ExternalClient<T>;

/** Other server objects a kind's spec names, which must belong to the object's own namespace. */
export type ReferencedNames<T extends Dependant> = (mg: T) => NameReferences;

/** The client of an object being deleted that owns nothing: it reports nothing there, so nothing is dropped. */
function releasedClient<T extends Dependant>(reason: string): ExternalClient<T> {
  const refuse = () => Promise.reject(new OwnershipConflictError(reason));
  return {
    observe: () => Promise.resolve({ resourceExists: false, resourceUpToDate: false }),
    create: refuse,
    update: refuse,
    delete: refuse,
  };
}

/** What the names a spec references decide, besides refusing work while they do not fit. */
interface References<T extends Dependant> {
  names: ReferencedNames<T>;
  /**
   * The kind's delete acts on the referenced objects (a grant revokes from its grantee): while deleting,
   * references that do not fit any more make the object let go instead, touching nothing.
   */
  guardDeletes: boolean;
}

/**
 * A connector that checks the instance (and that the settings fit its engine) and the names the spec
 * references before `build` makes the client.
 */
function onInstance<T extends Dependant>(
  instances: Instances,
  references: References<T> | undefined,
  build: (mg: T, on: OnInstance, signal: AbortSignal) => Promise<ExternalClient<T>>,
): ExternalConnector<T> {
  return {
    async connect(mg, signal) {
      const on = await instances.forDependant(mg, mg.spec.forProvider.instanceRef);
      const mismatch = engineMismatch(on.instance.spec.forProvider.engine, mg.spec.forProvider);
      if (mismatch !== undefined) throw new InstanceUnusableError(mismatch);
      const deleting = mg.metadata.deletionTimestamp !== undefined;
      if (references && (!deleting || references.guardDeletes)) {
        try {
          await checkReferences(on, mg, references.names(mg), signal);
        } catch (err) {
          if (deleting && err instanceof OwnershipConflictError) return releasedClient(err.message);
          throw err;
        }
      }
      return build(mg, on, signal);
    },
  };
}

/** The object's name on the server: its external name, which the reconciler defaults to metadata.name. */
export function serverName(mg: ManagedResource): string {
  return externalName(mg) ?? mg.metadata.name;
}

/** What an engine's observation means to the reconciler; marks the resource Ready when it exists. */
export function observed(mg: ManagedResource, o: Observed<unknown>): ExternalObservation {
  if (!o.exists) return { resourceExists: false, resourceUpToDate: false };
  markConditions(mg, [available()]);
  return {
    resourceExists: true,
    resourceUpToDate: o.differences.length === 0,
    ...(o.differences.length > 0 ? { diff: o.differences.join('; ') } : {}),
  };
}

/** The client with its operations counted (the namespace's series exist from before its first one). */
function counted<T extends Dependant>(
  ctx: KindContext,
  type: ResourceType,
  on: OnInstance & { mg: T },
  client: ExternalClient<T>,
): ExternalClient<T> {
  const engine = on.instance.spec.forProvider.engine;
  initialiseOperations(ctx.metrics, engine, on.mg.metadata.namespace ?? '');
  return countedOperations(ctx.metrics, type.kind, engine, client);
}

function dependantKind<T extends Dependant>(
  type: ResourceType,
  ctx: KindContext,
  connector: ExternalConnector<T>,
): ManagedKind<T> {
  return {
    type,
    resolveReferences: (mg) => resolveInstanceRef(ctx.kube, mg),
    dependsOn: [instanceDependency],
    connector,
    // SQL objects are named by their spec, and a server shows what it created at once.
    deterministicExternal: true,
  };
}

/**
 * A kind that lives on a DatabaseInstance: its instance reference is resolved, it is reconciled when the
 * instance's health changes, and `client` gets the instance's engine once the instance is usable.
 */
export function kindOnInstance<T extends Dependant>(
  type: ResourceType,
  ctx: KindContext,
  client: ClientFactory<T>,
  references?: ReferencedNames<T>,
): ManagedKind<T> {
  // Such a kind's delete acts on what it references (a grant revokes from its grantee).
  const guarded = references && { names: references, guardDeletes: true };
  const connector = onInstance<T>(ctx.instances, guarded, async (mg, on, signal) =>
    counted(ctx, type, { ...on, mg }, await client(mg, on, signal)),
  );
  return dependantKind(type, ctx, connector);
}

/**
 * A kind whose objects each own one server object of class `owns`, named by their external name. Protected
 * names are refused before any SQL (and let go of when deleting), and the client runs behind its ownership
 * guard: its observe must pass the engine's observation through `on.ownership.check`.
 */
export function ownerKindOnInstance<T extends Dependant>(
  type: ResourceType,
  ctx: KindContext,
  { owns, references }: { owns: OwnedClass; references?: ReferencedNames<T> },
  client: ClientFactory<T, OwnerOnInstance>,
): ManagedKind<T> {
  // Its delete drops its own server object only, which the ownership guard protects.
  const checked = references && { names: references, guardDeletes: false };
  const connector = onInstance<T>(ctx.instances, checked, async (mg, on, signal) => {
    const name = serverName(mg);
    const refused = protectedReason(on.engine, on.instance, owns, name);
    if (refused !== undefined) {
      const message = `${owns} "${name}" is protected: ${refused}`;
      if (mg.metadata.deletionTimestamp !== undefined) return releasedClient(message);
      throw new OwnershipConflictError(message);
    }
    const { adoptionNamespaces } = on.instance.spec.forProvider;
    const mayAdopt = namespaceAllowed(
      adoptionNamespaces,
      on.instance.metadata.namespace ?? '',
      mg.metadata.namespace ?? '',
    );
    const ownership = new OwnershipGuard(on.engine, { objectClass: owns, serverName: name, mayAdopt }, mg);
    return ownership.guard(counted(ctx, type, { ...on, mg }, await client(mg, { ...on, ownership }, signal)));
  });
  return dependantKind(type, ctx, connector);
}
