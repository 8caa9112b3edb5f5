// The composition function's command line, following Crossplane's function conventions: --address (TCP
// 9443 by default), --tls-certs-dir or TLS_SERVER_CERTS_DIR (tls.crt, tls.key, ca.crt), --insecure (wins over
// certificates; what `crossplane render` passes) and --debug.
import { parseArgs } from 'node:util';
import { logFormats, type LogFormat } from '../log/logger.ts';

export interface FunctionConfig {
  address: string;
  tls: { certsDir: string } | 'insecure';
  debug: boolean;
  logFormat: LogFormat;
}

export type FunctionFlagResult = { kind: 'help'; usage: string } | { kind: 'config'; config: FunctionConfig };

export const functionUsage = `Usage: function [flags]

  --address <host:port>    Where to serve gRPC (default 0.0.0.0:9443).
  --tls-certs-dir <dir>    Directory with tls.crt, tls.key and ca.crt; client certificates are required.
                           Environment: TLS_SERVER_CERTS_DIR.
  --insecure               Serve without TLS (local development, crossplane render); ignores --tls-certs-dir.
  -d, --debug              Log at debug level.
  --log-format <format>    ${logFormats.join(' or ')} (default json). Environment: LOG_FORMAT.
  -h, --help               Show this help.
`;

/** Parses the function's flags; throws an Error naming the flag when a value cannot be used. */
export function parseFunctionFlags(argv: readonly string[], env: NodeJS.ProcessEnv): FunctionFlagResult {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      address: { type: 'string' },
      'tls-certs-dir': { type: 'string' },
      insecure: { type: 'boolean' },
      debug: { type: 'boolean', short: 'd' },
      'log-format': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) return { kind: 'help', usage: functionUsage };
  const certsDir = values['tls-certs-dir'] ?? env['TLS_SERVER_CERTS_DIR'];
  const insecure = values.insecure === true;
  if (!insecure && (certsDir === undefined || certsDir === '')) {
    throw new Error('--tls-certs-dir (or TLS_SERVER_CERTS_DIR) is required unless --insecure is set');
  }
  const logFormat = values['log-format'] ?? env['LOG_FORMAT'] ?? 'json';
  if (!(logFormats as readonly string[]).includes(logFormat)) {
    throw new Error(`--log-format must be one of ${logFormats.join(', ')}, not "${logFormat}"`);
  }
  return {
    kind: 'config',
    config: {
      address: values.address ?? '0.0.0.0:9443',
      tls: insecure ? 'insecure' : { certsDir: certsDir ?? '' },
      debug: values.debug === true,
      logFormat: logFormat as LogFormat,
    },
  };
}
