// monitoring/ ships the alerting and recording rules, the PrometheusRule and the ServiceMonitor of
// spec/monitoring.md. promtool (Debian package `prometheus`) checks the rules and runs their unit tests in
// monitoring/rules.test.yaml; the manifests must carry exactly the rules promtool proved.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { requireTool } from '../../harness/tools.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const file = (name: string): string => fileURLToPath(new URL(`../../../monitoring/${name}`, import.meta.url));

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleGroup {
  name: string;
  rules: Rule[];
}
interface RuleFile {
  groups: RuleGroup[];
}
interface AlertTest {
  alertname: string;
  exp_alerts?: unknown[] | null;
}
interface RuleTestFile {
  rule_files: string[];
  tests: { alert_rule_test?: AlertTest[]; promql_expr_test?: { expr: string }[] }[];
}
interface Manifest {
  apiVersion: string;
  kind: string;
  spec: Record<string, unknown>;
}

function load(name: string): unknown {
  return parse(readFileSync(file(name), 'utf8'));
}

/** The alerts of spec/monitoring.md's PrometheusRule, with their `for` and severity. */
const specAlerts: Record<string, { for: string; severity: string }> = {
  DatabaseInstanceUnhealthy: { for: '5m', severity: 'critical' },
  HighConnectionErrorRate: { for: '10m', severity: 'warning' },
  HighDatabaseOperationErrorRate: { for: '10m', severity: 'warning' },
  BackupFailed: { for: '1m', severity: 'warning' },
  BackupOverdue: { for: '1h', severity: 'warning' },
  ResourceStuckPending: { for: '30m', severity: 'warning' },
  HighConnectionLatency: { for: '10m', severity: 'warning' },
  RestoreFailed: { for: '1m', severity: 'critical' },
};

const recordingRules = [
  'dbops:connection_success_rate:5m',
  'dbops:backup_success_rate:1h',
  'dbops:database_operation_success_rate:5m',
];

function promtool(...args: string[]): string {
  let tool: string;
  try {
    tool = requireTool('promtool', 'prometheus');
  } catch (err) {
    throw new Error(
      'promtool is missing: install it with `apt-get install prometheus` (Debian/Ubuntu) ' +
        'or put the promtool of a Prometheus release on PATH',
      { cause: err },
    );
  }
  const run = spawnSync(tool, args, { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  if (run.error !== undefined) throw run.error;
  const output = `${run.stdout}${run.stderr}`;
  assert.equal(run.status, 0, `promtool ${args.join(' ')} failed (exit ${String(run.status)}):\n${output}`);
  return output;
}

describe('monitoring/rules.yaml', () => {
  it('passes promtool check rules', () => {
    assert.match(promtool('check', 'rules', 'monitoring/rules.yaml'), /SUCCESS: \d+ rules found/);
  });

  it('passes its promtool unit tests (monitoring/rules.test.yaml)', () => {
    assert.match(promtool('test', 'rules', 'monitoring/rules.test.yaml'), /SUCCESS/);
  });

  it("has the spec's alerts, with their `for`, severity and annotations, and the recording rules", () => {
    const rules = (load('rules.yaml') as RuleFile).groups.flatMap((g) => g.rules);
    const alerts = rules.filter((r) => r.alert !== undefined);
    assert.deepEqual(alerts.map((r) => r.alert).sort(), Object.keys(specAlerts).sort());
    for (const rule of alerts) {
      const name = rule.alert ?? '';
      const want = specAlerts[name];
      assert.ok(want, name);
      assert.equal(rule.for, want.for, `${name} for`);
      assert.equal(rule.labels?.['severity'], want.severity, `${name} severity`);
      for (const annotation of ['summary', 'description']) {
        assert.match(
          rule.annotations?.[annotation] ?? '',
          /\{\{ \$labels\.namespace \}\}/,
          `${name} ${annotation}`,
        );
      }
    }
    assert.deepEqual(
      rules.flatMap((r) => (r.record === undefined ? [] : [r.record])).sort(),
      recordingRules.sort(),
    );
  });

  it('has a firing and a not-firing unit test for every alert, and a value test for every recording rule', () => {
    const suite = load('rules.test.yaml') as RuleTestFile;
    assert.deepEqual(suite.rule_files, ['rules.yaml']);
    const alertTests = suite.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const alert of Object.keys(specAlerts)) {
      const cases = alertTests.filter((t) => t.alertname === alert);
      assert.ok(
        cases.some((t) => (t.exp_alerts ?? []).length > 0),
        `${alert}: no case where it fires`,
      );
      assert.ok(
        cases.some((t) => (t.exp_alerts ?? []).length === 0),
        `${alert}: no case where it stays silent`,
      );
    }
    const exprs = suite.tests.flatMap((t) => t.promql_expr_test ?? []).map((t) => t.expr.trim());
    for (const record of recordingRules) assert.ok(exprs.includes(record), `${record}: no value test`);
  });
});

describe('monitoring/prometheus-rule.yaml', () => {
  it('is a PrometheusRule with exactly the groups of rules.yaml', () => {
    const manifest = load('prometheus-rule.yaml') as Manifest;
    assert.equal(manifest.apiVersion, 'monitoring.coreos.com/v1');
    assert.equal(manifest.kind, 'PrometheusRule');
    assert.deepEqual(manifest.spec['groups'], (load('rules.yaml') as RuleFile).groups);
  });
});

describe('monitoring/service-monitor.yaml', () => {
  it("scrapes the provider's :8080 /metrics honouring the metrics' own instance and namespace labels", () => {
    const monitor = load('service-monitor.yaml') as Manifest;
    assert.equal(monitor.apiVersion, 'monitoring.coreos.com/v1');
    assert.equal(monitor.kind, 'ServiceMonitor');
    const endpoints = monitor.spec['endpoints'] as { port: string; path: string; honorLabels?: boolean }[];
    assert.equal(endpoints.length, 1);
    assert.deepEqual(
      { port: endpoints[0]?.port, path: endpoints[0]?.path, honorLabels: endpoints[0]?.honorLabels },
      { port: 'metrics', path: '/metrics', honorLabels: true },
    );
    // The Service it selects exposes port `metrics` as 8080.
    const service = load('service.yaml') as Manifest & { metadata: { labels: Record<string, string> } };
    const selector = (monitor.spec['selector'] as { matchLabels: Record<string, string> }).matchLabels;
    for (const [key, value] of Object.entries(selector))
      assert.equal(service.metadata.labels[key], value, key);
    assert.deepEqual(service.spec['ports'], [
      { name: 'metrics', port: 8080, targetPort: 8080, protocol: 'TCP' },
    ]);
  });
});
