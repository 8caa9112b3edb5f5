// How both entrypoints act on their command line: --help prints the usage and exits 0, an unusable flag
// prints its problem and exits 2 (the usual status for a usage error), anything else is a bug and is thrown.
import { FlagError, type CommandLine } from './flag-table.ts';

export function configOrExit<C>(program: string, parse: () => CommandLine<C>): C {
  try {
    const parsed = parse();
    if (parsed.kind === 'help') {
      process.stdout.write(parsed.usage);
      process.exit(0);
    }
    return parsed.config;
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    process.stderr.write(`${program}: ${err.message}\n`);
    process.exit(2);
  }
}
