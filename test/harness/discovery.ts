// API discovery through the provider's own REST transport: the resource (plural, scope) that serves an
// apiVersion and kind, for tests that handle manifests of any kind (examples, Crossplane's types, composites).
import type { ResourceType } from '../../src/kube/api.ts';
import type { RestTransport } from '../../src/kube/rest.ts';

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export class Discovery {
  private readonly discovered = new Map<string, ApiResource[]>();

  constructor(private readonly transport: RestTransport) {}

  /**
   * The resource serving apiVersion/kind, or undefined when the server does not serve it (yet: a kind missing
   * from what was discovered earlier is looked up again, since CRDs keep arriving).
   */
  async resource(apiVersion: string, kind: string): Promise<ResourceType | undefined> {
    const find = (resources: ApiResource[] | undefined) =>
      resources?.find((r) => r.kind === kind && !r.name.includes('/'));
    let found = find(this.discovered.get(apiVersion));
    if (found === undefined) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const res = await this.transport.request({ method: 'GET', path });
      if (res.status === 404) return undefined;
      if (res.status !== 200)
        throw new Error(`discovery of ${apiVersion}: HTTP ${String(res.status)} ${res.body}`);
      const resources = (JSON.parse(res.body) as { resources: ApiResource[] }).resources;
      this.discovered.set(apiVersion, resources);
      found = find(resources);
    }
    if (found === undefined) return undefined;
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    return {
      group: group ?? '',
      version: version ?? '',
      kind,
      plural: found.name,
      namespaced: found.namespaced,
    };
  }
}
