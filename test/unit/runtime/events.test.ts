import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  aggregationKey,
  capMessage,
  eventName,
  LruCache,
  rfc3339,
  SpamFilter,
} from '../../../src/runtime/events.ts';

describe('LruCache', () => {
  it('evicts the least recently used entry beyond its capacity', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    assert.equal(cache.get('a'), 1); // a is now the most recent
    cache.set('c', 3);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 1);
    assert.equal(cache.get('c'), 3);
    assert.equal(cache.size, 2);
  });
});

describe('capMessage', () => {
  it('keeps short messages and cuts long ones to the limit with a mark', () => {
    assert.equal(capMessage('short', 10), 'short');
    assert.equal(capMessage('0123456789', 10), '0123456789');
    assert.equal(capMessage('0123456789abc', 10), '012345678…');
  });
});

describe('rfc3339', () => {
  it('formats at whole seconds in UTC', () => {
    assert.equal(rfc3339(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), '2026-01-02T03:04:05Z');
  });
});

describe('eventName', () => {
  it('is the object name, a dot and a unique suffix', () => {
    const a = eventName('my-db', 1_700_000_000_000);
    const b = eventName('my-db', 1_700_000_000_000);
    assert.match(a, /^my-db\.[0-9a-f]+$/);
    assert.notEqual(a, b);
  });

  it('stays within 253 characters', () => {
    const name = eventName('x'.repeat(253), Date.now());
    assert.equal(name.length, 253);
    assert.match(name, /^x+\.[0-9a-f]+$/);
  });
});

describe('aggregationKey', () => {
  const obj = { metadata: { name: 'a', namespace: 'ns', uid: 'u1' } };
  const event = { type: 'Warning', reason: 'CannotConnectToProvider', message: 'boom' } as const;

  it('is equal for the same object, type, reason and message', () => {
    assert.equal(aggregationKey(obj, event), aggregationKey({ ...obj }, { ...event }));
  });

  it('differs when any of them differs', () => {
    const base = aggregationKey(obj, event);
    assert.notEqual(base, aggregationKey({ metadata: { ...obj.metadata, uid: 'u2' } }, event));
    assert.notEqual(base, aggregationKey(obj, { ...event, type: 'Normal' }));
    assert.notEqual(base, aggregationKey(obj, { ...event, reason: 'Other' }));
    assert.notEqual(base, aggregationKey(obj, { ...event, message: 'bang' }));
  });

  it('falls back to kind, namespace and name without a uid', () => {
    const noUid = { kind: 'Database', metadata: { name: 'a', namespace: 'ns' } };
    assert.equal(aggregationKey(noUid, event), aggregationKey({ ...noUid }, event));
    assert.notEqual(aggregationKey(noUid, event), aggregationKey({ ...noUid, kind: 'DatabaseUser' }, event));
  });
});

describe('SpamFilter', () => {
  it('allows a burst per subject, then one per refill period', () => {
    const filter = new SpamFilter(2, 1000, 10);
    assert.equal(filter.allow('a', 0), true);
    assert.equal(filter.allow('a', 0), true);
    assert.equal(filter.allow('a', 0), false);
    assert.equal(filter.allow('b', 0), true, 'subjects have their own buckets');
    assert.equal(filter.allow('a', 500), false);
    assert.equal(filter.allow('a', 1000), true);
    assert.equal(filter.allow('a', 1000), false);
    assert.equal(filter.allow('a', 100_000), true);
    assert.equal(filter.allow('a', 100_000), true, 'refills up to the burst');
    assert.equal(filter.allow('a', 100_000), false);
  });
});
