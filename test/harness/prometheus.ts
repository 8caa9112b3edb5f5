// A real Prometheus (Debian's package) on a loopback port in a temp dir, scraping given targets every second
// the way the shipped ServiceMonitor does: honor_labels, with the target labels the Prometheus Operator would
// attach (instance = the address, namespace = the provider's), so a label clash would show.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './ports.ts';
import { startProcess, trackScratchDir, waitUntilReady, type ManagedProcess } from './processes.ts';
import { requireTool } from './tools.ts';

export interface PrometheusOptions {
  /** host:port of each target serving /metrics. */
  targets: string[];
  /** Rule groups to evaluate (the `groups` of a rule file). */
  ruleGroups?: unknown[];
}

export interface PrometheusServer {
  readonly url: string;
  /** Runs an instant query; returns the result vector (or throws with Prometheus's error). */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** The alerts Prometheus's own rule evaluation holds now. */
  alerts(): Promise<{ labels: Record<string, string>; state: string }[]>;
  stop(): Promise<void>;
}

interface ApiResponse<T> {
  status: string;
  error?: string;
  data: T;
}

async function api<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = (await res.json()) as ApiResponse<T>;
  if (body.status !== 'success') throw new Error(`prometheus: ${body.error ?? res.statusText} (${url})`);
  return body.data;
}

export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const binary = requireTool('prometheus', 'prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'dbops-prometheus-'));
  const removeDir = trackScratchDir(dir);
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: options.ruleGroups ? [join(dir, 'rules.yaml')] : [],
    scrape_configs: [
      {
        job_name: 'provider-dbops',
        honor_labels: true,
        static_configs: [
          { targets: options.targets, labels: { namespace: 'crossplane-system', pod: 'provider-dbops-0' } },
        ],
      },
    ],
  };
  if (options.ruleGroups) writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: options.ruleGroups }));
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${String(port)}`;
  let proc: ManagedProcess | undefined;
  const stop = async () => {
    await proc?.stop();
    removeDir();
  };
  try {
    proc = startProcess({
      name: 'prometheus',
      command: binary,
      args: [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${String(port)}`,
        '--log.level=warn',
      ],
      logFile: join(dir, 'prometheus.log'),
    });
    await waitUntilReady(proc, async () => (await fetch(`${url}/-/ready`)).ok, 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    query: (expr) =>
      api(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`).then((d) => (d as { result: [] }).result),
    alerts: () => api<{ alerts: [] }>(`${url}/api/v1/alerts`).then((d) => d.alerts),
    stop,
  };
}
