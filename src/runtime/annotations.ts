// The crossplane.io/* annotations the managed reconciler reads and writes, with crossplane-runtime's semantics
// (pkg/meta/meta.go): timestamps are RFC 3339 at second precision, "paused" means exactly "true", and an empty
// external name counts as unset.

export const Annotation = {
  ExternalName: 'crossplane.io/external-name',
  ExternalCreatePending: 'crossplane.io/external-create-pending',
  ExternalCreateSucceeded: 'crossplane.io/external-create-succeeded',
  ExternalCreateFailed: 'crossplane.io/external-create-failed',
  Paused: 'crossplane.io/paused',
  PollInterval: 'crossplane.io/poll-interval',
  ReconcileRequestedAt: 'crossplane.io/reconcile-requested-at',
} as const;

/** Anything with Kubernetes object metadata whose annotations can be read. */
export interface Annotated {
  readonly metadata: { readonly annotations?: Readonly<Record<string, string>> };
}

/** Anything with Kubernetes object metadata whose annotations can be written. */
export interface MutableAnnotated {
  metadata: { annotations?: Record<string, string> };
}

export function getAnnotation(obj: Annotated, key: string): string | undefined {
  return obj.metadata.annotations?.[key];
}

/** Sets one annotation in place; the reconciler works on its own copy of the object. */
export function setAnnotation(obj: MutableAnnotated, key: string, value: string): void {
  obj.metadata.annotations = { ...obj.metadata.annotations, [key]: value };
}

/** The external name, or undefined when missing or empty (both mean "not yet initialised"). */
export function externalName(obj: Annotated): string | undefined {
  const name = getAnnotation(obj, Annotation.ExternalName);
  return name === '' ? undefined : name;
}

export function setExternalName(obj: MutableAnnotated, name: string): void {
  setAnnotation(obj, Annotation.ExternalName, name);
}

/** Only the exact value "true" pauses; "True", "yes" and "1" do not. */
export function isPaused(obj: Annotated): boolean {
  return getAnnotation(obj, Annotation.Paused) === 'true';
}

/** The reconcile-request token, or undefined when missing or empty. */
export function reconcileRequest(obj: Annotated): string | undefined {
  const token = getAnnotation(obj, Annotation.ReconcileRequestedAt);
  return token === '' ? undefined : token;
}

/** RFC 3339 in UTC at second precision, the format Go's time.RFC3339 writes. */
export function formatTimestamp(at: Date): string {
  return at.toISOString().replace(/\.\d+Z$/, 'Z');
}

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an RFC 3339 timestamp as Go's time.Parse(time.RFC3339) does (fractional seconds and offsets accepted,
 * out-of-range fields rejected) into epoch milliseconds; undefined when it does not parse.
 */
export function parseTimestamp(value: string): number | undefined {
  const m = rfc3339.exec(value);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offset = parseOffset(m[8] ?? 'Z');
  if (offset === undefined || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  date.setUTCHours(hour, minute, second, 0);
  const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  return date.getTime() + fraction - offset;
}

/** The zone offset in milliseconds east of UTC, or undefined when out of range. */
function parseOffset(zone: string): number | undefined {
  if (zone === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 23 || minutes > 59) return undefined;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (hours * 60 + minutes) * 60_000;
}

function timestampOf(obj: Annotated, key: string): number | undefined {
  const value = getAnnotation(obj, key);
  return value === undefined ? undefined : parseTimestamp(value);
}

export function setExternalCreatePending(obj: MutableAnnotated, now: Date): void {
  setAnnotation(obj, Annotation.ExternalCreatePending, formatTimestamp(now));
}

export function setExternalCreateSucceeded(obj: MutableAnnotated, now: Date): void {
  setAnnotation(obj, Annotation.ExternalCreateSucceeded, formatTimestamp(now));
}

export function setExternalCreateFailed(obj: MutableAnnotated, now: Date): void {
  setAnnotation(obj, Annotation.ExternalCreateFailed, formatTimestamp(now));
}

/**
 * True when a create was started and its outcome never recorded: the pending time is strictly later than both
 * the succeeded and the failed time. Missing or unparsable timestamps count as never set.
 */
export function externalCreateIncomplete(obj: Annotated): boolean {
  const pending = timestampOf(obj, Annotation.ExternalCreatePending);
  if (pending === undefined) return false;
  const latest = Math.max(
    timestampOf(obj, Annotation.ExternalCreateSucceeded) ?? -Infinity,
    timestampOf(obj, Annotation.ExternalCreateFailed) ?? -Infinity,
  );
  return pending > latest;
}

/** True when the last successful create is less than `windowMs` old: the creation grace period. */
export function externalCreateSucceededWithin(obj: Annotated, windowMs: number, now: Date): boolean {
  const succeeded = timestampOf(obj, Annotation.ExternalCreateSucceeded);
  return succeeded !== undefined && now.getTime() - succeeded < windowMs;
}
