// A broken tracing endpoint never breaks reconciling: with the exporter pointed at a closed port, and at a
// server that accepts connections and never answers, objects still reach Ready, the export problem is logged
// as one warning, and stopping tracing returns (reporting the spans it had to drop) instead of hanging.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTracing } from '../../../src/tracing/start.ts';
import { recordingLogger } from '../../fakes/logger.ts';
import { freePort } from '../../harness/ports.ts';
import { eventually } from '../../harness/wait.ts';
import { startProvider } from '../resources/support.ts';
import { startBlackhole } from '../../harness/otlp.ts';

const tag = String(process.pid);
// Short deadlines so the test is quick; shutdown must come back after about this long, not after the
// exporter's own 10 s default.
const exportTimeoutMs = 1_000;
const shutdownTimeoutMs = 1_500;

async function reconcileWhileTracingTo(endpoint: string, purpose: string) {
  const { logger, messages } = recordingLogger();
  const tracing = await startTracing(
    { endpoint, sampleRate: 1, exportTimeoutMs, shutdownTimeoutMs, batchDelayMs: 100 },
    logger,
  );
  const p = await startProvider(purpose);
  try {
    await p.instance('pg', 'postgres', p.env.postgres.admin);
    for (const i of [1, 2, 3]) {
      await p.create(
        'Database',
        `db-${String(i)}`,
        { forProvider: { instanceRef: { name: 'pg' } } },
        { 'crossplane.io/external-name': `${purpose.replace(/-/g, '_')}_${String(i)}_${tag}` },
      );
    }
    await p.create(
      'DatabaseUser',
      'app',
      { forProvider: { instanceRef: { name: 'pg' } }, writeConnectionSecretToRef: { name: 'app-conn' } },
      { 'crossplane.io/external-name': `${purpose.replace(/-/g, '_')}_app_${tag}` },
    );
    await p.ready('DatabaseInstance', 'pg');
    for (const i of [1, 2, 3]) await p.ready('Database', `db-${String(i)}`);
    await p.ready('DatabaseUser', 'app');
    // Reconciles keep going (polls every 1.5 s) while exports fail.
    await eventually('an export attempt to have failed', () =>
      messages.warn.some((m) => /cannot export spans/.test(m)) ? true : undefined,
    );
  } finally {
    await p.stop();
    // Shutdown returning at all is what is proven (a hang would fail the test's timeout). Its answer is not:
    // false when spans were still queued, true when the exporter had already given up on every batch.
    await tracing.shutdown();
  }
  return messages;
}

describe('a broken tracing endpoint', () => {
  it('a closed port: objects reach Ready, one warning, shutdown returns', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const messages = await reconcileWhileTracingTo(
      `http://127.0.0.1:${String(port)}/v1/traces`,
      'trace-closed',
    );
    assert.equal(messages.warn.filter((m) => /cannot export spans/.test(m)).length, 1);
    assert.deepEqual(messages.error, []);
  });

  it('a server that never answers: objects reach Ready, shutdown returns', { timeout: 120_000 }, async () => {
    const blackhole = await startBlackhole();
    try {
      const messages = await reconcileWhileTracingTo(blackhole.url, 'trace-blackhole');
      assert.ok(blackhole.connections() > 0, 'the exporter never connected');
      assert.equal(messages.warn.filter((m) => /cannot export spans/.test(m)).length, 1);
      assert.deepEqual(messages.error, []);
    } finally {
      await blackhole.close();
    }
  });
});
