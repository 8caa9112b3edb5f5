import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FlagError,
  parseProviderFlags,
  providerUsage,
  type ProviderConfig,
} from '../../../src/config/flags.ts';

function parse(argv: string[], env: NodeJS.ProcessEnv = {}): ProviderConfig {
  const result = parseProviderFlags(argv, env);
  assert.equal(result.kind, 'config');
  return result.config;
}

const defaults: ProviderConfig = {
  pollIntervalMs: 60_000,
  pollJitterMs: 6_000,
  syncIntervalMs: 3_600_000,
  maxReconcileRate: 10,
  leaderElection: false,
  leaderElectionNamespace: 'crossplane-system',
  leaderElectionTiming: { leaseDurationMs: 60_000, renewDeadlineMs: 50_000, retryPeriodMs: 2_000 },
  enableManagementPolicies: true,
  metricsBindAddress: { port: 8080 },
  healthProbeBindAddress: { port: 8081 },
  logLevel: 'info',
  logFormat: 'json',
  kubeconfig: undefined,
  pollStateMetricIntervalMs: 5_000,
  tracingEndpoint: undefined,
  tracingSampleRate: 1,
};

describe('parseProviderFlags', () => {
  it('uses the crossplane provider defaults when nothing is set', () => {
    assert.deepEqual(parse([]), defaults);
  });

  const cases: { reason: string; argv: string[]; env?: NodeJS.ProcessEnv; want: Partial<ProviderConfig> }[] =
    [
      {
        reason: '--poll takes a Go duration',
        argv: ['--poll', '1h30m'],
        want: { pollIntervalMs: 5_400_000, pollJitterMs: 540_000 },
      },
      {
        reason: '--poll=value form',
        argv: ['--poll=500ms'],
        want: { pollIntervalMs: 500, pollJitterMs: 50 },
      },
      {
        reason: 'the default jitter is 10% of --poll',
        argv: ['--poll', '10m'],
        want: { pollIntervalMs: 600_000, pollJitterMs: 60_000 },
      },
      { reason: 'jitter as a percentage', argv: ['--poll-jitter', '25%'], want: { pollJitterMs: 15_000 } },
      { reason: 'jitter as a duration', argv: ['--poll-jitter', '30s'], want: { pollJitterMs: 30_000 } },
      { reason: 'jitter 0 disables it', argv: ['--poll-jitter', '0'], want: { pollJitterMs: 0 } },
      { reason: '-s is --sync', argv: ['-s', '10m'], want: { syncIntervalMs: 600_000 } },
      {
        reason: '--max-reconcile-rate',
        argv: ['--max-reconcile-rate', '50'],
        want: { maxReconcileRate: 50 },
      },
      { reason: '-l enables leader election', argv: ['-l'], want: { leaderElection: true } },
      {
        reason: 'LEADER_ELECTION enables it',
        argv: [],
        env: { LEADER_ELECTION: 'true' },
        want: { leaderElection: true },
      },
      {
        reason: 'the flag wins over the environment',
        argv: ['--no-leader-election'],
        env: { LEADER_ELECTION: 'true' },
        want: { leaderElection: false },
      },
      {
        reason: 'the Lease namespace defaults to the pod namespace',
        argv: [],
        env: { POD_NAMESPACE: 'dbops-system' },
        want: { leaderElectionNamespace: 'dbops-system' },
      },
      {
        reason: '--leader-election-namespace overrides the pod namespace',
        argv: ['--leader-election-namespace', 'other'],
        env: { POD_NAMESPACE: 'dbops-system' },
        want: { leaderElectionNamespace: 'other' },
      },
      {
        reason: 'lease timing takes Go durations',
        argv: [
          '--leader-election-lease-duration=3s',
          '--leader-election-renew-deadline=2s',
          '--leader-election-retry-period=500ms',
        ],
        want: {
          leaderElectionTiming: { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 },
        },
      },
      {
        reason: '--no-<flag> turns a default-true flag off',
        argv: ['--no-enable-management-policies'],
        want: { enableManagementPolicies: false },
      },
      {
        reason: '--<flag>=false turns a boolean off',
        argv: ['--enable-management-policies=false'],
        want: { enableManagementPolicies: false },
      },
      {
        reason: '--<flag>=true turns a boolean on',
        argv: ['--leader-election=TRUE'],
        want: { leaderElection: true },
      },
      {
        reason: 'ENABLE_MANAGEMENT_POLICIES takes Go ParseBool spellings',
        argv: [],
        env: { ENABLE_MANAGEMENT_POLICIES: '0' },
        want: { enableManagementPolicies: false },
      },
      {
        reason: 'an empty variable counts as unset',
        argv: [],
        env: { ENABLE_MANAGEMENT_POLICIES: '', LOG_LEVEL: '', KUBECONFIG: '' },
        want: { enableManagementPolicies: true, logLevel: 'info', kubeconfig: undefined },
      },
      {
        reason: 'bind addresses with a host',
        argv: ['--metrics-bind-address', '127.0.0.1:0', '--health-probe-bind-address=[::1]:9000'],
        want: {
          metricsBindAddress: { host: '127.0.0.1', port: 0 },
          healthProbeBindAddress: { host: '::1', port: 9000 },
        },
      },
      {
        reason: 'bind address 0 disables the server',
        argv: ['--metrics-bind-address=0', '--health-probe-bind-address', '0'],
        want: { metricsBindAddress: null, healthProbeBindAddress: null },
      },
      { reason: '--log-level', argv: ['--log-level', 'warn'], want: { logLevel: 'warn' } },
      { reason: 'LOG_LEVEL', argv: [], env: { LOG_LEVEL: 'error' }, want: { logLevel: 'error' } },
      { reason: '-d means debug', argv: ['-d'], want: { logLevel: 'debug' } },
      {
        reason: '--debug wins over --log-level',
        argv: ['--log-level=error', '--debug'],
        want: { logLevel: 'debug' },
      },
      { reason: '--log-format text', argv: ['--log-format', 'text'], want: { logFormat: 'text' } },
      { reason: 'LOG_FORMAT', argv: [], env: { LOG_FORMAT: 'text' }, want: { logFormat: 'text' } },
      { reason: 'KUBECONFIG', argv: [], env: { KUBECONFIG: '/k/config' }, want: { kubeconfig: '/k/config' } },
      {
        reason: '--kubeconfig wins over KUBECONFIG',
        argv: ['--kubeconfig', '/flag'],
        env: { KUBECONFIG: '/env' },
        want: { kubeconfig: '/flag' },
      },
      {
        reason: '--poll-state-metric',
        argv: ['--poll-state-metric', '30s'],
        want: { pollStateMetricIntervalMs: 30_000 },
      },
      {
        reason: '--tracing-endpoint without a path gets /v1/traces',
        argv: ['--tracing-endpoint', 'http://otel-collector:4318'],
        want: { tracingEndpoint: 'http://otel-collector:4318/v1/traces' },
      },
      {
        reason: '--tracing-endpoint with a path is used as given',
        argv: ['--tracing-endpoint=https://traces.example.com/otlp/v1/traces'],
        want: { tracingEndpoint: 'https://traces.example.com/otlp/v1/traces' },
      },
      {
        reason: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT sets the endpoint',
        argv: [],
        env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/' },
        want: { tracingEndpoint: 'http://127.0.0.1:4318/v1/traces' },
      },
      {
        reason: 'OTEL_EXPORTER_OTLP_ENDPOINT is a base: v1/traces is appended to its path',
        argv: [],
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/otel/' },
        want: { tracingEndpoint: 'http://collector:4318/otel/v1/traces' },
      },
      {
        reason: 'the traces variable wins over the base variable',
        argv: [],
        env: {
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318',
        },
        want: { tracingEndpoint: 'http://traces:4318/custom' },
      },
      {
        reason: 'an empty --tracing-endpoint turns tracing off whatever the environment says',
        argv: ['--tracing-endpoint='],
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318' },
        want: { tracingEndpoint: undefined },
      },
      {
        reason: 'an empty traces variable falls back to the base variable',
        argv: [],
        env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318' },
        want: { tracingEndpoint: 'http://base:4318/v1/traces' },
      },
      {
        reason: '--tracing-sample-rate',
        argv: ['--tracing-sample-rate', '0.25'],
        want: { tracingSampleRate: 0.25 },
      },
      { reason: 'a sample rate of 0', argv: ['--tracing-sample-rate=0'], want: { tracingSampleRate: 0 } },
      { reason: 'a sample rate of .5', argv: ['--tracing-sample-rate=.5'], want: { tracingSampleRate: 0.5 } },
      {
        reason: 'the last of a repeated flag wins',
        argv: ['--poll=1m', '--poll=2m'],
        want: { pollIntervalMs: 120_000, pollJitterMs: 12_000 },
      },
    ];
  for (const c of cases) {
    it(c.reason, () => {
      assert.deepEqual(parse(c.argv, c.env), { ...defaults, ...c.want });
    });
  }

  const bad: { reason: string; argv: string[]; env?: NodeJS.ProcessEnv; flag: string; message: RegExp }[] = [
    { reason: 'not a duration', argv: ['--poll', '10'], flag: 'poll', message: /--poll: .*"10"/ },
    { reason: 'an unknown unit', argv: ['--sync', '1d'], flag: 'sync', message: /--sync: .*"1d"/ },
    { reason: 'a zero poll', argv: ['--poll', '0s'], flag: 'poll', message: /--poll: want a positive/ },
    { reason: 'a negative poll', argv: ['--poll=-1m'], flag: 'poll', message: /--poll/ },
    {
      reason: 'jitter above half the poll',
      argv: ['--poll', '1m', '--poll-jitter', '31s'],
      flag: 'poll-jitter',
      message: /--poll-jitter: .*at most half/,
    },
    {
      reason: 'a jitter percentage above 50',
      argv: ['--poll-jitter', '60%'],
      flag: 'poll-jitter',
      message: /"60%"/,
    },
    {
      reason: 'a jitter of nonsense',
      argv: ['--poll-jitter', 'lots'],
      flag: 'poll-jitter',
      message: /"lots"/,
    },
    {
      reason: 'a fractional rate',
      argv: ['--max-reconcile-rate', '1.5'],
      flag: 'max-reconcile-rate',
      message: /--max-reconcile-rate: want a whole number/,
    },
    {
      reason: 'a zero rate',
      argv: ['--max-reconcile-rate', '0'],
      flag: 'max-reconcile-rate',
      message: /"0"/,
    },
    {
      reason: 'a bad boolean in the environment names the variable',
      argv: [],
      env: { LEADER_ELECTION: 'yes' },
      flag: 'leader-election',
      message: /--leader-election \(\$LEADER_ELECTION\): want true or false, got "yes"/,
    },
    {
      reason: 'an unknown log level',
      argv: ['--log-level', 'trace'],
      flag: 'log-level',
      message: /debug, info, warn, error/,
    },
    {
      reason: 'an unknown log format in the environment',
      argv: [],
      env: { LOG_FORMAT: 'logfmt' },
      flag: 'log-format',
      message: /\$LOG_FORMAT.*"logfmt"/,
    },
    {
      reason: 'a bind address without a port',
      argv: ['--metrics-bind-address', '8080'],
      flag: 'metrics-bind-address',
      message: /--metrics-bind-address: want \[host\]:port or 0, got "8080"/,
    },
    {
      reason: 'a port out of range',
      argv: ['--health-probe-bind-address', ':70000'],
      flag: 'health-probe-bind-address',
      message: /":70000"/,
    },
    {
      reason: 'an empty Lease namespace',
      argv: ['--leader-election-namespace', ' '],
      flag: 'leader-election-namespace',
      message: /must not be empty/,
    },
    {
      reason: 'a renew deadline not shorter than the lease',
      argv: ['--leader-election-lease-duration=10s', '--leader-election-renew-deadline=10s'],
      flag: 'leader-election-renew-deadline',
      message: /shorter than the lease duration/,
    },
    {
      reason: 'a retry period too close to the renew deadline',
      argv: ['--leader-election-renew-deadline=2s', '--leader-election-retry-period=2s'],
      flag: 'leader-election-retry-period',
      message: /renew deadline/,
    },
    {
      reason: 'a tracing endpoint that is not a URL',
      argv: ['--tracing-endpoint', 'otel-collector:4318'],
      flag: 'tracing-endpoint',
      message:
        /--tracing-endpoint \(\$OTEL_EXPORTER_OTLP_TRACES_ENDPOINT\): want an http\(s\) URL.*"otel-collector:4318"/,
    },
    {
      reason: 'a gRPC-style tracing endpoint',
      argv: ['--tracing-endpoint', 'grpc://collector:4317'],
      flag: 'tracing-endpoint',
      message: /want an http\(s\) URL/,
    },
    {
      reason: 'a bad base endpoint names its variable',
      argv: [],
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' },
      flag: 'tracing-endpoint',
      message: /\$OTEL_EXPORTER_OTLP_ENDPOINT: want an http\(s\) URL.*"not a url"/,
    },
    {
      reason: 'a sample rate above 1',
      argv: ['--tracing-sample-rate', '1.5'],
      flag: 'tracing-sample-rate',
      message: /--tracing-sample-rate: want a number from 0 to 1, got "1.5"/,
    },
    {
      reason: 'a negative sample rate',
      argv: ['--tracing-sample-rate=-0.1'],
      flag: 'tracing-sample-rate',
      message: /"-0.1"/,
    },
    {
      reason: 'a sample rate that is not a number',
      argv: ['--tracing-sample-rate', '10%'],
      flag: 'tracing-sample-rate',
      message: /"10%"/,
    },
    {
      reason: 'an unknown flag',
      argv: ['--pol', '1m'],
      flag: 'pol',
      message: /Unknown option '--pol'.*--help/,
    },
    { reason: 'a missing value', argv: ['--poll'], flag: 'poll', message: /--poll/ },
    { reason: 'a value for --debug', argv: ['--debug=yes'], flag: 'debug', message: /--debug/ },
    { reason: 'an unknown short flag', argv: ['-x'], flag: 'x', message: /Unknown option '-x'/ },
    { reason: 'a positional argument', argv: ['extra'], flag: '', message: /Unexpected argument 'extra'/ },
  ];
  for (const c of bad) {
    it(`refuses ${c.reason}`, () => {
      assert.throws(
        () => parseProviderFlags(c.argv, c.env ?? {}),
        (err: unknown) => {
          assert.ok(err instanceof FlagError);
          assert.equal(err.flag, c.flag);
          assert.match(err.message, c.message);
          return true;
        },
      );
    });
  }

  it('returns the usage for --help and -h, even next to bad values', () => {
    for (const argv of [['--help'], ['-h'], ['--poll', 'nonsense', '--help']]) {
      const result = parseProviderFlags(argv, {});
      assert.equal(result.kind, 'help');
      assert.equal(result.usage, providerUsage());
    }
  });
});

describe('providerUsage', () => {
  it('lists every flag with its short form, default and environment variable', () => {
    const usage = providerUsage();
    for (const fragment of [
      '-d, --debug',
      '-s, --sync',
      '-l, --leader-election ',
      '(default 1m)',
      '(default 10%)',
      '[$LEADER_ELECTION]',
      '[$POD_NAMESPACE]',
      '[$ENABLE_MANAGEMENT_POLICIES]',
      '[$KUBECONFIG]',
      '--metrics-bind-address',
      '--health-probe-bind-address',
      '--poll-state-metric',
      '--log-format',
      '--tracing-endpoint',
      '[$OTEL_EXPORTER_OTLP_TRACES_ENDPOINT]',
      '--tracing-sample-rate',
      '(default 1)',
    ]) {
      assert.ok(usage.includes(fragment), `usage lacks ${fragment}:\n${usage}`);
    }
  });
});
