// The provider's command line: crossplane-runtime providers' conventional flags (same names, short forms,
// environment variables and defaults as provider-template) parsed with node:util parseArgs into a typed,
// validated ProviderConfig. Precedence: flag, then environment variable, then default. Boolean flags also take
// --no-<flag> and --<flag>=true|false.
import { parseArgs } from 'node:util';
import { logFormats, logLevels, type LogFormat, type LogLevel } from '../log/logger.ts';
import { parseGoDuration } from '../runtime/poll.ts';

/** host:port to listen on; no host means every interface. */
export interface BindAddress {
  host?: string;
  port: number;
}

export interface ProviderConfig {
  /** --poll: how often an up-to-date resource is observed again, to detect drift. */
  pollIntervalMs: number;
  /** --poll-jitter resolved against --poll: each poll moves by a uniform offset in [-jitter, +jitter]. */
  pollJitterMs: number;
  /** --sync: how often the informers relist everything. */
  syncIntervalMs: number;
  /** --max-reconcile-rate: reconciles per second across all controllers. */
  maxReconcileRate: number;
  leaderElection: boolean;
  leaderElectionNamespace: string;
  /** Lease timing; lease duration > renew deadline > 1.2 × retry period, as client-go requires. */
  leaderElectionTiming: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number };
  enableManagementPolicies: boolean;
  /** null when set to "0": the server is not started. */
  metricsBindAddress: BindAddress | null;
  healthProbeBindAddress: BindAddress | null;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** --kubeconfig or KUBECONFIG; undefined means in-cluster configuration. */
  kubeconfig: string | undefined;
  /** --poll-state-metric: how often the crossplane_managed_resource_{exists,ready,synced} gauges are refreshed. */
  pollStateMetricIntervalMs: number;
  /** --tracing-endpoint as a full OTLP/HTTP traces URL; undefined means tracing is off. */
  tracingEndpoint: string | undefined;
  /** --tracing-sample-rate: the fraction of reconciles (new traces) recorded, 0 to 1. */
  tracingSampleRate: number;
}

export type FlagParseResult = { kind: 'help'; usage: string } | { kind: 'config'; config: ProviderConfig };

/** A flag or environment value that cannot be used; the message names the flag. */
export class FlagError extends Error {
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(message);
    this.name = 'FlagError';
  }
}

/** The OpenTelemetry SDKs' base endpoint variable: its path is a prefix, to which v1/traces is appended. */
const genericOtlpEnv = 'OTEL_EXPORTER_OTLP_ENDPOINT';

interface FlagSpec {
  name: string;
  short?: string;
  env?: string;
  type: 'string' | 'boolean';
  /** Shown in --help; also the value used when neither flag nor environment sets one. */
  default?: string;
  help: string;
}

const specs: readonly FlagSpec[] = [
  { name: 'help', short: 'h', type: 'boolean', help: 'Show this help and exit.' },
  { name: 'debug', short: 'd', type: 'boolean', help: 'Log at debug level; overrides --log-level.' },
  {
    name: 'log-level',
    env: 'LOG_LEVEL',
    type: 'string',
    default: 'info',
    help: `Lowest level logged: ${logLevels.join(', ')}.`,
  },
  {
    name: 'log-format',
    env: 'LOG_FORMAT',
    type: 'string',
    default: 'json',
    help: 'json (one JSON object per line) or text (for terminals).',
  },
  {
    name: 'poll',
    type: 'string',
    default: '1m',
    help: 'How often an up-to-date resource is checked for drift (Go duration: 30s, 1m, 1h30m).',
  },
  {
    name: 'poll-jitter',
    type: 'string',
    default: '10%',
    help: 'Random offset, up to plus or minus this, added to each poll: a Go duration or a percentage of --poll. At most half of --poll; 0 disables.',
  },
  {
    name: 'sync',
    short: 's',
    type: 'string',
    default: '1h',
    help: 'How often every resource is relisted from the API server.',
  },
  {
    name: 'max-reconcile-rate',
    type: 'string',
    default: '10',
    help: 'Reconciles per second allowed across all controllers.',
  },
  {
    name: 'leader-election',
    short: 'l',
    env: 'LEADER_ELECTION',
    type: 'boolean',
    default: 'false',
    help: 'Take a Lease before reconciling, so only one replica works at a time.',
  },
  {
    name: 'leader-election-namespace',
    env: 'POD_NAMESPACE',
    type: 'string',
    default: 'crossplane-system',
    help: 'Namespace of the leader-election Lease.',
  },
  {
    name: 'leader-election-lease-duration',
    type: 'string',
    default: '60s',
    help: 'How long a leader-election Lease stays valid without renewal.',
  },
  {
    name: 'leader-election-renew-deadline',
    type: 'string',
    default: '50s',
    help: 'How long the leader keeps trying to renew before it stops leading.',
  },
  {
    name: 'leader-election-retry-period',
    type: 'string',
    default: '2s',
    help: 'Interval between attempts to acquire or renew the Lease.',
  },
  {
    name: 'enable-management-policies',
    env: 'ENABLE_MANAGEMENT_POLICIES',
    type: 'boolean',
    default: 'true',
    help: 'Honour spec.managementPolicies.',
  },
  {
    name: 'metrics-bind-address',
    type: 'string',
    default: ':8080',
    help: 'Address of the /metrics server; 0 disables it.',
  },
  {
    name: 'health-probe-bind-address',
    type: 'string',
    default: ':8081',
    help: 'Address of the /healthz and /readyz server; 0 disables it.',
  },
  {
    name: 'poll-state-metric',
    type: 'string',
    default: '5s',
    help: 'How often the managed-resource state gauges are refreshed.',
  },
  {
    name: 'tracing-endpoint',
    env: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    type: 'string',
    help: `OpenTelemetry collector's OTLP/HTTP URL for traces (/v1/traces is added to a URL without a path); empty disables tracing. Falls back to $${genericOtlpEnv}.`,
  },
  {
    name: 'tracing-sample-rate',
    type: 'string',
    default: '1',
    help: 'Fraction of reconciles traced, from 0 to 1.',
  },
  {
    name: 'kubeconfig',
    env: 'KUBECONFIG',
    type: 'string',
    help: 'Kubeconfig file; without it the in-cluster service account is used.',
  },
];

/** Parses argv (without the node and script paths) and the environment. Throws FlagError. */
export function parseProviderFlags(argv: readonly string[], env: NodeJS.ProcessEnv): FlagParseResult {
  const values = readArgs(argv);
  if (values['help'] === true) return { kind: 'help', usage: providerUsage() };
  const raw = (name: string): string | undefined => rawValue(name, values, env);
  const pollIntervalMs = positiveDuration('poll', raw('poll'));
  return {
    kind: 'config',
    config: {
      pollIntervalMs,
      pollJitterMs: pollJitter(raw('poll-jitter'), pollIntervalMs),
      syncIntervalMs: positiveDuration('sync', raw('sync')),
      maxReconcileRate: positiveInteger('max-reconcile-rate', raw('max-reconcile-rate')),
      leaderElection: boolean('leader-election', raw('leader-election')),
      leaderElectionNamespace: nonEmpty('leader-election-namespace', raw('leader-election-namespace')),
      leaderElectionTiming: leaderElectionTiming(raw),
      enableManagementPolicies: boolean('enable-management-policies', raw('enable-management-policies')),
      metricsBindAddress: bindAddress('metrics-bind-address', raw('metrics-bind-address')),
      healthProbeBindAddress: bindAddress('health-probe-bind-address', raw('health-probe-bind-address')),
      logLevel: values['debug'] === true ? 'debug' : oneOf('log-level', raw('log-level'), logLevels),
      logFormat: oneOf('log-format', raw('log-format'), logFormats),
      kubeconfig: raw('kubeconfig') === '' ? undefined : raw('kubeconfig'),
      pollStateMetricIntervalMs: positiveDuration('poll-state-metric', raw('poll-state-metric')),
      tracingEndpoint: tracingEndpoint(raw('tracing-endpoint'), env[genericOtlpEnv]),
      tracingSampleRate: fraction('tracing-sample-rate', raw('tracing-sample-rate')),
    },
  };
}

function leaderElectionTiming(
  raw: (name: string) => string | undefined,
): ProviderConfig['leaderElectionTiming'] {
  const leaseDurationMs = positiveDuration(
    'leader-election-lease-duration',
    raw('leader-election-lease-duration'),
  );
  const renewDeadlineMs = positiveDuration(
    'leader-election-renew-deadline',
    raw('leader-election-renew-deadline'),
  );
  const retryPeriodMs = positiveDuration('leader-election-retry-period', raw('leader-election-retry-period'));
  if (!(leaseDurationMs > renewDeadlineMs)) {
    throw new FlagError(
      'leader-election-renew-deadline',
      '--leader-election-renew-deadline must be shorter than the lease duration',
    );
  }
  if (!(renewDeadlineMs > retryPeriodMs * 1.2)) {
    throw new FlagError(
      'leader-election-retry-period',
      '--leader-election-retry-period must be under the renew deadline / 1.2',
    );
  }
  return { leaseDurationMs, renewDeadlineMs, retryPeriodMs };
}

export function providerUsage(): string {
  const rows = specs.map((spec) => {
    const names = `${spec.short === undefined ? '    ' : `-${spec.short}, `}--${spec.name}`;
    const extras = [
      spec.default === undefined ? '' : ` (default ${spec.default})`,
      spec.env === undefined ? '' : ` [$${spec.env}]`,
    ].join('');
    return `  ${names.padEnd(34)} ${spec.help}${extras}`;
  });
  return ['Usage: provider [flags]', '', 'Flags:', ...rows, ''].join('\n');
}

type ArgValues = Record<string, string | boolean | undefined>;

function readArgs(argv: readonly string[]): ArgValues {
  const options = Object.fromEntries(
    specs.map((spec) => [
      spec.name,
      { type: spec.type, ...(spec.short === undefined ? {} : { short: spec.short }) },
    ]),
  );
  try {
    return parseArgs({ args: argv.map(booleanAssignment), options, strict: true, allowNegative: true })
      .values;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new FlagError(flagNamedIn(message), `${message} (see --help)`);
  }
}

/** The flag a parseArgs message is about: "Option '-d, --debug' does …" → debug, "Unknown option '-x'" → x. */
function flagNamedIn(message: string): string {
  const long = /--([\w-]+)/.exec(message)?.[1];
  const short = /'-(\w)'/.exec(message)?.[1];
  if (long !== undefined || short === undefined) return long ?? '';
  return specs.find((spec) => spec.short === short)?.name ?? short;
}

/** --flag=false and --flag=true for boolean flags, which parseArgs only knows as --no-flag and --flag. */
function booleanAssignment(arg: string): string {
  const match = /^--([\w-]+)=(true|false)$/i.exec(arg);
  const name = match?.[1];
  if (name === undefined || specs.find((spec) => spec.name === name)?.type !== 'boolean') return arg;
  return match?.[2]?.toLowerCase() === 'true' ? `--${name}` : `--no-${name}`;
}

function rawValue(name: string, values: ArgValues, env: NodeJS.ProcessEnv): string | undefined {
  const spec = specs.find((s) => s.name === name);
  const fromFlag = values[name];
  if (fromFlag !== undefined) return String(fromFlag);
  // An empty variable counts as unset, as Kubernetes manifests often template them to "".
  const fromEnv = spec?.env === undefined ? undefined : env[spec.env];
  return fromEnv === undefined || fromEnv === '' ? spec?.default : fromEnv;
}

function describe(flag: string): string {
  const env = specs.find((spec) => spec.name === flag)?.env;
  return env === undefined ? `--${flag}` : `--${flag} ($${env})`;
}

function positiveDuration(flag: string, value: string | undefined): number {
  const ms = value === undefined ? undefined : parseGoDuration(value);
  if (ms === undefined || ms <= 0) {
    throw new FlagError(
      flag,
      `${describe(flag)}: want a positive Go duration such as 30s or 1m, got "${value}"`,
    );
  }
  return ms;
}

function pollJitter(value: string | undefined, pollMs: number): number {
  const percent = value === undefined ? undefined : /^(\d+(?:\.\d+)?)%$/.exec(value)?.[1];
  const ms = percent === undefined ? parseGoDuration(value ?? '') : (Number(percent) / 100) * pollMs;
  if (ms === undefined || ms < 0 || ms > pollMs / 2) {
    throw new FlagError(
      'poll-jitter',
      `--poll-jitter: want a Go duration or a percentage of --poll, at most half of it, got "${value}"`,
    );
  }
  return ms;
}

function positiveInteger(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new FlagError(flag, `${describe(flag)}: want a whole number of at least 1, got "${value}"`);
  }
  return n;
}

// The spellings Go's strconv.ParseBool accepts, which is what kingpin applies to environment variables.
const trueWords = new Set(['1', 't', 'true']);
const falseWords = new Set(['0', 'f', 'false']);

function boolean(flag: string, value: string | undefined): boolean {
  const word = value?.toLowerCase() ?? '';
  if (trueWords.has(word)) return true;
  if (falseWords.has(word)) return false;
  throw new FlagError(flag, `${describe(flag)}: want true or false, got "${value}"`);
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) {
    throw new FlagError(flag, `${describe(flag)}: want one of ${allowed.join(', ')}, got "${value}"`);
  }
  return found;
}

function nonEmpty(flag: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '')
    throw new FlagError(flag, `${describe(flag)}: must not be empty`);
  return value;
}

/** ":8080", "127.0.0.1:0", "[::1]:8080", "localhost:9000"; "0" disables the server (as in controller-runtime). */
function bindAddress(flag: string, value: string | undefined): BindAddress | null {
  if (value === '0') return null;
  const match = value === undefined ? null : /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (match === null || port > 65535) {
    throw new FlagError(flag, `${describe(flag)}: want [host]:port or 0, got "${value}"`);
  }
  const host = match[1] ?? match[2];
  return host === undefined || host === '' ? { port } : { host, port };
}

/**
 * The traces URL from --tracing-endpoint (or its variable), else from the generic OTLP base endpoint. As in the
 * OpenTelemetry SDKs, the traces endpoint is used as given, except that a bare host gets /v1/traces, while the
 * base endpoint's path always gets v1/traces appended. An empty value disables tracing.
 */
function tracingEndpoint(explicit: string | undefined, base: string | undefined): string | undefined {
  if (explicit !== undefined)
    return explicit === '' ? undefined : otlpUrl(explicit, describe('tracing-endpoint'));
  if (base === undefined || base === '') return undefined;
  return otlpUrl(base, `$${genericOtlpEnv}`, true);
}

function otlpUrl(value: string, source: string, isBase = false): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new FlagError(
      'tracing-endpoint',
      `${source}: want an http(s) URL such as http://otel-collector:4318, got "${value}"`,
    );
  }
  if (isBase) url.pathname = `${url.pathname.replace(/\/$/, '')}/v1/traces`;
  else if (url.pathname === '/') url.pathname = '/v1/traces';
  return url.toString();
}

function fraction(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !/^\d*\.?\d+$/.test(value) || !(n >= 0 && n <= 1)) {
    throw new FlagError(flag, `${describe(flag)}: want a number from 0 to 1, got "${value}"`);
  }
  return n;
}
