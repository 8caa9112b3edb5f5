import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Annotation } from '../../../src/runtime/annotations.ts';
import {
  effectivePollInterval,
  nextPollDelay,
  parseGoDuration,
  pollIntervalOverride,
  withJitter,
  type PollSettings,
} from '../../../src/runtime/poll.ts';

function annotated(pollInterval?: string) {
  return {
    metadata: pollInterval === undefined ? {} : { annotations: { [Annotation.PollInterval]: pollInterval } },
  };
}

describe('parseGoDuration', () => {
  const cases: Record<string, { reason: string; text: string; want: number | undefined }> = {
    seconds: { reason: 'Seconds.', text: '90s', want: 90_000 },
    milliseconds: { reason: 'Milliseconds.', text: '500ms', want: 500 },
    combined: { reason: 'Several components add up.', text: '1h2m3.5s', want: 3_723_500 },
    fractionalHours: { reason: 'A fraction of a large unit.', text: '1.5h', want: 5_400_000 },
    leadingDot: { reason: 'A fraction without a whole part.', text: '.5s', want: 500 },
    trailingDot: { reason: 'A whole part with an empty fraction.', text: '1.s', want: 1000 },
    micro: { reason: 'us is microseconds.', text: '1500us', want: 1.5 },
    microSign: { reason: 'µs (micro sign) is microseconds.', text: '2µs', want: 0.002 },
    greekMu: { reason: 'μs (Greek mu) is microseconds.', text: '2μs', want: 0.002 },
    nanoseconds: { reason: 'Nanoseconds.', text: '1000000ns', want: 1 },
    subNanosecondTruncated: { reason: 'Fractions of a nanosecond are dropped.', text: '0.5ns', want: 0 },
    zero: { reason: 'A bare 0 needs no unit.', text: '0', want: 0 },
    signedZero: { reason: 'So does a signed 0.', text: '-0', want: 0 },
    plus: { reason: 'A leading + is accepted.', text: '+5m', want: 300_000 },
    negative: { reason: 'A leading - negates.', text: '-1m30s', want: -90_000 },
    repeatedUnit: { reason: 'Units may repeat, as in Go.', text: '1s1s', want: 2000 },
    noUnit: { reason: 'A number needs a unit.', text: '60', want: undefined },
    doubleZero: { reason: 'Only a bare single 0 may omit the unit.', text: '00', want: undefined },
    unknownUnit: { reason: 'Days are not a Go unit.', text: '1d', want: undefined },
    uppercase: { reason: 'Units are case-sensitive.', text: '1S', want: undefined },
    empty: { reason: 'The empty string is invalid.', text: '', want: undefined },
    signOnly: { reason: 'A sign alone is invalid.', text: '-', want: undefined },
    dotOnly: { reason: 'A dot without digits is invalid.', text: '.s', want: undefined },
    space: { reason: 'Spaces are not allowed.', text: '1 s', want: undefined },
    twoDots: { reason: 'A second dot is invalid.', text: '1.5.5s', want: undefined },
    overflow: { reason: 'More than about 292 years overflows.', text: '2562048h', want: undefined },
    justBelowOverflow: {
      reason: 'Up to the int64 limit is valid.',
      text: '2562047h',
      want: 2_562_047 * 3_600_000,
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      assert.equal(parseGoDuration(tc.text), tc.want, tc.reason);
    });
  }
});

describe('pollIntervalOverride', () => {
  const cases: Record<string, { reason: string; value?: string; want: number | undefined }> = {
    valid: { reason: 'A Go duration overrides.', value: '5m', want: 300_000 },
    missing: { reason: 'No annotation, no override.', want: undefined },
    empty: { reason: 'An empty value is ignored.', value: '', want: undefined },
    invalid: { reason: 'An invalid value is ignored.', value: 'often', want: undefined },
    zero: { reason: 'Zero is ignored.', value: '0s', want: undefined },
    negative: { reason: 'A negative value is ignored.', value: '-1m', want: undefined },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      assert.equal(pollIntervalOverride(annotated(tc.value)), tc.want, tc.reason);
    });
  }
});

describe('effectivePollInterval', () => {
  const cases: Record<string, { reason: string; value?: string; settings: PollSettings; want: number }> = {
    default: {
      reason: 'Without an annotation the controller interval applies.',
      settings: { pollMs: 60_000 },
      want: 60_000,
    },
    override: { reason: 'The annotation wins.', value: '10m', settings: { pollMs: 60_000 }, want: 600_000 },
    raisedToDefaultMin: {
      reason: 'An override below 1 s is raised to 1 s by default.',
      value: '100ms',
      settings: { pollMs: 60_000 },
      want: 1000,
    },
    raisedToMin: {
      reason: 'An override below the configured minimum is raised to it.',
      value: '10s',
      settings: { pollMs: 60_000, minPollMs: 30_000 },
      want: 30_000,
    },
    atMin: {
      reason: 'An override equal to the minimum stands.',
      value: '30s',
      settings: { pollMs: 60_000, minPollMs: 30_000 },
      want: 30_000,
    },
    controllerBelowMin: {
      reason: 'The minimum applies to annotations only, not to --poll.',
      settings: { pollMs: 500, minPollMs: 1000 },
      want: 500,
    },
    invalidFallsBack: {
      reason: 'An invalid annotation falls back to --poll.',
      value: '1 minute',
      settings: { pollMs: 60_000 },
      want: 60_000,
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      assert.equal(effectivePollInterval(annotated(tc.value), tc.settings), tc.want, tc.reason);
    });
  }
});

describe('withJitter', () => {
  const cases: Record<
    string,
    { reason: string; interval: number; jitter: number; random: number; want: number }
  > = {
    lowest: { reason: 'random 0 gives -jitter.', interval: 60_000, jitter: 6000, random: 0, want: 54_000 },
    middle: {
      reason: 'random 0.5 gives no offset.',
      interval: 60_000,
      jitter: 6000,
      random: 0.5,
      want: 60_000,
    },
    high: {
      reason: 'random 0.75 gives +jitter/2.',
      interval: 60_000,
      jitter: 6000,
      random: 0.75,
      want: 63_000,
    },
    none: {
      reason: 'Zero jitter leaves the interval.',
      interval: 60_000,
      jitter: 0,
      random: 0,
      want: 60_000,
    },
    neverNegative: {
      reason: 'The result never goes below 0.',
      interval: 1000,
      jitter: 5000,
      random: 0,
      want: 0,
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      assert.equal(
        withJitter(tc.interval, tc.jitter, () => tc.random),
        tc.want,
        tc.reason,
      );
    });
  }

  it('stays within [-jitter, +jitter] with the default random source', () => {
    for (let i = 0; i < 1000; i++) {
      const got = withJitter(60_000, 6000);
      assert.ok(got >= 54_000 && got <= 66_000, String(got));
    }
  });
});

describe('nextPollDelay', () => {
  it('jitters the effective interval, annotation included', () => {
    const got = nextPollDelay(annotated('2m'), { pollMs: 60_000, jitterMs: 10_000, random: () => 1 });
    assert.equal(got, 130_000);
  });

  it('without jitter is the effective interval', () => {
    assert.equal(nextPollDelay(annotated(), { pollMs: 60_000 }), 60_000);
  });
});
