// The global reconcile rate limit (--max-reconcile-rate): one token bucket shared by every controller, as
// crossplane-runtime's ratelimiter.NewGlobal (rate r per second, burst r·10) and ratelimiter.Reconciler, which
// turns a limited request into a requeue instead of blocking a worker. The bucket follows golang.org/x/time/rate
// Reserve semantics: a reservation always succeeds and may put the bucket into debt, so waits queue up fairly.

export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size; the bucket starts full. */
  burst: number;
  /** Milliseconds on a monotonic-enough clock; Date.now unless a test injects one. */
  now?: (() => number) | undefined;
}

export class TokenBucket {
  private readonly ratePerMs: number;
  private readonly burst: number;
  private readonly now: () => number;
  private tokens: number;
  private last: number;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('token bucket rate must be positive');
    if (!(options.burst >= 1)) throw new RangeError('token bucket burst must be at least 1');
    this.ratePerMs = options.ratePerSecond / 1000;
    this.burst = options.burst;
    this.now = options.now ?? Date.now;
    this.tokens = options.burst;
    this.last = this.now();
  }

  /** Takes one token and returns how many milliseconds to wait until it is really available (0 = now). */
  reserve(): number {
    const now = this.now();
    // A clock that stepped back adds nothing rather than removing tokens.
    const elapsed = Math.max(0, now - this.last);
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.ratePerMs) - 1;
    this.last = now;
    // Rounded up so a caller that waits exactly this long finds its token there.
    return this.tokens >= 0 ? 0 : Math.ceil(-this.tokens / this.ratePerMs);
  }
}

/** crossplane's NewGlobal: `ratePerSecond` reconciles per second on average, bursts of ten times that. */
export function globalRateLimiter(ratePerSecond: number, now?: () => number): TokenBucket {
  return new TokenBucket({ ratePerSecond, burst: ratePerSecond * 10, now });
}

/**
 * Admits one controller's reconciles through a bucket that all controllers share; create one per controller. A
 * request that was told to wait is let through without a second reservation when it comes back, so a limited
 * request pays for one token, not two.
 */
export class ReconcileRateLimiter {
  private readonly limited = new Set<string>();

  constructor(private readonly bucket: TokenBucket) {}

  /** 0 to reconcile `key` now, else the milliseconds after which to requeue it. */
  admit(key: string): number {
    if (this.limited.delete(key)) return 0;
    const wait = this.bucket.reserve();
    if (wait > 0) this.limited.add(key);
    return wait;
  }
}
