// The composition function's command line, following Crossplane's function conventions: --address (TCP
// 9443 by default), --tls-certs-dir or TLS_SERVER_CERTS_DIR (tls.crt, tls.key, ca.crt), --insecure (wins over
// certificates; what `crossplane render` passes) and --debug. Declared in the same kind of table as the
// provider's, sharing the flags both take.
import type { LogFormat } from '../log/logger.ts';
import { FlagError, parseCommandLine, usage, type CommandLine, type FlagValues } from './flag-table.ts';
import { booleanFlag, nonEmptyText, optionalText } from './flag-types.ts';
import { debugFlag, helpFlag, logFormatFlag } from './shared-flags.ts';

export interface FunctionConfig {
  address: string;
  tls: { certsDir: string } | 'insecure';
  debug: boolean;
  logFormat: LogFormat;
}

export type FunctionFlagResult = CommandLine<FunctionConfig>;

/** Every function flag, in --help order. */
export const functionFlags = {
  help: helpFlag,
  address: nonEmptyText({ default: '0.0.0.0:9443', help: 'Where to serve gRPC, as host:port.' }),
  'tls-certs-dir': optionalText({
    env: 'TLS_SERVER_CERTS_DIR',
    help: 'Directory with tls.crt, tls.key and ca.crt; client certificates are required.',
  }),
  insecure: booleanFlag({
    help: 'Serve without TLS (local development, crossplane render); ignores --tls-certs-dir.',
  }),
  debug: debugFlag,
  'log-format': logFormatFlag,
};

/** Parses the function's flags. Throws FlagError naming the flag when a value cannot be used. */
export function parseFunctionFlags(argv: readonly string[], env: NodeJS.ProcessEnv): FunctionFlagResult {
  return parseCommandLine('function', functionFlags, { argv, env }, functionConfig);
}

export function functionUsage(): string {
  return usage('function', functionFlags);
}

function functionConfig(v: FlagValues<typeof functionFlags>): FunctionConfig {
  const common = { address: v.address, debug: v.debug, logFormat: v['log-format'] };
  if (v.insecure) return { ...common, tls: 'insecure' };
  const certsDir = v['tls-certs-dir'];
  if (certsDir === undefined) {
    throw new FlagError(
      'tls-certs-dir',
      '--tls-certs-dir (or TLS_SERVER_CERTS_DIR) is required unless --insecure is set',
    );
  }
  return { ...common, tls: { certsDir } };
}
