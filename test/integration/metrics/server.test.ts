// The metrics and probe servers over real HTTP on loopback: what Prometheus and the kubelet see.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createProviderMetrics, type ProviderMetrics } from '../../../src/metrics/registry.ts';
import {
  startHealthServer,
  startMetricsServer,
  type ReadinessStatus,
  type RunningServer,
} from '../../../src/metrics/server.ts';
import { requireTool } from '../../harness/tools.ts';
import { parseExposition } from './exposition.ts';

const loopback = { host: '127.0.0.1', port: 0 };

async function get(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; type: string; body: string }> {
  const res = await fetch(url, init);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
}

describe('metrics server', () => {
  let metrics: ProviderMetrics;
  let server: RunningServer;

  before(async () => {
    metrics = createProviderMetrics();
    const created = new Date(Date.now() - 3000).toISOString();
    const mg = {
      apiVersion: 'dbops.dbprovision.io/v1alpha1',
      kind: 'Database',
      metadata: { namespace: 'team-a', name: 'app', creationTimestamp: created, deletionTimestamp: created },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    };
    metrics.managedResources.recordFirstTimeReconciled(mg);
    metrics.managedResources.recordFirstTimeReady(mg);
    metrics.managedResources.recordUnchanged(mg);
    metrics.managedResources.recordDrift(mg);
    metrics.managedResources.recordDeleted(mg);
    metrics.managedResourceStates.record([
      { gvk: 'dbops.dbprovision.io/v1alpha1, Kind=Database', exists: 2, ready: 1, synced: 2 },
    ]);
    server = await startMetricsServer({ address: loopback, source: metrics.registry });
  });

  after(async () => {
    await server.close();
  });

  it('listens on the requested host and a free port', () => {
    assert.ok(server.port > 0);
    assert.equal(server.url, `http://127.0.0.1:${server.port}`);
  });

  it('serves valid exposition text with the crossplane and process metrics', async () => {
    const res = await get(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.equal(res.type, 'text/plain; version=0.0.4; charset=utf-8');
    const families = parseExposition(res.body);
    const want: Record<string, string> = {
      crossplane_managed_resource_first_time_to_reconcile_seconds: 'histogram',
      crossplane_managed_resource_first_time_to_readiness_seconds: 'histogram',
      crossplane_managed_resource_deletion_seconds: 'histogram',
      crossplane_managed_resource_drift_seconds: 'histogram',
      crossplane_managed_resource_exists: 'gauge',
      crossplane_managed_resource_ready: 'gauge',
      crossplane_managed_resource_synced: 'gauge',
      process_cpu_seconds_total: 'counter',
      process_resident_memory_bytes: 'gauge',
      nodejs_eventloop_lag_seconds: 'gauge',
    };
    for (const [name, type] of Object.entries(want)) {
      const family = families.get(name);
      assert.equal(family?.type, type, name);
      assert.ok(family.help !== undefined && family.help !== '', `${name} has help`);
    }
    const readiness = families.get('crossplane_managed_resource_first_time_to_readiness_seconds');
    const count = readiness?.samples.find((s) => s.name.endsWith('_count'));
    assert.deepEqual(count?.labels, { gvk: 'dbops.dbprovision.io/v1alpha1, Kind=Database' });
    assert.equal(count.value, 1);
    const exists = families.get('crossplane_managed_resource_exists')?.samples[0];
    assert.equal(exists?.value, 2);
  });

  it('passes promtool check metrics', async () => {
    const tool = requireTool('promtool', 'prometheus');
    const { body } = await get(`${server.url}/metrics`);
    const checked = spawnSync(tool, ['check', 'metrics'], { input: body, encoding: 'utf8' });
    assert.equal(checked.status, 0, `${checked.stdout}${checked.stderr}`);
  });

  it('answers HEAD without a body, 404 elsewhere and 405 to other methods', async () => {
    const head = await get(`${server.url}/metrics`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal((await get(`${server.url}/`)).status, 404);
    assert.equal((await get(`${server.url}/healthz`)).status, 404);
    const post = await fetch(`${server.url}/metrics`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    await post.body?.cancel();
  });

  it('answers 500 with a redacted reason when collection fails', async () => {
    const failing = await startMetricsServer({
      address: loopback,
      source: {
        contentType: 'text/plain',
        metrics: () => Promise.reject(new Error('collector broke: postgres://u:collector-secret@db')),
      },
    });
    try {
      const res = await get(`${failing.url}/metrics`);
      assert.equal(res.status, 500);
      assert.match(res.body, /^cannot collect metrics: collector broke/);
      assert.ok(!res.body.includes('collector-secret'));
    } finally {
      await failing.close();
    }
  });

  it('refuses a port that is taken', async () => {
    await assert.rejects(
      startMetricsServer({ address: { host: '127.0.0.1', port: server.port }, source: metrics.registry }),
      /EADDRINUSE/,
    );
  });
});

describe('health server', () => {
  const state = { synced: false, leader: true };
  let server: RunningServer;

  before(async () => {
    server = await startHealthServer({
      address: loopback,
      readiness: {
        informers: (): ReadinessStatus =>
          state.synced ? { ready: true } : { ready: false, reason: 'caches not synced' },
        leader: () =>
          Promise.resolve<ReadinessStatus>(
            state.leader ? { ready: true } : { ready: false, reason: 'not leader' },
          ),
      },
    });
  });

  after(async () => {
    await server.close();
  });

  it('/healthz is 200 whatever readiness says', async () => {
    assert.deepEqual(await get(`${server.url}/healthz`), {
      status: 200,
      type: 'text/plain; charset=utf-8',
      body: 'ok\n',
    });
  });

  it('/readyz follows the checks: 503 naming what fails, then 200', async () => {
    state.synced = false;
    const notReady = await get(`${server.url}/readyz`);
    assert.equal(notReady.status, 503);
    assert.equal(
      notReady.body,
      '[-]informers failed: caches not synced\n[+]leader ok\nreadyz check failed\n',
    );

    state.synced = true;
    assert.deepEqual(await get(`${server.url}/readyz`), {
      status: 200,
      type: 'text/plain; charset=utf-8',
      body: 'ok\n',
    });
    const verbose = await get(`${server.url}/readyz?verbose`);
    assert.equal(verbose.status, 200);
    assert.equal(verbose.body, '[+]informers ok\n[+]leader ok\nreadyz check passed\n');

    state.leader = false;
    const lost = await get(`${server.url}/readyz`);
    assert.equal(lost.status, 503);
    assert.match(lost.body, /\[-\]leader failed: not leader/);
    state.leader = true;
    assert.equal((await get(`${server.url}/readyz`)).status, 200);
    assert.equal((await get(`${server.url}/readyz`, { method: 'HEAD' })).body, '');
  });

  it('fails a check that throws or does not answer in time, with a redacted reason', async () => {
    const stuck = await startHealthServer({
      address: loopback,
      checkTimeoutMs: 50,
      readiness: {
        throws: () => {
          throw new Error("probe failed: PASSWORD 'probe-secret'");
        },
        hangs: () => new Promise<ReadinessStatus>(() => undefined),
      },
    });
    try {
      const res = await get(`${stuck.url}/readyz`);
      assert.equal(res.status, 503);
      assert.match(res.body, /\[-\]throws failed: probe failed: PASSWORD \[REDACTED\]/);
      assert.match(res.body, /\[-\]hangs failed: no answer within 50 ms/);
      assert.ok(!res.body.includes('probe-secret'));
    } finally {
      await stuck.close();
    }
  });

  it('with no checks, is ready', async () => {
    const bare = await startHealthServer({ address: loopback, readiness: {} });
    try {
      assert.equal((await get(`${bare.url}/readyz`)).status, 200);
    } finally {
      await bare.close();
    }
  });
});

/** A GET with a raw request target, which fetch() would normalise. */
function rawGet(url: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { path }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('request targets', () => {
  it('answers odd targets with 404 and keeps serving', async () => {
    const server = await startHealthServer({ address: loopback, readiness: {} });
    try {
      for (const path of ['//', '//healthz', '/healthz/', '/%zz', '/constructor', '/__proto__']) {
        assert.equal(await rawGet(server.url, path), 404, path);
      }
      assert.equal(await rawGet(server.url, '/healthz?x=%zz'), 200);
      assert.equal(await rawGet(server.url, '/healthz'), 200);
    } finally {
      await server.close();
    }
  });
});

describe('close()', () => {
  it('returns promptly with a keep-alive connection open, and stops listening', async () => {
    const server = await startHealthServer({ address: loopback, readiness: {} });
    // A kept-alive socket, as Prometheus holds between scrapes.
    await new Promise<void>((resolve, reject) => {
      const req = request(`${server.url}/healthz`, { headers: { connection: 'keep-alive' } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    const started = Date.now();
    await server.close();
    assert.ok(Date.now() - started < 1000, 'close() waited for the idle connection');
    await assert.rejects(fetch(`${server.url}/healthz`));
  });
});
