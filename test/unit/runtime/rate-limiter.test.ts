import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globalRateLimiter, ReconcileRateLimiter, TokenBucket } from '../../../src/runtime/rate-limiter.ts';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    set: (ms: number) => {
      now = ms;
    },
  };
}

describe('TokenBucket', () => {
  // Each step advances the clock and then reserves one token; `want` is the returned wait.
  const cases: Record<
    string,
    { reason: string; rate: number; burst: number; steps: { advance: number; want: number }[] }
  > = {
    burstIsFree: {
      reason: 'A full bucket serves `burst` requests at once.',
      rate: 1,
      burst: 3,
      steps: [
        { advance: 0, want: 0 },
        { advance: 0, want: 0 },
        { advance: 0, want: 0 },
      ],
    },
    debtQueuesUp: {
      reason: 'Beyond the burst each request waits one more token time: reservations go into debt.',
      rate: 2,
      burst: 1,
      steps: [
        { advance: 0, want: 0 },
        { advance: 0, want: 500 },
        { advance: 0, want: 1000 },
        { advance: 0, want: 1500 },
      ],
    },
    refills: {
      reason: 'Tokens come back at the rate.',
      rate: 10,
      burst: 1,
      steps: [
        { advance: 0, want: 0 },
        { advance: 100, want: 0 },
        { advance: 50, want: 50 },
      ],
    },
    capsAtBurst: {
      reason: 'A long idle time refills to the burst, no more.',
      rate: 1,
      burst: 2,
      steps: [
        { advance: 0, want: 0 },
        { advance: 0, want: 0 },
        { advance: 3_600_000, want: 0 },
        { advance: 0, want: 0 },
        { advance: 0, want: 1000 },
      ],
    },
    roundsUp: {
      reason: 'Waits are rounded up to whole milliseconds so the token is there when the caller returns.',
      rate: 3,
      burst: 1,
      steps: [
        { advance: 0, want: 0 },
        { advance: 0, want: 334 },
      ],
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      const clock = manualClock();
      const bucket = new TokenBucket({ ratePerSecond: tc.rate, burst: tc.burst, now: clock.now });
      const got = tc.steps.map((step) => {
        clock.advance(step.advance);
        return bucket.reserve();
      });
      assert.deepEqual(
        got,
        tc.steps.map((s) => s.want),
        tc.reason,
      );
    });
  }

  it('ignores a clock that steps back', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1, now: clock.now });
    assert.equal(bucket.reserve(), 0);
    clock.set(0);
    assert.equal(bucket.reserve(), 1000);
  });

  it('refuses a rate or burst that would never admit anything', () => {
    assert.throws(() => new TokenBucket({ ratePerSecond: 0, burst: 10 }), RangeError);
    assert.throws(() => new TokenBucket({ ratePerSecond: Number.NaN, burst: 10 }), RangeError);
    assert.throws(() => new TokenBucket({ ratePerSecond: 1, burst: 0 }), RangeError);
  });
});

describe('globalRateLimiter', () => {
  it('has burst rate×10, then admits `rate` per second', () => {
    const clock = manualClock();
    const bucket = globalRateLimiter(10, clock.now);
    const burst = Array.from({ length: 100 }, () => bucket.reserve());
    assert.ok(
      burst.every((w) => w === 0),
      'the first 100 are free',
    );
    assert.equal(bucket.reserve(), 100);
    clock.advance(1000);
    // 10 tokens came back and one was owed: 9 free, then waits.
    const next = Array.from({ length: 10 }, () => bucket.reserve());
    assert.deepEqual(next, [0, 0, 0, 0, 0, 0, 0, 0, 0, 100]);
  });
});

describe('ReconcileRateLimiter', () => {
  it('lets a limited key through without a second token when it comes back', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1, now: clock.now });
    const limiter = new ReconcileRateLimiter(bucket);
    assert.equal(limiter.admit('ns/a'), 0);
    assert.equal(limiter.admit('ns/b'), 1000, 'b is limited and told to come back after 1 s');
    clock.advance(1000);
    assert.equal(limiter.admit('ns/b'), 0, 'b has paid and passes');
    assert.equal(limiter.admit('ns/c'), 1000, 'b did not take a second token: c waits one token, not two');
  });

  it('keeps the pass per controller while the bucket is shared', () => {
    const clock = manualClock();
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1, now: clock.now });
    const databases = new ReconcileRateLimiter(bucket);
    const users = new ReconcileRateLimiter(bucket);
    assert.equal(databases.admit('ns/x'), 0);
    assert.equal(users.admit('ns/x'), 1000);
    assert.equal(
      databases.admit('ns/x'),
      2000,
      "the users controller's pass is not the databases controller's",
    );
    assert.equal(users.admit('ns/x'), 0);
  });
});
