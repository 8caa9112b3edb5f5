// Tracing end to end: the provider's real OTLP/HTTP exporter, pointed at a receiver this test starts (standing
// in for an OpenTelemetry Collector, see test/harness/otlp.ts), while the provider's runtime reconciles every SQL kind
// on the real API server and PostgreSQL. The receiver must get a reconcile span per kind with its attributes,
// external-call and SQL child spans in the same trace, failures marked, and never a password; at sampling
// rate 0 it must get nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nopLogger } from '../../../src/log/logger.ts';
import { startTracing, type Tracing } from '../../../src/tracing/start.ts';
import { eventually } from '../../harness/wait.ts';
import { startProvider, type Kind, type Provider } from '../resources/support.ts';
import { startCollector, type Collector, type ReceivedSpan } from '../../harness/otlp.ts';

const tag = String(process.pid);
const statusError = 2;

/** Spans of the reconciles in `namespace`, and every span in their traces. */
function traceOf(collector: Collector, namespace: string) {
  const roots = collector.spans.filter((s) => s.attributes['namespace'] === namespace);
  const traces = new Set(roots.map((s) => s.traceId));
  const all = collector.spans.filter((s) => traces.has(s.traceId));
  const children = (parent: ReceivedSpan) => all.filter((s) => s.parentSpanId === parent.spanId);
  const reconciles = (kind: Kind, name: string) =>
    roots.filter((s) => s.name === `reconcile ${kind}` && s.attributes['name'] === name);
  /** A reconcile of kind/name with a `step` child that has an SQL child running `operation`. */
  const sqlUnder = (kind: Kind, name: string, step: string, operation: string) =>
    reconciles(kind, name).flatMap((root) =>
      children(root)
        .filter((c) => c.name === step)
        .flatMap((c) => children(c).filter((sql) => sql.attributes['db.operation'] === operation))
        .map((sql) => ({ root, sql })),
    );
  return { roots, all, children, reconciles, sqlUnder };
}

/** The objects of the traced scenario, each expected to leave reconcile spans. */
const traced = [
  ['DatabaseInstance', 'pg'],
  ['Database', 'shop'],
  ['DatabaseUser', 'app'],
  ['DatabaseRole', 'readers'],
  ['DatabaseGrant', 'app-connect'],
] as const;

describe('tracing to an OTLP/HTTP collector', () => {
  let collector: Collector;
  let tracing: Tracing;
  let p: Provider;
  before(async () => {
    collector = await startCollector();
    tracing = await startTracing(
      { endpoint: collector.url, sampleRate: 1, batchDelayMs: 200 },
      nopLogger.child({ logger: 'tracing' }),
    );
    p = await startProvider('trace');
  });
  after(async () => {
    await p.stop();
    await tracing.shutdown();
    await collector.close();
  });

  it('exports reconcile spans per kind with external-call and SQL children, failures marked, no password', async () => {
    const admin = p.env.postgres.admin;
    await p.instance('pg', 'postgres', admin);
    const db = `traced_${tag}`;
    await p.create(
      'Database',
      'shop',
      { forProvider: { instanceRef: { name: 'pg' }, postgres: { connectionLimit: 5 } } },
      { 'crossplane.io/external-name': db },
    );
    await p.create(
      'DatabaseUser',
      'app',
      {
        forProvider: { instanceRef: { name: 'pg' }, connectionDatabase: db },
        writeConnectionSecretToRef: { name: 'app-conn' },
      },
      { 'crossplane.io/external-name': `traced_app_${tag}` },
    );
    await p.create(
      'DatabaseRole',
      'readers',
      { forProvider: { instanceRef: { name: 'pg' } } },
      { 'crossplane.io/external-name': `traced_readers_${tag}` },
    );
    await p.create('DatabaseGrant', 'app-connect', {
      forProvider: {
        instanceRef: { name: 'pg' },
        userRef: { name: 'app' },
        databaseRef: { name: 'shop' },
        postgres: { database: { privileges: ['CONNECT'] } },
      },
    });
    await p.create('Database', 'orphan', { forProvider: { instanceRef: { name: 'missing' } } });
    for (const [kind, name] of traced) {
      await p.ready(kind, name);
    }
    await p.condition('Database', 'orphan', 'Synced', 'False', /not found/);
    // An update (ALTER) and a delete (DROP), so that every external call has been made.
    await p.patchSpec('Database', 'shop', { forProvider: { postgres: { connectionLimit: 7 } } });
    await p.delete('DatabaseRole', 'readers');
    await p.gone('DatabaseRole', 'readers');
    const userPassword = (await p.secretData('app-conn'))['password'] ?? '';
    assert.ok(userPassword.length > 0);

    const t = await eventually('the update and delete spans', async () => {
      await tracing.flush();
      const seen = traceOf(collector, p.namespace);
      return seen.sqlUnder('Database', 'shop', 'update', 'ALTER').length > 0 &&
        seen.sqlUnder('DatabaseRole', 'readers', 'delete', 'DROP').length > 0
        ? seen
        : undefined;
    });

    for (const [kind, name] of traced) {
      const spans = t.reconciles(kind, name);
      assert.ok(spans.length > 0, `no reconcile span for ${kind} ${name}`);
      for (const span of spans) {
        assert.equal(span.service, 'provider-dbops');
        assert.equal(span.parentSpanId, undefined, 'a reconcile starts its own trace');
        assert.deepEqual(
          { kind: span.attributes['kind'], namespace: span.attributes['namespace'] },
          { kind, namespace: p.namespace },
        );
        assert.match(String(span.attributes['result']), /^(done|requeue|requeueAfter)$/);
      }
      const steps = new Set(spans.flatMap((s) => t.children(s).map((c) => c.name)));
      assert.ok(steps.has('connect') && steps.has('observe'), `${kind}: children ${[...steps].join(', ')}`);
    }

    // SQL spans sit under the external call that ran them, in the reconcile's trace.
    for (const [kind, name, step, operation] of [
      ['Database', 'shop', 'create', 'CREATE'],
      ['Database', 'shop', 'observe', 'SELECT'],
      ['Database', 'shop', 'update', 'ALTER'],
      ['DatabaseUser', 'app', 'create', 'CREATE'],
      ['DatabaseGrant', 'app-connect', 'create', 'GRANT'],
      ['DatabaseRole', 'readers', 'delete', 'DROP'],
    ] as const) {
      const found = t.sqlUnder(kind, name, step, operation);
      assert.ok(found.length > 0, `no ${operation} under ${step} of ${kind} ${name}`);
      for (const { root, sql } of found) {
        assert.equal(sql.traceId, root.traceId);
        assert.equal(sql.attributes['db.system'], 'postgresql');
        assert.equal(sql.attributes['server.port'], admin.port);
        assert.equal(typeof sql.attributes['db.name'], 'string');
        assert.equal(sql.name, `${operation} ${String(sql.attributes['db.name'])}`);
      }
    }
    const dbs = new Set(t.all.map((s) => s.attributes['db.name']).filter((d) => d !== undefined));
    assert.ok(dbs.has('postgres'), `db.name values: ${[...dbs].join(', ')}`);

    // A failed reconcile: the span and its connect child are errors, with the condition's message.
    const failed = t.reconciles('Database', 'orphan');
    assert.ok(failed.length > 0);
    for (const span of failed) {
      assert.equal(span.status.code, statusError);
      assert.match(span.status.message ?? '', /^connect failed: .*not found/);
      assert.equal(span.attributes['result'], 'requeue');
      const connect = t.children(span).find((c) => c.name === 'connect');
      assert.equal(connect?.status.code, statusError);
    }

    // No statement text, and no password anywhere in what was sent.
    const payload = collector.bodies.join('\n');
    assert.ok(!payload.includes(admin.password), 'the admin password was exported');
    assert.ok(!payload.includes(userPassword), "the user's password was exported");
    assert.doesNotMatch(payload, /PASSWORD|IDENTIFIED/i);
    assert.doesNotMatch(payload, /CREATE DATABASE|GRANT CONNECT/);
  });
});

describe('tracing at sampling rate 0', () => {
  it('exports nothing while reconciles still run', async () => {
    const collector = await startCollector();
    const tracing = await startTracing(
      { endpoint: collector.url, sampleRate: 0, batchDelayMs: 100 },
      nopLogger,
    );
    const p = await startProvider('trace-off');
    try {
      await p.instance('pg', 'postgres', p.env.postgres.admin);
      await p.create(
        'Database',
        'quiet',
        { forProvider: { instanceRef: { name: 'pg' } } },
        { 'crossplane.io/external-name': `untraced_${tag}` },
      );
      await p.ready('DatabaseInstance', 'pg');
      await p.ready('Database', 'quiet');
      assert.equal(await tracing.flush(), true);
    } finally {
      await p.stop();
      await tracing.shutdown();
      await collector.close();
    }
    assert.deepEqual(collector.spans, []);
    assert.deepEqual(collector.bodies, []);
  });
});
