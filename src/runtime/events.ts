// Kubernetes Events about the provider's objects, written the way client-go's recorder writes them: a repeat of
// the same (object, type, reason, message) bumps count and lastTimestamp of the existing Event instead of
// creating another, a per-object token bucket stops event storms, and nothing ever throws into the caller.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isNotFound, type KubeApi, type KubeObject, type ResourceType } from '../kube/api.ts';
import { nopLogger, type Logger } from '../log/logger.ts';

export type EventType = 'Normal' | 'Warning';

export interface Event {
  type: EventType;
  /** PascalCase, e.g. CreatedExternalResource. */
  reason: string;
  /** Must already be safe to show (no secrets); long messages are cut. */
  message: string;
  annotations?: Record<string, string>;
}

export interface EventRecorder {
  /** Returns at once; the write happens in the background and failures are only logged. */
  record(obj: KubeObject, event: Event): void;
}

export interface EventRecorderOptions {
  /** source.component and reportingComponent. Default `provider-dbops`. */
  component?: string;
  /** source.host and reportingInstance. Default the host name. */
  instance?: string;
  /** Aggregation entries remembered (client-go: 4096). */
  cacheSize?: number;
  /** Default 1024 characters. */
  maxMessageLength?: number;
  /** Events per object allowed at once, then one per `spamRefillMs` (client-go: 25, 5 min). */
  spamBurst?: number;
  spamRefillMs?: number;
  /** Events waiting to be written beyond this are dropped (client-go's queue: 1000). */
  maxPending?: number;
  log?: Logger;
  now?: () => number;
}

export const eventResource: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  namespaced: true,
};

/** A core/v1 Event as written here. */
export interface CoreEvent extends KubeObject {
  involvedObject: {
    apiVersion?: string;
    kind?: string;
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
  };
  reason: string;
  message: string;
  type: EventType;
  source: { component: string; host: string };
  reportingComponent: string;
  reportingInstance: string;
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
}

/** A Map kept in least-recently-used order, bounded. */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Cuts a message to `max` characters, marking the cut. */
export function capMessage(message: string, max: number): string {
  return message.length <= max ? message : `${message.slice(0, max - 1)}…`;
}

/** RFC 3339 at whole seconds, as metav1.Time serialises. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The name of a new Event: the object's name plus a unique suffix, within the 253-character limit. */
export function eventName(objectName: string, nowMs: number): string {
  const suffix = `${nowMs.toString(16)}${randomBytes(4).toString('hex')}`;
  return `${objectName.slice(0, 253 - suffix.length - 1)}.${suffix}`;
}

/** Identifies repeats: the same object (by uid when known), type, reason and message. */
export function aggregationKey(obj: KubeObject, event: Event): string {
  const { metadata } = obj;
  const subject = metadata.uid ?? `${obj.kind ?? ''}/${metadata.namespace ?? ''}/${metadata.name}`;
  return [subject, event.type, event.reason, event.message].join('\u0000');
}

/** A token bucket per object: `burst` tokens, refilled at one per `refillMs`. */
export class SpamFilter {
  private readonly buckets: LruCache<{ tokens: number; at: number }>;

  constructor(
    private readonly burst: number,
    private readonly refillMs: number,
    capacity: number,
  ) {
    this.buckets = new LruCache(capacity);
  }

  allow(subject: string, now: number): boolean {
    const bucket = this.buckets.get(subject) ?? { tokens: this.burst, at: now };
    const tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) / this.refillMs);
    const allowed = tokens >= 1;
    this.buckets.set(subject, { tokens: allowed ? tokens - 1 : tokens, at: now });
    return allowed;
  }
}

interface Aggregate {
  namespace: string;
  name: string;
  count: number;
}

export class KubeEventRecorder implements EventRecorder {
  private readonly component: string;
  private readonly instance: string;
  private readonly maxMessageLength: number;
  private readonly maxPending: number;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly aggregates: LruCache<Aggregate>;
  private readonly spam: SpamFilter;
  /** The last write queued per aggregation key: repeats wait for it so they patch rather than create. */
  private readonly chains = new Map<string, Promise<void>>();
  private pending = 0;

  constructor(
    private readonly kube: KubeApi,
    options: EventRecorderOptions = {},
  ) {
    this.component = options.component ?? 'provider-dbops';
    this.instance = options.instance ?? hostname();
    this.maxMessageLength = options.maxMessageLength ?? 1024;
    this.maxPending = options.maxPending ?? 1000;
    this.log = options.log ?? nopLogger;
    this.now = options.now ?? Date.now;
    const cacheSize = options.cacheSize ?? 4096;
    this.aggregates = new LruCache(cacheSize);
    this.spam = new SpamFilter(options.spamBurst ?? 25, options.spamRefillMs ?? 5 * 60_000, cacheSize);
  }

  record(obj: KubeObject, event: Event): void {
    const capped = { ...event, message: capMessage(event.message, this.maxMessageLength) };
    const now = this.now();
    const subject = obj.metadata.uid ?? `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    if (this.pending >= this.maxPending || !this.spam.allow(subject, now)) {
      this.log.debug({ name: obj.metadata.name, reason: event.reason }, 'event dropped');
      return;
    }
    const key = aggregationKey(obj, capped);
    this.pending++;
    const write = (this.chains.get(key) ?? Promise.resolve())
      .then(() => this.write(key, obj, capped, now))
      .catch((err: unknown) => {
        this.log.warn(
          {
            name: obj.metadata.name,
            reason: event.reason,
            err: err instanceof Error ? err.message : String(err),
          },
          'cannot record event',
        );
      })
      .finally(() => {
        this.pending--;
        if (this.chains.get(key) === write) this.chains.delete(key);
      });
    this.chains.set(key, write);
  }

  /** Resolves when every event recorded so far has been written (or has failed). */
  async flush(): Promise<void> {
    while (this.chains.size > 0) await Promise.all(this.chains.values());
  }

  private async write(key: string, obj: KubeObject, event: Event, now: number): Promise<void> {
    const known = this.aggregates.get(key);
    if (known !== undefined) {
      try {
        await this.kube.patch(
          eventResource,
          { namespace: known.namespace, name: known.name },
          { count: known.count + 1, lastTimestamp: rfc3339(now) },
          { strategy: 'merge' },
        );
        known.count++;
        return;
      } catch (err) {
        // The API server expires Events (after an hour by default); then a new one is due.
        if (!isNotFound(err)) throw err;
      }
    }
    const created = await this.kube.create(eventResource, this.newEvent(obj, event, now));
    this.aggregates.set(key, {
      namespace: created.metadata.namespace ?? '',
      name: created.metadata.name,
      count: 1,
    });
  }

  private newEvent(obj: KubeObject, event: Event, now: number): CoreEvent {
    const { metadata } = obj;
    // Events about cluster-scoped objects live in `default`, as client-go puts them.
    const namespace = metadata.namespace ?? 'default';
    const timestamp = rfc3339(now);
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: eventName(metadata.name, now),
        namespace,
        ...(event.annotations === undefined ? {} : { annotations: event.annotations }),
      },
      involvedObject: {
        ...(obj.apiVersion === undefined ? {} : { apiVersion: obj.apiVersion }),
        ...(obj.kind === undefined ? {} : { kind: obj.kind }),
        name: metadata.name,
        ...(metadata.namespace === undefined ? {} : { namespace: metadata.namespace }),
        ...(metadata.uid === undefined ? {} : { uid: metadata.uid }),
        ...(metadata.resourceVersion === undefined ? {} : { resourceVersion: metadata.resourceVersion }),
      },
      reason: event.reason,
      message: event.message,
      type: event.type,
      source: { component: this.component, host: this.instance },
      reportingComponent: this.component,
      reportingInstance: this.instance,
      firstTimestamp: timestamp,
      lastTimestamp: timestamp,
      count: 1,
    };
  }
}
