import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchedRead } from '../../../../src/engines/postgres/batched-read.ts';

/** A sender whose connections are handed out by the test, recording the names of each batch it sends. */
function fakeSender(rows: Record<string, number>, maxNames?: number) {
  const sent: string[][] = [];
  const waiting: (() => void)[] = [];
  let failure: Error | undefined;
  let refusal: Error | undefined;
  const reader = new BatchedRead<number>(async (take) => {
    await new Promise<void>((resolve) => waiting.push(resolve));
    if (refusal) {
      const err = refusal;
      refusal = undefined;
      throw err; // no connection, so the batch never took its names
    }
    const names = take();
    sent.push(names);
    if (failure) {
      const err = failure;
      failure = undefined;
      throw err;
    }
    return new Map(names.flatMap((n) => (n in rows ? [[n, rows[n] ?? 0] as const] : [])));
  }, maxNames);
  const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    reader,
    sent,
    /** Gives the oldest waiting batch its connection. */
    async connect() {
      await tick();
      waiting.shift()?.();
      await tick();
    },
    /** Makes the next batch's statement fail. */
    fail(err: Error) {
      failure = err;
    },
    /** Makes the next batch fail to get a connection at all. */
    refuse(err: Error) {
      refusal = err;
    },
  };
}

describe('batched catalog reads', () => {
  it('answers every read made while the batch waits with one statement, each with its own row', async () => {
    const f = fakeSender({ a: 1, b: 2 });
    const reads = [f.reader.read('a'), f.reader.read('b'), f.reader.read('missing'), f.reader.read('a')];
    await f.connect();
    assert.deepEqual(await Promise.all(reads), [1, 2, undefined, 1]);
    assert.deepEqual(f.sent, [['a', 'b', 'missing']]);
  });

  it('sends a read made after its batch was sent in the next one, so it sees what happened since', async () => {
    const f = fakeSender({ a: 1, b: 2 });
    const first = f.reader.read('a');
    await f.connect();
    const second = f.reader.read('b');
    const third = f.reader.read('a');
    await f.connect();
    assert.deepEqual([await first, await second, await third], [1, 2, 1]);
    assert.deepEqual(f.sent, [['a'], ['b', 'a']]);
  });

  it('starts another batch when one holds as many names as a statement may carry', async () => {
    const f = fakeSender({ a: 1, b: 2, c: 3 }, 2);
    const reads = [f.reader.read('a'), f.reader.read('b'), f.reader.read('c')];
    await f.connect();
    await f.connect();
    assert.deepEqual(await Promise.all(reads), [1, 2, 3]);
    assert.deepEqual(f.sent, [['a', 'b'], ['c']]);
  });

  it('fails every read of a batch whose statement failed, and starts afresh', async () => {
    const f = fakeSender({ a: 1 });
    f.fail(new Error('connection lost'));
    const reads = [f.reader.read('a'), f.reader.read('b')].map((p) =>
      p.then(
        () => 'ok',
        (err: unknown) => (err as Error).message,
      ),
    );
    await f.connect();
    assert.deepEqual(await Promise.all(reads), ['connection lost', 'connection lost']);
    const again = f.reader.read('a');
    await f.connect();
    assert.equal(await again, 1);
  });

  it('fails the reads of a batch that never got a connection, and later reads start a new batch (a server restart)', async () => {
    const f = fakeSender({ a: 1 });
    f.refuse(new Error('connect ECONNREFUSED'));
    const failed = f.reader.read('a').then(
      () => 'ok',
      (err: unknown) => (err as Error).message,
    );
    await f.connect();
    assert.equal(await failed, 'connect ECONNREFUSED');
    const again = f.reader.read('a');
    await f.connect();
    assert.equal(await again, 1, 'the read after the outage reaches the server');
    assert.deepEqual(f.sent, [['a']]);
  });
});
