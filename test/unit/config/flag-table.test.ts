// The flag table parser on a table of its own (every value type, short forms, variables, defaults), then the
// two real tables pinned: every flag name, short form, variable and default the provider and the function
// had before they shared the parser.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FlagError,
  parseCommandLine,
  usage,
  type FlagTable,
  type FlagValues,
} from '../../../src/config/flag-table.ts';
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
} from '../../../src/config/flag-types.ts';
import { providerFlags } from '../../../src/config/flags.ts';
import { functionFlags } from '../../../src/config/function-flags.ts';
import { debugFlag, helpFlag, logFormatFlag } from '../../../src/config/shared-flags.ts';

const help = 'Help text.';
const table = {
  help: booleanFlag({ short: 'h', help }),
  verbose: booleanFlag({ short: 'v', env: 'VERBOSE', help }),
  cache: booleanFlag({ env: 'CACHE', default: 'true', help }),
  name: optionalText({ env: 'NAME', help }),
  dir: nonEmptyText({ env: 'DIR', default: '/var/lib', help }),
  mode: oneOf(['fast', 'safe'], { env: 'MODE', default: 'safe', help }),
  wait: positiveDuration({ short: 'w', default: '1m', help }),
  spread: jitter('wait', { default: '10%', help }),
  workers: positiveInteger({ env: 'WORKERS', default: '4', help }),
  ratio: fraction({ default: '1', help }),
  listen: bindAddress({ default: ':8080', help }),
};

type Config = Omit<FlagValues<typeof table>, 'spread'> & { spread: number };

function parse(argv: string[], env: NodeJS.ProcessEnv = {}) {
  // The build step resolves the jitter against --wait, as the provider does with --poll-jitter.
  return parseCommandLine('demo', table, { argv, env }, (v): Config => ({ ...v, spread: v.spread(v.wait) }));
}

const defaults: Config = {
  help: false,
  verbose: false,
  cache: true,
  name: undefined,
  dir: '/var/lib',
  mode: 'safe',
  wait: 60_000,
  spread: 6_000,
  workers: 4,
  ratio: 1,
  listen: { port: 8080 },
};

describe('parseCommandLine', () => {
  const cases: { reason: string; argv: string[]; env?: NodeJS.ProcessEnv; want: Partial<Config> }[] = [
    { reason: 'nothing set gives every default', argv: [], want: {} },
    { reason: 'a variable beats the default', argv: [], env: { MODE: 'fast' }, want: { mode: 'fast' } },
    {
      reason: 'a flag beats its variable',
      argv: ['--mode', 'safe'],
      env: { MODE: 'fast' },
      want: { mode: 'safe' },
    },
    {
      reason: 'an empty variable counts as unset (manifests template them to "")',
      argv: [],
      env: { DIR: '', NAME: '', CACHE: '' },
      want: {},
    },
    { reason: '--flag=value', argv: ['--workers=16'], want: { workers: 16 } },
    { reason: 'a short form', argv: ['-w', '2m'], want: { wait: 120_000, spread: 12_000 } },
    { reason: 'a short boolean', argv: ['-v'], want: { verbose: true } },
    { reason: '--no-<flag> turns a default-true boolean off', argv: ['--no-cache'], want: { cache: false } },
    { reason: '--<flag>=false turns a boolean off', argv: ['--cache=false'], want: { cache: false } },
    {
      reason: '--<flag>=TRUE turns a boolean on, any case',
      argv: ['--verbose=TRUE'],
      want: { verbose: true },
    },
    {
      reason: 'a boolean variable takes Go ParseBool spellings',
      argv: [],
      env: { VERBOSE: 't', CACHE: '0' },
      want: { verbose: true, cache: false },
    },
    {
      reason: 'a boolean flag beats its variable',
      argv: ['--no-verbose'],
      env: { VERBOSE: 'true' },
      want: { verbose: false },
    },
    { reason: 'optional text from its variable', argv: [], env: { NAME: 'x' }, want: { name: 'x' } },
    { reason: 'optional text set to "" means unset', argv: ['--name='], env: { NAME: 'x' }, want: {} },
    {
      reason: 'the last of a repeated flag wins',
      argv: ['--workers=2', '--workers=3'],
      want: { workers: 3 },
    },
    { reason: 'a jitter as a duration', argv: ['--spread', '30s'], want: { spread: 30_000 } },
    { reason: 'a jitter of 0 disables it', argv: ['--spread', '0'], want: { spread: 0 } },
    { reason: 'a jitter of exactly half the period', argv: ['--spread=50%'], want: { spread: 30_000 } },
    { reason: 'a fraction with a leading dot', argv: ['--ratio', '.25'], want: { ratio: 0.25 } },
    { reason: 'a bind address of 0 turns the server off', argv: ['--listen', '0'], want: { listen: null } },
    {
      reason: 'a bind address with an IPv6 host',
      argv: ['--listen=[::1]:9000'],
      want: { listen: { host: '::1', port: 9000 } },
    },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      assert.deepEqual(parse(c.argv, c.env), { kind: 'config', config: { ...defaults, ...c.want } });
    });
  }

  const refused: {
    reason: string;
    argv: string[];
    env?: NodeJS.ProcessEnv;
    flag: string;
    message: RegExp;
  }[] = [
    {
      reason: 'a bad value from a variable names the flag and the variable',
      argv: [],
      env: { VERBOSE: 'yes' },
      flag: 'verbose',
      message: /^--verbose \(\$VERBOSE\): want true or false, got "yes"$/,
    },
    {
      reason: 'a choice not offered lists the choices',
      argv: ['--mode', 'slow'],
      flag: 'mode',
      message: /^--mode \(\$MODE\): want one of fast, safe, got "slow"$/,
    },
    {
      reason: 'a flag without a variable is named alone',
      argv: ['--wait', '0s'],
      flag: 'wait',
      message: /^--wait: want a positive Go duration such as 30s or 1m, got "0s"$/,
    },
    {
      reason: 'a duration without a unit',
      argv: ['-w', '10'],
      flag: 'wait',
      message: /got "10"/,
    },
    {
      reason: 'a count of zero',
      argv: [],
      env: { WORKERS: '0' },
      flag: 'workers',
      message: /^--workers \(\$WORKERS\): want a whole number of at least 1, got "0"$/,
    },
    { reason: 'a fraction above 1', argv: ['--ratio=1.5'], flag: 'ratio', message: /from 0 to 1, got "1.5"/ },
    {
      reason: 'a bind address without a port',
      argv: ['--listen', 'localhost'],
      flag: 'listen',
      message: /want \[host\]:port or 0, got "localhost"/,
    },
    {
      reason: 'blank text where some is needed',
      argv: ['--dir', '  '],
      flag: 'dir',
      message: /^--dir \(\$DIR\): must not be empty$/,
    },
    {
      reason: 'a jitter above half the period, known only once the period is',
      argv: ['--wait', '1m', '--spread', '31s'],
      flag: 'spread',
      message: /^--spread: want a Go duration or a percentage of --wait, at most half of it, got "31s"$/,
    },
    { reason: 'a jitter that is neither', argv: ['--spread', 'lots'], flag: 'spread', message: /"lots"/ },
    {
      reason: 'an unknown flag',
      argv: ['--wiat', '1m'],
      flag: 'wiat',
      message: /Unknown option '--wiat'.*--help/,
    },
    { reason: 'an unknown short flag', argv: ['-x'], flag: 'x', message: /Unknown option '-x'/ },
    { reason: 'a missing value', argv: ['--mode'], flag: 'mode', message: /--mode/ },
    {
      reason: 'a value for a boolean other than true or false',
      argv: ['--verbose=yes'],
      flag: 'verbose',
      message: /--verbose/,
    },
    { reason: 'a positional argument', argv: ['extra'], flag: '', message: /Unexpected argument 'extra'/ },
  ];
  for (const c of refused) {
    it(`refuses ${c.reason}`, () => {
      assert.throws(
        () => parse(c.argv, c.env),
        (err: unknown) => {
          assert.ok(err instanceof FlagError);
          assert.equal(err.flag, c.flag);
          assert.match(err.message, c.message);
          return true;
        },
      );
    });
  }

  it('answers --help or -h with the usage, even next to values it would refuse', () => {
    for (const argv of [['--help'], ['-h'], ['--mode', 'slow', '-h']]) {
      assert.deepEqual(parse(argv, { VERBOSE: 'yes' }), { kind: 'help', usage: usage('demo', table) });
    }
  });

  it('lists each flag in --help with its short form, default and variable', () => {
    const text = usage('demo', table);
    assert.match(text, /^Usage: demo \[flags\]\n/);
    assert.match(text, /-v, --verbose +Help text\. \[\$VERBOSE\]\n/);
    assert.match(text, /--cache +Help text\. \(default true\) \[\$CACHE\]\n/);
    assert.match(text, /-w, --wait +Help text\. \(default 1m\)\n/);
  });
});

/** [name, short, variable, default] of each flag: what users and manifests depend on. */
function surface(flags: FlagTable): (string | undefined)[][] {
  return Object.entries(flags).map(([name, flag]) => [name, flag.short, flag.env, flag.default]);
}

describe('the programs’ tables', () => {
  it('keep every provider flag, short form, variable and default', () => {
    assert.deepEqual(surface(providerFlags), [
      ['help', 'h', undefined, undefined],
      ['debug', 'd', undefined, undefined],
      ['log-level', undefined, 'LOG_LEVEL', 'info'],
      ['log-format', undefined, 'LOG_FORMAT', 'json'],
      ['poll', undefined, undefined, '1m'],
      ['poll-jitter', undefined, undefined, '10%'],
      ['sync', 's', undefined, '1h'],
      ['max-reconcile-rate', undefined, undefined, '10'],
      ['leader-election', 'l', 'LEADER_ELECTION', 'false'],
      ['leader-election-namespace', undefined, 'POD_NAMESPACE', 'crossplane-system'],
      ['leader-election-lease-duration', undefined, undefined, '60s'],
      ['leader-election-renew-deadline', undefined, undefined, '50s'],
      ['leader-election-retry-period', undefined, undefined, '2s'],
      ['enable-management-policies', undefined, 'ENABLE_MANAGEMENT_POLICIES', 'true'],
      ['metrics-bind-address', undefined, undefined, ':8080'],
      ['health-probe-bind-address', undefined, undefined, ':8081'],
      ['poll-state-metric', undefined, undefined, '5s'],
      ['tracing-endpoint', undefined, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', undefined],
      ['tracing-sample-rate', undefined, undefined, '1'],
      ['kubeconfig', undefined, 'KUBECONFIG', undefined],
    ]);
  });

  it('keep every function flag, short form, variable and default', () => {
    assert.deepEqual(surface(functionFlags), [
      ['help', 'h', undefined, undefined],
      ['address', undefined, undefined, '0.0.0.0:9443'],
      ['tls-certs-dir', undefined, 'TLS_SERVER_CERTS_DIR', undefined],
      ['insecure', undefined, undefined, undefined],
      ['debug', 'd', undefined, undefined],
      ['log-format', undefined, 'LOG_FORMAT', 'json'],
    ]);
  });

  it('declare the flags both take once', () => {
    for (const flags of [providerFlags, functionFlags]) {
      assert.equal(flags.help, helpFlag);
      assert.equal(flags.debug, debugFlag);
      assert.equal(flags['log-format'], logFormatFlag);
    }
  });
});
