// How long an up-to-date managed resource waits before it is observed again. Nothing watches the external
// systems, so this poll is what detects drift (crossplane-runtime pkg/reconciler/managed/reconciler.go
// effectivePollInterval and WithPollJitterHook). All durations are in milliseconds.
import { Annotation, getAnnotation, type Annotated } from './annotations.ts';

/** The floor for crossplane.io/poll-interval values (crossplane's --min-poll-interval default). */
export const DEFAULT_MIN_POLL_INTERVAL_MS = 1000;

const NS_PER_UNIT: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_DURATION_NS = 2n ** 63n - 1n;
const component = /^(\d*)(?:\.(\d*))?([^\d.]*)/;

/**
 * Parses a Go duration string (time.ParseDuration): an optional sign, then one or more decimal numbers each with
 * a unit (ns, us, µs, ms, s, m, h), e.g. "1h2m3.5s", "500ms", "-1.5h"; a bare "0" is zero. Returns
 * milliseconds, or undefined where Go reports an error (no unit, unknown unit, empty, overflow). Like Go,
 * fractions below a nanosecond are truncated.
 */
export function parseGoDuration(text: string): number | undefined {
  const negative = text.startsWith('-');
  let rest = negative || text.startsWith('+') ? text.slice(1) : text;
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  const limit = MAX_DURATION_NS + (negative ? 1n : 0n);
  let total = 0n;
  while (rest !== '') {
    const part = parseComponent(rest);
    if (part === undefined) return undefined;
    total += part.ns;
    if (total > limit) return undefined;
    rest = rest.slice(part.length);
  }
  const ms = Number(total) / 1e6;
  return negative ? -ms : ms;
}

/** One "<number><unit>" at the start of `text`: its nanoseconds and how many characters it took. */
function parseComponent(text: string): { ns: bigint; length: number } | undefined {
  const [matched, whole = '', fraction, unit = ''] = component.exec(text) ?? [''];
  const perUnit = NS_PER_UNIT[unit];
  if ((whole === '' && !fraction) || perUnit === undefined) return undefined;
  const wholeNs = BigInt(whole || '0') * perUnit;
  const fractionNs = fraction ? BigInt(Math.trunc(Number(`0.${fraction}`) * Number(perUnit))) : 0n;
  return { ns: wholeNs + fractionNs, length: matched.length };
}

/** A positive crossplane.io/poll-interval override, or undefined when absent, unparsable, zero or negative. */
export function pollIntervalOverride(mg: Annotated): number | undefined {
  const value = getAnnotation(mg, Annotation.PollInterval);
  const ms = value === undefined ? undefined : parseGoDuration(value);
  return ms !== undefined && ms > 0 ? ms : undefined;
}

export interface PollSettings {
  /** The controller's --poll interval. */
  pollMs: number;
  /** Annotation overrides below this are raised to it; the --poll interval itself is not. */
  minPollMs?: number;
  /** Each poll is moved by a uniform random offset in [-jitterMs, +jitterMs]; 0 (the default) disables. */
  jitterMs?: number;
  /** Uniform in [0, 1); Math.random unless a test injects one. */
  random?: () => number;
}

/** The annotation override (raised to the minimum) if there is one, else the controller's interval. */
export function effectivePollInterval(mg: Annotated, settings: PollSettings): number {
  const override = pollIntervalOverride(mg);
  if (override === undefined) return settings.pollMs;
  return Math.max(override, settings.minPollMs ?? DEFAULT_MIN_POLL_INTERVAL_MS);
}

/**
 * Moves `intervalMs` by a uniform offset in [-jitterMs, +jitterMs], spreading polls of resources created
 * together. Never negative: crossplane would drop a negative requeue entirely, so jitter larger than the
 * interval is a configuration mistake the flags should refuse.
 */
export function withJitter(intervalMs: number, jitterMs: number, random: () => number = Math.random): number {
  if (jitterMs <= 0) return intervalMs;
  return Math.max(0, intervalMs + (random() - 0.5) * 2 * jitterMs);
}

/** The delay before the next poll of `mg`: effectivePollInterval with jitter applied. */
export function nextPollDelay(mg: Annotated, settings: PollSettings): number {
  return withJitter(effectivePollInterval(mg, settings), settings.jitterMs ?? 0, settings.random);
}
