// src/runtime/leader-election.ts against the real kube-apiserver: two candidates on one Lease, graceful hand-over,
// takeover after a holder dies, and a leader stepping down when it loses or cannot renew its lease.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeApi } from '../../../src/kube/api.ts';
import type { KubeClient } from '../../../src/kube/client.ts';
import {
  LeaderElector,
  leaseResource,
  microTime,
  type Lease,
  type LeaseSpec,
} from '../../../src/runtime/leader-election.ts';
import { closeClients, connect, createNamespace, sleep, testEnvironment, unique } from './support.ts';
import { eventually } from '../../harness/wait.ts';

await testEnvironment();

/** Short durations so that expiry happens within a test: lease 3 s, renew deadline 2 s, retry 0.5 s. */
const timing = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 };

interface Candidate {
  elector: LeaderElector;
  calls: string[];
}

/** A KubeApi whose requests fail while `network.down` is set, as during a network partition. */
function partitionable(kube: KubeApi): { api: KubeApi; network: { down: boolean } } {
  const network = { down: false };
  const api = new Proxy(kube, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown =>
        network.down ? Promise.reject(new Error('network is down')) : Reflect.apply(value, target, args);
    },
  });
  return { api, network };
}

describe('LeaderElector', () => {
  let kube: KubeClient;
  let namespace: string;
  const electors: LeaderElector[] = [];

  function candidate(name: string, identity: string, api: KubeApi = kube): Candidate {
    const calls: string[] = [];
    const elector = new LeaderElector(api, {
      namespace,
      name,
      identity,
      ...timing,
      onStartedLeading: () => calls.push('started'),
      onStoppedLeading: () => calls.push('stopped'),
    });
    electors.push(elector);
    return { elector, calls };
  }

  async function lease(name: string): Promise<Lease & { spec: LeaseSpec }> {
    const found = await kube.get<Lease>(leaseResource, { namespace, name });
    assert.ok(found?.spec);
    return { ...found, spec: found.spec };
  }

  before(async () => {
    kube = await connect();
    namespace = await createNamespace(kube, 'leader');
  });
  after(() => {
    for (const e of electors) e.stop();
    closeClients();
  });

  it('lets exactly one of two candidates lead, and hands over at once on release', async () => {
    const name = unique('lease');
    const a = candidate(name, 'replica-a');
    const b = candidate(name, 'replica-b');
    a.elector.start();
    b.elector.start();
    const leader = await eventually('a leader', () =>
      a.elector.isLeader() ? a : b.elector.isLeader() ? b : undefined,
    );
    const other = leader === a ? b : a;
    for (let i = 0; i < 10; i++) {
      assert.ok(!(a.elector.isLeader() && b.elector.isLeader()), 'two leaders');
      await sleep(100);
    }
    assert.ok(leader.elector.isLeader());
    assert.deepEqual(leader.calls, ['started']);
    assert.deepEqual(other.calls, []);
    const held = await lease(name);
    assert.equal(held.spec.holderIdentity, leader.elector.identity);
    assert.equal(held.spec.leaseDurationSeconds, 3);
    assert.equal(held.spec.leaseTransitions, 0);
    assert.match(held.spec.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    const released = Date.now();
    await leader.elector.release();
    assert.equal(leader.elector.isLeader(), false);
    await eventually('the other to lead', () => (other.elector.isLeader() ? true : undefined));
    const handOverMs = Date.now() - released;
    assert.ok(handOverMs < 1500, `hand-over took ${handOverMs} ms, less than a lease duration expected`);
    assert.deepEqual(leader.calls, ['started'], 'a deliberate release is not a lost leadership');
    assert.deepEqual(other.calls, ['started']);
    const taken = await lease(name);
    assert.equal(taken.spec.holderIdentity, other.elector.identity);
    assert.equal(taken.spec.leaseTransitions, 1);
  });

  it('takes over from a holder that stopped renewing once the lease expires', async () => {
    const name = unique('lease');
    const a = candidate(name, 'replica-a');
    a.elector.start();
    await eventually('a to lead', () => (a.elector.isLeader() ? true : undefined));
    const b = candidate(name, 'replica-b');
    b.elector.start();
    await sleep(1000);
    assert.equal(b.elector.isLeader(), false, 'a valid lease is not taken');

    const killed = Date.now();
    a.elector.stop();
    await eventually('b to lead', () => (b.elector.isLeader() ? true : undefined), 10_000);
    const takeoverMs = Date.now() - killed;
    // The last renewal was at most a retry period before the kill; the lease then runs for its full 3 s.
    assert.ok(takeoverMs >= 2000, `took over after ${takeoverMs} ms, before the lease expired`);
    assert.ok(takeoverMs < 5000, `took over after ${takeoverMs} ms`);
    assert.deepEqual(a.calls, ['started']);
    assert.equal((await lease(name)).spec.leaseTransitions, 1);
  });

  it('stops leading when another holder has taken the lease', async () => {
    const name = unique('lease');
    const a = candidate(name, 'replica-a');
    a.elector.start();
    await eventually('a to lead', () => (a.elector.isLeader() ? true : undefined));
    const current = await lease(name);
    await kube.update<Lease>(leaseResource, {
      ...current,
      spec: { ...current.spec, holderIdentity: 'intruder', renewTime: microTime(Date.now()) },
    });
    await eventually('a to step down', () => (a.calls.includes('stopped') ? true : undefined), 3000);
    assert.equal(a.elector.isLeader(), false);
    assert.deepEqual(a.calls, ['started', 'stopped']);
    assert.equal((await lease(name)).spec.holderIdentity, 'intruder');
  });

  it('stops leading when it cannot renew within the renew deadline', async () => {
    const name = unique('lease');
    const { api, network } = partitionable(kube);
    const a = candidate(name, 'replica-a', api);
    a.elector.start();
    await eventually('a to lead', () => (a.elector.isLeader() ? true : undefined));
    await sleep(800); // at least one renewal
    const cut = Date.now();
    network.down = true;
    await eventually('a to step down', () => (a.calls.includes('stopped') ? true : undefined), 5000);
    const steppedDownMs = Date.now() - cut;
    assert.ok(steppedDownMs >= 1400 && steppedDownMs <= 2600, `stepped down after ${steppedDownMs} ms`);
    assert.equal(a.elector.isLeader(), false);
    // Before the lease (3 s) expires for the others: no overlap of two leaders.
    assert.ok(steppedDownMs < timing.leaseDurationMs);
  });
});
