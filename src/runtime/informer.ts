// A list+watch cache of one resource type (client-go's reflector + store + shared informer, trimmed to what the
// provider needs). Unlike client-node 1.4's informer, it never stays stopped: every failed list or watch is
// retried with backoff until stop().
import {
  KubeApiError,
  type KubeApi,
  type KubeObject,
  type ListOptions,
  type ResourceType,
  type WatchEventType,
  type WatchHandle,
} from '../kube/api.ts';
import { nopLogger, type Logger } from '../log/logger.ts';

export interface InformerHandlers<T> {
  add?(obj: T): void;
  /** After a watch change, and for every object (unchanged ones too, as `(obj, obj)`) on each resync. */
  update?(oldObj: T, newObj: T): void;
  /** With the object's last state. */
  delete?(obj: T): void;
}

export interface InformerOptions<T> extends ListOptions {
  /** Full relist period that re-delivers every object as an update (the provider's --sync). Default 1 h; 0 = never. */
  resyncMs?: number;
  /** Retry delay after the first failure, doubling per consecutive failure up to `backoffMaxMs`. Default 1 s. */
  backoffBaseMs?: number;
  /** Default 30 s. */
  backoffMaxMs?: number;
  /** Applied to each object before it is stored. Default: drop metadata.managedFields, which nothing reads. */
  transform?: (obj: T) => T;
  log?: Logger;
}

export const DEFAULT_RESYNC_MS = 60 * 60 * 1000;
/** A watch that ends cleanly sooner than this counts as a failure, so a server that closes at once is not hammered. */
const minHealthyWatchMs = 1000;

/** The retry delay after `failures` consecutive failures: base·2^(n-1) capped at max, minus up to 20% jitter. */
export function backoffDelay(
  failures: number,
  baseMs: number,
  maxMs: number,
  random = Math.random(),
): number {
  if (failures <= 0) return 0;
  const delay = Math.min(baseMs * 2 ** (failures - 1), maxMs);
  return Math.round(delay * (1 - 0.2 * random));
}

/** The store key: `namespace/name`, or just `name` for cluster-scoped objects. */
export function storeKey(namespace: string | undefined, name: string): string {
  return namespace === undefined || namespace === '' ? name : `${namespace}/${name}`;
}

export function stripManagedFields<T extends KubeObject>(obj: T): T {
  const metadata = obj.metadata as { managedFields?: unknown };
  if (metadata.managedFields !== undefined) delete metadata.managedFields;
  return obj;
}

export class Informer<T extends KubeObject> {
  /** Resolves after the first successful list; never rejects (failures are retried until stop()). */
  readonly synced: Promise<void>;
  private markSynced: () => void = () => undefined;
  private isSynced = false;
  private readonly store = new Map<string, T>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private readonly log: Logger;
  private readonly transform: (obj: T) => T;
  private running = false;
  /** Bumped whenever a list/watch cycle is abandoned, so late callbacks of the old one are ignored. */
  private epoch = 0;
  private failures = 0;
  private resourceVersion = '';
  private resyncPending = false;
  private watch: WatchHandle | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kube: KubeApi,
    private readonly type: ResourceType,
    private readonly options: InformerOptions<T> = {},
  ) {
    this.synced = new Promise((resolve) => {
      this.markSynced = resolve;
    });
    this.log = options.log ?? nopLogger;
    this.transform = options.transform ?? stripManagedFields;
  }

  /** Registers handlers; registered after the initial sync, they first get an add for every stored object. */
  addHandlers(handlers: InformerHandlers<T>): void {
    this.handlers.push(handlers);
    if (!this.isSynced) return;
    for (const obj of this.store.values()) this.call(handlers, 'add', obj);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.relist();
    const resyncMs = this.options.resyncMs ?? DEFAULT_RESYNC_MS;
    if (resyncMs > 0) {
      this.resyncTimer = setInterval(() => {
        this.resync();
      }, resyncMs);
    }
  }

  stop(): void {
    this.running = false;
    this.epoch++;
    clearTimeout(this.retryTimer);
    clearInterval(this.resyncTimer);
    this.watch?.stop();
    this.watch = undefined;
  }

  hasSynced(): boolean {
    return this.isSynced;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.store.get(storeKey(namespace, name));
  }

  list(): T[] {
    return [...this.store.values()];
  }

  private resync(): void {
    this.resyncPending = true;
    // With a watch open, restart the cycle now; otherwise the list already due picks the flag up.
    if (this.watch === undefined) return;
    this.epoch++;
    this.watch.stop();
    this.watch = undefined;
    this.relist();
  }

  private relist(): void {
    const epoch = ++this.epoch;
    const { namespace, labelSelector, fieldSelector } = this.options;
    const selectors = {
      ...(namespace === undefined ? {} : { namespace }),
      ...(labelSelector === undefined ? {} : { labelSelector }),
      ...(fieldSelector === undefined ? {} : { fieldSelector }),
    };
    this.kube.list<T>(this.type, selectors).then(
      (result) => {
        if (epoch !== this.epoch) return;
        const resync = this.resyncPending;
        this.resyncPending = false;
        this.failures = 0;
        this.replace(result.items, resync);
        this.resourceVersion = result.resourceVersion;
        if (!this.isSynced) {
          this.isSynced = true;
          this.markSynced();
        }
        this.startWatch(epoch, selectors);
      },
      (err: unknown) => {
        if (epoch !== this.epoch) return;
        this.retry(err, 'list failed', () => {
          this.relist();
        });
      },
    );
  }

  private startWatch(epoch: number, selectors: ListOptions): void {
    const started = Date.now();
    let ended = false;
    const onDone = (err?: unknown): void => {
      ended = true;
      if (epoch !== this.epoch) return;
      this.watch = undefined;
      this.watchEnded(err, Date.now() - started, selectors);
    };
    const onEvent = (type: WatchEventType, obj: T): void => {
      if (epoch === this.epoch) this.apply(type, obj);
    };
    this.kube
      .watch<T>(this.type, { ...selectors, resourceVersion: this.resourceVersion }, onEvent, onDone)
      .then(
        (handle) => {
          if (ended) return;
          if (epoch !== this.epoch) {
            handle.stop();
            return;
          }
          this.watch = handle;
          // A resync that came while the watch was opening was deferred to this point.
          if (this.resyncPending) this.resync();
        },
        (err: unknown) => {
          if (!ended) onDone(err);
        },
      );
  }

  private watchEnded(err: unknown, livedMs: number, selectors: ListOptions): void {
    if (err instanceof KubeApiError && err.code === 410) {
      // The resourceVersion is too old to resume from: a new list is the only way back.
      this.log.debug({ resource: this.type.plural }, 'watch expired; relisting');
      this.relist();
    } else if (err !== undefined) {
      this.retry(err, 'watch failed', () => {
        this.relist();
      });
    } else if (this.resyncPending) {
      this.relist();
    } else if (livedMs < minHealthyWatchMs) {
      this.retry(new Error('watch ended at once'), 'watch ended', () => {
        this.startWatch(++this.epoch, selectors);
      });
    } else {
      // A server-side timeout: resume from the last seen resourceVersion without a relist, like client-go.
      this.failures = 0;
      this.startWatch(++this.epoch, selectors);
    }
  }

  private retry(err: unknown, what: string, again: () => void): void {
    this.failures++;
    const delayMs = backoffDelay(
      this.failures,
      this.options.backoffBaseMs ?? 1000,
      this.options.backoffMaxMs ?? 30_000,
    );
    this.log.warn(
      { resource: this.type.plural, err: errorMessage(err), failures: this.failures, retryInMs: delayMs },
      `${what}; retrying`,
    );
    this.retryTimer = setTimeout(() => {
      if (this.running) again();
    }, delayMs);
  }

  /** Makes the store equal to a fresh list, delivering the differences (and, on resync, every object). */
  private replace(items: T[], resync: boolean): void {
    const seen = new Set<string>();
    for (const item of items) {
      const key = storeKey(item.metadata.namespace, item.metadata.name);
      seen.add(key);
      const old = this.store.get(key);
      if (old === undefined) {
        const obj = this.transform(item);
        this.store.set(key, obj);
        this.emit('add', obj);
      } else if (old.metadata.resourceVersion !== item.metadata.resourceVersion) {
        const obj = this.transform(item);
        this.store.set(key, obj);
        this.emit('update', old, obj);
      } else if (resync) {
        // The stored copy is kept so that only one copy of each object stays in memory.
        this.emit('update', old, old);
      }
    }
    for (const [key, old] of this.store) {
      if (seen.has(key)) continue;
      this.store.delete(key);
      this.emit('delete', old);
    }
  }

  private apply(type: WatchEventType, raw: T): void {
    this.resourceVersion = raw.metadata.resourceVersion ?? this.resourceVersion;
    if (type === 'BOOKMARK') return;
    const obj = this.transform(raw);
    const key = storeKey(obj.metadata.namespace, obj.metadata.name);
    const old = this.store.get(key);
    if (type === 'DELETED') {
      this.store.delete(key);
      this.emit('delete', obj);
      return;
    }
    this.store.set(key, obj);
    if (old === undefined) this.emit('add', obj);
    else this.emit('update', old, obj);
  }

  private emit(kind: 'add' | 'delete', obj: T): void;
  private emit(kind: 'update', oldObj: T, newObj: T): void;
  private emit(kind: keyof InformerHandlers<T>, first: T, second?: T): void {
    for (const handlers of this.handlers) this.call(handlers, kind, first, second);
  }

  /** A throwing handler is logged; it must not break the cache or the other handlers. */
  private call(handlers: InformerHandlers<T>, kind: keyof InformerHandlers<T>, first: T, second?: T): void {
    try {
      if (kind === 'update') handlers.update?.(first, second ?? first);
      else handlers[kind]?.(first);
    } catch (err) {
      this.log.error(
        { resource: this.type.plural, err: errorMessage(err) },
        `informer ${kind} handler failed`,
      );
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
