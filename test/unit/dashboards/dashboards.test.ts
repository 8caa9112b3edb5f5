// Static checks of the nine Grafana dashboards in dashboards/ against spec/monitoring.md: each is importable as
// is (uid, title, tags, schema version, a ${datasource} variable used by every panel and query), every PromQL
// expression names only the spec's 27 dbops_* metrics and labels those metrics carry, the namespace/instance/
// engine filters are applied wherever a metric has that label (and never where it has not, DESIGN §6), and each
// dashboard holds the panels the spec lists for it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const dashboardDir = join(import.meta.dirname, '..', '..', '..', 'dashboards');

// ---- the contract (spec/monitoring.md) --------------------------------------------------------------

interface MetricSpec {
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly labels: readonly string[];
}
const counter = (...labels: string[]): MetricSpec => ({ type: 'counter', labels });
const gauge = (...labels: string[]): MetricSpec => ({ type: 'gauge', labels });
const histogram = (...labels: string[]): MetricSpec => ({ type: 'histogram', labels });

const specMetrics: Readonly<Record<string, MetricSpec>> = {
  dbops_connection_attempts_total: counter('instance', 'engine', 'status', 'namespace'),
  dbops_connection_latency_seconds: histogram('instance', 'engine', 'namespace'),
  dbops_instance_healthy: gauge('instance', 'engine', 'namespace'),
  dbops_instance_last_health_check_timestamp_seconds: gauge('instance', 'engine', 'namespace'),
  dbops_database_operations_total: counter('operation', 'engine', 'status', 'namespace'),
  dbops_database_operation_duration_seconds: histogram('operation', 'engine', 'namespace'),
  dbops_database_size_bytes: gauge('database', 'instance', 'engine', 'namespace'),
  dbops_user_operations_total: counter('operation', 'engine', 'status', 'namespace'),
  dbops_role_operations_total: counter('operation', 'engine', 'status', 'namespace'),
  dbops_grant_operations_total: counter('operation', 'engine', 'status', 'namespace'),
  dbops_backup_operations_total: counter('engine', 'status', 'namespace'),
  dbops_backup_duration_seconds: histogram('engine', 'namespace'),
  dbops_backup_size_bytes: gauge('database', 'engine', 'namespace'),
  dbops_backup_last_success_timestamp_seconds: gauge('database', 'engine', 'namespace'),
  dbops_restore_operations_total: counter('engine', 'status', 'namespace'),
  dbops_restore_duration_seconds: histogram('engine', 'namespace'),
  dbops_scheduled_backups_total: counter('status', 'namespace'),
  dbops_schedule_next_backup_timestamp_seconds: gauge('database', 'namespace'),
  dbops_resource_count: gauge('resource_type', 'phase', 'namespace'),
  dbops_instance_info: gauge('instance', 'namespace', 'engine', 'version', 'host', 'port', 'phase'),
  dbops_database_info: gauge('database', 'namespace', 'instance_ref', 'db_name', 'phase'),
  dbops_user_info: gauge('user', 'namespace', 'instance_ref', 'username', 'phase'),
  dbops_role_info: gauge('role', 'namespace', 'instance_ref', 'role_name', 'phase'),
  dbops_grant_info: gauge('grant', 'namespace', 'user_ref', 'database_ref', 'privileges', 'phase'),
  dbops_backup_info: gauge('backup', 'namespace', 'database_ref', 'storage_type', 'phase'),
  dbops_schedule_info: gauge('schedule', 'namespace', 'database_ref', 'cron', 'paused'),
  dbops_restore_info: gauge('restore', 'namespace', 'backup_ref', 'target_instance', 'phase'),
};

/** The spec's "Label Values" table; phase adds the one-shot kinds' and schedules' words (DESIGN §2). */
const labelValues: Readonly<Record<string, readonly string[]>> = {
  status: ['success', 'failure'],
  operation: ['create', 'update', 'delete', 'connect', 'backup', 'restore'],
  engine: ['postgres', 'mysql', 'mariadb'],
  phase: ['Pending', 'Ready', 'Failed', 'Deleting', 'Running', 'Completed', 'Active', 'Paused'],
  paused: ['true', 'false'],
};

/** Dashboard variables that filter queries; a query must filter on one wherever its metric has that label. */
const filterVariables = ['namespace', 'instance', 'engine'] as const;

// ---- what each dashboard must hold ------------------------------------------------------------------

/** A panel title, and the unit it must display (unchecked when absent, e.g. for tables). */
type ExpectedPanel = readonly [title: string, unit?: string];

interface ExpectedDashboard {
  readonly uid: string;
  /** The filter variables the dashboard defines: exactly those labels its metrics carry. */
  readonly filters: readonly string[];
  /** The spec's "Key metrics used" for the dashboard. */
  readonly keyMetrics: readonly string[];
  readonly panels: readonly ExpectedPanel[];
}

const expected: Readonly<Record<string, ExpectedDashboard>> = {
  'overview.json': {
    uid: 'dbops-overview',
    filters: ['namespace', 'instance', 'engine'],
    keyMetrics: [
      'dbops_resource_count',
      'dbops_instance_healthy',
      'dbops_database_operations_total',
      'dbops_user_operations_total',
      'dbops_role_operations_total',
      'dbops_grant_operations_total',
    ],
    panels: [
      ['Instances', 'short'],
      ['Databases', 'short'],
      ['Users', 'short'],
      ['Roles', 'short'],
      ['Grants', 'short'],
      ['Backups', 'short'],
      ['Schedules', 'short'],
      ['Restores', 'short'],
      ['Healthy Instances', 'short'],
      ['Unhealthy Instances', 'short'],
      ['Pending Resources', 'short'],
      ['Failed Resources', 'short'],
      ['Resources by Type and Phase'],
      ['Operation Rates', 'opm'],
      ['Error Rates', 'opm'],
      ['Resource Phases Over Time', 'short'],
      ['Recent Activity (last hour)'],
    ],
  },
  'instances.json': {
    uid: 'dbops-instances',
    filters: ['namespace', 'instance', 'engine'],
    keyMetrics: [
      'dbops_instance_info',
      'dbops_instance_healthy',
      'dbops_connection_latency_seconds',
      'dbops_connection_attempts_total',
    ],
    panels: [
      ['Total Instances', 'short'],
      ['Healthy Instances', 'short'],
      ['Unhealthy Instances', 'short'],
      ['Connection Error Ratio (5m)', 'percentunit'],
      ['Instances'],
      ['Connection Status', 'short'],
      ['Connection Latency', 's'],
      ['Connection Attempts', 'opm'],
      ['Health Check History', 'short'],
      ['Time Since Last Health Check', 's'],
    ],
  },
  'databases.json': {
    uid: 'dbops-databases',
    filters: ['namespace', 'instance', 'engine'],
    keyMetrics: [
      'dbops_database_info',
      'dbops_database_size_bytes',
      'dbops_database_operations_total',
      'dbops_database_operation_duration_seconds',
    ],
    panels: [
      ['Total Databases', 'short'],
      ['Ready Databases', 'short'],
      ['Failed Databases', 'short'],
      ['Total Database Size', 'bytes'],
      ['Databases'],
      ['Database Sizes', 'bytes'],
      ['Database Operations', 'opm'],
      ['Database Operation Duration', 's'],
      ['Database Operation Error Ratio', 'percentunit'],
    ],
  },
  'users.json': kindDashboard('user', 'User', 'Users'),
  'roles.json': kindDashboard('role', 'Role', 'Roles'),
  'grants.json': kindDashboard('grant', 'Grant', 'Grants'),
  'backups.json': {
    uid: 'dbops-backups',
    filters: ['namespace', 'engine'],
    keyMetrics: [
      'dbops_backup_info',
      'dbops_backup_operations_total',
      'dbops_backup_size_bytes',
      'dbops_backup_duration_seconds',
      'dbops_backup_last_success_timestamp_seconds',
    ],
    panels: [
      ['Total Backups', 'short'],
      ['Completed Backups', 'short'],
      ['Running Backups', 'short'],
      ['Failed Backups', 'short'],
      ['Backup Success Ratio (24h)', 'percentunit'],
      ['Oldest Last Success', 's'],
      ['Backups'],
      ['Backup Success Rate', 'short'],
      ['Last Success Age', 's'],
      ['Backup Duration', 's'],
      ['Backup Duration Histogram', 's'],
      ['Backup Sizes', 'bytes'],
    ],
  },
  'schedules.json': {
    uid: 'dbops-schedules',
    filters: ['namespace'],
    keyMetrics: [
      'dbops_schedule_info',
      'dbops_scheduled_backups_total',
      'dbops_schedule_next_backup_timestamp_seconds',
    ],
    panels: [
      ['Total Schedules', 'short'],
      ['Active Schedules', 'short'],
      ['Paused Schedules', 'short'],
      ['Failed Triggers (24h)', 'short'],
      ['Schedules'],
      ['Schedule Status', 'short'],
      ['Scheduled Backups Triggered', 'short'],
      ['Next Backup Times', 'dateTimeFromNow'],
    ],
  },
  'restores.json': {
    uid: 'dbops-restores',
    filters: ['namespace', 'engine'],
    keyMetrics: ['dbops_restore_info', 'dbops_restore_operations_total', 'dbops_restore_duration_seconds'],
    panels: [
      ['Total Restores', 'short'],
      ['Pending Restores', 'short'],
      ['Running Restores', 'short'],
      ['Completed Restores', 'short'],
      ['Failed Restores', 'short'],
      ['Restore Success Ratio (24h)', 'percentunit'],
      ['Restores'],
      ['Restore Counts', 'short'],
      ['Restore Duration', 's'],
      ['Restore Duration Histogram', 's'],
    ],
  },
};

/** users.json, roles.json and grants.json share one shape. */
function kindDashboard(kind: string, singular: string, plural: string): ExpectedDashboard {
  return {
    uid: `dbops-${plural.toLowerCase()}`,
    filters: ['namespace', 'engine'],
    keyMetrics: [`dbops_${kind}_info`, `dbops_${kind}_operations_total`],
    panels: [
      [`Total ${plural}`, 'short'],
      [`Ready ${plural}`, 'short'],
      [`Pending ${plural}`, 'short'],
      [`Failed ${plural}`, 'short'],
      [plural],
      [`${singular} Operations`, 'opm'],
      [`${singular} Operation Status`, 'opm'],
      [`${singular} Operation Error Ratio`, 'percentunit'],
    ],
  };
}

// ---- dashboard JSON ---------------------------------------------------------------------------------

interface Datasource {
  readonly type?: string;
  readonly uid?: string;
}
interface Target {
  readonly refId?: string;
  readonly expr?: string;
  readonly datasource?: Datasource;
}
interface GridPos {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}
interface Panel {
  readonly id?: number;
  readonly type?: string;
  readonly title?: string;
  readonly datasource?: Datasource;
  readonly gridPos?: GridPos;
  readonly targets?: readonly Target[];
  readonly fieldConfig?: { readonly defaults?: { readonly unit?: string } };
}
interface Variable {
  readonly type?: string;
  readonly name?: string;
  readonly query?: string | { readonly query?: string };
  readonly multi?: boolean;
  readonly includeAll?: boolean;
  readonly allValue?: string;
  readonly datasource?: Datasource;
}
interface Dashboard {
  readonly uid?: string;
  readonly title?: string;
  readonly tags?: readonly string[];
  readonly schemaVersion?: number;
  readonly templating?: { readonly list?: readonly Variable[] };
  readonly panels?: readonly Panel[];
}

const datasourceRef: Datasource = { type: 'prometheus', uid: '${datasource}' };

function load(file: string): Dashboard {
  return JSON.parse(readFileSync(join(dashboardDir, file), 'utf8')) as Dashboard;
}

const panelsOf = (d: Dashboard): readonly Panel[] => d.panels ?? [];
const variablesOf = (d: Dashboard): readonly Variable[] => d.templating?.list ?? [];
const variableQuery = (v: Variable): string =>
  typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
const exprsOf = (d: Dashboard): string[] =>
  panelsOf(d).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));

/** The filter variables (namespace/instance/engine) a dashboard defines. */
function filtersOf(d: Dashboard): string[] {
  const names = new Set(variablesOf(d).map((v) => v.name));
  return filterVariables.filter((f) => names.has(f));
}

// ---- a small PromQL reader: enough to find selectors, matchers and grouping labels ------------------

interface Token {
  readonly kind: 'ident' | 'string' | 'other';
  readonly text: string;
}

const tokenPattern =
  /\s+|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[A-Za-z_:][\w:]*|=~|!~|!=|==|>=|<=|\d[\w.]*|\S/gu;

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  for (const [text] of expr.matchAll(tokenPattern)) {
    if (/^\s/u.test(text)) continue;
    if (text.startsWith('"') || text.startsWith("'"))
      tokens.push({ kind: 'string', text: text.slice(1, -1) });
    else if (/^[A-Za-z_:]/u.test(text)) tokens.push({ kind: 'ident', text });
    else tokens.push({ kind: 'other', text });
  }
  return tokens;
}

interface Matcher {
  readonly label: string;
  readonly op: string;
  readonly value: string;
}
interface Selector {
  /** The series name; '' for a selector without one (`{__name__=~"…"}`). */
  readonly metric: string;
  readonly matchers: readonly Matcher[];
}
interface Query {
  readonly selectors: Selector[];
  /** Labels named in by/without/on/ignoring/group_left/group_right lists. */
  readonly grouping: string[];
  /** Destination labels of label_replace, which later grouping may use. */
  readonly created: string[];
  /** Source labels of label_replace. */
  readonly sources: string[];
  readonly functions: string[];
}

const aggregations = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'group',
]);
const groupingKeywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const keywords = new Set(['offset', 'bool', 'and', 'or', 'unless', 'atan2', ...groupingKeywords]);
const matchOps = new Set(['=', '!=', '=~', '!~']);

/** Reads `( a, b, … )` starting at the `(`; returns the index of the `)`. */
function readLabelList(tokens: readonly Token[], open: number, into: string[]): number {
  let i = open + 1;
  for (; i < tokens.length && tokens[i]?.text !== ')'; i++) {
    const t = tokens[i]!;
    if (t.kind === 'ident') into.push(t.text);
  }
  return i;
}

/** Reads `{label op "value", …}` starting at the `{`; returns the index of the `}`. */
function readMatchers(tokens: readonly Token[], open: number, into: Matcher[]): number {
  let i = open + 1;
  while (tokens[i]?.text !== '}') {
    const [label, op, value] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    if (label?.kind !== 'ident' || !matchOps.has(op?.text ?? '') || value?.kind !== 'string')
      throw new Error(`malformed selector at token ${i}`);
    into.push({ label: label.text, op: op!.text, value: value.text });
    i += tokens[i + 3]?.text === ',' ? 4 : 3;
  }
  return i;
}

/** Reads a selector whose name (or bare `{`) is at `start`; returns the index of its last token. */
function readSelector(tokens: readonly Token[], start: number, into: Selector[]): number {
  const named = tokens[start]?.kind === 'ident';
  const open = named ? start + 1 : start;
  const matchers: Matcher[] = [];
  into.push({ metric: named ? tokens[start]!.text : '', matchers });
  return tokens[open]?.text === '{' ? readMatchers(tokens, open, matchers) : start;
}

/** At the `)` closing label_replace(v, "dst", "replacement", "src", "regex"). */
function readLabelReplace(tokens: readonly Token[], close: number, query: Query): void {
  const dst = tokens[close - 7];
  const src = tokens[close - 3];
  if (dst?.kind !== 'string' || src?.kind !== 'string') throw new Error('malformed label_replace');
  query.created.push(dst.text);
  if (src.text !== '') query.sources.push(src.text);
}

/** An identifier is a grouping keyword, a function or aggregation, another keyword, or a series name. */
function readIdent(tokens: readonly Token[], i: number, query: Query): number {
  const name = tokens[i]!.text;
  const next = tokens[i + 1]?.text;
  if (groupingKeywords.has(name)) return next === '(' ? readLabelList(tokens, i + 1, query.grouping) : i;
  if (next === '(' || aggregations.has(name)) {
    query.functions.push(name);
    return i;
  }
  return keywords.has(name) ? i : readSelector(tokens, i, query.selectors);
}

/** Reads the token at `i` into `query`; returns the index of the last token consumed. */
function readToken(tokens: readonly Token[], i: number, query: Query, calls: string[]): number {
  const t = tokens[i]!;
  if (t.kind === 'ident') return readIdent(tokens, i, query);
  if (t.text === '{') return readSelector(tokens, i, query.selectors);
  const before = tokens[i - 1];
  if (t.text === '(') calls.push(before?.kind === 'ident' ? before.text : '');
  if (t.text === ')' && calls.pop() === 'label_replace') readLabelReplace(tokens, i, query);
  return i;
}

function parseQuery(expr: string): Query {
  const tokens = tokenize(expr);
  const query: Query = { selectors: [], grouping: [], created: [], sources: [], functions: [] };
  const calls: string[] = [];
  for (let i = 0; i < tokens.length; i++) i = readToken(tokens, i, query, calls);
  return query;
}

// ---- checks -----------------------------------------------------------------------------------------

/** Labels of a series name: a spec metric, or a histogram's _bucket (with le), _sum or _count. */
function seriesLabels(series: string): readonly string[] | undefined {
  const direct = specMetrics[series];
  if (direct) return direct.type === 'histogram' ? undefined : direct.labels;
  const m = /^(.+)_(bucket|sum|count)$/u.exec(series);
  const base = m ? specMetrics[m[1]!] : undefined;
  if (base?.type !== 'histogram') return undefined;
  return m![2] === 'bucket' ? [...base.labels, 'le'] : base.labels;
}

/** The spec metric a series belongs to (histogram series map to their histogram). */
function specMetricOf(series: string): string {
  return specMetrics[series] ? series : series.replace(/_(bucket|sum|count)$/u, '');
}

/** Problems with one matcher value: it must be one of the spec's words for that label. */
function valueProblems(m: Matcher): string[] {
  const allowed = labelValues[m.label];
  if (!allowed || m.value.includes('$')) return [];
  const words = m.op.endsWith('~') ? m.value.split('|') : [m.value];
  return words
    .filter((w) => !allowed.includes(w) && !/[.*+?()[\]]/u.test(w))
    .map((w) => `${m.label} value "${w}" is not in the spec's label values (${allowed.join(', ')})`);
}

function selectorProblems(s: Selector, filters: readonly string[]): string[] {
  const labels = seriesLabels(s.metric);
  if (!labels) return [`${s.metric || '{…}'} is not a series of the spec's 27 dbops_* metrics`];
  const problems: string[] = [];
  for (const m of s.matchers) {
    if (!labels.includes(m.label)) problems.push(`${s.metric} has no label ${m.label}`);
    problems.push(...valueProblems(m));
  }
  for (const f of filters) {
    const applied = s.matchers.some((m) => m.label === f && m.op === '=~' && m.value === `$${f}`);
    if (labels.includes(f) && !applied) problems.push(`${s.metric} is not filtered by ${f}=~"$${f}"`);
  }
  return problems;
}

function groupingProblems(q: Query): string[] {
  const known = new Set([...q.selectors.flatMap((s) => seriesLabels(s.metric) ?? []), ...q.created]);
  const problems = [...q.grouping, ...q.sources]
    .filter((l) => !known.has(l))
    .map((l) => `grouping/label_replace label ${l} is carried by none of the query's metrics`);
  if (q.functions.includes('histogram_quantile')) {
    if (!q.selectors.some((s) => s.metric.endsWith('_bucket')))
      problems.push('histogram_quantile over something other than a _bucket series');
    if (!q.grouping.includes('le')) problems.push('histogram_quantile without sum(...) by (le, ...)');
  }
  return problems;
}

/** `$name` / `${name}` references must be dashboard variables (or Grafana's `$__…`, or a regex group `$1`). */
function variableProblems(expr: string, variables: ReadonlySet<string>): string[] {
  return [...expr.matchAll(/\$\{?(\w+)/gu)]
    .map((m) => m[1] ?? '')
    .filter((name) => !variables.has(name) && !name.startsWith('__') && !/^\d+$/u.test(name))
    .map((name) => `$${name} is not a variable of the dashboard`);
}

interface QueryContext {
  readonly variables: ReadonlySet<string>;
  readonly filters: readonly string[];
}

/** Every problem with one PromQL expression; empty when it is sound. */
function exprProblems(expr: string, ctx: QueryContext): string[] {
  let q: Query;
  try {
    q = parseQuery(expr);
  } catch (err) {
    return [(err as Error).message];
  }
  if (q.selectors.length === 0) return ['queries no dbops_* metric'];
  return [
    ...q.selectors.flatMap((s) => selectorProblems(s, ctx.filters)),
    ...groupingProblems(q),
    ...variableProblems(expr, ctx.variables),
  ];
}

function contextOf(d: Dashboard): QueryContext {
  return { variables: new Set(variablesOf(d).map((v) => v.name ?? '')), filters: filtersOf(d) };
}

/** Spec metrics (histograms by their base name) a dashboard's panels query. */
function metricsUsed(d: Dashboard): Set<string> {
  return new Set(exprsOf(d).flatMap((e) => parseQuery(e).selectors.map((s) => specMetricOf(s.metric))));
}

const overlaps = (a: GridPos, b: GridPos): boolean =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

// ---- tests ------------------------------------------------------------------------------------------

describe('the PromQL checker', () => {
  const ctx: QueryContext = { variables: new Set(['datasource', 'namespace']), filters: ['namespace'] };
  const sound = 'sum by (status) (rate(dbops_backup_operations_total{namespace=~"$namespace"}[5m]))';

  it('accepts a sound query', () => {
    assert.deepEqual(exprProblems(sound, ctx), []);
  });

  for (const [why, expr] of [
    ['a misspelt metric', sound.replace('backup_operations', 'backups_operations')],
    ['a metric outside the spec', 'sum(up{namespace=~"$namespace"})'],
    ['a label the metric lacks', 'dbops_scheduled_backups_total{namespace=~"$namespace", engine="mysql"}'],
    ['a label value outside the spec', 'dbops_backup_operations_total{namespace=~"$namespace", status="ok"}'],
    ['a missing namespace filter', 'sum(rate(dbops_backup_operations_total[5m]))'],
    ['grouping by a label the metric lacks', sound.replace('by (status)', 'by (instance)')],
    ['a bare histogram name', 'dbops_backup_duration_seconds{namespace=~"$namespace"}'],
    [
      'a quantile not grouped by le',
      'histogram_quantile(0.9, sum(rate(dbops_backup_duration_seconds_bucket{namespace=~"$namespace"}[5m])))',
    ],
    ['an undefined variable', sound.replace('$namespace', '$cluster')],
  ] as const) {
    it(`rejects ${why}`, () => {
      assert.notDeepEqual(exprProblems(expr, ctx), [], expr);
    });
  }
});

describe('dashboards/', () => {
  it('uses every one of the 27 metrics in some panel', () => {
    const used = new Set(Object.keys(expected).flatMap((file) => [...metricsUsed(load(file))]));
    assert.deepEqual(
      Object.keys(specMetrics).filter((m) => !used.has(m)),
      [],
    );
  });
});

for (const [file, want] of Object.entries(expected)) {
  describe(`dashboards/${file}`, () => {
    it('has a stable uid, a DB Ops title, the dbops tag and a current schema', () => {
      const d = load(file);
      assert.equal(d.uid, want.uid);
      assert.match(d.title ?? '', /^DB Ops/u);
      assert.ok(d.tags?.includes('dbops'), `tags ${String(d.tags)}`);
      assert.ok((d.schemaVersion ?? 0) >= 39, `schemaVersion ${String(d.schemaVersion)}`);
    });

    it('reads Prometheus through the datasource variable in every panel and target', () => {
      const d = load(file);
      const ds = variablesOf(d).find((v) => v.name === 'datasource');
      assert.equal(ds?.type, 'datasource');
      assert.equal(ds.query, 'prometheus');
      for (const p of panelsOf(d)) {
        assert.deepEqual(p.datasource, datasourceRef, `panel ${String(p.title)}`);
        assert.ok((p.targets ?? []).length > 0, `panel ${String(p.title)} has no targets`);
        for (const t of p.targets ?? []) assert.deepEqual(t.datasource, datasourceRef, String(p.title));
      }
    });

    it('defines the namespace/instance/engine filters its metrics carry, as multi-value label_values queries', () => {
      const d = load(file);
      assert.deepEqual(filtersOf(d), want.filters);
      const carried = filterVariables.filter((f) =>
        [...metricsUsed(d)].some((m) => specMetrics[m]?.labels.includes(f)),
      );
      assert.deepEqual(want.filters, carried, 'filters must be exactly the labels the metrics carry');
      for (const name of want.filters) {
        const v = variablesOf(d).find((x) => x.name === name)!;
        assert.equal(v.type, 'query', name);
        assert.deepEqual(v.datasource, datasourceRef, name);
        assert.deepEqual([v.multi, v.includeAll, v.allValue], [true, true, '.*'], name);
        const m = /^label_values\((.+),\s*(\w+)\)$/u.exec(variableQuery(v));
        assert.ok(m, `${name}: ${variableQuery(v)}`);
        assert.equal(m[2], name);
        const [selector] = parseQuery(m[1]!).selectors;
        assert.ok(seriesLabels(selector?.metric ?? '')?.includes(name), `${name} over ${m[1]!}`);
      }
    });

    it('lays out panels with unique ids and non-overlapping grid positions', () => {
      const panels = panelsOf(load(file));
      const ids = panels.map((p) => p.id);
      assert.equal(new Set(ids).size, ids.length, `duplicate ids ${ids.join(',')}`);
      for (const [i, p] of panels.entries()) {
        const g = p.gridPos;
        assert.ok(g && g.w > 0 && g.h > 0 && g.x >= 0 && g.x + g.w <= 24, `gridPos of ${String(p.title)}`);
        for (const other of panels.slice(i + 1))
          assert.ok(!overlaps(g, other.gridPos!), `${String(p.title)} overlaps ${String(other.title)}`);
      }
    });

    it('queries only spec metrics, by labels they carry, filtered by the dashboard variables', () => {
      const d = load(file);
      const ctx = contextOf(d);
      const problems = panelsOf(d).flatMap((p) =>
        (p.targets ?? []).flatMap((t) =>
          exprProblems(t.expr ?? '', ctx).map((msg) => `${String(p.title)} ${String(t.refId)}: ${msg}`),
        ),
      );
      assert.deepEqual(problems, []);
    });

    it("uses the spec's key metrics", () => {
      const used = metricsUsed(load(file));
      assert.deepEqual(
        want.keyMetrics.filter((m) => !used.has(m)),
        [],
      );
    });

    it('holds the panels the spec lists, with sensible units', () => {
      const panels = panelsOf(load(file));
      for (const [title, unit] of want.panels) {
        const p = panels.find((x) => x.title === title);
        assert.ok(p, `no panel "${title}" in ${panels.map((x) => String(x.title)).join(', ')}`);
        if (unit !== undefined) assert.equal(p.fieldConfig?.defaults?.unit, unit, title);
      }
      for (const p of panels.filter((x) => x.type !== 'table'))
        assert.ok(p.fieldConfig?.defaults?.unit, `${String(p.title)} has no unit`);
    });
  });
}
