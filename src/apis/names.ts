// Name-like strings: SQL identifiers, Kubernetes object names, secret keys, durations. The CRD limits are the
// safe common ground of the engines; engine-specific limits (MySQL 8 user names ≤ 32, MariaDB ≤ 80, PostgreSQL
// counts bytes) are checked by the engine code, which knows the server it talks to.
import { Type, type TStringOptions } from 'typebox';
import { defaulted, str } from './schema.ts';

/** A string with `base` constraints, which `options` may extend (a default makes the field optional). */
function constrained<O extends TStringOptions>(
  description: string,
  base: TStringOptions,
  options: O | undefined,
) {
  return defaulted(Type.String({ description, ...base, ...options }), options);
}

/**
 * SQL names are always quoted by the drivers, so the CRD only keeps out what never belongs in a name (spaces,
 * quotes, semicolons). Names may start with a digit and contain `-` and `.` because external names default to
 * `metadata.name`.
 */
export const sqlNamePattern = '^[A-Za-z0-9_][A-Za-z0-9_$.-]*$';

/** PostgreSQL truncates identifiers at 63 bytes; MySQL allows 64 characters for databases and tables. */
export const sqlNameMaxLength = 63;

export function sqlName<const O extends TStringOptions = TStringOptions>(description: string, options?: O) {
  return constrained(
    description,
    { minLength: 1, maxLength: sqlNameMaxLength, pattern: sqlNamePattern },
    options,
  );
}

/** A Kubernetes object name (DNS subdomain). */
export function objectName<const O extends TStringOptions = TStringOptions>(
  description: string,
  options?: O,
) {
  const pattern = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
  return constrained(description, { minLength: 1, maxLength: 253, pattern }, options);
}

/** A namespace name (DNS label). */
export function namespaceName<const O extends TStringOptions = TStringOptions>(
  description: string,
  options?: O,
) {
  return constrained(
    description,
    { minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
    options,
  );
}

/** A key in a Secret's data. */
export const secretKeyPattern = '^[-._a-zA-Z0-9]+$';

export function secretKey<const O extends TStringOptions = TStringOptions>(description: string, options?: O) {
  return constrained(description, { minLength: 1, maxLength: 253, pattern: secretKeyPattern }, options);
}

/** A duration such as `90s`, `15m`, `36h`, `7d` or `1d12h`. */
export function duration<const O extends TStringOptions = TStringOptions>(description: string, options?: O) {
  const units = 'Units: s, m, h, d (e.g. "90s", "36h", "7d", "1d12h").';
  return constrained(`${description} ${units}`, { maxLength: 32, pattern: '^([0-9]+(s|m|h|d))+$' }, options);
}

/** An RFC 3339 timestamp written by the provider. */
export function timestamp(description: string) {
  return str(description, { format: 'date-time' });
}
