// An in-memory KubeApi for unit tests. Objects are kept by type, namespace and name, with the API server's
// semantics that the runtime relies on: a resourceVersion that moves on every real change (and not on a no-op
// write), update and updateStatus refused with 409 when the object sent is stale, 404 for a missing object,
// and, for custom resources (any type outside the core group), a generation that counts spec changes and a
// status subresource (status is dropped on create, ignored by update, and the only thing updateStatus writes).
// Deletion follows finalizers: delete marks the object, and the write that removes its last finalizer removes
// it. Any call can be answered by an injected fault instead: a 409, a 404, a client-side timeout, or another
// writer's change made just before the call runs. Not modelled: watches, server-side apply, field selectors
// and set-based label selectors; they throw, so a test cannot silently depend on them.
import {
  isNotFound,
  KubeApiError,
  type KubeApi,
  type KubeObject,
  type ListOptions,
  type ListResult,
  type ObjectRef,
  type PatchOptions,
  type ResourceType,
  type WatchHandle,
} from '../../src/kube/api.ts';
import { apiVersionOf, collectionPath, objectPath, resourceNameOf } from '../../src/kube/paths.ts';

export type Method = 'get' | 'list' | 'create' | 'update' | 'updateStatus' | 'patch' | 'delete' | 'watch';

const writeMethods: ReadonlySet<Method> = new Set(['create', 'update', 'updateStatus', 'patch', 'delete']);

/** One call the fake received, in order. */
export interface Call {
  readonly method: Method;
  readonly type: ResourceType;
  readonly namespace: string;
  /** '' for list and watch. */
  readonly name: string;
  /** 1-based: this is the index-th call of `method`. */
  readonly index: number;
  /** The object a create, update or updateStatus sent. */
  readonly body?: KubeObject;
  /** Whether an injected fault (not the store) answered the call. */
  injected?: boolean;
  /** How the call failed: the API error's reason (Conflict, NotFound, …), Timeout, or the error's message. */
  failed?: string;
}

/**
 * What answers a matched call instead of the store: a 409 Conflict, a 404 NotFound (for get: undefined, as the
 * real client resolves it), a client-side timeout, a given error, or a function run just before the call is
 * carried out (another writer's change through `mutate`; the call then meets the store as it is).
 */
export type Fault = 'conflict' | 'notFound' | 'timeout' | Error | ((kube: FakeKube, call: Call) => void);

export interface FaultRule {
  /** Only calls of this method. */
  method?: Method;
  /** Only the call-th call of `method` (1-based). */
  call?: number;
  /** Only calls this predicate accepts. */
  when?: (call: Call) => boolean;
  fault: Fault;
  /** How many matching calls the rule answers (default 1). */
  times?: number;
}

export interface FakeKubeOptions {
  /** creationTimestamp and deletionTimestamp; default the epoch, so that nothing reads the wall clock. */
  now?: () => Date;
}

function matches(rule: FaultRule, call: Call): boolean {
  return (
    (rule.method === undefined || rule.method === call.method) &&
    (rule.call === undefined || rule.call === call.index) &&
    (rule.when === undefined || rule.when(call))
  );
}

/** Custom resources have a generation and a status subresource; core types here (Secret, Event) do not. */
const isCustom = (type: ResourceType): boolean => type.group !== '';

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Everything but metadata and status: what metadata.generation counts for a custom resource. */
function specPart(obj: KubeObject): string {
  return canonical({ ...obj, metadata: undefined, status: undefined });
}

function withoutVersion(obj: KubeObject): string {
  return canonical({ ...obj, metadata: { ...obj.metadata, resourceVersion: undefined } });
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? (target as Record<string, unknown>)
      : {};
  const changes = Object.entries(patch as Record<string, unknown>);
  const kept = Object.entries(base).filter(([key]) => !changes.some(([k]) => k === key));
  const merged = changes
    .filter(([, value]) => value !== null)
    .map(([key, value]) => [key, mergePatch(base[key], value)] as const);
  return Object.fromEntries([...kept, ...merged]);
}

/** Metadata a write cannot change: `next` gets `current`'s (an absent one stays absent). */
function keepServerFields(current: KubeObject, next: KubeObject): void {
  const fields = ['uid', 'creationTimestamp', 'deletionTimestamp', 'generation', 'resourceVersion'] as const;
  const meta: Record<string, unknown> = { ...next.metadata };
  for (const field of fields) meta[field] = current.metadata[field];
  next.metadata = JSON.parse(JSON.stringify(meta)) as KubeObject['metadata'];
}

const httpMethod: Record<Method, string> = {
  get: 'GET',
  list: 'GET',
  watch: 'GET',
  create: 'POST',
  update: 'PUT',
  updateStatus: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
};

export class FakeKube implements KubeApi {
  /** Every call received, faulted ones included. */
  readonly calls: Call[] = [];
  private readonly objects = new Map<string, KubeObject>();
  private readonly rules: (FaultRule & { left: number })[] = [];
  private readonly counts = new Map<Method, number>();
  private version = 0;
  private uids = 0;
  private readonly now: () => Date;

  constructor(options: FakeKubeOptions = {}) {
    this.now = options.now ?? (() => new Date(0));
  }

  /** Answers matching calls with `rule.fault` (see FaultRule); rules are tried in the order injected. */
  inject(rule: FaultRule): void {
    this.rules.push({ ...rule, left: rule.times ?? 1 });
  }

  /**
   * Stores `obj` as an existing object, without a call: the state a test starts from. Server fields that are
   * missing are filled in (uid, resourceVersion, creationTimestamp, and generation 1 for a custom resource);
   * status and deletionTimestamp are kept, which no single API call could set.
   */
  seed<T extends KubeObject>(type: ResourceType, obj: T): T {
    const stored = structuredClone(obj);
    stored.apiVersion ??= apiVersionOf(type);
    stored.kind ??= type.kind;
    const meta = stored.metadata;
    meta.uid ??= this.nextUid();
    meta.resourceVersion ??= this.nextVersion();
    meta.creationTimestamp ??= this.timestamp();
    if (isCustom(type)) meta.generation ??= 1;
    return this.store(type, stored);
  }

  /** The stored object now (a copy), without a call: what a caught-up informer cache would return. */
  // T names the caller's object type, as KubeApi.get's does.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  peek<T extends KubeObject>(type: ResourceType, ref: ObjectRef): T | undefined {
    const found = this.objects.get(this.keyOf(type, ref));
    return found === undefined ? undefined : (structuredClone(found) as T);
  }

  /** Another client's write, without a call: `change` edits a copy, which is stored as an update would be. */
  mutate<T extends KubeObject>(type: ResourceType, ref: ObjectRef, change: (obj: T) => void): T {
    const current = this.objects.get(this.keyOf(type, ref));
    if (current === undefined) throw this.notFound(type, ref.name);
    const next = structuredClone(current) as T;
    change(next);
    return this.commit(type, current, next) as T;
  }

  /** How many calls of `method` were made. */
  count(method: Method): number {
    return this.counts.get(method) ?? 0;
  }

  /** The writes made, as `method plural/name`, with ` → reason` for those that failed. */
  writes(): string[] {
    return this.calls
      .filter((c) => writeMethods.has(c.method))
      .map((c) => `${c.method} ${c.type.plural}/${c.name}${c.failed === undefined ? '' : ` → ${c.failed}`}`);
  }

  async get<T extends KubeObject>(type: ResourceType, ref: ObjectRef): Promise<T | undefined> {
    try {
      return await this.handle('get', type, ref, undefined, () => this.peek<T>(type, ref));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  list<T extends KubeObject>(type: ResourceType, options: ListOptions = {}): Promise<ListResult<T>> {
    return this.handle('list', type, { namespace: options.namespace ?? '', name: '' }, undefined, () => {
      if (options.fieldSelector !== undefined) throw new Error('FakeKube does not evaluate field selectors');
      const wanted = this.parseSelector(options.labelSelector);
      const prefix = `${resourceNameOf(type)}/`;
      const items = [...this.objects.entries()]
        .filter(([key]) => key.startsWith(prefix))
        .map(([, obj]) => obj)
        .filter((obj) => !options.namespace || obj.metadata.namespace === options.namespace)
        .filter((obj) => Object.entries(wanted).every(([k, v]) => obj.metadata.labels?.[k] === v))
        .map((obj) => structuredClone(obj) as T);
      return { items, resourceVersion: String(this.version) };
    });
  }

  create<T extends KubeObject>(type: ResourceType, obj: T): Promise<T> {
    return this.handle('create', type, obj.metadata, obj, () => {
      if (this.objects.has(this.keyOf(type, obj.metadata))) {
        const name = `${resourceNameOf(type)} "${obj.metadata.name}"`;
        throw new KubeApiError(`${name} already exists`, 409, 'AlreadyExists');
      }
      const stored = structuredClone(obj) as T & { status?: unknown };
      delete stored.metadata.deletionTimestamp;
      stored.metadata.uid = this.nextUid();
      stored.metadata.resourceVersion = this.nextVersion();
      stored.metadata.creationTimestamp = this.timestamp();
      stored.apiVersion ??= apiVersionOf(type);
      stored.kind ??= type.kind;
      if (isCustom(type)) {
        stored.metadata.generation = 1;
        delete stored.status;
      }
      return this.store(type, stored);
    });
  }

  update<T extends KubeObject>(type: ResourceType, obj: T): Promise<T> {
    return this.handle('update', type, obj.metadata, obj, () => {
      const current = this.current(type, obj.metadata, obj.metadata.resourceVersion);
      const next = structuredClone(obj) as T & { status?: unknown };
      if (isCustom(type)) next.status = structuredClone((current as { status?: unknown }).status);
      if (next.status === undefined) delete next.status;
      return this.commit(type, current, next) as T;
    });
  }

  updateStatus<T extends KubeObject>(type: ResourceType, obj: T): Promise<T> {
    return this.handle('updateStatus', type, obj.metadata, obj, () => {
      if (!isCustom(type)) throw this.notFound(type, obj.metadata.name);
      const current = this.current(type, obj.metadata, obj.metadata.resourceVersion);
      const next = structuredClone(current) as KubeObject & { status?: unknown };
      next.status = structuredClone((obj as { status?: unknown }).status);
      if (next.status === undefined) delete next.status;
      return this.commit(type, current, next) as T;
    });
  }

  patch<T extends KubeObject>(
    type: ResourceType,
    ref: ObjectRef,
    patch: object,
    options: PatchOptions,
  ): Promise<T> {
    if (options.strategy !== 'merge') throw new Error('FakeKube does not model server-side apply');
    return this.handle('patch', type, ref, undefined, () => {
      // A merge patch needs no resourceVersion; one it carries is a precondition, as on the API server.
      const version = (patch as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
      const current = this.current(type, ref, version, false);
      const patched = mergePatch(current, patch) as KubeObject & { status?: unknown };
      const next = structuredClone(current) as KubeObject & { status?: unknown };
      if (options.status === true) next.status = patched.status;
      else Object.assign(next, patched, isCustom(type) ? { status: next.status } : {});
      if (next.status === undefined) delete next.status;
      return this.commit(type, current, next) as T;
    });
  }

  delete(type: ResourceType, ref: ObjectRef): Promise<void> {
    return this.handle('delete', type, ref, undefined, () => {
      const key = this.keyOf(type, ref);
      const current = this.objects.get(key);
      if (current === undefined) return;
      if ((current.metadata.finalizers ?? []).length === 0) {
        this.objects.delete(key);
        return;
      }
      if (current.metadata.deletionTimestamp !== undefined) return;
      const next = structuredClone(current);
      next.metadata.deletionTimestamp = this.timestamp();
      // As the API server does when graceful deletion starts.
      if (next.metadata.generation !== undefined) next.metadata.generation += 1;
      next.metadata.resourceVersion = this.nextVersion();
      this.store(type, next);
    });
  }

  watch(type: ResourceType, options: ListOptions & { resourceVersion: string }): Promise<WatchHandle> {
    return this.handle('watch', type, { namespace: options.namespace ?? '', name: '' }, undefined, () => {
      throw new Error('FakeKube does not model watches');
    });
  }

  /**
   * Records the call, lets a matching fault answer it, else runs `work` against the store; either way a
   * failure is noted on the call. Answered asynchronously, as a request is.
   */
  private async handle<R>(
    method: Method,
    type: ResourceType,
    ref: ObjectRef,
    body: KubeObject | undefined,
    work: () => R,
  ): Promise<R> {
    const index = (this.counts.get(method) ?? 0) + 1;
    this.counts.set(method, index);
    const call: Call = {
      method,
      type,
      namespace: ref.namespace ?? '',
      name: ref.name,
      index,
      ...(body === undefined ? {} : { body: structuredClone(body) }),
    };
    this.calls.push(call);
    await Promise.resolve();
    try {
      const rule = this.rules.find((r) => r.left > 0 && matches(r, call));
      if (rule !== undefined) {
        rule.left -= 1;
        this.answer(rule.fault, call);
      }
      return work();
    } catch (err) {
      call.failed ??=
        err instanceof KubeApiError ? err.reason : err instanceof Error ? err.message : String(err);
      throw err;
    }
  }

  private answer(fault: Fault, call: Call): void {
    if (typeof fault === 'function') {
      fault(this, call);
      return;
    }
    call.injected = true;
    if (fault instanceof Error) throw fault;
    if (fault === 'conflict') throw this.conflict(call.type, call.name);
    if (fault === 'notFound') throw this.notFound(call.type, call.name);
    const path =
      call.name === ''
        ? collectionPath(call.type, call.namespace)
        : objectPath(call.type, call, call.method === 'updateStatus' ? 'status' : undefined);
    call.failed = 'Timeout';
    // The message the real client's transport gives when the API server does not answer in time.
    throw new Error(`${httpMethod[call.method]} ${path}: timed out after 30000 ms`);
  }

  /**
   * The stored object a write of `ref` replaces: 404 when missing, 409 when `version` is not the stored one. A
   * custom resource's update must carry a version (its type allows no unconditional update); a core type's may
   * leave it out.
   */
  private current(
    type: ResourceType,
    ref: ObjectRef,
    version: string | undefined,
    required = true,
  ): KubeObject {
    const current = this.objects.get(this.keyOf(type, ref));
    if (current === undefined) throw this.notFound(type, ref.name);
    if (version === undefined && required && isCustom(type)) {
      throw new KubeApiError(
        `${resourceNameOf(type)} "${ref.name}" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`,
        422,
        'Invalid',
      );
    }
    if (version !== undefined && version !== current.metadata.resourceVersion)
      throw this.conflict(type, ref.name);
    return current;
  }

  /**
   * Stores `next` in place of `current` as the API server would: server-set metadata kept, no new version for a
   * no-op, generation bumped on a spec change, and the object removed once deleting with no finalizer left.
   */
  private commit(type: ResourceType, current: KubeObject, next: KubeObject): KubeObject {
    const deleting = current.metadata.deletionTimestamp !== undefined;
    const added = (next.metadata.finalizers ?? []).filter((f) => !current.metadata.finalizers?.includes(f));
    if (deleting && added.length > 0) {
      throw new KubeApiError(
        `${resourceNameOf(type)} "${current.metadata.name}" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted`,
        422,
        'Invalid',
      );
    }
    keepServerFields(current, next);
    if (withoutVersion(next) === withoutVersion(current)) return structuredClone(current);
    const generation = current.metadata.generation;
    if (generation !== undefined && specPart(next) !== specPart(current))
      next.metadata.generation = generation + 1;
    next.metadata.resourceVersion = this.nextVersion();
    if (deleting && (next.metadata.finalizers ?? []).length === 0) {
      this.objects.delete(this.keyOf(type, next.metadata));
      return structuredClone(next);
    }
    return this.store(type, next);
  }

  /** Stores `obj` as it would come back over the wire (JSON, keys sorted as the API server sorts them). */
  private store<T extends KubeObject>(type: ResourceType, obj: T): T {
    const wire = JSON.parse(canonical(obj)) as T;
    this.objects.set(this.keyOf(type, wire.metadata), wire);
    return structuredClone(wire);
  }

  private parseSelector(selector: string | undefined): Record<string, string> {
    if (selector === undefined || selector === '') return {};
    return Object.fromEntries(
      selector.split(',').map((term) => {
        const match = /^([^=!]+)==?([^=]*)$/.exec(term.trim());
        if (match === null) throw new Error(`FakeKube evaluates only equality selectors, not "${term}"`);
        return [match[1]!, match[2]!];
      }),
    );
  }

  private keyOf(type: ResourceType, ref: ObjectRef): string {
    return `${resourceNameOf(type)}/${type.namespaced ? (ref.namespace ?? '') : ''}/${ref.name}`;
  }

  /** RFC 3339 at second precision, as the API server writes creation and deletion timestamps. */
  private timestamp(): string {
    return this.now()
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
  }

  private nextVersion(): string {
    this.version += 1;
    return String(this.version);
  }

  private nextUid(): string {
    this.uids += 1;
    return `uid-${String(this.uids)}`;
  }

  private conflict(type: ResourceType, name: string): KubeApiError {
    return new KubeApiError(
      `Operation cannot be fulfilled on ${resourceNameOf(type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      409,
      'Conflict',
    );
  }

  private notFound(type: ResourceType, name: string): KubeApiError {
    return new KubeApiError(`${resourceNameOf(type)} "${name}" not found`, 404, 'NotFound');
  }
}
