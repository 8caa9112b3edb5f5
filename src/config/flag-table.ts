// A command line declared as a table: each flag once, with its value type, default, environment variable and
// help, from which come both the parsing (node:util parseArgs, then a typed value per flag) and the --help
// text. The provider and the function each declare a table. Precedence: flag, then environment variable, then
// default. Boolean flags also take --no-<flag> and --<flag>=true|false, as kingpin's do.
import { parseArgs } from 'node:util';

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

/** Rejects the raw value; the problem is prefixed with the flag (and its variable). */
export type Fail = (problem: string) => never;

export interface Flag<T> {
  /** parseArgs' kind: a boolean flag takes no value on the command line. */
  readonly kind: 'string' | 'boolean';
  readonly short?: string;
  readonly env?: string;
  /** The raw text used when neither flag nor variable gives one; shown in --help. */
  readonly default?: string;
  readonly help: string;
  /** The typed value from the raw text, which is undefined when flag, variable and default are all absent. */
  readonly parse: (raw: string | undefined, fail: Fail) => T;
}

export type FlagTable = Readonly<Record<string, Flag<unknown>>>;

export type FlagValues<T extends FlagTable> = { [K in keyof T]: T[K] extends Flag<infer V> ? V : never };

export type CommandLine<C> = { kind: 'help'; usage: string } | { kind: 'config'; config: C };

/**
 * Parses argv (without the node and script paths) and the environment with `table`, then builds the config.
 * A `help` flag wins over everything else, even bad values. Throws FlagError.
 */
export function parseCommandLine<T extends FlagTable, C>(
  program: string,
  table: T,
  input: { argv: readonly string[]; env: NodeJS.ProcessEnv },
  build: (values: FlagValues<T>) => C,
): CommandLine<C> {
  const given = readArgs(table, input.argv);
  if (given['help'] === true) return { kind: 'help', usage: usage(program, table) };
  const values = Object.fromEntries(
    Object.entries(table).map(([name, flag]) => {
      const raw = rawValue(flag, given[name], input.env);
      const fail: Fail = (problem) => {
        throw new FlagError(name, `${describeFlag(table, name)}: ${problem}`);
      };
      return [name, flag.parse(raw, fail)];
    }),
  ) as FlagValues<T>;
  return { kind: 'config', config: build(values) };
}

/** "--flag ($VARIABLE)", or "--flag" for a flag without one: how messages name a flag. */
function describeFlag(table: FlagTable, name: string): string {
  const env = table[name]?.env;
  return env === undefined ? `--${name}` : `--${name} ($${env})`;
}

export function usage(program: string, table: FlagTable): string {
  const entries = Object.entries(table).map(([name, flag]) => ({
    names: `${flag.short === undefined ? '    ' : `-${flag.short}, `}--${name}`,
    flag,
  }));
  const width = Math.max(34, ...entries.map((e) => e.names.length + 1));
  const rows = entries.map(({ names, flag }) => {
    const extras = [
      flag.default === undefined ? '' : ` (default ${flag.default})`,
      flag.env === undefined ? '' : ` [$${flag.env}]`,
    ].join('');
    return `  ${names.padEnd(width)} ${flag.help}${extras}`;
  });
  return [`Usage: ${program} [flags]`, '', 'Flags:', ...rows, ''].join('\n');
}

type ArgValues = Record<string, string | boolean | undefined>;

function readArgs(table: FlagTable, argv: readonly string[]): ArgValues {
  const options = Object.fromEntries(
    Object.entries(table).map(([name, flag]) => [
      name,
      { type: flag.kind, ...(flag.short === undefined ? {} : { short: flag.short }) },
    ]),
  );
  try {
    const args = argv.map((arg) => booleanAssignment(table, arg));
    return parseArgs({ args, options, strict: true, allowNegative: true }).values;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new FlagError(flagNamedIn(table, message), `${message} (see --help)`);
  }
}

/** The flag a parseArgs message is about: "Option '-d, --debug' does …" → debug, "Unknown option '-x'" → x. */
function flagNamedIn(table: FlagTable, message: string): string {
  const long = /--([\w-]+)/.exec(message)?.[1];
  const short = /'-(\w)'/.exec(message)?.[1];
  if (long !== undefined || short === undefined) return long ?? '';
  return Object.entries(table).find(([, flag]) => flag.short === short)?.[0] ?? short;
}

/** --flag=false and --flag=true for boolean flags, which parseArgs only knows as --no-flag and --flag. */
function booleanAssignment(table: FlagTable, arg: string): string {
  const match = /^--([\w-]+)=(true|false)$/i.exec(arg);
  const name = match?.[1];
  if (name === undefined || table[name]?.kind !== 'boolean') return arg;
  return match?.[2]?.toLowerCase() === 'true' ? `--${name}` : `--no-${name}`;
}

function rawValue(flag: Flag<unknown>, given: string | boolean | undefined, env: NodeJS.ProcessEnv) {
  if (given !== undefined) return String(given);
  // An empty variable counts as unset, as Kubernetes manifests often template them to "".
  const fromEnv = flag.env === undefined ? undefined : env[flag.env];
  return fromEnv === undefined || fromEnv === '' ? flag.default : fromEnv;
}
