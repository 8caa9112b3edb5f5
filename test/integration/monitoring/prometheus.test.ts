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

const allValues: Record<string, string> = {
  namespace: '.*',
  instance: '.*',
  engine: '.*',
  __rate_interval: '1m',
  __interval: '15s',
  __range: '1h',
};

/** Every panel expression of the dashboards, with Grafana's variables set as in `values` (default: "all"). */
function dashboardExpressions(
  values: Record<string, string> = allValues,
): { file: string; title: string; where: string; expr: string }[] {
  const out: { file: string; title: string; where: string; expr: string }[] = [];
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
          const title = panel.title ?? '?';
          out.push({ file, title, where: `${file} / ${title}`, expr });
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
    await p.ready('DatabaseInstance', 'pg');
    await p.ready('DatabaseInstance', 'maria');
    // The namespace's operation series exist, at zero, before its first operation, and Prometheus has them.
    const ns = p.namespace;
    await eventually('the zero operation series scraped', async () => {
      const zeros = await prometheus.query(
        `count({__name__=~"dbops_(database|user|role|grant)_operations_total", namespace="${ns}"} == 0)`,
      );
      return Number(zeros[0]?.value[1]) === 4 * 3 * 2 * 2 ? true : undefined;
    });
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

    // The dashboards count the very first operations: every create the scenario made, no more, no less
    // (increase() extrapolates a little at the window's edges, hence the rounding).
    const created = async (metric: string) => {
      const [row] = await prometheus.query(
        `sum(increase(${metric}{namespace="${ns}", operation="create", status="success"}[10m]))`,
      );
      return Math.round(Number(row?.value[1]));
    };
    const expected = {
      dbops_database_operations_total: 2,
      dbops_user_operations_total: 1,
      dbops_role_operations_total: 1,
      dbops_grant_operations_total: 1,
    };
    const creates = async () =>
      Object.fromEntries(
        await Promise.all(Object.keys(expected).map(async (m) => [m, await created(m)] as const)),
      );
    await eventually('the first creates on the panels', async () =>
      Object.entries(await creates()).every(([m, n]) => expected[m as keyof typeof expected] === n)
        ? true
        : undefined,
    );
    assert.deepEqual(await creates(), expected);
    const p50 = await prometheus.query(
      `histogram_quantile(0.5, sum by (le) (rate(dbops_database_operation_duration_seconds_bucket{namespace="${ns}", operation="create"}[10m])))`,
    );
    assert.ok(Number.isFinite(Number(p50[0]?.value[1])), `create p50 ${JSON.stringify(p50)}`);

    // The overview's counts follow the instance and engine filters.
    const overview = async (title: string, values: Record<string, string>) => {
      const panel = dashboardExpressions({ ...allValues, ...values }).find(
        (e) => e.file === 'overview.json' && e.title === title,
      );
      assert.ok(panel, title);
      return Number((await prometheus.query(panel.expr))[0]?.value[1]);
    };
    await eventually('the info series scraped', async () =>
      (await overview('Grants', {})) === 1 ? true : undefined,
    );
    const filtered = {
      all: [await overview('Databases', {}), await overview('Users', {}), await overview('Grants', {})],
      mariadb: [
        await overview('Databases', { engine: 'mariadb' }),
        await overview('Users', { engine: 'mariadb' }),
        await overview('Grants', { engine: 'mariadb' }),
      ],
      pg: [
        await overview('Databases', { instance: 'pg' }),
        await overview('Users', { instance: 'pg' }),
        await overview('Grants', { instance: 'pg' }),
      ],
    };
    assert.deepEqual(filtered, { all: [3, 1, 1], mariadb: [1, 0, 0], pg: [2, 1, 1] });

    // One update of every kind while Prometheus watches shows on the update panels.
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
