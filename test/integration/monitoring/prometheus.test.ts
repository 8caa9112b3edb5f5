// The provider's metrics through a real Prometheus: it scrapes the provider (honor_labels, with the target
// labels the Prometheus Operator adds) while the SQL kinds work on real servers; then every expression of every
// dashboard panel of those kinds must return data, and stopping a database server must drop the instance's
// health series to 0 and fire DatabaseInstanceUnhealthy in Prometheus's own rule evaluation (a copy of the
// shipped rules with a 2 s `for`). Backup, schedule and restore panels join when those kinds exist.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { startMetricsServer, type RunningServer } from '../../../src/metrics/server.ts';
import { freePort } from '../../harness/ports.ts';
import { startPostgres, type PostgresServer } from '../../harness/postgres.ts';
import { startPrometheus, type PrometheusServer } from '../../harness/prometheus.ts';
import { requireTool } from '../../harness/tools.ts';
import { eventually } from '../../harness/wait.ts';
import { startProvider, type Provider } from '../resources/support.ts';

const root = new URL('../../../', import.meta.url);
const notYet = /dbops_(backup|schedule|scheduled|restore)_/;

/** The shipped rules with every alert's `for` shortened, so a test sees them fire in seconds. */
function rulesWithShortFor(): unknown[] {
  const file = parse(readFileSync(new URL('monitoring/rules.yaml', root), 'utf8')) as {
    groups: { rules: { alert?: string; for?: string }[] }[];
  };
  for (const group of file.groups) for (const rule of group.rules) if (rule.alert) rule.for = '2s';
  return file.groups;
}

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

/** Every panel expression of the dashboards, with Grafana's variables set to "all" and fixed intervals. */
function dashboardExpressions(): { where: string; expr: string }[] {
  const values: Record<string, string> = {
    namespace: '.*',
    instance: '.*',
    engine: '.*',
    __rate_interval: '1m',
    __interval: '15s',
    __range: '1h',
  };
  const out: { where: string; expr: string }[] = [];
  const dir = new URL('dashboards/', root);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const walk = (panels: Panel[]) => {
      for (const panel of panels) {
        for (const target of panel.targets ?? []) {
          if (target.expr === undefined) continue;
          const expr = target.expr.replace(/\$\{?([A-Za-z_]\w*)\}?/g, (_, name: string) => {
            const value = values[name];
            if (value === undefined)
              throw new Error(`${file} ${String(panel.title)}: unknown variable $${name}`);
            return value;
          });
          out.push({ where: `${file} / ${panel.title ?? '?'}`, expr });
        }
        walk(panel.panels ?? []);
      }
    };
    walk((JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { panels: Panel[] }).panels);
  }
  return out;
}

let p: Provider;
let flaky: PostgresServer;
let scrape: RunningServer;
let prometheus: PrometheusServer;

before(async () => {
  p = await startProvider('prom');
  flaky = await startPostgres();
  scrape = await startMetricsServer({
    address: { host: '127.0.0.1', port: await freePort() },
    source: p.registry,
  });
  prometheus = await startPrometheus({
    targets: [`127.0.0.1:${String(scrape.port)}`],
    ruleGroups: rulesWithShortFor(),
  });
});
after(async () => {
  await prometheus.stop();
  await scrape.close();
  await p.stop();
  await flaky.stop();
});

describe('metrics in a real Prometheus', () => {
  it('every dashboard panel of the SQL kinds returns data', async () => {
    await p.instance('pg', 'postgres', p.env.postgres.admin);
    await p.instance('maria', 'mariadb', p.env.mariadb.admin);
    await p.instance('flaky', 'postgres', flaky.admin);
    const ref = { instanceRef: { name: 'pg' } };
    await p.create('Database', 'app', { forProvider: ref });
    await p.create('Database', 'shop', { forProvider: { instanceRef: { name: 'maria' } } });
    await p.create('Database', 'broken', {
      forProvider: { ...ref, postgres: { template: 'no_such_template' } },
    });
    await p.create('DatabaseUser', 'app', {
      forProvider: ref,
      writeConnectionSecretToRef: { name: 'app-db' },
    });
    await p.create('DatabaseRole', 'readers', { forProvider: ref });
    await p.create('DatabaseGrant', 'app', {
      forProvider: {
        ...ref,
        userRef: { name: 'app' },
        databaseRef: { name: 'app' },
        postgres: { database: { privileges: ['CONNECT'] } },
      },
    });
    for (const [kind, name] of [
      ['Database', 'app'],
      ['Database', 'shop'],
      ['DatabaseUser', 'app'],
      ['DatabaseRole', 'readers'],
      ['DatabaseGrant', 'app'],
    ] as const) {
      await p.ready(kind, name);
    }
    await p.condition('Database', 'broken', 'Synced', 'False', /no_such_template/);

    // The spec's labels survive the scrape: honor_labels keeps the metric's instance and namespace.
    const health = await eventually('the grant info scraped', async () => {
      const grants = await prometheus.query('dbops_grant_info');
      const rows = await prometheus.query(
        `dbops_instance_healthy{instance="pg", namespace="${p.namespace}"}`,
      );
      return grants.length > 0 && rows.length > 0 ? rows : undefined;
    });
    const [row] = health;
    assert.ok(row);
    assert.equal(row.value[1], '1');
    assert.equal(row.metric['exported_instance'], undefined);
    assert.equal(row.metric['pod'], 'provider-dbops-0', 'the target labels are there too');

    // A counter's first increment is invisible to rate() (the series starts at 1), so every kind is updated
    // twice while Prometheus watches: the second update is a visible increase.
    const update = async (round: number) => {
      await p.patchSpec('DatabaseUser', 'app', { forProvider: { postgres: { connectionLimit: 4 + round } } });
      await p.patchSpec('DatabaseRole', 'readers', {
        forProvider: { postgres: { connectionLimit: 4 + round } },
      });
      await p.patchSpec('DatabaseGrant', 'app', {
        forProvider: {
          postgres: { database: { privileges: round === 0 ? ['CONNECT', 'TEMPORARY'] : ['CONNECT'] } },
        },
      });
      await p.patchSpec('Database', 'app', { forProvider: { postgres: { connectionLimit: 9 + round } } });
      await eventually(`update round ${String(round + 1)} counted`, async () => {
        const updates = await prometheus.query(
          'sum by (__name__) ({__name__=~"dbops_(user|role|grant|database)_operations_total", operation="update", status="success"})',
        );
        return updates.length === 4 && updates.every((u) => Number(u.value[1]) >= round + 1)
          ? true
          : undefined;
      });
    };
    await update(0);
    await update(1);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const empty: string[] = [];
    const expressions = dashboardExpressions().filter((e) => !notYet.test(e.expr));
    assert.ok(expressions.length > 50, `${String(expressions.length)} expressions`);
    for (const { where, expr } of expressions) {
      const result = await prometheus.query(expr);
      if (result.length === 0) empty.push(`${where}: ${expr}`);
    }
    assert.deepEqual(empty, [], 'panels without data');

    // promtool's lint of the live exposition: the only finding allowed is the one the spec's contract
    // imposes (dbops_resource_count is a gauge whose name ends in _count).
    const checked = spawnSync(requireTool('promtool', 'prometheus'), ['check', 'metrics'], {
      input: await p.registry.metrics(),
      encoding: 'utf8',
    });
    const findings = `${checked.stdout}${checked.stderr}`
      .trim()
      .split('\n')
      .filter((line) => line !== '');
    assert.deepEqual(findings, [
      'dbops_resource_count non-histogram and non-summary metrics should not have "_count" suffix',
    ]);
  });

  it('a stopped server drops the health series to 0 and fires DatabaseInstanceUnhealthy', async () => {
    await p.ready('DatabaseInstance', 'flaky');
    await flaky.halt();
    try {
      await eventually(
        'dbops_instance_healthy 0 for flaky',
        async () => {
          const rows = await prometheus.query(`dbops_instance_healthy{instance="flaky"}`);
          return rows[0]?.value[1] === '0' ? true : undefined;
        },
        30_000,
      );
      await eventually(
        'DatabaseInstanceUnhealthy firing for flaky',
        async () =>
          (await prometheus.alerts()).some(
            (a) =>
              a.labels['alertname'] === 'DatabaseInstanceUnhealthy' &&
              a.labels['instance'] === 'flaky' &&
              a.state === 'firing',
          )
            ? true
            : undefined,
        30_000,
      );
      const pg = await prometheus.alerts();
      assert.ok(
        !pg.some(
          (a) => a.labels['alertname'] === 'DatabaseInstanceUnhealthy' && a.labels['instance'] === 'pg',
        ),
      );
    } finally {
      await flaky.resume();
    }
  });
});
