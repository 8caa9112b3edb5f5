// Read-your-own-writes for one kind's reconciler. The informer's copy of an object lags behind what the
// reconciler has just written; a reconcile that starts from the lagging copy can only end in a 409 and a
// retry. Remembering the API server's reply to the last write of each object, and which versions that write
// replaced, lets the next reconcile start from the reply while the cache catches up. It also tells the watch
// events of those writes apart: the reconcile that made a write has already acted on that state.
import type { KubeObject } from '../kube/api.ts';

interface Written<T> {
  /** Versions our writes replaced: a cache still holding one of them is behind us. */
  readonly replaced: Set<string>;
  /** Versions our writes produced. */
  readonly produced: Set<string>;
  latest: T | undefined;
  /** Writes sent and not answered yet: a watch event may arrive before the reply that would name it ours. */
  inFlight: number;
  /** Watch events that arrived during a write, decided once it is answered. */
  parked: { version: string; foreign: () => void }[];
}

const keyOf = (obj: KubeObject): string => `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;

export class OwnWrites<T extends KubeObject> {
  private readonly byKey = new Map<string, Written<T>>();

  private entry(key: string): Written<T> {
    let entry = this.byKey.get(key);
    if (entry === undefined) {
      entry = { replaced: new Set(), produced: new Set(), latest: undefined, inFlight: 0, parked: [] };
      this.byKey.set(key, entry);
    }
    return entry;
  }

  /** Runs one write of `obj` and records its reply. */
  async write(obj: T, send: () => Promise<T>): Promise<T> {
    const entry = this.entry(keyOf(obj));
    entry.inFlight += 1;
    try {
      const reply = await send();
      if (obj.metadata.resourceVersion !== undefined) entry.replaced.add(obj.metadata.resourceVersion);
      if (reply.metadata.resourceVersion !== undefined) entry.produced.add(reply.metadata.resourceVersion);
      // A copy: the writer goes on changing the object it was given.
      entry.latest = structuredClone(reply);
      return reply;
    } finally {
      entry.inFlight -= 1;
      if (entry.inFlight === 0) this.decideParked(entry);
    }
  }

  private decideParked(entry: Written<T>): void {
    const parked = entry.parked.splice(0);
    for (const event of parked) if (!entry.produced.has(event.version)) event.foreign();
  }

  /**
   * The copy a reconcile should start from: our last write while the cache still holds a version it replaced,
   * else the cache's (which has caught up, or moved on with somebody else's change).
   */
  freshest(key: string, cached: T | undefined): T | undefined {
    const entry = this.byKey.get(key);
    if (entry === undefined) return cached;
    const version = cached?.metadata.resourceVersion;
    if (cached !== undefined && version !== undefined && entry.replaced.has(version) && entry.latest)
      return structuredClone(entry.latest);
    // Caught up: forgotten, unless a write is still being answered (it needs the entry).
    if (entry.inFlight === 0) this.byKey.delete(key);
    return cached;
  }

  /**
   * Calls `foreign` unless this watched version is one our own writes produced; while a write of the object
   * is unanswered the decision waits for its reply. Every watched update passes here: once the cache holds
   * our last write, the object is forgotten (no copy is kept longer than the watch takes to deliver it).
   */
  onWatched(obj: T, foreign: () => void): void {
    const version = obj.metadata.resourceVersion;
    const key = keyOf(obj);
    const entry = this.byKey.get(key);
    if (version !== undefined && entry?.produced.has(version)) {
      if (entry.inFlight === 0 && entry.latest?.metadata.resourceVersion === version) this.byKey.delete(key);
      return;
    }
    if (version !== undefined && entry !== undefined && entry.inFlight > 0)
      entry.parked.push({ version, foreign });
    else foreign();
  }

  /** Forgets an object that is gone. */
  forget(obj: T): void {
    this.byKey.delete(keyOf(obj));
  }
}
