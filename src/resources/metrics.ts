// What the SQL kinds record in the dbops_* metrics (spec/monitoring.md): connection attempts, latency and health
// at each instance health check, operation counters and durations around every create/update/delete, database
// sizes on observe, and, from the controllers' caches, the info series and dbops_resource_count. Label values
// come from object names and the fixed sets of the spec only, so label sets stay bounded.
import type { DatabaseInstance } from '../apis/database-instance.ts';
import type { DbopsMetricName, DbopsMetrics, InfoMetricName } from '../metrics/dbops.ts';
import type { ExternalClient } from '../runtime/external.ts';
import type { ManagedResource } from '../runtime/managed.ts';
import { serverPort } from './instance/settings.ts';
import { RefusedByPolicyError } from './refusal.ts';

/** The operations counter of each kind that has one. */
const operationCounters: Record<string, DbopsMetricName> = {
  Database: 'dbops_database_operations_total',
  DatabaseUser: 'dbops_user_operations_total',
  DatabaseRole: 'dbops_role_operations_total',
  DatabaseGrant: 'dbops_grant_operations_total',
};

const seconds = (startedMs: number): number => (performance.now() - startedMs) / 1000;

const operations = ['create', 'update', 'delete'] as const;
const initialised = new WeakMap<DbopsMetrics, Set<string>>();

/**
 * Creates the operation series of every kind at zero for an engine and namespace, before their first
 * operation: rate() and increase() then show that first operation (a series born at 1 hides it), and the
 * duration percentiles have buckets from the start.
 */
export function initialiseOperations(
  metrics: DbopsMetrics | undefined,
  engine: string,
  namespace: string,
): void {
  if (metrics === undefined) return;
  // Called at every connect and health check: the 27 series of a pair are made once per registry.
  const done = initialised.get(metrics) ?? new Set<string>();
  initialised.set(metrics, done);
  const pair = `${engine}/${namespace}`;
  if (done.has(pair)) return;
  done.add(pair);
  for (const operation of operations) {
    for (const counter of Object.values(operationCounters)) {
      for (const status of ['success', 'failure'])
        metrics.zero(counter, { operation, engine, status, namespace });
    }
    metrics.zero('dbops_database_operation_duration_seconds', { operation, engine, namespace });
  }
}

/**
 * Wraps a kind's client so that each create, update and delete counts once, with its outcome; a refusal by
 * the object's own policy is not an outcome of the operation and is not counted.
 */
export function countedOperations<T extends ManagedResource>(
  metrics: DbopsMetrics | undefined,
  kind: string,
  engine: string,
  client: ExternalClient<T>,
): ExternalClient<T> {
  const counter = operationCounters[kind];
  if (metrics === undefined || counter === undefined) return client;
  const timed =
    <A extends unknown[], R>(operation: string, call: (mg: T, ...rest: A) => Promise<R>) =>
    async (mg: T, ...rest: A): Promise<R> => {
      const namespace = mg.metadata.namespace ?? '';
      const started = performance.now();
      try {
        const result = await call(mg, ...rest);
        metrics.count(counter, { operation, engine, status: 'success', namespace });
        if (kind === 'Database') {
          metrics.observe(
            'dbops_database_operation_duration_seconds',
            { operation, engine, namespace },
            seconds(started),
          );
        }
        return result;
      } catch (err) {
        if (!(err instanceof RefusedByPolicyError)) {
          metrics.count(counter, { operation, engine, status: 'failure', namespace });
        }
        throw err;
      }
    };
  return {
    ...client,
    create: timed('create', (mg: T, signal: AbortSignal) => client.create(mg, signal)),
    update: timed('update', (mg: T, signal: AbortSignal) => client.update(mg, signal)),
    delete: timed('delete', (mg: T, signal: AbortSignal) => client.delete(mg, signal)),
  };
}

function instanceLabels(instance: DatabaseInstance): { instance: string; engine: string; namespace: string } {
  return {
    instance: instance.metadata.name,
    engine: instance.spec.forProvider.engine,
    namespace: instance.metadata.namespace ?? '',
  };
}

/** One health check of an instance: the attempt, its latency when it succeeded, and the health gauges. */
export function recordHealthCheck(
  metrics: DbopsMetrics | undefined,
  instance: DatabaseInstance,
  outcome: { ok: boolean; seconds: number; at: Date },
): void {
  if (metrics === undefined) return;
  const labels = instanceLabels(instance);
  // The namespaces that will work on this instance get their operation series now, ahead of their first
  // operation; namespaces allowed by "*" get theirs when their first object connects.
  const namespaces = [labels.namespace, ...(instance.spec.forProvider.allowedNamespaces ?? [])];
  for (const namespace of namespaces.filter((n) => n !== '*'))
    initialiseOperations(metrics, labels.engine, namespace);
  metrics.count('dbops_connection_attempts_total', { ...labels, status: outcome.ok ? 'success' : 'failure' });
  metrics.set('dbops_instance_healthy', labels, outcome.ok ? 1 : 0);
  // Every check counts as a check, failed ones above all: "time since last health check" must not leave out
  // exactly the instances that are down.
  metrics.set('dbops_instance_last_health_check_timestamp_seconds', labels, outcome.at.getTime() / 1000);
  if (outcome.ok) metrics.observe('dbops_connection_latency_seconds', labels, outcome.seconds);
}

/** Removes a deleted instance's per-instance series. */
export function forgetInstance(metrics: DbopsMetrics | undefined, instance: DatabaseInstance): void {
  if (metrics === undefined) return;
  const { instance: name, namespace } = instanceLabels(instance);
  for (const metric of [
    'dbops_connection_latency_seconds',
    'dbops_instance_healthy',
    'dbops_instance_last_health_check_timestamp_seconds',
    'dbops_database_size_bytes',
  ] as const) {
    metrics.forget(metric, { instance: name, namespace });
  }
}

const refName = (ref: unknown): string =>
  typeof ref === 'object' && ref !== null && typeof (ref as { name?: unknown }).name === 'string'
    ? (ref as { name: string }).name
    : '';

type InfoSeries = { metric: InfoMetricName; labels: Record<string, string> };

function instanceInfo(instance: DatabaseInstance, phase: string): InfoSeries {
  return {
    metric: 'dbops_instance_info',
    labels: {
      instance: instance.metadata.name,
      namespace: instance.metadata.namespace ?? '',
      engine: instance.spec.forProvider.engine,
      version: (instance.status?.atProvider?.version ?? '') || 'unknown',
      host: instance.spec.forProvider.connection.host,
      port: String(serverPort(instance)),
      phase,
    },
  };
}

/** Kinds named on one instance: their info metric, the label naming the object and the one naming it on the server. */
const onInstanceInfo: Record<string, [InfoMetricName, string, string]> = {
  Database: ['dbops_database_info', 'database', 'db_name'],
  DatabaseUser: ['dbops_user_info', 'user', 'username'],
  DatabaseRole: ['dbops_role_info', 'role', 'role_name'],
};

/** The info series of one cached object, or undefined for kinds without one. */
export function infoSeries(mg: ManagedResource): InfoSeries | undefined {
  const { name } = mg.metadata;
  const namespace = mg.metadata.namespace ?? '';
  const phase = mg.status?.phase ?? 'Pending';
  const fp = mg.spec.forProvider as Record<string, unknown>;
  if (mg.kind === 'DatabaseInstance') return instanceInfo(mg as unknown as DatabaseInstance, phase);
  if (mg.kind === 'DatabaseGrant') {
    const labels = {
      grant: name,
      namespace,
      user_ref: refName(fp['userRef']) || refName(fp['roleRef']),
      database_ref: refName(fp['databaseRef']),
      privileges: grantSummary(mg),
      phase,
    };
    return { metric: 'dbops_grant_info', labels };
  }
  const known = onInstanceInfo[mg.kind];
  if (known === undefined) return undefined;
  const [metric, objectLabel, serverLabel] = known;
  const serverName = mg.metadata.annotations?.['crossplane.io/external-name'] ?? name;
  const labels = {
    [objectLabel]: name,
    namespace,
    instance_ref: refName(fp['instanceRef']),
    [serverLabel]: serverName,
    phase,
  };
  return { metric, labels };
}

/** The grant's applied privileges and memberships, comma-joined (what the original exported), bounded. */
function grantSummary(mg: ManagedResource): string {
  const at = (mg.status?.atProvider ?? {}) as { memberOf?: string[]; privileges?: string[] };
  const text = [...(at.memberOf ?? []), ...(at.privileges ?? [])].join(',');
  return text.length > 256 ? `${text.slice(0, 253)}...` : text;
}

/**
 * Replaces the info series and dbops_resource_count with what the caches hold now. Run in one synchronous
 * step, so a scrape never sees a half-built set; deleted objects' series disappear with them.
 */
export function recordCachedState(
  metrics: DbopsMetrics,
  cached: readonly { kind: string; objects: readonly ManagedResource[] }[],
): void {
  const counts = new Map<string, { resource_type: string; phase: string; namespace: string; n: number }>();
  metrics.resetState();
  for (const { kind, objects } of cached) {
    for (const mg of objects) {
      const info = infoSeries(mg);
      if (info) metrics.set(info.metric, info.labels, 1);
      const labels = {
        resource_type: kind,
        phase: mg.status?.phase ?? 'Pending',
        namespace: mg.metadata.namespace ?? '',
      };
      const key = `${labels.resource_type}/${labels.phase}/${labels.namespace}`;
      const entry = counts.get(key) ?? { ...labels, n: 0 };
      entry.n += 1;
      counts.set(key, entry);
    }
  }
  for (const { n, ...labels } of counts.values()) metrics.set('dbops_resource_count', labels, n);
}

/** Rebuilds the cached-state series every `intervalMs` (and once now); returns the function that stops it. */
export function startStateMetrics(
  metrics: DbopsMetrics,
  cached: () => readonly { type: { kind: string }; objects: readonly ManagedResource[] }[],
  intervalMs: number,
): () => void {
  const record = () => {
    recordCachedState(
      metrics,
      cached().map(({ type, objects }) => ({ kind: type.kind, objects })),
    );
  };
  record();
  const timer = setInterval(record, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
  };
}
