// The managed reconciler: a port of crossplane-runtime's state machine (pkg/reconciler/managed/reconciler.go,
// summarised step by step in reference/crossplane-runtime.md §1.2). It drives one kind's ExternalClient through
// Connect → Observe → Create/Update/Delete and owns every write to the managed resource: annotations, the
// finalizer, conditions and phase. It knows nothing about SQL.
import type { KubeApi, ResourceType } from '../kube/api.ts';
import type { ManagedResourceRecorder } from '../metrics/managed-resource.ts';
import { isConflict } from '../kube/api.ts';
import {
  externalCreateIncomplete,
  externalCreateSucceededWithin,
  externalName,
  isPaused,
  reconcileRequest,
  setExternalCreateFailed,
  setExternalCreatePending,
  setExternalCreateSucceeded,
  setExternalName,
} from './annotations.ts';
import {
  ConditionReason,
  ConditionType,
  creating,
  deleting,
  failureReason,
  getCondition,
  isReady,
  reconcileError,
  reconcilePaused,
  reconcileSuccess,
  restampGeneration,
  setConditions,
  type NewCondition,
} from './conditions.ts';
import { publishConnectionDetails } from './connection-secret.ts';
import { NotReadyYet } from './references.ts';
import type {
  ConnectionDetails,
  ExternalClient,
  ExternalConnector,
  ExternalCreation,
  ExternalObservation,
  ExternalUpdate,
} from './external.ts';
import type { EventRecorder } from './events.ts';
import { objectFields, type Logger } from '../log/logger.ts';
import type { ManagedResource, ObjectKey } from './managed.ts';
import { ManagementPolicyResolver } from './management-policies.ts';
import type { OwnWrites } from './own-writes.ts';
import { managedPhase } from './phase.ts';
import { failActiveSpan, inSpan } from '../tracing/spans.ts';

export const managedFinalizer = 'finalizer.managedresource.crossplane.io';

/** What the controller does with the key after a reconcile. */
export type ReconcileResult =
  | { readonly action: 'done' }
  | { readonly action: 'requeue' } // rate limited: exponential per-item backoff
  | { readonly action: 'requeueAfter'; readonly delayMs: number };

const done: ReconcileResult = { action: 'done' };
const requeue: ReconcileResult = { action: 'requeue' };
/**
 * After a create request succeeded: observe again at once to confirm it, with the backoff earned by earlier
 * failures forgotten (crossplane-runtime requeues rate-limited here, so an object that waited on a dependency
 * through several failures then also waited out their backoff before it could turn Ready). A resource still
 * missing then is retried within the creation grace period, rate-limited, so this cannot loop.
 */
const confirmSoon: ReconcileResult = { action: 'requeueAfter', delayMs: 0 };

/** Standard event reasons (crossplane-runtime reconciler.go). */
export const Reason = {
  CannotConnectToProvider: 'CannotConnectToProvider',
  CannotDisconnectFromProvider: 'CannotDisconnectFromProvider',
  CannotResolveResourceReferences: 'CannotResolveResourceReferences',
  CannotObserveExternalResource: 'CannotObserveExternalResource',
  CannotCreateExternalResource: 'CannotCreateExternalResource',
  CannotDeleteExternalResource: 'CannotDeleteExternalResource',
  CannotPublishConnectionDetails: 'CannotPublishConnectionDetails',
  CannotUpdateExternalResource: 'CannotUpdateExternalResource',
  CannotUpdateManagedResource: 'CannotUpdateManagedResource',
  CannotUseInvalidManagementPolicy: 'CannotUseInvalidManagementPolicy',
  DeletedExternalResource: 'DeletedExternalResource',
  CreatedExternalResource: 'CreatedExternalResource',
  UpdatedExternalResource: 'UpdatedExternalResource',
  PendingExternalResource: 'PendingExternalResource',
  ReconciliationPaused: 'ReconciliationPaused',
  ReconcileRequestHandled: 'ReconcileRequestHandled',
} as const;

export interface ReconcilerDeps<T extends ManagedResource> {
  kube: KubeApi;
  type: ResourceType;
  connector: ExternalConnector<T>;
  /** Reads the resource (from the informer cache); returns a private copy the reconciler may change. */
  get(key: ObjectKey): T | undefined;
  events: EventRecorder;
  log: Logger;
  metrics?: ManagedResourceRecorder;
  /**
   * Resolves references into spec fields; returns true when it changed the spec, which the reconciler then
   * saves. Skipped while deleting.
   */
  resolveReferences?: (mg: T, signal: AbortSignal) => Promise<boolean>;
  /** Makes error text safe for conditions and events (no passwords). */
  redact?: (text: string) => string;
  clock?: () => Date;
  /** Every write of the resource goes through it, so that the next reconcile starts from what we wrote. */
  ownWrites?: OwnWrites<T>;
}

export interface ReconcilerOptions {
  /** How long an external call may take (crossplane's default: 1 minute). */
  timeoutMs: number;
  /** How long a missing resource is tolerated after a successful create (eventual consistency). */
  creationGracePeriodMs: number;
  /** Computes the poll delay for an up-to-date resource (interval, annotation override and jitter). */
  pollDelay: (mg: ManagedResource) => number;
  /** crossplane's management-policies feature flag. */
  managementPoliciesEnabled: boolean;
  /**
   * The external resource's name is known before Create (SQL objects are named by their spec) and Observe sees
   * a Create at once (no eventual consistency). Then the create-pending/-succeeded/-failed annotations are not
   * written: they exist to tell, after a crash, whether a create under a generated name happened, and to give
   * an eventually consistent API a grace period. And a create is confirmed by observing again in the same
   * reconcile instead of in another one, which saves a status write and a trip through the queue.
   */
  deterministicExternal: boolean;
}

export const defaultReconcilerOptions: Omit<ReconcilerOptions, 'pollDelay'> = {
  timeoutMs: 60_000,
  creationGracePeriodMs: 30_000,
  managementPoliciesEnabled: true,
  deterministicExternal: false,
};

/** One reconcile's connected state, passed between the steps. */
interface Attempt<T extends ManagedResource> {
  readonly mg: T;
  readonly client: ExternalClient<T>;
  readonly policy: ManagementPolicyResolver;
  readonly signal: AbortSignal;
}

/** Distinguishes "the status write lost a race" (retry quietly) from real failures. */
class ConflictSignal extends Error {}

/** JSON with object keys sorted: the API server returns keys sorted, while our code builds them in its order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export class ManagedReconciler<T extends ManagedResource> {
  /** The status each reconcile's copy had when read (or last written), to skip writes that change nothing. */
  private readonly statusAsRead = new WeakMap<T, string>();
  /**
   * Copies whose metadata or spec changed in memory (external name defaulted, references resolved) and are not
   * saved yet: they are saved with the finalizer, in one write, once Observe has succeeded.
   */
  private readonly unsaved = new WeakSet<T>();
  private readonly clock: () => Date;
  private readonly redact: (text: string) => string;

  constructor(
    private readonly deps: ReconcilerDeps<T>,
    private readonly options: ReconcilerOptions,
  ) {
    this.clock = deps.clock ?? (() => new Date());
    this.redact = deps.redact ?? ((text) => text);
  }

  async reconcile(key: ObjectKey): Promise<ReconcileResult> {
    const mg = this.deps.get(key);
    if (mg === undefined) return done;
    const kind = this.deps.type.kind;
    // Each reconcile is a trace of its own; the external calls and their SQL are its children.
    return inSpan(
      `reconcile ${kind}`,
      {
        root: true,
        attributes: { kind, namespace: key.namespace, name: key.name },
        describeError: (err) => this.describe('reconcile failed', err),
      },
      async (span) => {
        let result: ReconcileResult | undefined;
        try {
          result = await this.reconcileObject(mg);
          return result;
        } finally {
          span.setAttribute('result', result?.action ?? 'error');
        }
      },
    );
  }

  private async reconcileObject(mg: T): Promise<ReconcileResult> {
    this.logOf(mg).debug(`Reconciling ${this.deps.type.kind}`);
    this.statusAsRead.set(mg, canonicalJson(mg.status ?? {}));
    if (getCondition(mg.status?.conditions, 'Synced').status === 'Unknown')
      this.deps.metrics?.recordFirstTimeReconciled(mg);
    try {
      return await this.reconcileResource(mg);
    } catch (err) {
      if (isConflict(err) || err instanceof ConflictSignal) return requeue;
      throw err;
    }
  }

  private async reconcileResource(mg: T): Promise<ReconcileResult> {
    const policy = this.policyOf(mg);
    if (isPaused(mg) || policy.isPaused()) return this.pause(mg);
    this.noteReconcileRequest(mg);
    const invalid = policy.validate();
    if (invalid !== undefined) {
      this.warn(mg, Reason.CannotUseInvalidManagementPolicy, invalid);
      await this.writeStatus(mg, [reconcileError(invalid)]);
      return done;
    }
    const deleting = mg.metadata.deletionTimestamp !== undefined;
    if (deleting && !policy.shouldDelete()) return this.orphan(mg);
    if (!deleting) this.initialize(mg);
    // SQL object names are deterministic (the external name is known before Create), so an interrupted create
    // is safe to retry: Observe finds out whether it happened. This is crossplane's WithDeterministicExternalName.
    if (externalCreateIncomplete(mg)) this.logOf(mg).debug('Resuming after an incomplete create');
    return this.withExternal(mg, (attempt) => this.drive(attempt));
  }

  private policyOf(mg: T): ManagementPolicyResolver {
    return new ManagementPolicyResolver(mg.spec.managementPolicies, {
      enabled: this.options.managementPoliciesEnabled,
    });
  }

  private async pause(mg: T): Promise<ReconcileResult> {
    this.normal(
      mg,
      Reason.ReconciliationPaused,
      'Reconciliation is paused either through the `spec.managementPolicies` or the pause annotation',
    );
    await this.writeStatus(mg, [reconcilePaused()]);
    return done;
  }

  private noteReconcileRequest(mg: T): void {
    const token = reconcileRequest(mg);
    if (token === undefined || token === mg.status?.lastHandledReconcileAt) return;
    this.normal(mg, Reason.ReconcileRequestHandled, `Reconcile request ${token} handled`);
    mg.status = { ...mg.status, lastHandledReconcileAt: token };
  }

  /** Orphaning deletion: leave the external resource alone, drop the finalizer, no Observe. */
  private async orphan(mg: T): Promise<ReconcileResult> {
    try {
      await this.removeFinalizer(mg);
      this.deps.metrics?.recordDeleted(mg);
      return done;
    } catch (err) {
      if (isConflict(err)) throw err;
      await this.writeStatus(mg, [deleting(), reconcileError(this.describe('cannot remove finalizer', err))]);
      return requeue;
    }
  }

  /**
   * Defaults the external name to metadata.name (crossplane's NameAsExternalName initializer). crossplane saves
   * it at once; here it is saved with the finalizer, one write fewer, and until then nothing but this
   * reconcile's own Observe reads it.
   */
  private initialize(mg: T): void {
    if (externalName(mg) !== undefined) return;
    setExternalName(mg, mg.metadata.name);
    this.unsaved.add(mg);
  }

  private async withExternal(
    mg: T,
    run: (attempt: Attempt<T>) => Promise<ReconcileResult>,
  ): Promise<ReconcileResult> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    const resolve = this.deps.resolveReferences;
    if (mg.metadata.deletionTimestamp === undefined && resolve) {
      const failed = await this.resolveReferences(mg, resolve, signal);
      if (failed) return failed;
    }
    let client: ExternalClient<T>;
    try {
      client = await this.external('connect', 'connect failed', () =>
        this.deps.connector.connect(mg, signal),
      );
    } catch (err) {
      if (isConflict(err)) throw err;
      return this.fail(mg, Reason.CannotConnectToProvider, this.describe('connect failed', err), {
        cause: err,
      });
    }
    const policy = this.policyOf(mg);
    try {
      return await run({ mg, client, policy, signal });
    } finally {
      await client.disconnect?.().catch((err: unknown) => {
        this.warn(mg, Reason.CannotDisconnectFromProvider, this.describe('disconnect failed', err));
      });
    }
  }

  private async drive(attempt: Attempt<T>): Promise<ReconcileResult> {
    const { mg, client, policy, signal } = attempt;
    let observation: ExternalObservation;
    try {
      observation = await this.external('observe', 'observe failed', () => client.observe(mg, signal));
    } catch (err) {
      return this.fail(mg, Reason.CannotObserveExternalResource, this.describe('observe failed', err), {
        cause: err,
      });
    }
    if (!observation.resourceExists && policy.shouldOnlyObserve()) {
      const message = 'observe failed: external resource does not exist';
      this.warn(mg, Reason.CannotObserveExternalResource, message);
      await this.writeStatus(mg, [reconcileError(message)]);
      return this.poll(mg);
    }
    const graceMs = this.options.creationGracePeriodMs;
    if (!observation.resourceExists && externalCreateSucceededWithin(mg, graceMs, this.clock())) {
      this.normal(
        mg,
        Reason.PendingExternalResource,
        'Waiting for external resource existence to be confirmed',
      );
      return requeue;
    }
    if (mg.metadata.deletionTimestamp !== undefined)
      return this.deleteExternal(attempt, observation.resourceExists);
    const failed =
      (await this.publish(mg, observation.connectionDetails)) ??
      (await this.step(mg, Reason.CannotUpdateManagedResource, 'cannot add finalizer', () =>
        this.saveWithFinalizer(mg),
      ));
    if (failed) return failed;
    if (!observation.resourceExists && policy.shouldCreate()) return this.createExternal(attempt);
    return this.syncExisting(attempt, observation);
  }

  private async syncExisting(
    attempt: Attempt<T>,
    observation: ExternalObservation,
  ): Promise<ReconcileResult> {
    const { mg, policy } = attempt;
    if (observation.resourceLateInitialized && policy.shouldLateInitialize()) {
      const failed = await this.step(
        mg,
        Reason.CannotUpdateManagedResource,
        'cannot update managed resource',
        () => this.saveObject(mg),
      );
      if (failed) return failed;
    }
    if (!observation.resourceUpToDate && policy.shouldUpdate())
      return this.updateExternal(attempt, observation);
    if (observation.resourceUpToDate) this.deps.metrics?.recordUnchanged(mg);
    await this.writeStatus(mg, [reconcileSuccess()]);
    if (isReady(mg)) this.deps.metrics?.recordFirstTimeReady(mg);
    return this.poll(mg);
  }

  private async updateExternal(
    attempt: Attempt<T>,
    observation: ExternalObservation,
  ): Promise<ReconcileResult> {
    const { mg, client, signal } = attempt;
    if (observation.diff)
      this.logOf(mg).debug({ diff: observation.diff }, 'External resource differs from desired state');
    let update: ExternalUpdate;
    try {
      update = await this.external('update', 'update failed', () => client.update(mg, signal));
    } catch (err) {
      return this.fail(mg, Reason.CannotUpdateExternalResource, this.describe('update failed', err), {
        cause: err,
      });
    }
    this.deps.metrics?.recordDrift(mg);
    const failed = await this.publish(mg, update.connectionDetails);
    if (failed) return failed;
    this.normal(mg, Reason.UpdatedExternalResource, 'Successfully requested update of external resource');
    await this.writeStatus(mg, [reconcileSuccess()]);
    return this.poll(mg);
  }

  private async createExternal(attempt: Attempt<T>): Promise<ReconcileResult> {
    const { mg, client, signal } = attempt;
    const annotate = !this.options.deterministicExternal;
    if (annotate) {
      // The pending mark is written with a conflict-checked update: a 409 proves our copy was stale, and
      // creating from a stale copy could leak a resource, so we start over.
      setExternalCreatePending(mg, this.clock());
      try {
        await this.saveObject(mg);
      } catch (err) {
        if (isConflict(err)) throw err;
        await this.writeStatus(mg, [
          creating(),
          reconcileError(this.describe('cannot update managed resource', err)),
        ]);
        return requeue;
      }
    }
    let creation: ExternalCreation;
    try {
      creation = await this.external('create', 'create failed', () => client.create(mg, signal));
    } catch (err) {
      if (annotate) {
        setExternalCreateFailed(mg, this.clock());
        await this.saveCriticalAnnotations(mg);
      }
      return this.fail(mg, Reason.CannotCreateExternalResource, this.describe('create failed', err), {
        also: [creating()],
        cause: err,
      });
    }
    if (annotate) {
      setExternalCreateSucceeded(mg, this.clock());
      await this.saveCriticalAnnotations(mg);
    }
    const failed = await this.publish(mg, creation.connectionDetails);
    if (failed) return failed;
    this.normal(mg, Reason.CreatedExternalResource, 'Successfully requested creation of external resource');
    if (!annotate) return this.confirmCreate(attempt);
    await this.writeStatus(mg, [creating(), reconcileSuccess()]);
    return confirmSoon;
  }

  /**
   * Observes a resource just created, in the same reconcile (see deterministicExternal): found, it goes on as
   * any existing resource (Ready, or updated to the spec); not found, it is created again after a backoff.
   */
  private async confirmCreate(attempt: Attempt<T>): Promise<ReconcileResult> {
    const { mg, client, signal } = attempt;
    let observation: ExternalObservation;
    try {
      observation = await this.external('observe', 'observe failed', () => client.observe(mg, signal));
    } catch (err) {
      return this.fail(mg, Reason.CannotObserveExternalResource, this.describe('observe failed', err), {
        also: [creating()],
        cause: err,
      });
    }
    if (!observation.resourceExists) {
      await this.writeStatus(mg, [creating(), reconcileSuccess()]);
      return requeue;
    }
    return (await this.publish(mg, observation.connectionDetails)) ?? this.syncExisting(attempt, observation);
  }

  private async deleteExternal(attempt: Attempt<T>, exists: boolean): Promise<ReconcileResult> {
    const { mg, client, signal } = attempt;
    // Another controller's finalizer (e.g. a usage) must go first: deleting the external resource now could
    // break what it protects.
    if ((mg.metadata.finalizers ?? []).some((f) => f !== managedFinalizer)) return requeue;
    if (!exists) {
      await this.removeFinalizer(mg);
      this.deps.metrics?.recordDeleted(mg);
      return done;
    }
    try {
      await this.external('delete', 'delete failed', () => client.delete(mg, signal));
    } catch (err) {
      return this.fail(mg, Reason.CannotDeleteExternalResource, this.describe('delete failed', err), {
        also: [deleting()],
        cause: err,
      });
    }
    // Deletion is never assumed: the next Observe must confirm the resource is gone.
    this.normal(mg, Reason.DeletedExternalResource, 'Successfully requested deletion of external resource');
    await this.writeStatus(mg, [deleting(), reconcileSuccess()]);
    // Rate-limited, not at once: a resource that lingers after a delete request (an asynchronous API) would
    // otherwise be asked to delete again in a tight loop.
    return requeue;
  }

  /** Runs one call of the external client in a child span; a failure's span message is the redacted error. */
  private external<R>(step: string, context: string, call: () => Promise<R>): Promise<R> {
    return inSpan(step, { describeError: (err) => this.describe(context, err) }, call);
  }

  /** Resolves references; a failure is a warning and condition, a wait on a not-Ready target is quiet. */
  private async resolveReferences(
    mg: T,
    resolve: NonNullable<ReconcilerDeps<T>['resolveReferences']>,
    signal: AbortSignal,
  ): Promise<ReconcileResult | undefined> {
    try {
      // Saved with the finalizer once Observe has succeeded (crossplane saves at once: one write more).
      if (await resolve(mg, signal)) this.unsaved.add(mg);
      return undefined;
    } catch (err) {
      if (isConflict(err)) throw err;
      const message = this.describe('cannot resolve references', err);
      if (!(err instanceof NotReadyYet))
        return this.fail(mg, Reason.CannotResolveResourceReferences, message);
      // Waiting on an object that is not Ready yet: its dependency wiring wakes this one and the poll covers
      // the rest; retrying with backoff would only spend reconciles (and the global rate) on certain waits.
      // The event is sent when the wait starts or its reason changes, not on every wake-up.
      this.logOf(mg).debug({ reason: Reason.CannotResolveResourceReferences }, message);
      if (await this.writeStatus(mg, [reconcileError(message)]))
        this.warn(mg, Reason.CannotResolveResourceReferences, message);
      return { action: 'requeueAfter', delayMs: this.options.pollDelay(mg) };
    }
  }

  /** Runs a write to the managed resource or its secret; a failure becomes the standard warning + condition. */
  private async step(
    mg: T,
    reason: string,
    context: string,
    action: () => Promise<unknown>,
  ): Promise<ReconcileResult | undefined> {
    try {
      await action();
      return undefined;
    } catch (err) {
      if (isConflict(err)) throw err;
      return this.fail(mg, reason, this.describe(context, err));
    }
  }

  private publish(mg: T, details: ConnectionDetails | undefined): Promise<ReconcileResult | undefined> {
    return this.step(mg, Reason.CannotPublishConnectionDetails, 'cannot publish connection details', () =>
      publishConnectionDetails(this.deps.kube, mg, details),
    );
  }

  /** Adds the finalizer and saves it with any unsaved change in one write; nothing to do, no write. */
  private async saveWithFinalizer(mg: T): Promise<void> {
    const hasFinalizer = mg.metadata.finalizers?.includes(managedFinalizer) ?? false;
    if (hasFinalizer && !this.unsaved.has(mg)) return;
    if (!hasFinalizer) mg.metadata.finalizers = [...(mg.metadata.finalizers ?? []), managedFinalizer];
    await this.saveObject(mg);
  }

  private async removeFinalizer(mg: T): Promise<void> {
    if (!mg.metadata.finalizers?.includes(managedFinalizer)) return;
    mg.metadata.finalizers = mg.metadata.finalizers.filter((f) => f !== managedFinalizer);
    await this.saveObject(mg);
  }

  /**
   * Saves metadata and spec with a conflict-checked update, keeping the in-memory status: the API server's
   * reply carries the old status, and what Observe learned must still reach the status write.
   */
  private async saveObject(mg: T): Promise<void> {
    const saved = await this.write(mg, () => this.deps.kube.update<T>(this.deps.type, mg));
    const conditions = restampGeneration(
      mg.status?.conditions,
      mg.metadata.generation,
      saved.metadata.generation,
    );
    if (conditions !== undefined && conditions !== mg.status?.conditions)
      mg.status = { ...mg.status, conditions };
    mg.metadata = saved.metadata;
    mg.spec = saved.spec;
    this.unsaved.delete(mg);
  }

  private write(mg: T, send: () => Promise<T>): Promise<T> {
    return this.deps.ownWrites ? this.deps.ownWrites.write(mg, send) : send();
  }

  /**
   * Records the create outcome even when our copy is stale: re-read, re-apply the annotations, retry. Losing
   * this write is what would make a later reconcile unsure whether the create happened.
   */
  private async saveCriticalAnnotations(mg: T): Promise<void> {
    const annotations = { ...mg.metadata.annotations };
    for (let attempt = 0; ; attempt++) {
      try {
        await this.saveObject(mg);
        return;
      } catch (err) {
        if (!isConflict(err) || attempt >= 4) throw err;
        const fresh = await this.deps.kube.get<T>(this.deps.type, {
          namespace: mg.metadata.namespace ?? '',
          name: mg.metadata.name,
        });
        if (fresh === undefined) throw err;
        mg.metadata = { ...fresh.metadata, annotations: { ...fresh.metadata.annotations, ...annotations } };
        mg.spec = fresh.spec;
      }
    }
  }

  /**
   * Sets conditions and the derived phase, then writes the status subresource (409 → quiet requeue). Returns
   * whether anything was written.
   */
  private async writeStatus(mg: T, conditions: NewCondition[]): Promise<boolean> {
    const now = this.clock();
    const merged = setConditions(mg.status?.conditions, conditions, {
      now,
      generation: mg.metadata.generation,
    });
    mg.status = { ...mg.status, conditions: merged };
    mg.status.phase = managedPhase(mg);
    // Every failure the reconcile reports ends here as a Synced=False condition, already redacted.
    const failure = conditions.find(
      (c) =>
        c.type === ConditionType.Synced &&
        c.status === 'False' &&
        c.reason !== ConditionReason.ReconcilePaused,
    );
    if (failure !== undefined) failActiveSpan(failure.message ?? 'reconcile error');
    // An unchanged status is not sent: an idle poll then costs no write request at all (the API server would
    // treat the PUT as a no-op anyway, but it still has to receive, decode and compare it).
    const serialised = canonicalJson(mg.status);
    if (serialised === this.statusAsRead.get(mg)) return false;
    this.statusAsRead.set(mg, serialised);
    try {
      const saved = await this.write(mg, () => this.deps.kube.updateStatus<T>(this.deps.type, mg));
      mg.metadata = saved.metadata;
      return true;
    } catch (err) {
      if (isConflict(err)) throw new ConflictSignal('status update conflict');
      throw err;
    }
  }

  /**
   * Warns and sets Synced=False, with `also` (e.g. Ready=False/Creating); the error that caused the failure
   * may carry a more precise condition reason (failureReason).
   */
  private async fail(
    mg: T,
    reason: string,
    message: string,
    { also = [], cause }: { also?: NewCondition[]; cause?: unknown } = {},
  ): Promise<ReconcileResult> {
    this.warn(mg, reason, message);
    await this.writeStatus(mg, [...also, reconcileError(message, failureReason(cause))]);
    return requeue;
  }

  private poll(mg: T): ReconcileResult {
    return { action: 'requeueAfter', delayMs: this.options.pollDelay(mg) };
  }

  private describe(context: string, err: unknown): string {
    const cause = err instanceof Error ? err.message : String(err);
    return this.redact(`${context}: ${cause}`);
  }

  /** Every event is a log line too, tied to its object, so that the logs tell what the events tell. */
  private normal(mg: T, reason: string, message: string): void {
    this.deps.events.record(mg, { type: 'Normal', reason, message });
    this.logOf(mg).info({ reason }, message);
  }

  /** A warning event; its message is already redacted (describe). */
  private warn(mg: T, reason: string, message: string): void {
    this.deps.events.record(mg, { type: 'Warning', reason, message });
    this.logOf(mg).warn({ reason }, message);
  }

  /** The controller's logger with the object's namespace, name and generation (monitoring spec). */
  private logOf(mg: T): Logger {
    return this.deps.log.child(objectFields(mg));
  }
}
