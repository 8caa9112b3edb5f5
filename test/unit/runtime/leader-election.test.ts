import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeApi } from '../../../src/kube/api.ts';
import { claimedSpec, heldByOther, LeaderElector, microTime } from '../../../src/runtime/leader-election.ts';

const t0 = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

describe('microTime', () => {
  it('has exactly six fractional digits, as the API server requires', () => {
    assert.equal(microTime(t0), '2026-01-02T03:04:05.678000Z');
  });
});

describe('heldByOther', () => {
  const spec = { holderIdentity: 'b', leaseDurationSeconds: 10, renewTime: microTime(t0) };

  it('is true while another holder’s lease runs', () => {
    assert.equal(heldByOther(spec, 'a', t0), true);
    assert.equal(heldByOther(spec, 'a', t0 + 10_000), true);
  });

  it('is false once renewTime + leaseDurationSeconds has passed', () => {
    assert.equal(heldByOther(spec, 'a', t0 + 10_001), false);
  });

  it('is false for our own lease, a released lease, or one never renewed', () => {
    assert.equal(heldByOther(spec, 'b', t0), false);
    assert.equal(heldByOther({ ...spec, holderIdentity: '' }, 'a', t0), false);
    assert.equal(heldByOther({ holderIdentity: 'b' }, 'a', t0), false);
    assert.equal(heldByOther(undefined, 'a', t0), false);
  });
});

describe('claimedSpec', () => {
  it('creates with no transitions', () => {
    assert.deepEqual(claimedSpec(undefined, 'a', 60, t0), {
      holderIdentity: 'a',
      leaseDurationSeconds: 60,
      acquireTime: microTime(t0),
      renewTime: microTime(t0),
      leaseTransitions: 0,
    });
  });

  it('renews our own lease keeping acquireTime and transitions', () => {
    const current = {
      holderIdentity: 'a',
      acquireTime: microTime(t0),
      renewTime: microTime(t0),
      leaseTransitions: 2,
    };
    assert.deepEqual(claimedSpec(current, 'a', 60, t0 + 5000), {
      holderIdentity: 'a',
      leaseDurationSeconds: 60,
      acquireTime: microTime(t0),
      renewTime: microTime(t0 + 5000),
      leaseTransitions: 2,
    });
  });

  it('counts a takeover, also of a released lease', () => {
    const expired = { holderIdentity: 'b', renewTime: microTime(t0), leaseTransitions: 2 };
    const taken = claimedSpec(expired, 'a', 60, t0 + 90_000);
    assert.equal(taken.leaseTransitions, 3);
    assert.equal(taken.acquireTime, microTime(t0 + 90_000));
    assert.equal(claimedSpec({ holderIdentity: '', leaseTransitions: 3 }, 'a', 60, t0).leaseTransitions, 4);
  });
});

describe('LeaderElector options', () => {
  const callbacks = { onStartedLeading: () => undefined, onStoppedLeading: () => undefined };
  const kube = {} as KubeApi;

  it('refuses a renew deadline that is not shorter than the lease', () => {
    assert.throws(
      () =>
        new LeaderElector(kube, {
          namespace: 'ns',
          name: 'l',
          leaseDurationMs: 10_000,
          renewDeadlineMs: 10_000,
          ...callbacks,
        }),
      /leaseDuration > renewDeadline/,
    );
  });

  it('defaults to the provider template: 60 s lease, 50 s renew deadline, 2 s retry, unique identity', () => {
    const a = new LeaderElector(kube, { namespace: 'ns', name: 'l', ...callbacks });
    const b = new LeaderElector(kube, { namespace: 'ns', name: 'l', ...callbacks });
    assert.notEqual(a.identity, b.identity);
    assert.match(a.identity, /^.+_[0-9a-f-]{36}$/);
  });
});
