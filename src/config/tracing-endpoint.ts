// Where traces go: --tracing-endpoint (or its variable), else the OpenTelemetry SDKs' generic base endpoint.
// As in those SDKs, the traces endpoint is used as given, except that a bare host gets /v1/traces, while the
// base endpoint's path always gets v1/traces appended.
import { FlagError, type Flag } from './flag-table.ts';
import type { FlagOptions } from './flag-types.ts';

/** The SDKs' base endpoint variable: its path is a prefix, to which v1/traces is appended. */
export const genericOtlpEnv = 'OTEL_EXPORTER_OTLP_ENDPOINT';

const want = 'want an http(s) URL such as http://otel-collector:4318';

/** The traces URL; null when set to "" (tracing off, whatever the base variable says), undefined when unset. */
export function tracingEndpointFlag(options: FlagOptions): Flag<string | null | undefined> {
  return {
    ...options,
    kind: 'string',
    parse: (raw, fail) => {
      if (raw === undefined || raw === '') return raw === '' ? null : undefined;
      return otlpUrl(raw, false) ?? fail(`${want}, got "${raw}"`);
    },
  };
}

/** The endpoint to export to, or undefined for tracing off; `flag` names the flag in a bad base's error. */
export function tracingEndpoint(
  fromFlag: string | null | undefined,
  env: NodeJS.ProcessEnv,
  flag: string,
): string | undefined {
  if (fromFlag !== undefined) return fromFlag ?? undefined;
  const base = env[genericOtlpEnv];
  if (base === undefined || base === '') return undefined;
  const url = otlpUrl(base, true);
  if (url === undefined) throw new FlagError(flag, `$${genericOtlpEnv}: ${want}, got "${base}"`);
  return url;
}

function otlpUrl(value: string, isBase: boolean): string | undefined {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) return undefined;
  if (isBase) url.pathname = `${url.pathname.replace(/\/$/, '')}/v1/traces`;
  else if (url.pathname === '/') url.pathname = '/v1/traces';
  return url.toString();
}
