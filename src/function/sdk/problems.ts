// Field-named problems, and TypeBox's validation errors turned into them: the composite's author reads these
// in a Result, so they name the field as written in YAML (`input.defaults.privileges[0]`) and say what the
// schema wants in words, not as JSON pointers and keywords.
import type { TSchema } from 'typebox';
import type { TLocalizedValidationError as ValidationError } from 'typebox/error';

/** One thing wrong with the composite or the Input, named by its field path. */
export interface Problem {
  field: string;
  message: string;
}

/** The problems behind TypeBox's errors for `value`, with fields under `root` (e.g. "input"). */
export function problemsFrom(
  errors: readonly ValidationError[],
  schema: TSchema,
  value: unknown,
  root: string,
): Problem[] {
  // One problem per field, the first TypeBox finds (type before length before pattern): an empty name is
  // "must not be empty", not that and also a pattern mismatch.
  const byField = new Map<string, Problem>();
  for (const problem of errors.flatMap((error) => problemsOf(error, schema, value, root))) {
    if (!byField.has(problem.field)) byField.set(problem.field, problem);
  }
  return [...byField.values()];
}

function problemsOf(error: ValidationError, schema: TSchema, value: unknown, root: string): Problem[] {
  const segments = pointerSegments(error.instancePath);
  const field = fieldName(root, value, segments);
  if (error.keyword === 'required') {
    return error.params.requiredProperties.map((name) => ({
      field: `${field}.${name}`,
      message: 'is required',
    }));
  }
  const node = nodeAt(schema, error.schemaPath);
  return [{ field, message: messageFor(error, node, valueAt(value, segments)) }];
}

type ErrorOf<K extends ValidationError['keyword']> = Extract<ValidationError, { keyword: K }>;
type Phrase<E> = (error: E, node: SchemaNode, actual: unknown) => string;

/** Messages for the keywords our schemas use; any other falls back to TypeBox's own message. */
const phrases: { [K in ValidationError['keyword']]?: Phrase<ErrorOf<K>> } = {
  type: (_, node, actual) => `must be ${kindWanted(node)}, not ${shown(actual)}`,
  minimum: (_, node, actual) => `must be ${kindWanted(node)}, not ${shown(actual)}`,
  maximum: (_, node, actual) => `must be ${kindWanted(node)}, not ${shown(actual)}`,
  enum: (e, _, actual) =>
    `must be one of ${e.params.allowedValues.map(String).join(', ')}, not ${shown(actual)}`,
  minLength: (e, _, actual) =>
    e.params.limit === 1
      ? 'must not be empty'
      : `must be at least ${e.params.limit} characters long, not ${codePoints(actual)}`,
  maxLength: (e, _, actual) => `must be at most ${e.params.limit} characters long, not ${codePoints(actual)}`,
  pattern: (e, _, actual) => `must match ${String(e.params.pattern)}, not ${shown(actual)}`,
  minItems: (e) => `must have at least ${e.params.limit} items`,
  maxItems: (e) => `must have at most ${e.params.limit} items`,
};

function messageFor(error: ValidationError, node: SchemaNode, actual: unknown): string {
  // The table pairs each keyword with its own error type; indexing by a union loses that pairing.
  const phrase = phrases[error.keyword] as Phrase<ValidationError> | undefined;
  return phrase === undefined ? error.message : phrase(error, node, actual);
}

/** The subset of a schema node the messages read. */
interface SchemaNode {
  type?: string | string[];
  minimum?: number;
  maximum?: number;
  [key: string]: unknown;
}

const typeNames: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

/** "a whole number from 1 to 86400", "a string", "a number of at least 0". */
function kindWanted(node: SchemaNode): string {
  const kind = [node.type ?? []]
    .flat()
    .map((t) => typeNames[t] ?? t)
    .join(' or ');
  const { minimum: min, maximum: max } = node;
  const range =
    min !== undefined && max !== undefined
      ? ` from ${min} to ${max}`
      : min !== undefined
        ? ` of at least ${min}`
        : max !== undefined
          ? ` of at most ${max}`
          : '';
  return `${kind || 'a valid value'}${range}`;
}

/** A value as the message shows it: scalars as JSON (long strings cut), containers by kind. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 72 ? `${json.slice(0, 64)}…"` : json;
}

/** Length as Kubernetes and TypeBox count it: in code points, not UTF-16 units. */
function codePoints(value: unknown): number {
  return typeof value === 'string' ? Array.from(value).length : 0;
}

/** "/defaults/privileges/0" → ["defaults", "privileges", "0"] (RFC 6901 unescaping). */
function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** root.a.b[0].c: list indexes in brackets, decided by the value itself rather than by how a key looks. */
function fieldName(root: string, value: unknown, segments: readonly string[]): string {
  let field = root;
  let current = value;
  for (const segment of segments) {
    field += Array.isArray(current) ? `[${segment}]` : `.${segment}`;
    current = child(current, segment);
  }
  return field;
}

function valueAt(value: unknown, segments: readonly string[]): unknown {
  return segments.reduce<unknown>((current, segment) => child(current, segment), value);
}

function child(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** The schema node an error's schemaPath ("#/properties/ttlSeconds") points at. */
function nodeAt(schema: TSchema, schemaPath: string): SchemaNode {
  const node = valueAt(schema, pointerSegments(schemaPath.replace(/^#/, '')));
  return typeof node === 'object' && node !== null ? (node as SchemaNode) : {};
}
