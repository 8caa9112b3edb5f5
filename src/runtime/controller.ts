// One controller per kind: an informer feeds a work queue through the desired-state filter, and a fixed number
// of workers take keys, pass the shared rate limiter and reconcile. The queue guarantees one worker per key;
// the reconcile result decides whether a key is forgotten, polled later or retried with backoff.
import type { KubeApi, KubeObject, ResourceType } from '../kube/api.ts';
import { Informer } from './informer.ts';
import { nopLogger, type Logger } from '../log/logger.ts';
import type { ObjectKey } from './managed.ts';
import type { OwnWrites } from './own-writes.ts';
import { desiredStateChanged } from './predicates.ts';
import type { ReconcileRateLimiter } from './rate-limiter.ts';
import type { ReconcileResult } from './reconciler.ts';
import { WorkQueue } from './workqueue.ts';

export interface ControllerOptions {
  /** For logs, e.g. managed/database.dbops.dbprovision.io. */
  name: string;
  /** Workers reconciling in parallel (crossplane's MaxConcurrentReconciles = --max-reconcile-rate). */
  concurrency: number;
  /** Shared across controllers: the global --max-reconcile-rate bucket. */
  rateLimiter?: ReconcileRateLimiter;
  /** The informer's full relist period (--sync). */
  resyncMs?: number;
  /** Watch one namespace only; default all. */
  namespace?: string;
  queue?: WorkQueue;
  log?: Logger;
  /** The reconciler's own writes: reads prefer them while the cache lags, and their watch events are no news. */
  ownWrites?: OwnWrites<KubeObject>;
  /**
   * Milliseconds to hold a newly seen object before its first reconcile, given how long it has been held so
   * far (0: reconcile now). Asked again whenever the held object comes up, so a hold can end early.
   */
  firstReconcileHold?: (obj: KubeObject, heldMs: number) => number;
}

export type Reconcile = (key: ObjectKey) => Promise<ReconcileResult>;

export function queueKey(key: ObjectKey): string {
  return `${key.namespace}/${key.name}`;
}

export function parseQueueKey(key: string): ObjectKey {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

function keyOfObject(obj: KubeObject): string {
  return queueKey({ namespace: obj.metadata.namespace ?? '', name: obj.metadata.name });
}

export class Controller<T extends KubeObject> {
  readonly informer: Informer<T>;
  readonly queue: WorkQueue;
  private readonly log: Logger;
  private workers: Promise<void>[] = [];
  /** Objects seen but not reconciled yet, with when they were first seen (for firstReconcileHold). */
  private readonly unreconciled = new Map<string, number>();

  constructor(
    kube: KubeApi,
    readonly type: ResourceType,
    private readonly options: ControllerOptions,
  ) {
    this.log = options.log ?? nopLogger;
    this.queue = options.queue ?? new WorkQueue();
    this.informer = new Informer<T>(kube, type, {
      log: this.log,
      ...(options.resyncMs === undefined ? {} : { resyncMs: options.resyncMs }),
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    });
    this.informer.addHandlers({
      add: (obj) => {
        const key = keyOfObject(obj);
        if (options.firstReconcileHold !== undefined) this.unreconciled.set(key, Date.now());
        this.queue.add(key);
      },
      update: (oldObj, newObj) => {
        const changed = desiredStateChanged(oldObj, newObj);
        const enqueue = () => {
          if (changed) this.queue.add(keyOfObject(newObj));
        };
        // Told of every update, also status-only ones, so that it can forget what the cache has caught up with.
        if (options.ownWrites) options.ownWrites.onWatched(newObj, enqueue);
        else enqueue();
      },
      delete: (obj) => {
        options.ownWrites?.forget(obj);
        this.unreconciled.delete(keyOfObject(obj));
        this.queue.add(keyOfObject(obj));
      },
    });
  }

  /** A private copy of the object (the cached one, or our newer write), which the reconciler may change freely. */
  get(key: ObjectKey): T | undefined {
    const cached = this.informer.get(key.namespace, key.name);
    const copy = cached === undefined ? undefined : structuredClone(cached);
    const own = this.options.ownWrites;
    return own === undefined ? copy : (own.freshest(queueKey(key), copy) as T | undefined);
  }

  /** Queues a key from outside the informer (e.g. a watched dependant changed). */
  enqueue(key: ObjectKey): void {
    this.queue.add(queueKey(key));
  }

  /** Starts watching and, once the cache is synced, the workers. Resolves when the cache is synced. */
  async start(reconcile: Reconcile): Promise<void> {
    this.informer.start();
    await this.informer.synced;
    this.workers = Array.from({ length: this.options.concurrency }, () => this.work(reconcile));
  }

  /** Stops taking new work and waits for in-flight reconciles to finish. */
  async stop(): Promise<void> {
    this.informer.stop();
    await this.queue.shutDown();
    await Promise.all(this.workers);
  }

  private async work(reconcile: Reconcile): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      try {
        await this.process(key, reconcile);
      } finally {
        this.queue.done(key);
      }
    }
  }

  /** Milliseconds an object not reconciled yet should still wait; 0 once its first reconcile may run. */
  private held(key: string): number {
    const seen = this.unreconciled.get(key);
    if (seen === undefined) return 0;
    const { namespace, name } = parseQueueKey(key);
    const obj = this.informer.get(namespace, name);
    const hold = obj === undefined ? 0 : (this.options.firstReconcileHold?.(obj, Date.now() - seen) ?? 0);
    if (hold <= 0) this.unreconciled.delete(key);
    return hold;
  }

  private async process(key: string, reconcile: Reconcile): Promise<void> {
    // Before the rate limiter: a held object spends no token.
    const hold = this.held(key);
    if (hold > 0) {
      this.queue.addAfter(key, hold);
      return;
    }
    const wait = this.options.rateLimiter?.admit(key) ?? 0;
    if (wait > 0) {
      this.queue.addAfter(key, wait);
      return;
    }
    this.log.debug({ controller: this.options.name, key }, 'Reconciling');
    let result: ReconcileResult;
    try {
      result = await reconcile(parseQueueKey(key));
    } catch (err) {
      this.log.error({ err, key, controller: this.options.name }, 'Reconcile failed');
      this.queue.addRateLimited(key);
      return;
    }
    this.schedule(key, result);
  }

  private schedule(key: string, result: ReconcileResult): void {
    switch (result.action) {
      case 'done':
        this.queue.forget(key);
        return;
      case 'requeue':
        this.queue.addRateLimited(key);
        return;
      case 'requeueAfter':
        this.queue.forget(key);
        this.queue.addAfter(key, result.delayMs);
        return;
    }
  }
}
