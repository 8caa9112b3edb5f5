import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Annotation,
  externalCreateIncomplete,
  externalCreateSucceededWithin,
  externalName,
  formatTimestamp,
  isPaused,
  parseTimestamp,
  reconcileRequest,
  setAnnotation,
  setExternalCreateFailed,
  setExternalCreatePending,
  setExternalCreateSucceeded,
  setExternalName,
  type MutableAnnotated,
} from '../../../src/runtime/annotations.ts';

function withAnnotations(annotations?: Record<string, string>): MutableAnnotated {
  return annotations === undefined ? { metadata: {} } : { metadata: { annotations } };
}

describe('annotation keys', () => {
  it('are the crossplane.io keys', () => {
    assert.deepEqual(Annotation, {
      ExternalName: 'crossplane.io/external-name',
      ExternalCreatePending: 'crossplane.io/external-create-pending',
      ExternalCreateSucceeded: 'crossplane.io/external-create-succeeded',
      ExternalCreateFailed: 'crossplane.io/external-create-failed',
      Paused: 'crossplane.io/paused',
      PollInterval: 'crossplane.io/poll-interval',
      ReconcileRequestedAt: 'crossplane.io/reconcile-requested-at',
    });
  });
});

describe('externalName', () => {
  const cases: Record<
    string,
    { reason: string; annotations?: Record<string, string>; want: string | undefined }
  > = {
    set: {
      reason: 'Returns the annotation.',
      annotations: { [Annotation.ExternalName]: 'app' },
      want: 'app',
    },
    empty: {
      reason: 'An empty value is unset.',
      annotations: { [Annotation.ExternalName]: '' },
      want: undefined,
    },
    missing: { reason: 'No annotation is unset.', annotations: {}, want: undefined },
    noAnnotations: { reason: 'No annotations map is unset.', want: undefined },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      assert.equal(externalName(withAnnotations(tc.annotations)), tc.want, tc.reason);
    });
  }
});

describe('isPaused', () => {
  const cases: Record<string, { reason: string; value?: string; want: boolean }> = {
    exactlyTrue: { reason: 'Only "true" pauses.', value: 'true', want: true },
    capitalised: { reason: '"True" does not pause.', value: 'True', want: false },
    yes: { reason: '"yes" does not pause.', value: 'yes', want: false },
    one: { reason: '"1" does not pause.', value: '1', want: false },
    falseValue: { reason: '"false" does not pause.', value: 'false', want: false },
    missing: { reason: 'No annotation does not pause.', want: false },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      const obj = withAnnotations(tc.value === undefined ? {} : { [Annotation.Paused]: tc.value });
      assert.equal(isPaused(obj), tc.want, tc.reason);
    });
  }
});

describe('reconcileRequest', () => {
  const cases: Record<string, { reason: string; value?: string; want: string | undefined }> = {
    token: { reason: 'Returns the token.', value: 'abc', want: 'abc' },
    empty: { reason: 'An empty token is none.', value: '', want: undefined },
    missing: { reason: 'No annotation is none.', want: undefined },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      const obj = withAnnotations(
        tc.value === undefined ? {} : { [Annotation.ReconcileRequestedAt]: tc.value },
      );
      assert.equal(reconcileRequest(obj), tc.want, tc.reason);
    });
  }
});

describe('setAnnotation', () => {
  it('creates the map when missing and keeps other keys', () => {
    const obj = withAnnotations();
    setAnnotation(obj, 'a', '1');
    setExternalName(obj, 'db');
    assert.deepEqual(obj.metadata.annotations, { a: '1', [Annotation.ExternalName]: 'db' });
  });

  it('writes the create annotations at second precision in UTC', () => {
    const obj = withAnnotations({ keep: 'me' });
    setExternalCreatePending(obj, new Date('2026-03-04T05:06:07.890Z'));
    setExternalCreateSucceeded(obj, new Date('2026-03-04T05:06:08.001Z'));
    setExternalCreateFailed(obj, new Date('2026-03-04T05:06:09Z'));
    assert.deepEqual(obj.metadata.annotations, {
      keep: 'me',
      [Annotation.ExternalCreatePending]: '2026-03-04T05:06:07Z',
      [Annotation.ExternalCreateSucceeded]: '2026-03-04T05:06:08Z',
      [Annotation.ExternalCreateFailed]: '2026-03-04T05:06:09Z',
    });
  });
});

describe('formatTimestamp', () => {
  it('drops milliseconds', () => {
    assert.equal(formatTimestamp(new Date('2026-12-31T23:59:59.999Z')), '2026-12-31T23:59:59Z');
  });
});

describe('parseTimestamp', () => {
  const cases: Record<string, { reason: string; value: string; want: number | undefined }> = {
    utc: { reason: 'Z is UTC.', value: '2026-01-02T03:04:05Z', want: Date.UTC(2026, 0, 2, 3, 4, 5) },
    positiveOffset: {
      reason: 'An offset east of UTC is subtracted.',
      value: '2026-01-02T05:04:05+02:00',
      want: Date.UTC(2026, 0, 2, 3, 4, 5),
    },
    negativeOffset: {
      reason: 'An offset west of UTC is added.',
      value: '2026-01-01T22:34:05-04:30',
      want: Date.UTC(2026, 0, 2, 3, 4, 5),
    },
    fraction: {
      reason: 'Fractional seconds are accepted, as Go does when parsing.',
      value: '2026-01-02T03:04:05.25Z',
      want: Date.UTC(2026, 0, 2, 3, 4, 5, 250),
    },
    leapDay: {
      reason: 'February 29 of a leap year exists.',
      value: '2028-02-29T00:00:00Z',
      want: Date.UTC(2028, 1, 29),
    },
    noLeapDay: {
      reason: 'February 29 of a common year does not.',
      value: '2026-02-29T00:00:00Z',
      want: undefined,
    },
    badMonth: { reason: 'Month 13 is rejected.', value: '2026-13-01T00:00:00Z', want: undefined },
    badHour: { reason: 'Hour 24 is rejected.', value: '2026-01-01T24:00:00Z', want: undefined },
    leapSecond: {
      reason: 'Second 60 is rejected, as Go does.',
      value: '2026-01-01T00:00:60Z',
      want: undefined,
    },
    noZone: { reason: 'A zone is required.', value: '2026-01-01T00:00:00', want: undefined },
    lowercase: {
      reason: 'Lowercase t and z are rejected, as Go does.',
      value: '2026-01-01t00:00:00z',
      want: undefined,
    },
    dateOnly: { reason: 'A date alone is not RFC 3339.', value: '2026-01-01', want: undefined },
    garbage: { reason: 'Anything else is rejected.', value: 'yesterday', want: undefined },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      assert.equal(parseTimestamp(tc.value), tc.want, tc.reason);
    });
  }
});

describe('externalCreateIncomplete', () => {
  const p = Annotation.ExternalCreatePending;
  const s = Annotation.ExternalCreateSucceeded;
  const f = Annotation.ExternalCreateFailed;
  const cases: Record<string, { reason: string; annotations: Record<string, string>; want: boolean }> = {
    neverStarted: { reason: 'Without pending, creation cannot be incomplete.', annotations: {}, want: false },
    onlyPending: {
      reason: 'Pending with no outcome is incomplete.',
      annotations: { [p]: '2026-01-01T00:00:00Z' },
      want: true,
    },
    succeededAfter: {
      reason: 'A later success completes it.',
      annotations: { [p]: '2026-01-01T00:00:00Z', [s]: '2026-01-01T00:00:01Z' },
      want: false,
    },
    failedAfter: {
      reason: 'A later failure completes it.',
      annotations: { [p]: '2026-01-01T00:00:00Z', [f]: '2026-01-01T00:00:01Z' },
      want: false,
    },
    sameSecond: {
      reason: 'Pending must be strictly later: the same second counts as an outcome.',
      annotations: { [p]: '2026-01-01T00:00:00Z', [s]: '2026-01-01T00:00:00Z' },
      want: false,
    },
    retriedAfterFailure: {
      reason: 'A new pending after an old failure is incomplete again.',
      annotations: { [p]: '2026-01-01T00:00:02Z', [f]: '2026-01-01T00:00:01Z' },
      want: true,
    },
    pendingAfterBoth: {
      reason: 'Pending later than both outcomes is incomplete.',
      annotations: { [p]: '2026-01-01T00:00:03Z', [s]: '2026-01-01T00:00:01Z', [f]: '2026-01-01T00:00:02Z' },
      want: true,
    },
    pendingBetween: {
      reason: 'Pending later than the success but earlier than the failure is complete.',
      annotations: { [p]: '2026-01-01T00:00:02Z', [s]: '2026-01-01T00:00:01Z', [f]: '2026-01-01T00:00:03Z' },
      want: false,
    },
    offsetsCompared: {
      reason: 'Times with different offsets compare as instants.',
      annotations: { [p]: '2026-01-01T01:00:00+01:00', [s]: '2026-01-01T00:00:01Z' },
      want: false,
    },
    unparsablePending: {
      reason: 'An unparsable pending time counts as never started.',
      annotations: { [p]: 'soon' },
      want: false,
    },
    unparsableOutcome: {
      reason: 'An unparsable outcome counts as unset.',
      annotations: { [p]: '2026-01-01T00:00:00Z', [s]: 'done' },
      want: true,
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      assert.equal(externalCreateIncomplete(withAnnotations(tc.annotations)), tc.want, tc.reason);
    });
  }
});

describe('externalCreateSucceededWithin', () => {
  const now = new Date('2026-01-01T00:01:00Z');
  const cases: Record<string, { reason: string; succeeded?: string; want: boolean }> = {
    recent: { reason: '10 s ago is within 30 s.', succeeded: '2026-01-01T00:00:50Z', want: true },
    boundary: { reason: 'Exactly 30 s ago is outside.', succeeded: '2026-01-01T00:00:30Z', want: false },
    old: { reason: 'A minute ago is outside.', succeeded: '2026-01-01T00:00:00Z', want: false },
    never: { reason: 'No success is outside.', want: false },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      const obj = withAnnotations(
        tc.succeeded === undefined ? {} : { [Annotation.ExternalCreateSucceeded]: tc.succeeded },
      );
      assert.equal(externalCreateSucceededWithin(obj, 30_000, now), tc.want, tc.reason);
    });
  }
});
