import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/kube/api.ts';
import { OwnWrites } from '../../../src/runtime/own-writes.ts';

function version(resourceVersion: string, label = 'v'): KubeObject {
  return { metadata: { name: 'app', namespace: 'team', resourceVersion, labels: { at: label } } };
}

const key = 'team/app';

/** Writes from version `from`, answered with version `to`. */
function write(own: OwnWrites<KubeObject>, from: string, to: string): Promise<KubeObject> {
  return own.write(version(from), () => Promise.resolve(version(to, `reply-${to}`)));
}

/** Whether `onWatched` calls its callback for this version (at once). */
function foreign(own: OwnWrites<KubeObject>, v: string): boolean {
  let called = false;
  own.onWatched(version(v), () => {
    called = true;
  });
  return called;
}

describe('own writes', () => {
  // Each case: the writes made (from version → reply version), then what the cache holds when the next
  // reconcile starts, and which version that reconcile should start from.
  const cases: { name: string; writes: [string, string][]; cached: string | undefined; want?: string }[] = [
    { name: 'no write: the cache', writes: [], cached: '4', want: '4' },
    {
      name: 'cache still at the version we wrote over: our reply',
      writes: [['4', '5']],
      cached: '4',
      want: '5',
    },
    {
      name: 'two writes, cache at the middle one: the last reply',
      writes: [
        ['4', '5'],
        ['5', '6'],
      ],
      cached: '5',
      want: '6',
    },
    { name: 'cache caught up: the cache', writes: [['4', '5']], cached: '5', want: '5' },
    {
      name: "cache moved on with somebody else's write: the cache",
      writes: [['4', '5']],
      cached: '7',
      want: '7',
    },
    { name: 'object gone: nothing', writes: [['4', '5']], cached: undefined },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const own = new OwnWrites<KubeObject>();
      for (const [from, to] of c.writes) await write(own, from, to);
      const cached = c.cached === undefined ? undefined : version(c.cached, `cache-${c.cached}`);
      assert.equal(own.freshest(key, cached)?.metadata.resourceVersion, c.want);
    });
  }

  it('tells the watch events of its own writes apart, and forgets once the cache has caught up', async () => {
    const own = new OwnWrites<KubeObject>();
    await write(own, '4', '5');
    await write(own, '5', '6');
    assert.equal(foreign(own, '5'), false);
    assert.equal(foreign(own, '6'), false);
    assert.equal(foreign(own, '7'), true, "somebody else's write");
    own.freshest(key, version('6'));
    assert.equal(foreign(own, '6'), true, 'forgotten after catching up');
    assert.equal(
      own.freshest(key, version('5'))?.metadata.labels?.['at'],
      'v',
      'the cache, not a stale reply',
    );
  });

  it('forgets an object as soon as the watch delivers its last write', async () => {
    const own = new OwnWrites<KubeObject>();
    await write(own, '4', '5');
    await write(own, '5', '6');
    assert.equal(foreign(own, '5'), false, 'an earlier write of ours: still remembered');
    assert.equal(own.freshest(key, version('5'))?.metadata.resourceVersion, '6');
    assert.equal(foreign(own, '6'), false, 'our last write: dropped, and the object forgotten');
    assert.equal(own.freshest(key, version('5'))?.metadata.resourceVersion, '5', 'the cache again');
  });

  it('decides an event that beats its write’s reply once the reply is in', async () => {
    const own = new OwnWrites<KubeObject>();
    let answer!: (reply: KubeObject) => void;
    const pending = own.write(version('4'), () => new Promise<KubeObject>((resolve) => (answer = resolve)));
    const decided: string[] = [];
    own.onWatched(version('5'), () => decided.push('5'));
    own.onWatched(version('9'), () => decided.push('9'));
    assert.deepEqual(decided, [], 'nothing decided while the write is unanswered');
    answer(version('5'));
    await pending;
    assert.deepEqual(decided, ['9'], 'our own version dropped, the other one passed on');
  });

  it('passes on an event parked during a write that failed', async () => {
    const own = new OwnWrites<KubeObject>();
    let fail!: (err: Error) => void;
    const pending = own.write(version('4'), () => new Promise<KubeObject>((_, reject) => (fail = reject)));
    const decided: string[] = [];
    own.onWatched(version('5'), () => decided.push('5'));
    fail(new Error('409'));
    await assert.rejects(pending, /409/);
    assert.deepEqual(decided, ['5']);
    assert.equal(own.freshest(key, version('4'))?.metadata.resourceVersion, '4');
  });

  it('hands out copies: changing one changes neither the record nor the next copy', async () => {
    const own = new OwnWrites<KubeObject>();
    const reply = version('5', 'reply');
    await own.write(version('4'), () => Promise.resolve(reply));
    reply.metadata.labels = { at: 'changed by the writer' };
    const first = own.freshest(key, version('4')) ?? version('none');
    assert.equal(first.metadata.labels?.['at'], 'reply');
    first.metadata.labels = { at: 'changed by the reader' };
    assert.equal(own.freshest(key, version('4'))?.metadata.labels?.['at'], 'reply');
  });

  it('forget drops an object that was deleted', async () => {
    const own = new OwnWrites<KubeObject>();
    await write(own, '4', '5');
    own.forget(version('5'));
    assert.equal(foreign(own, '5'), true);
    assert.equal(own.freshest(key, version('4'))?.metadata.resourceVersion, '4');
  });
});
