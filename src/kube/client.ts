// The KubeApi over plain REST paths: any resource type, core or custom, without per-type generated clients.
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
} from './api.ts';
import { apiVersionOf, collectionPath, objectPath, queryString, resourceNameOf } from './paths.ts';
import { loadClusterAccess, type KubeConfigSource } from './access.ts';
import { RestTransport, statusError, type RestRequest, type RestResponse } from './rest.ts';
import { WatchStream } from './watch.ts';

export interface KubeApiOptions extends KubeConfigSource {
  /** Called after every API request with its verb, resource (`configmaps`, `leases.coordination.k8s.io/status`)
   * and HTTP status (0 when no response arrived). */
  onRequest?: (verb: string, resource: string, code: number) => void;
  /** User-Agent header; also the default field manager. Default `provider-dbops`. */
  userAgent?: string;
  /** Server-side apply field manager when a patch names none. Default: the user agent. */
  fieldManager?: string;
  /** Limit for one non-watch request. Default 30 s. */
  requestTimeoutMs?: number;
  /** The server ends each watch after this long; default a random 5–10 minutes, like client-go's reflector. */
  watchTimeoutSeconds?: number;
}

export interface KubeClient extends KubeApi {
  /** TCP connections opened so far (requests share keep-alive connections). */
  readonly connectionsOpened: number;
  /** Drops pooled and open connections (open watches end with an error); later requests open new ones. */
  close(): void;
}

/** Connects with the given kubeconfig (or the default one) and returns the provider's view of the API. */
export async function createKubeApi(options: KubeApiOptions = {}): Promise<KubeClient> {
  const userAgent = options.userAgent ?? 'provider-dbops';
  const transport = new RestTransport(await loadClusterAccess(options), {
    userAgent,
    timeoutMs: options.requestTimeoutMs ?? 30_000,
  });
  return new RestKubeApi(transport, { ...options, fieldManager: options.fieldManager ?? userAgent });
}

interface Call extends RestRequest {
  verb: string;
  type: ResourceType;
  subresource?: 'status';
}

class RestKubeApi implements KubeClient {
  constructor(
    private readonly transport: RestTransport,
    private readonly options: KubeApiOptions & { fieldManager: string },
  ) {}

  async get<T extends KubeObject>(type: ResourceType, ref: ObjectRef): Promise<T | undefined> {
    const call = { verb: 'get', type, method: 'GET', path: objectPath(type, ref) };
    const res = await this.send(call);
    return res.status === 404 ? undefined : (parse(call, res) as T);
  }

  async list<T extends KubeObject>(type: ResourceType, options: ListOptions = {}): Promise<ListResult<T>> {
    const query = queryString({ labelSelector: options.labelSelector, fieldSelector: options.fieldSelector });
    const call = { verb: 'list', type, method: 'GET', path: collectionPath(type, options.namespace) + query };
    const body = parse(call, await this.send(call)) as {
      metadata?: { resourceVersion?: string };
      items?: T[] | null;
    };
    const items = body.items ?? [];
    // List items of built-in types come without apiVersion and kind; the rest of the provider relies on them.
    const apiVersion = apiVersionOf(type);
    for (const item of items) {
      item.apiVersion ??= apiVersion;
      item.kind ??= type.kind;
    }
    return { items, resourceVersion: body.metadata?.resourceVersion ?? '' };
  }

  async create<T extends KubeObject>(type: ResourceType, obj: T): Promise<T> {
    const path = collectionPath(type, obj.metadata.namespace);
    const body = JSON.stringify(withKind(type, obj));
    return (await this.json({ verb: 'create', type, method: 'POST', path, body })) as T;
  }

  async update<T extends KubeObject>(type: ResourceType, obj: T): Promise<T> {
    const path = objectPath(type, obj.metadata);
    const body = JSON.stringify(withKind(type, obj));
    return (await this.json({ verb: 'update', type, method: 'PUT', path, body })) as T;
  }

  async updateStatus<T extends KubeObject>(type: ResourceType, obj: T): Promise<T> {
    const path = objectPath(type, obj.metadata, 'status');
    const body = JSON.stringify(withKind(type, obj));
    return (await this.json({ verb: 'update', type, subresource: 'status', method: 'PUT', path, body })) as T;
  }

  async patch<T extends KubeObject>(
    type: ResourceType,
    ref: ObjectRef,
    patch: object,
    options: PatchOptions,
  ): Promise<T> {
    const apply = options.strategy === 'apply';
    const query = queryString({
      fieldManager: apply ? (options.fieldManager ?? this.options.fieldManager) : options.fieldManager,
      force: apply && options.force === true ? 'true' : undefined,
    });
    // Server-side apply needs the object's identity in the body; fill it in so callers send only their fields.
    const body = apply ? withIdentity(type, ref, patch) : patch;
    return (await this.json({
      verb: 'patch',
      type,
      ...(options.status === true ? { subresource: 'status' as const } : {}),
      method: 'PATCH',
      path: objectPath(type, ref, options.status === true ? 'status' : undefined) + query,
      body: JSON.stringify(body),
      contentType: apply ? 'application/apply-patch+yaml' : 'application/merge-patch+json',
    })) as T;
  }

  async delete(type: ResourceType, ref: ObjectRef): Promise<void> {
    const call = { verb: 'delete', type, method: 'DELETE', path: objectPath(type, ref) };
    const res = await this.send(call);
    if (res.status !== 404) parse(call, res);
  }

  // The generic signature is KubeApi's; T only types the callback.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  async watch<T extends KubeObject>(
    type: ResourceType,
    options: ListOptions & { resourceVersion: string },
    onEvent: (type: WatchEventType, obj: T) => void,
    onDone: (err?: unknown) => void,
  ): Promise<WatchHandle> {
    const timeoutSeconds = this.options.watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300);
    const path =
      collectionPath(type, options.namespace) +
      queryString({
        watch: '1',
        allowWatchBookmarks: 'true',
        resourceVersion: options.resourceVersion,
        timeoutSeconds: String(timeoutSeconds),
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
      });
    const stream = new WatchStream(
      `watch ${resourceNameOf(type)}`,
      (event, obj) => {
        onEvent(event, obj as T);
      },
      onDone,
    );
    try {
      // A silent connection (half-open TCP) is dropped shortly after the server should have ended the watch.
      const { req, res } = await this.transport.stream(path, (timeoutSeconds + 30) * 1000);
      this.observe('watch', type, undefined, res.statusCode ?? 0);
      stream.attach(req, res);
    } catch (err) {
      this.observe('watch', type, undefined, 0);
      stream.fail(err);
    }
    return stream;
  }

  get connectionsOpened(): number {
    return this.transport.connectionsOpened;
  }

  close(): void {
    this.transport.close();
  }

  private async json(call: Call): Promise<unknown> {
    return parse(call, await this.send(call));
  }

  private async send(call: Call): Promise<RestResponse> {
    let res: RestResponse;
    try {
      res = await this.transport.request(call);
    } catch (err) {
      this.observe(call.verb, call.type, call.subresource, 0);
      throw new Error(`${call.method} ${call.path}: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
    this.observe(call.verb, call.type, call.subresource, res.status);
    return res;
  }

  private observe(verb: string, type: ResourceType, subresource: string | undefined, code: number): void {
    const resource = resourceNameOf(type) + (subresource === undefined ? '' : `/${subresource}`);
    this.options.onRequest?.(verb, resource, code);
  }
}

function parse(call: Call, res: RestResponse): unknown {
  if (res.status >= 200 && res.status < 300) return JSON.parse(res.body);
  throw statusError(res.status, res.body, `${call.method} ${call.path}`);
}

/** Custom resources must name their apiVersion and kind in a request body; fill them in when absent. */
function withKind<T extends Partial<KubeObject>>(type: ResourceType, obj: T): T {
  if (obj.apiVersion !== undefined && obj.kind !== undefined) return obj;
  return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(type), kind: obj.kind ?? type.kind };
}

function withIdentity(type: ResourceType, ref: ObjectRef, patch: object): object {
  const given = withKind(type, patch as Partial<KubeObject>);
  return {
    ...given,
    metadata: {
      ...given.metadata,
      name: ref.name,
      ...(type.namespaced && ref.namespace !== undefined ? { namespace: ref.namespace } : {}),
    },
  };
}
