// Lease-based leader election (client-go's leaderelection with a coordination.k8s.io/v1 Lease lock). Whoever
// holds an unexpired Lease leads; the leader renews it every retry period and gives up leading when it cannot
// renew within the renew deadline, which is shorter than the lease so that no one else can take over first.
// Every write carries the resourceVersion read, so two candidates racing for one Lease cannot both win (409).
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { isConflict, type KubeApi, type KubeObject, type ResourceType } from '../kube/api.ts';
import { nopLogger, type Logger } from '../log/logger.ts';

export const leaseResource: ResourceType = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  namespaced: true,
};

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElectionOptions {
  namespace: string;
  /** The Lease's name, e.g. `crossplane-leader-election-provider-dbops`. */
  name: string;
  /** Default: host name + '_' + a random UUID, unique per process. */
  identity?: string;
  /** How long a lease stays valid without renewal. Default 60 s (the Crossplane provider template's). */
  leaseDurationMs?: number;
  /** The leader stops leading when it has not renewed for this long. Default 50 s. */
  renewDeadlineMs?: number;
  /** Interval between acquire and renew attempts. Default 2 s. */
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  /** Called when leadership is lost (not after release() or stop()); the process should then exit. */
  onStoppedLeading: () => void;
  log?: Logger;
  now?: () => number;
}

/** MicroTime as the API server parses it: RFC 3339 with exactly six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** Whether `spec` is held by someone other than `identity` and still valid at `now`. */
export function heldByOther(spec: LeaseSpec | undefined, identity: string, now: number): boolean {
  const holder = spec?.holderIdentity ?? '';
  if (holder === '' || holder === identity) return false;
  const renewed = Date.parse(spec?.renewTime ?? '');
  if (Number.isNaN(renewed)) return false;
  return renewed + (spec?.leaseDurationSeconds ?? 0) * 1000 >= now;
}

/** The spec `identity` writes to claim or renew a lease whose current spec is `current`. */
export function claimedSpec(
  current: LeaseSpec | undefined,
  identity: string,
  leaseDurationSeconds: number,
  now: number,
): LeaseSpec {
  const takeover = (current?.holderIdentity ?? '') !== identity;
  const time = microTime(now);
  return {
    holderIdentity: identity,
    leaseDurationSeconds,
    acquireTime: takeover ? time : (current?.acquireTime ?? time),
    renewTime: time,
    leaseTransitions: (current?.leaseTransitions ?? 0) + (takeover && current !== undefined ? 1 : 0),
  };
}

export class LeaderElector {
  readonly identity: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly log: Logger;
  private readonly now: () => number;
  private leading = false;
  private stopped = true;
  /** The Lease as last written by this elector: renewals update it directly, without a read first. */
  private observed: Lease | undefined;
  private attempt: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kube: KubeApi,
    private readonly options: LeaderElectionOptions,
  ) {
    this.identity = options.identity ?? `${hostname()}_${randomUUID()}`;
    this.leaseDurationMs = options.leaseDurationMs ?? 60_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 50_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.log = options.log ?? nopLogger;
    this.now = options.now ?? Date.now;
    if (!(this.leaseDurationMs > this.renewDeadlineMs && this.renewDeadlineMs > this.retryPeriodMs * 1.2)) {
      throw new Error('leader election needs leaseDuration > renewDeadline > 1.2 × retryPeriod');
    }
  }

  /** Starts trying to acquire the lease; onStartedLeading runs once it is held. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.tick();
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Graceful shutdown: stops, and if leading, frees the lease so another replica takes over at once. */
  async release(): Promise<void> {
    const wasLeading = this.halt();
    await this.attempt;
    // An attempt in flight may have just acquired the lease; `observed` says whether we last held it.
    if (!wasLeading && this.observed === undefined) return;
    try {
      const lease = await this.kube.get<Lease>(leaseResource, this.ref());
      if (lease?.spec?.holderIdentity !== this.identity) return;
      const time = microTime(this.now());
      await this.kube.update<Lease>(leaseResource, {
        ...lease,
        spec: {
          holderIdentity: '',
          // The API server rejects a zero duration; with no holder the lease is free anyway.
          leaseDurationSeconds: 1,
          acquireTime: time,
          renewTime: time,
          leaseTransitions: lease.spec.leaseTransitions ?? 0,
        },
      });
      this.log.info({ lease: this.options.name, identity: this.identity }, 'released leader lease');
    } catch (err) {
      this.log.warn({ lease: this.options.name, err: errorMessage(err) }, 'cannot release leader lease');
    }
  }

  /** Stops without releasing, as a killed process would: the lease lapses only when it expires. */
  stop(): void {
    this.halt();
  }

  private halt(): boolean {
    const wasLeading = this.leading;
    this.stopped = true;
    this.leading = false;
    clearTimeout(this.retryTimer);
    clearTimeout(this.deadlineTimer);
    return wasLeading;
  }

  private tick(): void {
    const started = performance.now();
    this.attempt = this.tryAcquireOrRenew().then(
      (held) => {
        this.afterAttempt(held, started);
      },
      (err: unknown) => {
        this.log.warn({ lease: this.options.name, err: errorMessage(err) }, 'cannot acquire or renew lease');
        this.schedule();
      },
    );
  }

  private afterAttempt(held: boolean, started: number): void {
    if (this.stopped) return;
    if (held) {
      this.armDeadline(started);
      if (!this.leading) {
        this.leading = true;
        this.log.info({ lease: this.options.name, identity: this.identity }, 'became leader');
        this.notify('onStartedLeading');
      }
    } else if (this.leading) {
      this.lose('lease taken over by another holder');
      return;
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    // Candidates jitter their attempts so they do not all hit the API at once; the leader renews on the beat.
    const delay = this.leading ? this.retryPeriodMs : this.retryPeriodMs * (1 + 0.2 * Math.random());
    this.retryTimer = setTimeout(() => {
      this.tick();
    }, delay);
  }

  /** Counted from the start of the renewal, since the renewTime written is from then, not from its reply. */
  private armDeadline(renewedAt: number): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(
      () => {
        this.lose(`lease not renewed within ${this.renewDeadlineMs} ms`);
      },
      Math.max(0, this.renewDeadlineMs - (performance.now() - renewedAt)),
    );
  }

  private lose(why: string): void {
    if (!this.leading || this.stopped) return;
    this.halt();
    this.log.error({ lease: this.options.name, identity: this.identity }, `lost leadership: ${why}`);
    this.notify('onStoppedLeading');
  }

  /** A throwing callback is logged: it must not stop renewals or escape from a timer. */
  private notify(callback: 'onStartedLeading' | 'onStoppedLeading'): void {
    try {
      this.options[callback]();
    } catch (err) {
      this.log.error({ lease: this.options.name, err: errorMessage(err) }, `${callback} failed`);
    }
  }

  /** True when this elector holds the lease after the attempt; false when someone else validly does. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    if (this.leading && this.observed !== undefined && (await this.claim(this.observed))) return true;
    const current = await this.kube.get<Lease>(leaseResource, this.ref());
    if (current === undefined) return this.create();
    if (heldByOther(current.spec, this.identity, this.now())) {
      this.observed = undefined;
      return false;
    }
    return this.claim(current);
  }

  private async create(): Promise<boolean> {
    const lease: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.options.name, namespace: this.options.namespace },
      spec: claimedSpec(undefined, this.identity, this.leaseDurationSeconds(), this.now()),
    };
    try {
      this.observed = await this.kube.create(leaseResource, lease);
      return true;
    } catch (err) {
      // AlreadyExists: another candidate created it first.
      if (isConflict(err)) return false;
      throw err;
    }
  }

  /** Writes our claim over `current`, guarded by its resourceVersion; false when someone wrote in between. */
  private async claim(current: Lease): Promise<boolean> {
    const spec = claimedSpec(current.spec, this.identity, this.leaseDurationSeconds(), this.now());
    try {
      this.observed = await this.kube.update(leaseResource, { ...current, spec });
      return true;
    } catch (err) {
      this.observed = undefined;
      if (isConflict(err)) return false;
      throw err;
    }
  }

  private leaseDurationSeconds(): number {
    return Math.ceil(this.leaseDurationMs / 1000);
  }

  private ref(): { namespace: string; name: string } {
    return { namespace: this.options.namespace, name: this.options.name };
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
