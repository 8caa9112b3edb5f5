import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { KubeApi, KubeObject, ResourceType } from '../../src/kube/api.ts';
import { crdType, isEstablished } from '../../src/runtime/safe-start.ts';
import { eventually } from './wait.ts';

const crdDir = fileURLToPath(new URL('../../crds', import.meta.url));

/**
 * Installs the CRDs the project ships (crds/*.yaml) with server-side apply, which is idempotent, so every test
 * file can call it against the shared API server; resolves once each is Established and served.
 */
export function installCrds(kube: KubeApi): Promise<void> {
  return applyCrdDir(kube, crdDir);
}

/** Server-side applies every CRD in `dir` (ours, Crossplane's, a benchmark peer's) and waits until each is served. */
export async function applyCrdDir(
  kube: KubeApi,
  dir: string,
  fieldManager = 'dbops-test-harness',
): Promise<void> {
  const crds = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => parse(readFileSync(join(dir, f), 'utf8')) as KubeObject);
  for (const crd of crds) {
    await kube.patch(crdType, { name: crd.metadata.name }, crd, {
      strategy: 'apply',
      fieldManager,
      force: true,
    });
  }
  for (const crd of crds) {
    await eventually(
      `CRD ${crd.metadata.name} Established`,
      async () => isEstablished(await kube.get(crdType, { name: crd.metadata.name })) || undefined,
      60_000,
    );
    // Established precedes serving by a moment (a new CRD's storage answers 429 while it initialises); a list
    // that succeeds proves the endpoint is there.
    await eventually(
      `CRD ${crd.metadata.name} served`,
      () => kube.list(servedType(crd)).then(() => true),
      60_000,
    );
  }
}

interface CrdSpec {
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string };
    versions: { name: string; served?: boolean }[];
  };
}

function servedType(crd: KubeObject): ResourceType {
  const { spec } = crd as KubeObject & CrdSpec;
  return {
    group: spec.group,
    version: (spec.versions.find((v) => v.served === true) ?? spec.versions[0])?.name ?? '',
    kind: spec.names.kind,
    plural: spec.names.plural,
    namespaced: spec.scope === 'Namespaced',
  };
}
