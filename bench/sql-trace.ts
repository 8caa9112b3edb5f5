// Where provider-dbops spends its time in the SQL benchmark, read from its own traces (BENCH_SQL_TRACE=1: the
// provider exports every reconcile to an in-process OTLP receiver). Pure summaries of the received spans: how
// long each kind of step takes, and how long objects wait in the queue before their first reconcile.
import type { ReceivedSpan } from '../test/harness/otlp.ts';
import { quantile } from './report.ts';

/** Reconciles are named `reconcile <Kind>`; their steps and SQL statements by what they do. */
function stepName(span: ReceivedSpan, byId: Map<string, ReceivedSpan>): string {
  if (span.name.startsWith('reconcile ')) return `${span.name} → ${String(span.attributes['result'])}`;
  let root = span;
  for (let parent = byId.get(root.parentSpanId ?? ''); parent; parent = byId.get(parent.parentSpanId ?? ''))
    root = parent;
  const kind = root.name.replace(/^reconcile /, '');
  return `${kind}: ${span.name}`;
}

/** Rows of [step, count, total s, p50 ms, p99 ms], the costliest steps first. */
export function stepCosts(spans: ReceivedSpan[]): string[][] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const groups = new Map<string, number[]>();
  for (const span of spans) {
    const name = stepName(span, byId);
    const list = groups.get(name) ?? [];
    list.push(span.endMs - span.startMs);
    groups.set(name, list);
  }
  return [...groups]
    .map(([name, durations]) => {
      durations.sort((a, b) => a - b);
      const total = durations.reduce((a, b) => a + b, 0);
      return { name, durations, total };
    })
    .sort((a, b) => b.total - a.total)
    .map(({ name, durations, total }) => [
      name,
      String(durations.length),
      (total / 1000).toFixed(1),
      quantile(durations, 0.5).toFixed(1),
      quantile(durations, 0.99).toFixed(1),
    ]);
}

/** Rows of [kind, reconciles per object, first reconcile at s: median, last], counted from `startedMs`. */
export function kindTimeline(spans: ReceivedSpan[], startedMs: number): string[][] {
  const perKind = new Map<string, Map<string, ReceivedSpan[]>>();
  for (const span of spans) {
    if (!span.name.startsWith('reconcile ')) continue;
    const kind = span.name.slice('reconcile '.length);
    const objects = perKind.get(kind) ?? new Map<string, ReceivedSpan[]>();
    const key = `${String(span.attributes['namespace'])}/${String(span.attributes['name'])}`;
    objects.set(key, [...(objects.get(key) ?? []), span]);
    perKind.set(kind, objects);
  }
  return [...perKind].map(([kind, objects]) => {
    const firsts = [...objects.values()]
      .map((list) => Math.min(...list.map((s) => s.startMs)) - startedMs)
      .sort((a, b) => a - b);
    const reconciles = [...objects.values()].reduce((sum, list) => sum + list.length, 0);
    const s = (ms: number): string => (ms / 1000).toFixed(1);
    return [kind, (reconciles / objects.size).toFixed(1), s(quantile(firsts, 0.5)), s(quantile(firsts, 1))];
  });
}

/** Rows of [step, count, message] for failed spans, the commonest first (digits folded, so alike ones group). */
export function failures(spans: ReceivedSpan[]): string[][] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const counts = new Map<string, { step: string; message: string; count: number }>();
  for (const span of spans) {
    if (span.status.code !== 2) continue;
    const step = stepName(span, byId);
    const message = (span.status.message ?? '').replace(/\d+/g, 'N').slice(0, 140);
    const key = `${step}\n${message}`;
    const entry = counts.get(key) ?? { step, message, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()]
    .sort((a, b) => b.count - a.count)
    .map(({ step, message, count }) => [step, String(count), message]);
}
