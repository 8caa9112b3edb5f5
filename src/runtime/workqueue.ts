// A work queue of object keys with client-go's guarantees (k8s.io/client-go/util/workqueue), which every
// controller's workers pull from:
// - a key is queued at most once however often it is added;
// - a key is never handed to two workers at once: adding a key that is being processed marks it dirty, and
//   done() queues it again;
// - addAfter keeps one pending deadline per key, the earliest, in a min-heap (O(log n) per call, one timer);
// - addRateLimited waits the key's exponential failure backoff; forget resets it.
// Unlike client-go, shutDown hands out no more keys: get() resolves undefined at once, and the returned promise
// settles when the keys already being processed are done.
import { ItemBackoff } from './backoff.ts';

/** Time and timers, injectable so tests can step time instead of sleeping. */
export interface Scheduler {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Calls `fn` once after `ms`; the returned function cancels it. */
  schedule(fn: () => void, ms: number): () => void;
}

export const realScheduler: Scheduler = {
  now: () => performance.now(),
  schedule: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    return () => {
      clearTimeout(timer);
    };
  },
};

/** setTimeout fires at once for longer delays, so longer waits are made of several timers. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Delayed {
  key: string;
  readyAt: number;
  /** Insertion order, so keys due at the same moment come out first-in first-out. */
  seq: number;
  /** Index in the heap array, kept current so a deadline can move earlier in O(log n). */
  pos: number;
}

/** Pending deadlines, earliest first, at most one per key. */
class DelayHeap {
  private readonly heap: Delayed[] = [];
  private readonly byKey = new Map<string, Delayed>();
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  peek(): Delayed | undefined {
    return this.heap[0];
  }

  /** Schedules `key` at `readyAt` unless it is already due no later; returns whether anything changed. */
  offer(key: string, readyAt: number): boolean {
    const existing = this.byKey.get(key);
    if (existing !== undefined) {
      if (existing.readyAt <= readyAt) return false;
      existing.readyAt = readyAt;
      this.up(existing);
      return true;
    }
    const entry = { key, readyAt, seq: this.seq++, pos: this.heap.length };
    this.heap.push(entry);
    this.byKey.set(key, entry);
    this.up(entry);
    return true;
  }

  pop(): Delayed | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    this.byKey.delete(top.key);
    if (last !== top) {
      this.place(last, 0);
      this.down(last);
    }
    return top;
  }

  clear(): void {
    this.heap.length = 0;
    this.byKey.clear();
  }

  private before(a: Delayed, b: Delayed): boolean {
    return a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq);
  }

  private place(entry: Delayed, pos: number): void {
    this.heap[pos] = entry;
    entry.pos = pos;
  }

  private up(entry: Delayed): void {
    let pos = entry.pos;
    while (pos > 0) {
      const parentPos = (pos - 1) >> 1;
      const parent = this.heap[parentPos] as Delayed;
      if (!this.before(entry, parent)) break;
      this.place(parent, pos);
      pos = parentPos;
    }
    this.place(entry, pos);
  }

  private down(entry: Delayed): void {
    let pos = entry.pos;
    for (;;) {
      const childPos = this.earlierChild(pos);
      const child = childPos === undefined ? undefined : this.heap[childPos];
      if (childPos === undefined || child === undefined || !this.before(child, entry)) break;
      this.place(child, pos);
      pos = childPos;
    }
    this.place(entry, pos);
  }

  private earlierChild(pos: number): number | undefined {
    const left = 2 * pos + 1;
    const leftEntry = this.heap[left];
    const rightEntry = this.heap[left + 1];
    if (leftEntry === undefined) return undefined;
    return rightEntry !== undefined && this.before(rightEntry, leftEntry) ? left + 1 : left;
  }
}

/** First-in first-out keys with O(1) removal from the front. */
class Fifo {
  private items: string[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(key: string): void {
    this.items.push(key);
  }

  shift(): string | undefined {
    const key = this.items[this.head];
    if (key === undefined) return undefined;
    this.head++;
    // Drop the consumed prefix once it is most of the array, keeping shift amortised O(1).
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return key;
  }
}

export interface WorkQueueOptions {
  scheduler?: Scheduler;
  /** The failure backoff addRateLimited uses; 1 s → 60 s by default. */
  backoff?: ItemBackoff;
}

export class WorkQueue {
  private readonly scheduler: Scheduler;
  private readonly backoff: ItemBackoff;
  private readonly ready = new Fifo();
  /** Keys that need processing: queued, or added again while being processed. */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly delayed = new DelayHeap();
  /** Workers blocked in get(); non-empty only while `ready` is empty. */
  private readonly getters: ((key: string | undefined) => void)[] = [];
  private readonly drainWaiters: (() => void)[] = [];
  private shuttingDown = false;
  private cancelTimer: (() => void) | undefined;
  private timerAt = Infinity;

  constructor(options: WorkQueueOptions = {}) {
    this.scheduler = options.scheduler ?? realScheduler;
    this.backoff = options.backoff ?? new ItemBackoff();
  }

  /** Queues `key` unless it is already queued; a key being processed is queued again when it is done. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (!this.processing.has(key)) this.enqueue(key);
  }

  /** Adds `key` after `ms`; if it is already waiting, the earlier of the two deadlines stands. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (!(ms > 0)) {
      this.add(key);
      return;
    }
    if (this.delayed.offer(key, this.scheduler.now() + ms)) this.arm();
  }

  /** Adds `key` after its next failure backoff, and returns that backoff in milliseconds. */
  addRateLimited(key: string): number {
    const wait = this.backoff.when(key);
    this.addAfter(key, wait);
    return wait;
  }

  /** Resets `key`'s failure backoff (after a successful reconcile, or when the object is gone). */
  forget(key: string): void {
    this.backoff.forget(key);
  }

  numRequeues(key: string): number {
    return this.backoff.numRequeues(key);
  }

  /** The next key to process, waiting for one if needed; undefined once the queue is shut down. */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.ready.shift();
    if (key !== undefined) return Promise.resolve(this.start(key));
    return new Promise((resolve) => {
      this.getters.push(resolve);
    });
  }

  /** Ends processing of `key`; if it was added meanwhile, it is queued again. */
  done(key: string): void {
    if (!this.processing.delete(key)) return;
    if (this.dirty.has(key) && !this.shuttingDown) this.enqueue(key);
    if (this.shuttingDown && this.processing.size === 0) {
      for (const resolve of this.drainWaiters.splice(0)) resolve();
    }
  }

  /**
   * Stops the queue: nothing more is added or handed out, waiting workers get undefined, pending delays are
   * dropped. Resolves once every key being processed is done.
   */
  shutDown(): Promise<void> {
    if (!this.shuttingDown) {
      this.shuttingDown = true;
      this.disarm();
      this.delayed.clear();
      for (const resolve of this.getters.splice(0)) resolve(undefined);
    }
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.drainWaiters.push(resolve);
    });
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Keys ready to be handed out (client-go's Len, the queue-depth metric); delayed keys are not counted. */
  len(): number {
    return this.ready.length;
  }

  /** Keys waiting for addAfter/addRateLimited deadlines. */
  delayedLen(): number {
    return this.delayed.size;
  }

  private start(key: string): string {
    this.processing.add(key);
    this.dirty.delete(key);
    return key;
  }

  private enqueue(key: string): void {
    const getter = this.getters.shift();
    if (getter === undefined) this.ready.push(key);
    else getter(this.start(key));
  }

  /** Makes sure a timer fires no later than the earliest deadline. */
  private arm(): void {
    const head = this.delayed.peek();
    if (head === undefined || this.timerAt <= head.readyAt) return;
    this.disarm();
    const now = this.scheduler.now();
    const wait = Math.min(Math.max(0, head.readyAt - now), MAX_TIMER_MS);
    this.timerAt = now + wait;
    this.cancelTimer = this.scheduler.schedule(() => {
      this.fire();
    }, wait);
  }

  private disarm(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.timerAt = Infinity;
  }

  private fire(): void {
    this.cancelTimer = undefined;
    this.timerAt = Infinity;
    const now = this.scheduler.now();
    for (
      let head = this.delayed.peek();
      head !== undefined && head.readyAt <= now;
      head = this.delayed.peek()
    ) {
      this.delayed.pop();
      this.add(head.key);
    }
    this.arm();
  }
}
