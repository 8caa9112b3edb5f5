// The provider process: one controller per managed kind plus the ProviderConfig controllers, started once
// this replica leads (with leader election) and each kind's CRD is Established (safe-start); /readyz tells
// when caches are synced; stop() lets in-flight reconciles finish and releases the lease.
import type { KubeApi, KubeObject, ResourceType } from '../kube/api.ts';
import type { ManagedResourceRecorder } from '../metrics/managed-resource.ts';
import type { CachedKube } from './cached-kube.ts';
import { Controller, type ControllerOptions } from './controller.ts';
import {
  allReady,
  dependantsToWake,
  readinessTurn,
  referencedKey,
  firstReconcileHold,
  type Dependency,
  type DependencyTarget,
} from './dependencies.ts';
import type { EventRecorder } from './events.ts';
import type { ExternalConnector } from './external.ts';
import { Informer } from './informer.ts';
import { LeaderElector, type LeaderElectionOptions } from './leader-election.ts';
import { OwnWrites } from './own-writes.ts';
import type { Logger } from '../log/logger.ts';
import type { ManagedResource } from './managed.ts';
import { nextPollDelay, type PollSettings } from './poll.ts';
import { providerConfigReconciler } from './provider-config.ts';
import type { ProviderConfigUsage } from './provider-config-usage.ts';
import { globalRateLimiter, ReconcileRateLimiter } from './rate-limiter.ts';
import { defaultReconcilerOptions, ManagedReconciler, type ReconcilerDeps } from './reconciler.ts';
import { waitForCrd } from './safe-start.ts';

/**
 * How long a new object waits for an object it refers to that is not in the cache: applied together, the other
 * may only be late in its own watch; after this the reconcile reports it missing.
 */
const missingDependencyGraceMs = 3000;

/** What a managed kind plugs into the runtime. */
export interface ManagedKind<T extends ManagedResource = ManagedResource> {
  type: ResourceType;
  connector: ExternalConnector<T>;
  resolveReferences?: ReconcilerDeps<T>['resolveReferences'];
  /** Kinds whose readiness changes should reconcile this kind's dependants at once. */
  dependsOn?: readonly Dependency<T>[];
  /** See ReconcilerOptions.deterministicExternal; true for every SQL kind. */
  deterministicExternal?: boolean;
}

export interface ProviderRuntimeOptions {
  kube: KubeApi;
  log: Logger;
  events: EventRecorder;
  metrics: ManagedResourceRecorder;
  kinds: readonly ManagedKind[];
  /** How long after a create a missing resource is taken for eventual consistency (default 30 s). */
  creationGracePeriodMs?: number;
  /** Given the managed kinds' informers as they start, so their connectors read those kinds from cache. */
  cache?: CachedKube;
  /** Reconcile managed resources of this namespace only (tests sharing one API server); default all. */
  namespace?: string;
  providerConfigs: { types: readonly ResourceType[]; usageType: ResourceType };
  poll: PollSettings;
  syncIntervalMs: number;
  maxReconcileRate: number;
  managementPoliciesEnabled: boolean;
  /** Makes error text safe for conditions and events. */
  redact: (text: string) => string;
  /** Lease settings; the callbacks, log and clock are the runtime's own. */
  leaderElection?: Omit<LeaderElectionOptions, 'onStartedLeading' | 'onStoppedLeading' | 'log' | 'now'>;
  /** Called when this replica loses leadership; the process should exit so a fresh one can compete. */
  onLostLeadership?: () => void;
}

export class ProviderRuntime {
  private readonly controllers: Controller<KubeObject>[] = [];
  private readonly managedControllers: Controller<ManagedResource>[] = [];
  /** Started managed kinds by kind name, and which dependencies have been wired (`dependant->dependency`). */
  private readonly startedKinds = new Map<
    string,
    { kind: ManagedKind; controller: Controller<ManagedResource> }
  >();
  private readonly wiredDependencies = new Set<string>();
  private readonly usageInformer: Informer<ProviderConfigUsage>;
  private readonly elector: LeaderElector | undefined;
  private readonly abort = new AbortController();
  private readonly rateLimiter: ReturnType<typeof globalRateLimiter>;
  private started: Promise<void> | undefined;

  constructor(private readonly options: ProviderRuntimeOptions) {
    this.rateLimiter = globalRateLimiter(options.maxReconcileRate);
    this.usageInformer = new Informer<ProviderConfigUsage>(options.kube, options.providerConfigs.usageType, {
      resyncMs: options.syncIntervalMs,
      log: options.log,
    });
    const election = options.leaderElection;
    this.elector =
      election &&
      new LeaderElector(options.kube, {
        ...election,
        log: options.log,
        onStartedLeading: () => {
          this.started = this.startControllers();
        },
        onStoppedLeading: () => {
          options.log.error({}, 'Lost leader election lease');
          options.onLostLeadership?.();
        },
      });
  }

  /** Starts competing for leadership, or starts the controllers at once without leader election. */
  start(): void {
    if (this.elector) this.elector.start();
    else this.started = this.startControllers();
  }

  /** Ready once every started controller's cache is synced; a standby replica is ready too. */
  readiness(): { ready: true } | { ready: false; reason: string } {
    if (this.elector && !this.elector.isLeader()) return { ready: true };
    const pending = this.controllers.filter((c) => !c.informer.hasSynced()).map((c) => c.type.kind);
    if (this.started === undefined) return { ready: false, reason: 'controllers not started' };
    return pending.length === 0
      ? { ready: true }
      : { ready: false, reason: `caches not synced: ${pending.join(', ')}` };
  }

  /** Lists of every managed kind's cached objects, for the state gauges. */
  cachedManagedObjects(): { type: ResourceType; objects: ManagedResource[] }[] {
    return this.managedControllers.map((c) => ({ type: c.type, objects: c.informer.list() }));
  }

  /** Graceful shutdown: no new work, in-flight reconciles finish, the lease is released. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.started?.catch(() => undefined);
    await Promise.all(this.controllers.map((c) => c.stop()));
    this.usageInformer.stop();
    await this.elector?.release();
  }

  private async startControllers(): Promise<void> {
    const { kinds, providerConfigs } = this.options;
    this.usageInformer.start();
    await Promise.all([
      ...kinds.map((kind) => this.startManaged(kind)),
      ...providerConfigs.types.map((type) => this.startProviderConfig(type)),
    ]);
  }

  private async whenEstablished(type: ResourceType): Promise<boolean> {
    try {
      await waitForCrd(this.options.kube, type, this.abort.signal, () => {
        this.options.log.debug({ kind: type.kind }, 'Waiting for CRD to be established');
      });
      return true;
    } catch {
      return false; // aborted by stop()
    }
  }

  private controllerFor<T extends KubeObject>(
    type: ResourceType,
    name: string,
    managed: Pick<ControllerOptions, 'ownWrites' | 'firstReconcileHold' | 'log'> = {},
  ): Controller<T> {
    const controller = new Controller<T>(this.options.kube, type, {
      name,
      log: this.options.log,
      ...managed,
      concurrency: this.options.maxReconcileRate,
      rateLimiter: new ReconcileRateLimiter(this.rateLimiter),
      resyncMs: this.options.syncIntervalMs,
      ...(type.namespaced && this.options.namespace !== undefined
        ? { namespace: this.options.namespace }
        : {}),
    });
    this.controllers.push(controller as unknown as Controller<KubeObject>);
    return controller;
  }

  private async startManaged(kind: ManagedKind): Promise<void> {
    if (!(await this.whenEstablished(kind.type))) return;
    const o = this.options;
    const name = `managed/${kind.type.kind.toLowerCase()}.${kind.type.group}`;
    const ownWrites = new OwnWrites<KubeObject>();
    const pollDelay = (mg: ManagedResource) => nextPollDelay(mg, o.poll);
    // The monitoring spec's logger name, e.g. controller.database; each reconcile adds the object's fields.
    const log = o.log.child({ logger: `controller.${kind.type.kind.toLowerCase()}` });
    const controller = this.controllerFor<ManagedResource>(kind.type, name, {
      log,
      ownWrites,
      // A new object whose dependencies are not all Ready waits for their turn (dependency wiring) or, should
      // they not turn, a poll interval, then reports the wait; a missing one is given a few seconds to appear.
      firstReconcileHold: (obj, heldMs) => {
        const mg = obj as ManagedResource;
        const limits = { notReadyMs: pollDelay(mg), missingMs: missingDependencyGraceMs };
        return firstReconcileHold(mg, this.dependencyTargets(kind, mg), heldMs, limits);
      },
    });
    this.managedControllers.push(controller);
    o.cache?.register(kind.type, controller.informer as unknown as Informer<KubeObject>, o.namespace);
    const reconciler = new ManagedReconciler<ManagedResource>(
      {
        kube: o.kube,
        type: kind.type,
        connector: kind.connector,
        get: (key) => controller.get(key),
        events: o.events,
        log,
        metrics: o.metrics,
        redact: o.redact,
        ownWrites: ownWrites as OwnWrites<ManagedResource>,
        ...(kind.resolveReferences ? { resolveReferences: kind.resolveReferences } : {}),
      },
      {
        ...defaultReconcilerOptions,
        deterministicExternal: kind.deterministicExternal ?? false,
        ...(o.creationGracePeriodMs === undefined ? {} : { creationGracePeriodMs: o.creationGracePeriodMs }),
        managementPoliciesEnabled: o.managementPoliciesEnabled,
        pollDelay,
      },
    );
    await controller.start((key) => reconciler.reconcile(key));
    this.startedKinds.set(kind.type.kind, { kind, controller });
    o.log.info({ kind: kind.type.kind }, 'Started controller');
    this.wireDependencies();
  }

  /** Connects each started kind's dependencies whose kinds have started too (each pair once). */
  private wireDependencies(): void {
    for (const { kind, controller } of this.startedKinds.values()) {
      for (const dependency of kind.dependsOn ?? []) {
        const target = this.startedKinds.get(dependency.type.kind);
        const id = `${kind.type.kind}->${dependency.type.kind}`;
        if (target === undefined || this.wiredDependencies.has(id)) continue;
        this.wiredDependencies.add(id);
        const ready = (mg: ManagedResource) => allReady(this.dependencyTargets(kind, mg));
        const changed = (before: ManagedResource | undefined, after: ManagedResource): void => {
          const turn = readinessTurn(before, after);
          if (turn === undefined) return;
          for (const key of dependantsToWake(
            { object: after, turn },
            controller.informer.list(),
            dependency,
            ready,
          ))
            controller.enqueue(key);
        };
        target.controller.informer.addHandlers({
          add: (obj) => {
            changed(undefined, obj);
          },
          update: changed,
        });
      }
    }
  }

  /** What `mg` refers to through each of its kind's dependencies, as the started kinds' caches know it. */
  private dependencyTargets<T extends ManagedResource>(kind: ManagedKind<T>, mg: T): DependencyTarget[] {
    return (kind.dependsOn ?? []).map((dependency) => {
      const ref = dependency.reference(mg);
      const informer = this.startedKinds.get(dependency.type.kind)?.controller.informer;
      if (ref === undefined || informer === undefined) return 'unknown';
      const key = referencedKey(mg, ref);
      return informer.get(key.namespace, key.name) ?? 'missing';
    });
  }

  private async startProviderConfig(type: ResourceType): Promise<void> {
    if (!(await this.whenEstablished(type))) return;
    const o = this.options;
    const controller = this.controllerFor(type, `providerconfig/${type.kind.toLowerCase()}`);
    this.usageInformer.addHandlers({
      add: (u) => {
        this.enqueueConfigOf(controller, type, u);
      },
      update: (_, u) => {
        this.enqueueConfigOf(controller, type, u);
      },
      delete: (u) => {
        this.enqueueConfigOf(controller, type, u);
      },
    });
    const reconcile = providerConfigReconciler({
      kube: o.kube,
      type,
      usageType: o.providerConfigs.usageType,
      get: (key) => controller.get(key),
      usages: () => this.usageInformer.list(),
      warn: (pc, reason, message) => {
        o.events.record(pc, { type: 'Warning', reason, message });
      },
      log: o.log,
    });
    await controller.start(reconcile);
  }

  /** A usage changed: its config (cluster-scoped for Cluster* kinds, else in the usage's namespace) is re-counted. */
  private enqueueConfigOf(
    controller: Controller<KubeObject>,
    type: ResourceType,
    usage: ProviderConfigUsage,
  ): void {
    if (usage.providerConfigRef.kind !== type.kind) return;
    const namespace = type.namespaced ? (usage.metadata.namespace ?? '') : '';
    controller.enqueue({ namespace, name: usage.providerConfigRef.name });
  }
}
