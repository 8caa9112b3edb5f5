import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ItemBackoff, type BackoffOptions } from '../../../src/runtime/backoff.ts';

describe('ItemBackoff', () => {
  const cases: Record<
    string,
    { reason: string; options?: BackoffOptions; failures: number; want: number[] }
  > = {
    defaults: {
      reason: '1 s doubling to a 60 s cap, as crossplane-runtime configures client-go.',
      failures: 9,
      want: [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000],
    },
    custom: {
      reason: 'Base and cap are configurable.',
      options: { baseMs: 5, maxMs: 30 },
      failures: 5,
      want: [5, 10, 20, 30, 30],
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      const backoff = new ItemBackoff(tc.options);
      const got = Array.from({ length: tc.failures }, () => backoff.when('ns/a'));
      assert.deepEqual(got, tc.want, tc.reason);
      assert.equal(backoff.numRequeues('ns/a'), tc.failures);
    });
  }

  it('tracks keys independently', () => {
    const backoff = new ItemBackoff();
    backoff.when('a');
    backoff.when('a');
    assert.equal(backoff.when('b'), 1000);
    assert.equal(backoff.when('a'), 4000);
  });

  it('starts over after forget', () => {
    const backoff = new ItemBackoff();
    backoff.when('a');
    backoff.when('a');
    backoff.forget('a');
    assert.equal(backoff.numRequeues('a'), 0);
    assert.equal(backoff.when('a'), 1000);
  });

  it('stays capped after very many failures', () => {
    const backoff = new ItemBackoff();
    let last = 0;
    for (let i = 0; i < 2000; i++) last = backoff.when('a');
    assert.equal(last, 60_000);
  });
});
