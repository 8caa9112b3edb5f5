// The Kubernetes API with reads of the provider's own kinds served from the controllers' informer caches, as
// controller-runtime's client does for Go providers: a dependant looking up its DatabaseInstance, or a grant
// its user and database, costs no request. Everything else (Secrets, lists, writes) goes to the API server.
import { apiVersionOf } from '../kube/paths.ts';
import type {
  KubeApi,
  KubeObject,
  ListOptions,
  ListResult,
  ObjectRef,
  PatchOptions,
  ResourceType,
  WatchEventType,
  WatchHandle,
} from '../kube/api.ts';
import type { Informer } from './informer.ts';

interface CachedType {
  informer: Informer<KubeObject>;
  /** The one namespace the informer watches, if it is scoped. */
  namespace: string | undefined;
}

const typeKey = (type: ResourceType): string => `${apiVersionOf(type)}/${type.kind}`;

export class CachedKube implements KubeApi {
  private readonly caches = new Map<string, CachedType>();

  constructor(private readonly kube: KubeApi) {}

  /** Serves reads of `type` from `informer` once it has synced. */
  register(type: ResourceType, informer: Informer<KubeObject>, namespace?: string): void {
    this.caches.set(typeKey(type), { informer, namespace });
  }

  async get<T extends KubeObject>(type: ResourceType, ref: ObjectRef): Promise<T | undefined> {
    const cache = this.caches.get(typeKey(type));
    const covered = cache?.namespace === undefined || cache.namespace === ref.namespace;
    if (cache === undefined || !covered || !cache.informer.hasSynced()) return this.kube.get<T>(type, ref);
    const found = cache.informer.get(ref.namespace, ref.name);
    return found === undefined ? undefined : (structuredClone(found) as T);
  }

  list<T extends KubeObject>(type: ResourceType, options?: ListOptions): Promise<ListResult<T>> {
    return this.kube.list<T>(type, options);
  }

  create<T extends KubeObject>(type: ResourceType, obj: T): Promise<T> {
    return this.kube.create(type, obj);
  }

  update<T extends KubeObject>(type: ResourceType, obj: T): Promise<T> {
    return this.kube.update(type, obj);
  }

  updateStatus<T extends KubeObject>(type: ResourceType, obj: T): Promise<T> {
    return this.kube.updateStatus(type, obj);
  }

  patch<T extends KubeObject>(
    type: ResourceType,
    ref: ObjectRef,
    patch: object,
    options: PatchOptions,
  ): Promise<T> {
    return this.kube.patch<T>(type, ref, patch, options);
  }

  delete(type: ResourceType, ref: ObjectRef): Promise<void> {
    return this.kube.delete(type, ref);
  }

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- as KubeApi.watch
  watch<T extends KubeObject>(
    type: ResourceType,
    options: ListOptions & { resourceVersion: string },
    onEvent: (type: WatchEventType, obj: T) => void,
    onDone: (err?: unknown) => void,
  ): Promise<WatchHandle> {
    return this.kube.watch<T>(type, options, onEvent, onDone);
  }
}
