// Turns a kind of the registry into its CustomResourceDefinition and renders it as YAML, deterministically:
// the same schemas always give the same bytes, which is what the staleness check compares.
import { stringify } from 'yaml';
import { allKinds, type KindDefinition } from './registry.ts';

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
      categories: string[];
    };
    scope: 'Namespaced' | 'Cluster';
    versions: {
      name: string;
      served: true;
      storage: true;
      subresources?: { status: Record<string, never> };
      additionalPrinterColumns: KindDefinition['printerColumns'];
      schema: { openAPIV3Schema: object };
    }[];
  };
}

const first = ['description', 'type'];
const last = ['required', 'properties', 'additionalProperties', 'items', 'x-kubernetes-validations'];

/** Readable schema order: what a node is first, its children last; everything else as declared. */
function keyRank(key: string): number {
  if (first.includes(key)) return first.indexOf(key) - first.length;
  return last.includes(key) ? last.indexOf(key) + 1 : 0;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON copy: drops TypeBox's non-enumerable markers; shared sub-schemas become copies, not YAML aliases. */
function copy(value: unknown): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

/** A schema node with its keys in a readable order, recursing into the nodes below it. */
function schemaNode(node: { [key: string]: Json }): { [key: string]: Json } {
  const entries = Object.entries(node).sort(([a], [b]) => keyRank(a) - keyRank(b));
  return Object.fromEntries(entries.map(([key, value]) => [key, childNodes(key, value)]));
}

function childNodes(key: string, value: Json): Json {
  if (!isObject(value)) return value;
  if (key === 'items' || key === 'additionalProperties') return schemaNode(value);
  if (key !== 'properties') return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, child]) => [name, isObject(child) ? schemaNode(child) : child]),
  );
}

function isObject(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function customResourceDefinition(def: KindDefinition): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${def.group}` },
    spec: {
      group: def.group,
      names: {
        kind: def.kind,
        listKind: def.listKind,
        plural: def.plural,
        singular: def.singular,
        ...(def.shortNames.length > 0 ? { shortNames: [...def.shortNames] } : {}),
        categories: [...def.categories],
      },
      scope: def.namespaced ? 'Namespaced' : 'Cluster',
      versions: [
        {
          name: def.version,
          served: true,
          storage: true,
          ...(def.statusSubresource ? { subresources: { status: {} } } : {}),
          additionalPrinterColumns: def.printerColumns.map((c) => ({ ...c })),
          schema: { openAPIV3Schema: schemaNode(copy(def.schema) as { [key: string]: Json }) },
        },
      ],
    },
  };
}

export function crdFileName(def: KindDefinition): string {
  return `${def.group}_${def.plural}.yaml`;
}

const header = '# Generated from src/apis by scripts/gen-crds.ts (npm run generate:crds). Do not edit.\n';

export function renderCrd(def: KindDefinition): string {
  return (
    header +
    stringify(customResourceDefinition(def), {
      lineWidth: 0,
      aliasDuplicateObjects: false,
      // Quote strings YAML 1.1 readers (Go's, so kubectl and Crossplane) would take for booleans, e.g. OFF.
      version: '1.1',
    })
  );
}

/** File name → content for every CRD, in registry order. */
export function renderAllCrds(): Map<string, string> {
  return new Map(allKinds.map((def) => [crdFileName(def), renderCrd(def)]));
}
