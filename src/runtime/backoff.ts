// Per-key exponential failure backoff: client-go's ItemExponentialFailureRateLimiter, which crossplane-runtime
// configures at 1 s → 60 s (pkg/ratelimiter/default.go NewController). The n-th consecutive failure of a key
// waits base·2^(n-1), capped; a success forgets the key and the next failure starts at base again.

export const DEFAULT_BACKOFF_BASE_MS = 1000;
export const DEFAULT_BACKOFF_MAX_MS = 60_000;

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
}

export class ItemBackoff {
  private readonly failures = new Map<string, number>();
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
    this.maxMs = options.maxMs ?? DEFAULT_BACKOFF_MAX_MS;
  }

  /** Records one more failure of `key` and returns how long to wait before retrying it. */
  when(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    // 2^failures reaches Infinity for very large counts; min() still caps it.
    return Math.min(this.baseMs * 2 ** failures, this.maxMs);
  }

  /** Forgets `key`'s failures, after a success or when the key goes away. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** How many failures `key` has had since it was last forgotten. */
  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}
