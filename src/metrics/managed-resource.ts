// crossplane-runtime's managed-resource metrics, with the same names, help, buckets and `gvk` label, so Crossplane's
// dashboards and alerts work unchanged: the lifecycle histograms of pkg/reconciler/managed/metrics.go
// (MRMetricRecorder) and the state gauges of pkg/statemetrics/mr_state_metrics.go (MRStateRecorder).
// Unlike crossplane-runtime, lifecycle state is keyed by kind, namespace and name (crossplane keys it by name only,
// so same-named resources of another kind or namespace mix), each histogram is observed at most once per object,
// and state is dropped when the object is deleted.
import { Gauge, Histogram, exponentialBuckets, type Registry } from 'prom-client';

/** What the metrics read from a managed resource; every kind's type satisfies it. */
export interface ManagedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; creationTimestamp?: string; deletionTimestamp?: string };
  status?: { conditions?: readonly { type: string; status: string }[] };
}

/** The called side of the reconciler (crossplane-runtime's managed.MetricRecorder). */
export interface ManagedResourceRecorder {
  /** At the start of every reconcile; observes creation → now the first time, while Synced is still Unknown. */
  recordFirstTimeReconciled(mg: ManagedObject): void;
  /** When the resource is up to date; observes creation → now the first time Ready=True follows a first reconcile. */
  recordFirstTimeReady(mg: ManagedObject): void;
  /** When the resource is up to date and nothing was changed: the start of a drift interval. */
  recordUnchanged(mg: ManagedObject): void;
  /** After a successful Update: observes the time since the last unchanged reconcile. */
  recordDrift(mg: ManagedObject): void;
  /** After the finalizer is removed: observes deletionTimestamp → now, and forgets the object. */
  recordDeleted(mg: ManagedObject): void;
  /** Forgets an object that went away without recordDeleted (e.g. deleted while paused or orphaned). */
  forget(mg: ManagedObject): void;
}

// kmetrics.ExponentialBuckets(10e-9, 10, 10) in crossplane-runtime; prom-client computes the same float64 values.
const nanosToTenSeconds = exponentialBuckets(10e-9, 10, 10);
const secondsToAnHour = [1, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];

/** The `gvk` label value: Go's schema.GroupVersionKind.String(), e.g. "dbops.dbprovision.io/v1alpha1, Kind=Database". */
export function gvkLabel(apiVersion: string, kind: string): string {
  const { group, version } = splitApiVersion(apiVersion);
  return `${group}/${version}, Kind=${kind}`;
}

/** "group/version", or "version" alone for the core group. */
function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return { group: slash < 0 ? '' : apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

interface Lifecycle {
  /** First reconcile observed and Ready not yet: first_time_to_readiness is still due. */
  awaitingReady: boolean;
  /** When the resource was last found up to date without changes (ms since epoch). */
  lastUnchanged?: number;
}

export class ManagedResourceMetrics implements ManagedResourceRecorder {
  private readonly firstTimeToReconcile: Histogram<'gvk'>;
  private readonly firstTimeToReadiness: Histogram<'gvk'>;
  private readonly deletion: Histogram<'gvk'>;
  private readonly drift: Histogram<'gvk'>;
  private readonly lifecycles = new Map<string, Lifecycle>();

  constructor(
    registry: Registry,
    private readonly now: () => number = Date.now,
  ) {
    const histogram = (name: string, help: string, buckets: number[]): Histogram<'gvk'> =>
      new Histogram({ name, help, buckets, labelNames: ['gvk'], registers: [registry] });
    this.firstTimeToReconcile = histogram(
      'crossplane_managed_resource_first_time_to_reconcile_seconds',
      'The time it took for a managed resource to be detected by the controller',
      nanosToTenSeconds,
    );
    this.firstTimeToReadiness = histogram(
      'crossplane_managed_resource_first_time_to_readiness_seconds',
      'The time it took for a managed resource to become ready first time after creation',
      secondsToAnHour,
    );
    this.deletion = histogram(
      'crossplane_managed_resource_deletion_seconds',
      'The time it took for a managed resource to be deleted',
      secondsToAnHour,
    );
    this.drift = histogram(
      'crossplane_managed_resource_drift_seconds',
      'ALPHA: How long since the previous successful reconcile when a resource was found to be out of sync; excludes restart of the provider',
      nanosToTenSeconds,
    );
  }

  recordFirstTimeReconciled(mg: ManagedObject): void {
    if (conditionStatus(mg, 'Synced') !== 'Unknown' || this.lifecycles.has(keyOf(mg))) return;
    this.lifecycles.set(keyOf(mg), { awaitingReady: true });
    this.observeSince(this.firstTimeToReconcile, mg, mg.metadata.creationTimestamp);
  }

  recordFirstTimeReady(mg: ManagedObject): void {
    const lifecycle = this.lifecycles.get(keyOf(mg));
    if (conditionStatus(mg, 'Ready') !== 'True' || lifecycle?.awaitingReady !== true) return;
    lifecycle.awaitingReady = false;
    this.observeSince(this.firstTimeToReadiness, mg, mg.metadata.creationTimestamp);
  }

  recordUnchanged(mg: ManagedObject): void {
    const key = keyOf(mg);
    const lifecycle = this.lifecycles.get(key);
    if (lifecycle === undefined)
      this.lifecycles.set(key, { awaitingReady: false, lastUnchanged: this.now() });
    else lifecycle.lastUnchanged = this.now();
  }

  recordDrift(mg: ManagedObject): void {
    const lifecycle = this.lifecycles.get(keyOf(mg));
    if (lifecycle?.lastUnchanged === undefined) return;
    const now = this.now();
    this.drift.observe({ gvk: gvkOf(mg) }, Math.max(0, now - lifecycle.lastUnchanged) / 1000);
    lifecycle.lastUnchanged = now;
  }

  recordDeleted(mg: ManagedObject): void {
    this.observeSince(this.deletion, mg, mg.metadata.deletionTimestamp);
    this.forget(mg);
  }

  forget(mg: ManagedObject): void {
    this.lifecycles.delete(keyOf(mg));
  }

  /** Observes the seconds from an RFC 3339 timestamp to now; API-server clock skew never yields a negative value. */
  private observeSince(histogram: Histogram<'gvk'>, mg: ManagedObject, timestamp: string | undefined): void {
    const start = timestamp === undefined ? NaN : Date.parse(timestamp);
    if (Number.isNaN(start)) return;
    histogram.observe({ gvk: gvkOf(mg) }, Math.max(0, this.now() - start) / 1000);
  }
}

/** Objects of one kind, and how many of them are Ready=True and Synced=True. */
export interface ManagedResourceStateCount {
  gvk: string;
  exists: number;
  ready: number;
  synced: number;
}

/** Counts listed (or cached) objects of one kind the way MRStateRecorder.Record does. */
export function countStates(gvk: string, objects: readonly ManagedObject[]): ManagedResourceStateCount {
  return {
    gvk,
    exists: objects.length,
    ready: objects.filter((mg) => conditionStatus(mg, 'Ready') === 'True').length,
    synced: objects.filter((mg) => conditionStatus(mg, 'Synced') === 'True').length,
  };
}

export interface StateRecordingOptions {
  /** --poll-state-metric. */
  intervalMs: number;
  /** Counts for the kinds it could count; a kind left out keeps its previous values (like a failed List). */
  count: () => readonly ManagedResourceStateCount[] | Promise<readonly ManagedResourceStateCount[]>;
  onError?: (err: unknown) => void;
}

export class ManagedResourceStateMetrics {
  private readonly exists: Gauge<'gvk'>;
  private readonly ready: Gauge<'gvk'>;
  private readonly synced: Gauge<'gvk'>;

  constructor(registry: Registry) {
    const gauge = (name: string, help: string): Gauge<'gvk'> =>
      new Gauge({ name, help, labelNames: ['gvk'], registers: [registry] });
    this.exists = gauge('crossplane_managed_resource_exists', 'The number of managed resources that exist');
    this.ready = gauge(
      'crossplane_managed_resource_ready',
      'The number of managed resources in Ready=True state',
    );
    this.synced = gauge(
      'crossplane_managed_resource_synced',
      'The number of managed resources in Synced=True state',
    );
  }

  record(counts: readonly ManagedResourceStateCount[]): void {
    for (const { gvk, exists, ready, synced } of counts) {
      this.exists.set({ gvk }, exists);
      this.ready.set({ gvk }, ready);
      this.synced.set({ gvk }, synced);
    }
  }

  /** Records now and then every intervalMs until stop(); a count still running when the next is due is not doubled. */
  start(options: StateRecordingOptions): { stop(): void } {
    let running = false;
    const tick = async (): Promise<void> => {
      if (running) return;
      running = true;
      try {
        this.record(await options.count());
      } catch (err) {
        options.onError?.(err);
      } finally {
        running = false;
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), options.intervalMs);
    timer.unref();
    return {
      stop: () => {
        clearInterval(timer);
      },
    };
  }
}

// A condition that is absent counts as Unknown, as in crossplane-runtime's GetCondition.
function conditionStatus(mg: ManagedObject, type: string): string {
  return mg.status?.conditions?.find((c) => c.type === type)?.status ?? 'Unknown';
}

function gvkOf(mg: ManagedObject): string {
  return gvkLabel(mg.apiVersion, mg.kind);
}

// The API group (not the version) identifies the kind, so a version change does not split an object's history.
function keyOf(mg: ManagedObject): string {
  const { group } = splitApiVersion(mg.apiVersion);
  return `${mg.kind}.${group}\u0000${mg.metadata.namespace ?? ''}\u0000${mg.metadata.name}`;
}
