// The YAML documents under examples/ and the XRDs among them: what the dry-run test walks through.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  [field: string]: unknown;
}

export interface ExampleDocument {
  /** Path relative to the examples directory. */
  file: string;
  /** 1-based position of the document in its file. */
  position: number;
  object: Manifest;
}

/** What an example document is called in failure messages. */
export function describeDocument(doc: ExampleDocument): string {
  const { apiVersion = '?', kind = '?', metadata } = doc.object;
  return `${doc.file} #${String(doc.position)} (${apiVersion} ${kind} ${metadata?.name ?? '?'})`;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return yamlFiles(path);
      return /\.ya?ml$/.test(entry.name) ? [path] : [];
    });
}

/** Every non-empty YAML document of every .yaml/.yml file below `root`; a file that does not parse throws. */
export function exampleDocuments(root: string): ExampleDocument[] {
  return yamlFiles(root).flatMap((path) => {
    const file = relative(root, path);
    return parseAllDocuments(readFileSync(path, 'utf8')).flatMap((doc, index) => {
      if (doc.errors.length > 0)
        throw new Error(`${file} #${String(index + 1)}: ${doc.errors[0]?.message ?? ''}`);
      const object = doc.toJS() as Manifest | null;
      return object === null ? [] : [{ file, position: index + 1, object }];
    });
  });
}

/** A CompositeResourceDefinition found among the examples: the types it defines. */
export interface Xrd {
  doc: ExampleDocument;
  group: string;
  versions: string[];
  kind: string;
  /** The claim kind of a legacy (v1) XRD with claimNames. */
  claimKind?: string;
}

interface XrdSpec {
  group?: string;
  versions?: { name?: string }[];
  names?: { kind?: string };
  claimNames?: { kind?: string };
}

export function xrdsAmong(docs: ExampleDocument[]): Xrd[] {
  return docs.flatMap((doc) => {
    const { apiVersion = '', kind } = doc.object;
    if (kind !== 'CompositeResourceDefinition' || !apiVersion.startsWith('apiextensions.crossplane.io/'))
      return [];
    const spec = (doc.object['spec'] ?? {}) as XrdSpec;
    const claimKind = spec.claimNames?.kind;
    return [
      {
        doc,
        group: spec.group ?? '',
        versions: (spec.versions ?? []).map((v) => v.name ?? ''),
        kind: spec.names?.kind ?? '',
        ...(claimKind === undefined ? {} : { claimKind }),
      },
    ];
  });
}

/** The XRD that defines `object` as a composite resource or a claim, if any. */
export function definingXrd(object: Manifest, xrds: Xrd[]): Xrd | undefined {
  return xrds.find(
    (xrd) =>
      xrd.versions.some((version) => object.apiVersion === `${xrd.group}/${version}`) &&
      (object.kind === xrd.kind || (xrd.claimKind !== undefined && object.kind === xrd.claimKind)),
  );
}
