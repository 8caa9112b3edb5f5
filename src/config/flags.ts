// The provider's command line: crossplane-runtime providers' conventional flags (same names, short forms,
// environment variables and defaults as provider-template), declared in one table and turned into a typed,
// validated ProviderConfig.
import { logLevels, type LogFormat, type LogLevel } from '../log/logger.ts';
import { FlagError, parseCommandLine, usage, type CommandLine, type FlagValues } from './flag-table.ts';
import {
  bindAddress,
  booleanFlag,
  fraction,
  jitter,
  nonEmptyText,
  oneOf,
  optionalText,
  positiveDuration,
  positiveInteger,
  type BindAddress,
} from './flag-types.ts';
import { debugFlag, helpFlag, logFormatFlag } from './shared-flags.ts';
import { genericOtlpEnv, tracingEndpoint, tracingEndpointFlag } from './tracing-endpoint.ts';

// Callers of parseProviderFlags catch its errors by this name.
export { FlagError } from './flag-table.ts';

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

export type FlagParseResult = CommandLine<ProviderConfig>;

/** Every provider flag, in --help order. */
export const providerFlags = {
  help: helpFlag,
  debug: debugFlag,
  'log-level': oneOf(logLevels, {
    env: 'LOG_LEVEL',
    default: 'info',
    help: `Lowest level logged: ${logLevels.join(', ')}; --debug overrides it.`,
  }),
  'log-format': logFormatFlag,
  poll: positiveDuration({
    default: '1m',
    help: 'How often an up-to-date resource is checked for drift (Go duration: 30s, 1m, 1h30m).',
  }),
  'poll-jitter': jitter('poll', {
    default: '10%',
    help: 'Random offset, up to plus or minus this, added to each poll: a Go duration or a percentage of --poll. At most half of --poll; 0 disables.',
  }),
  sync: positiveDuration({
    short: 's',
    default: '1h',
    help: 'How often every resource is relisted from the API server.',
  }),
  'max-reconcile-rate': positiveInteger({
    default: '10',
    help: 'Reconciles per second allowed across all controllers.',
  }),
  'leader-election': booleanFlag({
    short: 'l',
    env: 'LEADER_ELECTION',
    default: 'false',
    help: 'Take a Lease before reconciling, so only one replica works at a time.',
  }),
  'leader-election-namespace': nonEmptyText({
    env: 'POD_NAMESPACE',
    default: 'crossplane-system',
    help: 'Namespace of the leader-election Lease.',
  }),
  'leader-election-lease-duration': positiveDuration({
    default: '60s',
    help: 'How long a leader-election Lease stays valid without renewal.',
  }),
  'leader-election-renew-deadline': positiveDuration({
    default: '50s',
    help: 'How long the leader keeps trying to renew before it stops leading.',
  }),
  'leader-election-retry-period': positiveDuration({
    default: '2s',
    help: 'Interval between attempts to acquire or renew the Lease.',
  }),
  'enable-management-policies': booleanFlag({
    env: 'ENABLE_MANAGEMENT_POLICIES',
    default: 'true',
    help: 'Honour spec.managementPolicies.',
  }),
  'metrics-bind-address': bindAddress({
    default: ':8080',
    help: 'Address of the /metrics server; 0 disables it.',
  }),
  'health-probe-bind-address': bindAddress({
    default: ':8081',
    help: 'Address of the /healthz and /readyz server; 0 disables it.',
  }),
  'poll-state-metric': positiveDuration({
    default: '5s',
    help: 'How often the managed-resource state gauges are refreshed.',
  }),
  'tracing-endpoint': tracingEndpointFlag({
    env: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    help: `OpenTelemetry collector's OTLP/HTTP URL for traces (/v1/traces is added to a URL without a path); empty disables tracing. Falls back to $${genericOtlpEnv}.`,
  }),
  'tracing-sample-rate': fraction({
    default: '1',
    help: 'Fraction of reconciles traced, from 0 to 1.',
  }),
  kubeconfig: optionalText({
    env: 'KUBECONFIG',
    help: 'Kubeconfig file; without it the in-cluster service account is used.',
  }),
};

type ProviderFlagValues = FlagValues<typeof providerFlags>;

/** Parses argv (without the node and script paths) and the environment. Throws FlagError. */
export function parseProviderFlags(argv: readonly string[], env: NodeJS.ProcessEnv): FlagParseResult {
  return parseCommandLine('provider', providerFlags, { argv, env }, (values) => providerConfig(values, env));
}

export function providerUsage(): string {
  return usage('provider', providerFlags);
}

function providerConfig(v: ProviderFlagValues, env: NodeJS.ProcessEnv): ProviderConfig {
  return {
    pollIntervalMs: v.poll,
    pollJitterMs: v['poll-jitter'](v.poll),
    syncIntervalMs: v.sync,
    maxReconcileRate: v['max-reconcile-rate'],
    leaderElection: v['leader-election'],
    leaderElectionNamespace: v['leader-election-namespace'],
    leaderElectionTiming: leaderElectionTiming(v),
    enableManagementPolicies: v['enable-management-policies'],
    metricsBindAddress: v['metrics-bind-address'],
    healthProbeBindAddress: v['health-probe-bind-address'],
    logLevel: v.debug ? 'debug' : v['log-level'],
    logFormat: v['log-format'],
    kubeconfig: v.kubeconfig,
    pollStateMetricIntervalMs: v['poll-state-metric'],
    tracingEndpoint: tracingEndpoint(v['tracing-endpoint'], env, 'tracing-endpoint'),
    tracingSampleRate: v['tracing-sample-rate'],
  };
}

/** The three Lease timings, which only make sense together (client-go refuses other orders). */
function leaderElectionTiming(v: ProviderFlagValues): ProviderConfig['leaderElectionTiming'] {
  const leaseDurationMs = v['leader-election-lease-duration'];
  const renewDeadlineMs = v['leader-election-renew-deadline'];
  const retryPeriodMs = v['leader-election-retry-period'];
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
