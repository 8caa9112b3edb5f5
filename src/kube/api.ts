// The Kubernetes API as the rest of the provider sees it: a few generic verbs over any resource type. Only
// src/kube imports @kubernetes/client-node; everything above depends on this interface.

/** Identifies a resource type on the API server (core types have group ''). */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

export interface ObjectRef {
  readonly namespace?: string;
  readonly name: string;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
  ownerReferences?: OwnerReference[];
}

/** Any object the API server returns: apiVersion, kind, metadata and whatever else the type has. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

export interface ListOptions {
  /** Omit for all namespaces (or a cluster-scoped type). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchHandle {
  stop(): void;
}

export interface PatchOptions {
  /** 'merge' = JSON merge patch; 'apply' = server-side apply (needs fieldManager). */
  strategy: 'merge' | 'apply';
  fieldManager?: string;
  force?: boolean;
  /** Patch the status subresource. */
  status?: boolean;
}

/** Error from the API server with its HTTP status and Kubernetes reason (Conflict, NotFound, Invalid, …). */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export function isConflict(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 409;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 404;
}

export interface KubeApi {
  /** Resolves undefined when the object does not exist. */
  get<T extends KubeObject>(type: ResourceType, ref: ObjectRef): Promise<T | undefined>;
  list<T extends KubeObject>(type: ResourceType, options?: ListOptions): Promise<ListResult<T>>;
  create<T extends KubeObject>(type: ResourceType, obj: T): Promise<T>;
  /** Full replace guarded by metadata.resourceVersion: a stale object fails with 409. */
  update<T extends KubeObject>(type: ResourceType, obj: T): Promise<T>;
  /** Full replace of the status subresource, guarded by metadata.resourceVersion. */
  updateStatus<T extends KubeObject>(type: ResourceType, obj: T): Promise<T>;
  patch<T extends KubeObject>(
    type: ResourceType,
    ref: ObjectRef,
    patch: object,
    options: PatchOptions,
  ): Promise<T>;
  /** Succeeds when the object is already gone. */
  delete(type: ResourceType, ref: ObjectRef): Promise<void>;
  /**
   * Watches from `resourceVersion`; `onDone` is called once when the watch ends for any reason (server timeout,
   * 410 Gone, network error), after which the caller relists.
   */
  // T names the caller's object type, as get<T> does; it appears once because the events carry it.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  watch<T extends KubeObject>(
    type: ResourceType,
    options: ListOptions & { resourceVersion: string },
    onEvent: (type: WatchEventType, obj: T) => void,
    onDone: (err?: unknown) => void,
  ): Promise<WatchHandle>;
}
