// The 27 dbops_* metrics of spec/monitoring.md, a contract with users' dashboards and alerts: names, types,
// label names and histogram buckets exactly as the original operator exported them (its buckets are in
// reference/original-operator.md §5). Defined as data so a test can hold them against the spec's table.
// Info metrics (value 1) carry an object's current labels: setting one first removes the object's earlier
// series, so a phase or version change never leaves a stale series behind, and forget() removes them all.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  readonly name: string;
  readonly type: MetricType;
  readonly labels: readonly string[];
  readonly help: string;
  readonly buckets?: readonly number[];
}

const connectBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const operationBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const runBuckets = [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

const ops = ['operation', 'engine', 'status', 'namespace'] as const;
const onInstance = ['instance', 'engine', 'namespace'] as const;

export const dbopsMetricSpecs = [
  {
    name: 'dbops_connection_attempts_total',
    type: 'counter',
    labels: ['instance', 'engine', 'status', 'namespace'],
    help: 'Total connection attempts (status: success/failure)',
  },
  {
    name: 'dbops_connection_latency_seconds',
    type: 'histogram',
    labels: onInstance,
    help: 'Connection latency distribution',
    buckets: connectBuckets,
  },
  {
    name: 'dbops_instance_healthy',
    type: 'gauge',
    labels: onInstance,
    help: 'Instance health (1=healthy, 0=unhealthy)',
  },
  {
    name: 'dbops_instance_last_health_check_timestamp_seconds',
    type: 'gauge',
    labels: onInstance,
    help: 'Unix timestamp of last health check',
  },
  {
    name: 'dbops_database_operations_total',
    type: 'counter',
    labels: ops,
    help: 'Total database operations (create/update/delete)',
  },
  {
    name: 'dbops_database_operation_duration_seconds',
    type: 'histogram',
    labels: ['operation', 'engine', 'namespace'],
    help: 'Operation duration distribution',
    buckets: operationBuckets,
  },
  {
    name: 'dbops_database_size_bytes',
    type: 'gauge',
    labels: ['database', 'instance', 'engine', 'namespace'],
    help: 'Database size in bytes',
  },
  { name: 'dbops_user_operations_total', type: 'counter', labels: ops, help: 'Total user operations' },
  { name: 'dbops_role_operations_total', type: 'counter', labels: ops, help: 'Total role operations' },
  { name: 'dbops_grant_operations_total', type: 'counter', labels: ops, help: 'Total grant operations' },
  {
    name: 'dbops_backup_operations_total',
    type: 'counter',
    labels: ['engine', 'status', 'namespace'],
    help: 'Total backup operations',
  },
  {
    name: 'dbops_backup_duration_seconds',
    type: 'histogram',
    labels: ['engine', 'namespace'],
    help: 'Backup duration',
    buckets: runBuckets,
  },
  {
    name: 'dbops_backup_size_bytes',
    type: 'gauge',
    labels: ['database', 'engine', 'namespace'],
    help: 'Backup size in bytes',
  },
  {
    name: 'dbops_backup_last_success_timestamp_seconds',
    type: 'gauge',
    labels: ['database', 'engine', 'namespace'],
    help: 'Last successful backup Unix timestamp',
  },
  {
    name: 'dbops_restore_operations_total',
    type: 'counter',
    labels: ['engine', 'status', 'namespace'],
    help: 'Total restore operations',
  },
  {
    name: 'dbops_restore_duration_seconds',
    type: 'histogram',
    labels: ['engine', 'namespace'],
    help: 'Restore duration distribution',
    buckets: runBuckets,
  },
  {
    name: 'dbops_scheduled_backups_total',
    type: 'counter',
    labels: ['status', 'namespace'],
    help: 'Total scheduled backup triggers',
  },
  {
    name: 'dbops_schedule_next_backup_timestamp_seconds',
    type: 'gauge',
    labels: ['database', 'namespace'],
    help: 'Next scheduled backup Unix timestamp',
  },
  {
    name: 'dbops_resource_count',
    type: 'gauge',
    labels: ['resource_type', 'phase', 'namespace'],
    help: 'Count of resources by type and phase',
  },
  {
    name: 'dbops_instance_info',
    type: 'gauge',
    labels: ['instance', 'namespace', 'engine', 'version', 'host', 'port', 'phase'],
    help: 'Instance metadata',
  },
  {
    name: 'dbops_database_info',
    type: 'gauge',
    labels: ['database', 'namespace', 'instance_ref', 'db_name', 'phase'],
    help: 'Database metadata',
  },
  {
    name: 'dbops_user_info',
    type: 'gauge',
    labels: ['user', 'namespace', 'instance_ref', 'username', 'phase'],
    help: 'User metadata',
  },
  {
    name: 'dbops_role_info',
    type: 'gauge',
    labels: ['role', 'namespace', 'instance_ref', 'role_name', 'phase'],
    help: 'Role metadata',
  },
  {
    name: 'dbops_grant_info',
    type: 'gauge',
    labels: ['grant', 'namespace', 'user_ref', 'database_ref', 'privileges', 'phase'],
    help: 'Grant metadata',
  },
  {
    name: 'dbops_backup_info',
    type: 'gauge',
    labels: ['backup', 'namespace', 'database_ref', 'storage_type', 'phase'],
    help: 'Backup metadata',
  },
  {
    name: 'dbops_schedule_info',
    type: 'gauge',
    labels: ['schedule', 'namespace', 'database_ref', 'cron', 'paused'],
    help: 'Schedule metadata',
  },
  {
    name: 'dbops_restore_info',
    type: 'gauge',
    labels: ['restore', 'namespace', 'backup_ref', 'target_instance', 'phase'],
    help: 'Restore metadata',
  },
] as const satisfies readonly MetricSpec[];

export type DbopsMetricName = (typeof dbopsMetricSpecs)[number]['name'];
type Labels = Record<string, string>;
type AnyMetric = Counter | Gauge | Histogram;

/** The info metrics, each with the label that names its object. */
export const infoMetrics = {
  dbops_instance_info: 'instance',
  dbops_database_info: 'database',
  dbops_user_info: 'user',
  dbops_role_info: 'role',
  dbops_grant_info: 'grant',
  dbops_backup_info: 'backup',
  dbops_schedule_info: 'schedule',
  dbops_restore_info: 'restore',
} as const satisfies Partial<Record<DbopsMetricName, string>>;

export type InfoMetricName = keyof typeof infoMetrics;

function create(spec: MetricSpec, registry: Registry): AnyMetric {
  const config = { name: spec.name, help: spec.help, labelNames: [...spec.labels], registers: [registry] };
  switch (spec.type) {
    case 'counter':
      return new Counter(config);
    case 'gauge':
      return new Gauge(config);
    case 'histogram':
      return new Histogram({ ...config, buckets: [...(spec.buckets ?? [])] });
  }
}

/** One series' identity: its labels in name order. */
function seriesKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

export class DbopsMetrics {
  private readonly metrics = new Map<string, AnyMetric>();
  /** The label sets written per metric, so an object's series can be found and removed (Go's DeletePartialMatch). */
  private readonly series = new Map<string, Map<string, Labels>>();

  constructor(registry: Registry) {
    for (const spec of dbopsMetricSpecs) this.metrics.set(spec.name, create(spec, registry));
  }

  /** Adds to a counter. */
  count(name: DbopsMetricName, labels: Labels, by = 1): void {
    (this.written(name, labels) as Counter).inc(labels, by);
  }

  /** Sets a gauge. */
  set(name: DbopsMetricName, labels: Labels, value: number): void {
    (this.written(name, labels) as Gauge).set(labels, value);
  }

  /** Observes a histogram. */
  observe(name: DbopsMetricName, labels: Labels, value: number): void {
    (this.written(name, labels) as Histogram).observe(labels, value);
  }

  /**
   * Creates a counter or histogram series at zero unless it exists. A series born at its first increment
   * hides that increment from rate() and increase(); born at zero, the first operation shows.
   */
  zero(name: DbopsMetricName, labels: Labels): void {
    if (this.series.get(name)?.has(seriesKey(labels))) return;
    const metric = this.written(name, labels);
    if (metric instanceof Histogram) metric.zero(labels);
    else if (metric instanceof Counter) metric.inc(labels, 0);
  }

  /** Sets an object's info series to 1, replacing the series it had with other labels. */
  setInfo(name: InfoMetricName, labels: Labels): void {
    const key = infoMetrics[name];
    this.forget(name, { [key]: labels[key] ?? '', namespace: labels['namespace'] ?? '' });
    this.set(name, labels, 1);
  }

  /** Removes the series rebuilt from the caches each time (info metrics and dbops_resource_count). */
  resetState(): void {
    for (const name of [...Object.keys(infoMetrics), 'dbops_resource_count'] as DbopsMetricName[]) {
      this.metric(name).reset();
      this.series.delete(name);
    }
  }

  /** Removes every series of `name` whose labels include `match` (a deleted object's series). */
  forget(name: DbopsMetricName, match: Labels): void {
    const written = this.series.get(name);
    if (written === undefined) return;
    for (const [key, labels] of written) {
      if (Object.entries(match).every(([label, value]) => labels[label] === value)) {
        this.metric(name).remove(labels);
        written.delete(key);
      }
    }
  }

  private written(name: DbopsMetricName, labels: Labels): AnyMetric {
    let written = this.series.get(name);
    if (written === undefined) {
      written = new Map();
      this.series.set(name, written);
    }
    const key = seriesKey(labels);
    if (!written.has(key)) written.set(key, { ...labels });
    return this.metric(name);
  }

  private metric(name: DbopsMetricName): AnyMetric {
    const metric = this.metrics.get(name);
    if (metric === undefined) throw new Error(`unknown metric ${name}`);
    return metric;
  }
}
