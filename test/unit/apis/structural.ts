// Checks a CRD schema against the rules of a Kubernetes structural schema (and a few of our own: descriptions
// everywhere, defaulted fields optional, valid defaults), returning one line per problem.
import { Value } from 'typebox/value';

type Node = Record<string, unknown>;

/** Keywords a structural schema rejects or that we never want in a CRD. */
const forbidden = [
  '$ref',
  '$schema',
  '$defs',
  'definitions',
  'const',
  'patternProperties',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'uniqueItems',
  'additionalItems',
  'dependencies',
];

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function nodeProblems(node: Node, path: string): string[] {
  const problems = forbidden.filter((key) => key in node).map((key) => `${path}: has ${key}`);
  const free =
    node['x-kubernetes-preserve-unknown-fields'] === true || node['x-kubernetes-int-or-string'] === true;
  if (typeof node.type !== 'string' && !free) problems.push(`${path}: no type`);
  if ('properties' in node && 'additionalProperties' in node)
    problems.push(`${path}: properties and additionalProperties`);
  if (node.type === 'array' && !isNode(node.items)) problems.push(`${path}: array without items`);
  if ('default' in node && !Value.Check(node, node.default))
    problems.push(`${path}: default does not validate`);
  const enumValues = Array.isArray(node.enum) ? (node.enum as unknown[]) : [];
  if (enumValues.some((v) => typeof v !== node.type))
    problems.push(`${path}: enum value not of type ${String(node.type)}`);
  return problems;
}

function objectProblems(node: Node, path: string): string[] {
  const properties = isNode(node.properties) ? node.properties : {};
  const required = Array.isArray(node.required) ? (node.required as string[]) : [];
  const problems: string[] = [];
  for (const name of required) {
    const property = properties[name];
    if (!isNode(property)) problems.push(`${path}: required ${name} is not a property`);
    else if ('default' in property) problems.push(`${path}.${name}: required and defaulted`);
  }
  for (const [name, property] of Object.entries(properties)) {
    const undescribed =
      !isNode(property) || typeof property.description !== 'string' || property.description === '';
    if (undescribed && !(path === '' && name === 'metadata'))
      problems.push(`${path}.${name}: no description`);
  }
  return problems;
}

function listMapProblems(node: Node, path: string): string[] {
  if (node['x-kubernetes-list-type'] !== 'map' || !isNode(node.items)) return [];
  const required = Array.isArray(node.items.required) ? (node.items.required as string[]) : [];
  const keys = Array.isArray(node['x-kubernetes-list-map-keys'])
    ? (node['x-kubernetes-list-map-keys'] as string[])
    : [];
  return keys
    .filter((key) => !required.includes(key))
    .map((key) => `${path}: list-map key ${key} is not required`);
}

function children(node: Node, path: string): [Node, string][] {
  const found: [Node, string][] = [];
  if (isNode(node.properties)) {
    for (const [name, child] of Object.entries(node.properties))
      if (isNode(child)) found.push([child, `${path}.${name}`]);
  }
  if (isNode(node.items)) found.push([node.items, `${path}[]`]);
  if (isNode(node.additionalProperties)) found.push([node.additionalProperties, `${path}{}`]);
  return found;
}

/** Every problem of `schema` and the nodes below it; empty when it is structural. */
export function structuralProblems(schema: unknown, path = ''): string[] {
  if (!isNode(schema)) return [`${path}: not a schema`];
  if (path === '.metadata') {
    return Object.keys(schema).join() === 'type' && schema.type === 'object'
      ? []
      : ['.metadata: more than type: object'];
  }
  return [
    ...nodeProblems(schema, path),
    ...objectProblems(schema, path),
    ...listMapProblems(schema, path),
    ...children(schema, path).flatMap(([child, childPath]) => structuralProblems(child, childPath)),
  ];
}
