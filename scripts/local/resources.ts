// Applies the local manifests, waits until every managed resource is Ready and Synced (showing progress), and
// reads back what the summary prints: each resource's conditions and the connection URIs of the users.
import { setTimeout as sleep } from 'node:timers/promises';
import { kinds } from '../../src/apis/registry.ts';
import type { KubeApi, KubeObject, ResourceType } from '../../src/kube/api.ts';
import { namespaceType, secretType, secretValue, type Secret } from '../../src/kube/core.ts';
import { note } from './ui.ts';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface Managed extends KubeObject {
  spec?: { writeConnectionSecretToRef?: { name: string } };
  status?: { conditions?: Condition[] };
}

function typeOf(m: KubeObject): ResourceType {
  if (m.kind === 'Namespace') return namespaceType;
  if (m.kind === 'Secret') return secretType;
  const type = (kinds as Record<string, ResourceType>)[m.kind ?? ''];
  if (type === undefined) throw new Error(`no type for ${String(m.kind)}`);
  return type;
}

const refOf = (m: KubeObject) => ({
  name: m.metadata.name,
  ...(m.metadata.namespace === undefined ? {} : { namespace: m.metadata.namespace }),
});

export async function applyAll(kube: KubeApi, manifests: KubeObject[]): Promise<void> {
  for (const m of manifests) {
    await kube.patch(typeOf(m), refOf(m), m, { strategy: 'apply', fieldManager: 'dbops-local', force: true });
  }
}

const condition = (m: Managed | undefined, type: string) =>
  m?.status?.conditions?.find((c) => c.type === type);
const isTrue = (m: Managed | undefined, type: string) => condition(m, type)?.status === 'True';
const label = (m: KubeObject) => `${String(m.kind)} ${m.metadata.namespace ?? ''}/${m.metadata.name}`;

export interface Row {
  kind: string;
  name: string;
  ready: string;
  synced: string;
  externalName: string;
  /** The reason a resource that is not Ready gives, for the summary. */
  why: string;
}

async function current(kube: KubeApi, manifests: KubeObject[]): Promise<{ m: KubeObject; live?: Managed }[]> {
  return Promise.all(
    manifests.map(async (m) => {
      const live = await kube.get<Managed>(typeOf(m), refOf(m));
      return live === undefined ? { m } : { m, live };
    }),
  );
}

/** Polls until every managed resource is Ready and Synced or `timeoutMs` passes; prints each change. */
export async function waitUntilReady(
  kube: KubeApi,
  manifests: KubeObject[],
  timeoutMs: number,
): Promise<boolean> {
  const managed = manifests.filter((m) => m.kind !== 'Secret');
  const deadline = Date.now() + timeoutMs;
  const seen = new Set<string>();
  let lastCount = -1;
  for (;;) {
    const states = await current(kube, managed);
    const done = states.filter(({ live }) => isTrue(live, 'Ready') && isTrue(live, 'Synced'));
    for (const { m } of done) {
      if (!seen.has(label(m))) {
        seen.add(label(m));
        note(`  ✓ ${label(m)} Ready`);
      }
    }
    if (done.length !== lastCount) {
      lastCount = done.length;
      note(`  ${String(done.length)}/${String(managed.length)} Ready`);
    }
    if (done.length === managed.length) return true;
    if (Date.now() > deadline) return false;
    await sleep(500);
  }
}

export async function rows(kube: KubeApi, manifests: KubeObject[]): Promise<Row[]> {
  const states = await current(
    kube,
    manifests.filter((m) => m.kind !== 'Secret'),
  );
  return states.map(({ m, live }) => {
    const ready = condition(live, 'Ready');
    const synced = condition(live, 'Synced');
    const failing = [ready, synced].find((c) => c !== undefined && c.status !== 'True');
    return {
      kind: String(m.kind),
      name: `${m.metadata.namespace ?? ''}/${m.metadata.name}`,
      ready: ready?.status ?? '-',
      synced: synced?.status ?? '-',
      externalName: live?.metadata.annotations?.['crossplane.io/external-name'] ?? '',
      why: failing === undefined ? '' : `${failing.reason ?? ''}: ${failing.message ?? ''}`,
    };
  });
}

/** The `uri` of every user's connection Secret, by Secret name. */
export async function connectionUris(kube: KubeApi, manifests: KubeObject[]): Promise<[string, string][]> {
  const users = manifests.filter((m) => m.kind === 'DatabaseUser') as Managed[];
  const found: [string, string][] = [];
  for (const user of users) {
    const name = user.spec?.writeConnectionSecretToRef?.name;
    if (name === undefined) continue;
    const namespace = user.metadata.namespace ?? '';
    const secret = await kube.get<Secret>(secretType, { namespace, name });
    const uri = secret === undefined ? undefined : secretValue(secret, 'uri');
    if (uri !== undefined) found.push([`${namespace}/${name}`, uri]);
  }
  return found;
}
