import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ItemBackoff } from '../../../src/runtime/backoff.ts';
import { WorkQueue, type Scheduler } from '../../../src/runtime/workqueue.ts';

/** Virtual time: timers fire only when the test advances the clock. */
class ManualScheduler implements Scheduler {
  private time = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;
  /** How many timers were ever scheduled, to check the queue does not re-arm per item. */
  scheduled = 0;

  now(): number {
    return this.time;
  }

  schedule(fn: () => void, ms: number): () => void {
    const id = this.nextId++;
    this.scheduled++;
    this.timers.push({ at: this.time + ms, fn, id });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = target;
  }
}

function setUp(backoff?: ItemBackoff) {
  const scheduler = new ManualScheduler();
  const queue = new WorkQueue(backoff === undefined ? { scheduler } : { scheduler, backoff });
  return { scheduler, queue };
}

/** Every key the queue hands out right now, without waiting. */
async function drain(queue: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (queue.len() > 0) {
    const key = await queue.get();
    if (key === undefined) break;
    keys.push(key);
    queue.done(key);
  }
  return keys;
}

/** A deterministic pseudo-random sequence (mulberry32), so the large test is repeatable. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('WorkQueue add/get/done', () => {
  // Each case runs a script of operations against a fresh queue and compares the keys handed out.
  type Op =
    | { add: string }
    | { get: true }
    | { done: string }
    | { addAfter: string; ms: number }
    | { advance: number };
  const cases: Record<string, { reason: string; ops: Op[]; want: string[]; len?: number }> = {
    fifo: {
      reason: 'Keys come out in the order added.',
      ops: [{ add: 'a' }, { add: 'b' }, { add: 'c' }, { get: true }, { get: true }, { get: true }],
      want: ['a', 'b', 'c'],
    },
    dedup: {
      reason: 'A key queued twice comes out once, in its first position.',
      ops: [{ add: 'a' }, { add: 'b' }, { add: 'a' }, { get: true }, { get: true }],
      want: ['a', 'b'],
      len: 0,
    },
    notWhileProcessing: {
      reason: 'A key added while being processed is not handed out again until done.',
      ops: [{ add: 'a' }, { get: true }, { add: 'a' }, { add: 'b' }, { get: true }],
      want: ['a', 'b'],
      len: 0,
    },
    requeuedAfterDone: {
      reason: 'A key added while being processed is queued again by done, once.',
      ops: [{ add: 'a' }, { get: true }, { add: 'a' }, { add: 'a' }, { done: 'a' }, { get: true }],
      want: ['a', 'a'],
      len: 0,
    },
    doneWithoutAdd: {
      reason: 'A key not added again is gone after done.',
      ops: [{ add: 'a' }, { get: true }, { done: 'a' }],
      want: ['a'],
      len: 0,
    },
    delayed: {
      reason: 'addAfter holds the key until its deadline.',
      ops: [
        { addAfter: 'a', ms: 100 },
        { add: 'b' },
        { get: true },
        { advance: 99 },
        { advance: 1 },
        { get: true },
      ],
      want: ['b', 'a'],
      len: 0,
    },
    delayedNotEarly: {
      reason: 'A delayed key is not ready before its deadline.',
      ops: [{ addAfter: 'a', ms: 100 }, { advance: 99 }],
      want: [],
      len: 0,
    },
    earliestWins: {
      reason: 'A later deadline for a waiting key does not postpone it.',
      ops: [{ addAfter: 'a', ms: 100 }, { addAfter: 'a', ms: 500 }, { advance: 100 }, { get: true }],
      want: ['a'],
      len: 0,
    },
    earlierReplaces: {
      reason: 'An earlier deadline for a waiting key brings it forward, and it fires once.',
      ops: [
        { addAfter: 'a', ms: 500 },
        { addAfter: 'a', ms: 100 },
        { advance: 100 },
        { get: true },
        { done: 'a' },
        { advance: 1000 },
      ],
      want: ['a'],
      len: 0,
    },
    zeroDelay: {
      reason: 'addAfter with 0 or less adds at once.',
      ops: [{ addAfter: 'a', ms: 0 }, { addAfter: 'b', ms: -5 }, { get: true }, { get: true }],
      want: ['a', 'b'],
    },
    delayedDedupWithQueued: {
      reason: 'A deadline passing for a key already queued does not queue it twice.',
      ops: [{ add: 'a' }, { addAfter: 'a', ms: 10 }, { advance: 10 }],
      want: [],
      len: 1,
    },
    delayedWhileProcessing: {
      reason: 'A deadline passing while the key is processed marks it dirty; done requeues it.',
      ops: [
        { add: 'a' },
        { get: true },
        { addAfter: 'a', ms: 10 },
        { advance: 10 },
        { done: 'a' },
        { get: true },
      ],
      want: ['a', 'a'],
    },
    sameDeadlineFifo: {
      reason: 'Keys due at the same moment come out in the order they were delayed.',
      ops: [
        { addAfter: 'c', ms: 50 },
        { addAfter: 'a', ms: 50 },
        { addAfter: 'b', ms: 50 },
        { advance: 50 },
        { get: true },
        { get: true },
        { get: true },
      ],
      want: ['c', 'a', 'b'],
    },
    deadlineOrder: {
      reason: 'Delayed keys come out by deadline, not by insertion order.',
      ops: [
        { addAfter: 'late', ms: 300 },
        { addAfter: 'early', ms: 100 },
        { addAfter: 'middle', ms: 200 },
        { advance: 1000 },
        { get: true },
        { get: true },
        { get: true },
      ],
      want: ['early', 'middle', 'late'],
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, async () => {
      const { scheduler, queue } = setUp();
      const got: string[] = [];
      for (const op of tc.ops) {
        if ('add' in op) queue.add(op.add);
        else if ('done' in op) queue.done(op.done);
        else if ('addAfter' in op) queue.addAfter(op.addAfter, op.ms);
        else if ('advance' in op) scheduler.advance(op.advance);
        else {
          const key = await queue.get();
          assert.ok(key !== undefined);
          got.push(key);
        }
      }
      assert.deepEqual(got, tc.want, tc.reason);
      if (tc.len !== undefined) assert.equal(queue.len(), tc.len, `${tc.reason} (len)`);
    });
  }
});

describe('WorkQueue workers', () => {
  it('get waits for a key and workers are served in arrival order', async () => {
    const { queue } = setUp();
    const first = queue.get();
    const second = queue.get();
    queue.add('a');
    queue.add('b');
    assert.equal(await first, 'a');
    assert.equal(await second, 'b');
    assert.equal(queue.len(), 0);
  });

  it('a waiting worker is woken by a delayed key', async () => {
    const { scheduler, queue } = setUp();
    const next = queue.get();
    queue.addAfter('a', 1000);
    scheduler.advance(1000);
    assert.equal(await next, 'a');
  });

  it('never hands one key to two workers at once', async () => {
    const { queue } = setUp();
    queue.add('a');
    const w1 = await queue.get();
    const w2 = queue.get();
    queue.add('a');
    let settled = false;
    void w2.then(() => {
      settled = true;
    });
    await Promise.resolve();
    assert.equal(settled, false, 'the second worker waits while the first holds the key');
    queue.done(w1!);
    assert.equal(await w2, 'a');
  });
});

describe('WorkQueue rate limiting', () => {
  it('addRateLimited waits the growing backoff and forget resets it', async () => {
    const { scheduler, queue } = setUp(new ItemBackoff({ baseMs: 100, maxMs: 1000 }));
    assert.equal(queue.addRateLimited('a'), 100);
    scheduler.advance(99);
    assert.equal(queue.len(), 0);
    scheduler.advance(1);
    assert.deepEqual(await drain(queue), ['a']);
    assert.equal(queue.addRateLimited('a'), 200);
    assert.equal(queue.numRequeues('a'), 2);
    scheduler.advance(200);
    assert.deepEqual(await drain(queue), ['a']);
    queue.forget('a');
    assert.equal(queue.numRequeues('a'), 0);
    assert.equal(queue.addRateLimited('a'), 100);
  });

  it('uses the 1 s → 60 s backoff by default', () => {
    const { queue } = setUp();
    const waits = Array.from({ length: 8 }, () => queue.addRateLimited('a'));
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
  });
});

describe('WorkQueue shutdown', () => {
  it('resolves waiting workers with undefined and refuses new work', async () => {
    const { queue } = setUp();
    const waiting = queue.get();
    await queue.shutDown();
    assert.equal(await waiting, undefined);
    queue.add('a');
    queue.addAfter('b', 10);
    assert.equal(queue.len(), 0);
    assert.equal(await queue.get(), undefined);
    assert.equal(queue.isShuttingDown(), true);
  });

  it('hands out no queued keys after shutdown', async () => {
    const { queue } = setUp();
    queue.add('a');
    queue.add('b');
    await queue.shutDown();
    assert.equal(await queue.get(), undefined);
  });

  it('waits for keys in flight to be done', async () => {
    const { queue } = setUp();
    queue.add('a');
    queue.add('b');
    const a = await queue.get();
    const b = await queue.get();
    let drained = false;
    const stopping = queue.shutDown().then(() => {
      drained = true;
    });
    queue.done(a!);
    await Promise.resolve();
    assert.equal(drained, false, 'b is still in flight');
    queue.done(b!);
    await stopping;
    assert.equal(drained, true);
  });

  it('drops pending delays and their timer', async () => {
    const { scheduler, queue } = setUp();
    queue.addAfter('a', 1000);
    assert.equal(scheduler.pendingTimers, 1);
    await queue.shutDown();
    assert.equal(scheduler.pendingTimers, 0);
    assert.equal(queue.delayedLen(), 0);
  });

  it('a second shutDown also waits for the drain', async () => {
    const { queue } = setUp();
    queue.add('a');
    const a = await queue.get();
    const first = queue.shutDown();
    const second = queue.shutDown();
    let settled = 0;
    for (const drained of [first, second]) void drained.then(() => (settled += 1));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, 0, 'neither shutDown resolves while a key is in flight');
    queue.done(a!);
    await Promise.all([first, second]);
    assert.equal(settled, 2);
  });
});

describe('WorkQueue timers', () => {
  it('keeps one timer for many delayed keys, re-arming only when the earliest deadline moves', () => {
    const { scheduler, queue } = setUp();
    queue.addAfter('a', 1000);
    queue.addAfter('b', 2000);
    queue.addAfter('c', 3000);
    assert.equal(scheduler.pendingTimers, 1);
    assert.equal(scheduler.scheduled, 1, 'later deadlines need no new timer');
    queue.addAfter('d', 500);
    assert.equal(scheduler.pendingTimers, 1);
    assert.equal(scheduler.scheduled, 2, 'an earlier deadline re-arms');
  });

  it('splits waits longer than setTimeout allows', () => {
    const { scheduler, queue } = setUp();
    const thirtyDays = 30 * 24 * 3_600_000;
    queue.addAfter('a', thirtyDays);
    scheduler.advance(2 ** 31 - 1);
    assert.equal(queue.len(), 0, 'not due after the first timer');
    scheduler.advance(thirtyDays - (2 ** 31 - 1));
    assert.equal(queue.len(), 1);
  });

  it('works with real timers', async () => {
    const queue = new WorkQueue();
    queue.addAfter('a', 5);
    assert.equal(await queue.get(), 'a');
    queue.done('a');
    await queue.shutDown();
  });
});

describe('WorkQueue at scale', () => {
  it('orders 20,000 delayed keys by deadline with a handful of timers', async () => {
    const { scheduler, queue } = setUp();
    const random = seeded(42);
    const deadlines = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const key = `ns/db-${String(i)}`;
      const ms = 1 + Math.floor(random() * 60_000);
      deadlines.set(key, ms);
      queue.addAfter(key, ms);
      // Every key also gets a later poll deadline, which must not postpone the earlier one.
      queue.addAfter(key, ms + 60_000);
    }
    assert.equal(queue.delayedLen(), 20_000);
    assert.ok(scheduler.scheduled < 50, `re-armed ${String(scheduler.scheduled)} times`);
    const order: string[] = [];
    for (let t = 0; t < 60_000; t += 1000) {
      scheduler.advance(1000);
      order.push(...(await drain(queue)));
    }
    assert.equal(order.length, 20_000);
    const got = order.map((k) => deadlines.get(k) ?? -1);
    const sorted = [...got].sort((a, b) => a - b);
    assert.deepEqual(got, sorted, 'keys come out in deadline order');
  });

  it('deduplicates 20,000 adds of 5,000 keys', async () => {
    const { queue } = setUp();
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 5000; i++) queue.add(`k${String(i)}`);
    }
    assert.equal(queue.len(), 5000);
    const keys = await drain(queue);
    assert.equal(new Set(keys).size, 5000);
  });
});
