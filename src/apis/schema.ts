// Schema builders for CRD-ready JSON schema. TypeBox's own Literal unions and Records emit `const`/`anyOf` and
// `patternProperties`, which a Kubernetes structural schema does not accept, so enums and maps are declared here
// with the shape the API server wants and the TypeScript type TypeBox would have given. Every builder takes the
// description first: it becomes `kubectl explain` text and a test fails when one is missing.
import {
  Type,
  type Static,
  type TArray,
  type TArrayOptions,
  type TNumberOptions,
  type TObject,
  type TObjectOptions,
  type TOptional,
  type TProperties,
  type TSchema,
  type TSchemaOptions,
  type TStringOptions,
  type TUnsafe,
} from 'typebox';

/** A CEL rule evaluated by the API server (`x-kubernetes-validations`). */
export interface CelRule {
  rule: string;
  message: string;
  /** Points the error at a field below the rule's node, e.g. `.acknowledgeDataLoss`. */
  fieldPath?: string;
  /** Overrides the default `FieldValueInvalid` reason, e.g. `FieldValueForbidden`. */
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

/**
 * A field with a default is optional: Kubernetes checks a parent's default (often `{}`) against the schema
 * before filling in the children's defaults, so a defaulted child must not be required. The builders below
 * apply this rule themselves, so declaring a default is enough.
 */
export type Defaulted<T extends TSchema, O> = O extends { default: unknown } ? TOptional<T> : T;

export function defaulted<T extends TSchema, O extends TSchemaOptions>(
  schema: T,
  options: O | undefined,
): Defaulted<T, O> {
  return (options !== undefined && 'default' in options ? Type.Optional(schema) : schema) as Defaulted<T, O>;
}

export function str<const O extends TStringOptions = TStringOptions>(description: string, options?: O) {
  return defaulted(Type.String({ description, ...options }), options);
}

export function int<const O extends TNumberOptions = TNumberOptions>(description: string, options?: O) {
  return defaulted(Type.Integer({ description, ...options }), options);
}

export function bool<const O extends TSchemaOptions = TSchemaOptions>(description: string, options?: O) {
  return defaulted(Type.Boolean({ description, ...options }), options);
}

/** A string restricted to `values`; typed as their union. */
export function enumOf<const V extends readonly string[], const O extends TSchemaOptions = TSchemaOptions>(
  values: V,
  description: string,
  options?: O,
) {
  const schema = Type.Unsafe<V[number]>({ type: 'string', enum: [...values], description, ...options });
  return defaulted(schema, options);
}

/** A string-keyed map (`additionalProperties`), typed as a Record. */
export function mapOf<T extends TSchema>(
  values: T,
  description: string,
  options: TSchemaOptions = {},
): TUnsafe<Record<string, Static<T>>> {
  return Type.Unsafe<Record<string, Static<T>>>({
    type: 'object',
    additionalProperties: values,
    description,
    ...options,
  });
}

/** An atomic list: a change replaces the whole list, also under server-side apply. */
export function listOf<T extends TSchema>(
  items: T,
  description: string,
  options: TArrayOptions = {},
): TArray<T> {
  return Type.Array(items, { description, ...options });
}

/** A list of unique scalars; server-side apply merges it by value. */
export function setOf<T extends TSchema, const O extends TArrayOptions = TArrayOptions>(
  items: T,
  description: string,
  options?: O,
) {
  return defaulted(Type.Array(items, { description, 'x-kubernetes-list-type': 'set', ...options }), options);
}

/** A list of objects identified by `keys`; the API server rejects two items with the same keys. */
export function listMapOf<T extends TObject>(
  items: T,
  keys: readonly (keyof T['properties'] & string)[],
  description: string,
  options: TArrayOptions = {},
): TArray<T> {
  return Type.Array(items, {
    description,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': [...keys],
    ...options,
  });
}

export function obj<P extends TProperties, const O extends TObjectOptions = TObjectOptions>(
  properties: P,
  description: string,
  options?: O,
) {
  return defaulted(Type.Object(properties, { description, ...options }), options);
}

export const opt = Type.Optional;

/** Schema options carrying CEL rules, for any builder's `options`. */
export function rules(...celRules: CelRule[]): { 'x-kubernetes-validations': CelRule[] } {
  return { 'x-kubernetes-validations': celRules };
}

/** The field keeps the value it was given first (set once, e.g. by reference resolution, then fixed). */
export function immutable(what: string): CelRule {
  return { rule: 'self == oldSelf', message: `${what} is immutable` };
}

/** CEL: `has(self.a) || has(self.b)` for a path list like ['a', 'b']. */
export function anyPresent(fields: readonly string[]): string {
  return fields.map((f) => `has(self.${f})`).join(' || ');
}

/** CEL rule: exactly one of the groups is set, each group being fields that mean the same thing (ref, selector). */
export function exactlyOneOf(groups: readonly (readonly string[])[], message: string): CelRule {
  const present = groups.map((fields) => `(${anyPresent(fields)})`).join(', ');
  return { rule: `[${present}].exists_one(x, x)`, message };
}

/**
 * A rule for the object holding `field`: after creation the field may not be added, removed or changed. Unlike
 * a rule on the field itself, this also catches removal.
 */
export function fixedAfterCreation(field: string): CelRule {
  return {
    rule: `has(self.${field}) == has(oldSelf.${field}) && (!has(self.${field}) || self.${field} == oldSelf.${field})`,
    message: `${field} cannot be changed after creation`,
  };
}
