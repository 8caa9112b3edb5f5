// The span helpers against the real SDK with an in-memory exporter: names, parents, attributes and statuses.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { failActiveSpan, inSpan } from '../../../src/tracing/spans.ts';
import { inSqlSpan } from '../../../src/tracing/sql.ts';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
before(() => {
  provider.register();
});
after(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});
beforeEach(() => {
  exporter.reset();
});

const spans = () => exporter.getFinishedSpans();

describe('inSpan', () => {
  it('nests spans started inside the work under it, across awaits', async () => {
    await inSpan('reconcile Database', { root: true, attributes: { kind: 'Database' } }, async (span) => {
      await new Promise((r) => setTimeout(r, 1));
      await inSpan('observe', {}, () => Promise.resolve());
      span.setAttribute('result', 'done');
    });
    const [child, parent] = spans();
    assert.equal(child?.name, 'observe');
    assert.equal(parent?.name, 'reconcile Database');
    assert.equal(child.parentSpanContext?.spanId, parent.spanContext().spanId);
    assert.equal(child.spanContext().traceId, parent.spanContext().traceId);
    assert.deepEqual(parent.attributes, { kind: 'Database', result: 'done' });
  });

  it('starts a new trace for a root span even inside another span', async () => {
    await inSpan('outer', {}, () => inSpan('reconcile X', { root: true }, () => Promise.resolve()));
    const [inner, outer] = spans();
    assert.equal(inner?.parentSpanContext, undefined);
    assert.notEqual(inner?.spanContext().traceId, outer?.spanContext().traceId);
  });

  it('marks a failure with the described message and rethrows', async () => {
    await assert.rejects(
      inSpan('create', { describeError: () => 'create failed: redacted' }, () =>
        Promise.reject(new Error('password=hunter2')),
      ),
      /hunter2/,
    );
    assert.deepEqual(spans()[0]?.status, { code: SpanStatusCode.ERROR, message: 'create failed: redacted' });
  });

  it('marks a failure without a message when none is described', async () => {
    await assert.rejects(inSpan('x', {}, () => Promise.reject(new Error('secret'))));
    assert.deepEqual(spans()[0]?.status, { code: SpanStatusCode.ERROR });
  });

  it('failActiveSpan marks the span whose work is running', async () => {
    await inSpan('reconcile Y', {}, async () => {
      await inSpan('observe', {}, () => Promise.resolve());
      failActiveSpan('observe failed: boom');
    });
    const [child, parent] = spans();
    assert.equal(child?.status.code, SpanStatusCode.UNSET);
    assert.deepEqual(parent?.status, { code: SpanStatusCode.ERROR, message: 'observe failed: boom' });
  });
});

describe('inSqlSpan', () => {
  it('records the operation and target, never the statement', async () => {
    const sql = `CREATE ROLE "app" LOGIN PASSWORD 'hunter2'`;
    await inSqlSpan({ system: 'postgresql', database: 'postgres', host: '127.0.0.1', port: 5432 }, sql, () =>
      Promise.resolve(),
    );
    const [span] = spans();
    assert.equal(span?.name, 'CREATE postgres');
    assert.deepEqual(span.attributes, {
      'db.system': 'postgresql',
      'db.operation': 'CREATE',
      'db.name': 'postgres',
      'server.address': '127.0.0.1',
      'server.port': 5432,
    });
    assert.doesNotMatch(JSON.stringify(span.attributes), /hunter2/);
  });

  it('records only the error code of a failed statement', async () => {
    const err = Object.assign(new Error(`syntax error at or near "hunter2"`), { code: '42601' });
    await assert.rejects(inSqlSpan({ system: 'mysql' }, 'ALTER USER x', () => Promise.reject(err)));
    const [span] = spans();
    assert.equal(span?.name, 'ALTER');
    assert.deepEqual(span.status, { code: SpanStatusCode.ERROR, message: 'SQL error 42601' });
  });
});
