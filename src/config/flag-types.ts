// The value types of flags: each builds a Flag whose parse turns the raw text into a typed value or rejects it
// with a message saying what it wants and what it got.
import { parseGoDuration } from '../runtime/poll.ts';
import type { Flag } from './flag-table.ts';

/** What a table entry declares besides its type. */
export type FlagOptions = Pick<Flag<unknown>, 'short' | 'env' | 'default' | 'help'>;

function stringFlag<T>(options: FlagOptions, parse: Flag<T>['parse']): Flag<T> {
  return { ...options, kind: 'string', parse };
}

// The spellings Go's strconv.ParseBool accepts, which is what kingpin applies to environment variables.
const trueWords = new Set(['1', 't', 'true']);
const falseWords = new Set(['0', 'f', 'false']);

/** A switch; absent means false. */
export function booleanFlag(options: FlagOptions): Flag<boolean> {
  return {
    ...options,
    kind: 'boolean',
    parse: (raw, fail) => {
      const word = raw?.toLowerCase() ?? 'false';
      if (trueWords.has(word)) return true;
      if (falseWords.has(word)) return false;
      return fail(`want true or false, got "${raw}"`);
    },
  };
}

/** Free text; empty means not set. */
export function optionalText(options: FlagOptions): Flag<string | undefined> {
  return stringFlag(options, (raw) => (raw === '' ? undefined : raw));
}

export function nonEmptyText(options: FlagOptions): Flag<string> {
  return stringFlag(options, (raw, fail) =>
    raw === undefined || raw.trim() === '' ? fail('must not be empty') : raw,
  );
}

export function oneOf<const V extends string>(values: readonly V[], options: FlagOptions): Flag<V> {
  return stringFlag(
    options,
    (raw, fail) =>
      values.find((value) => value === raw) ?? fail(`want one of ${values.join(', ')}, got "${raw}"`),
  );
}

/** A Go duration (30s, 1m, 1h30m) above zero, in milliseconds. */
export function positiveDuration(options: FlagOptions): Flag<number> {
  return stringFlag(options, (raw, fail) => {
    const ms = raw === undefined ? undefined : parseGoDuration(raw);
    return ms === undefined || ms <= 0
      ? fail(`want a positive Go duration such as 30s or 1m, got "${raw}"`)
      : ms;
  });
}

export function positiveInteger(options: FlagOptions): Flag<number> {
  return stringFlag(options, (raw, fail) => {
    const n = Number(raw);
    const whole = raw !== undefined && /^\d+$/.test(raw) && Number.isSafeInteger(n) && n >= 1;
    return whole ? n : fail(`want a whole number of at least 1, got "${raw}"`);
  });
}

/** A number from 0 to 1, such as 0.25 or .5. */
export function fraction(options: FlagOptions): Flag<number> {
  return stringFlag(options, (raw, fail) => {
    const n = Number(raw);
    const inRange = raw !== undefined && /^\d*\.?\d+$/.test(raw) && n >= 0 && n <= 1;
    return inRange ? n : fail(`want a number from 0 to 1, got "${raw}"`);
  });
}

/** host:port to listen on; no host means every interface. */
export interface BindAddress {
  host?: string;
  port: number;
}

/** ":8080", "127.0.0.1:0", "[::1]:8080", "localhost:9000"; "0" (null) disables the server, as in controller-runtime. */
export function bindAddress(options: FlagOptions): Flag<BindAddress | null> {
  return stringFlag(options, (raw, fail) => {
    if (raw === '0') return null;
    const match = raw === undefined ? null : /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(raw);
    const port = Number(match?.[3]);
    if (match === null || port > 65535) return fail(`want [host]:port or 0, got "${raw}"`);
    const host = match[1] ?? match[2];
    return host === undefined || host === '' ? { port } : { host, port };
  });
}

/**
 * A random offset bound relative to another flag's period: a Go duration or a percentage of the period, at
 * most half of it. The value is resolved once the period is known, so both mistakes get the same message.
 */
export function jitter(of: string, options: FlagOptions): Flag<(periodMs: number) => number> {
  return stringFlag(options, (raw, fail) => {
    const wrong = () =>
      fail(`want a Go duration or a percentage of --${of}, at most half of it, got "${raw}"`);
    const percent = raw === undefined ? undefined : /^(\d+(?:\.\d+)?)%$/.exec(raw)?.[1];
    if (percent !== undefined) {
      return (periodMs) => {
        const ms = (Number(percent) / 100) * periodMs;
        return ms > periodMs / 2 ? wrong() : ms;
      };
    }
    const ms = parseGoDuration(raw ?? '');
    if (ms === undefined || ms < 0) return wrong();
    return (periodMs) => (ms > periodMs / 2 ? wrong() : ms);
  });
}
