// Checks a JSON value against a TypeBox schema and fills in the schema's defaults, with TypeBox's own value
// checks. Total over any JSON, since a function must answer whatever Struct it is sent: on problems it still
// returns a valid value, the given one without its invalid parts, so that the caller can go on and report
// every problem in one answer rather than one per round trip.
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { problemsFrom, type Problem } from './problems.ts';

export interface Validated<T> {
  value: T;
  problems: Problem[];
}

/** `value` checked and defaulted; `root` names it in problems ("input" → "input.ttlSeconds"). */
export function validate<T extends TSchema>(schema: T, value: unknown, root: string): Validated<Static<T>> {
  // Kubernetes reads a null field as unset (the API server prunes nulls from typed objects), but Crossplane
  // passes an Input through as written, so nulls are dropped here.
  const given = Value.Default(
    schema,
    without(value ?? {}, (v) => v === null),
  );
  const errors = Value.Errors(schema, given);
  if (errors.length === 0) return { value: given as Static<T>, problems: [] };
  return { value: withoutInvalid(schema, given), problems: problemsFrom(errors, schema, given, root) };
}

/**
 * `value` with each invalid part removed and defaults filled in again. Removing a part can break its parent (a
 * required name gone), so this repeats; each round removes something, and when the root itself is wrong (or a
 * default keeps failing) only the schema's defaults are left.
 */
function withoutInvalid<T extends TSchema>(schema: T, value: unknown): Static<T> {
  let current = value;
  for (let round = 0; round < 16; round++) {
    const errors = Value.Errors(schema, current);
    if (errors.length === 0) return current as Static<T>;
    // A "required" error is reported at the object missing the property, so that whole object goes.
    const invalid = new Set(errors.map((e) => e.instancePath));
    if (invalid.has('')) break;
    current = Value.Default(
      schema,
      without(current, (_, pointer) => invalid.has(pointer)),
    );
  }
  const defaults = Value.Default(schema, {});
  if (Value.Check(schema, defaults)) return defaults;
  throw new Error('validate: the schema’s defaults alone do not satisfy it');
}

/** A copy of `value` without the parts `drop` picks, at any depth. */
function without(value: unknown, drop: (value: unknown, pointer: string) => boolean, pointer = ''): unknown {
  if (Array.isArray(value)) {
    return value.flatMap((item: unknown, i) => {
      const at = `${pointer}/${String(i)}`;
      return drop(item, at) ? [] : [without(item, drop, at)];
    });
  }
  if (typeof value !== 'object' || value === null) return value;
  const kept = Object.entries(value).flatMap(([key, item]: [string, unknown]) => {
    const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    return drop(item, at) ? [] : [[key, without(item, drop, at)] as const];
  });
  return Object.fromEntries(kept);
}
