// Routes OpenTelemetry's own diagnostics (failed exports, dropped spans) to the provider's logger. A dead
// collector fails every export; one warning says so and the repeats go to debug, so the log is not flooded.
import type { DiagLogger } from '@opentelemetry/api';
import type { Logger } from '../log/logger.ts';

/** At most one warning per this long; the rest of the problems in between are logged at debug. */
const warnEveryMs = 10 * 60_000;

function detail(args: unknown[]): object {
  return args.length === 0 ? {} : { detail: args.map((a) => (a instanceof Error ? a.message : String(a))) };
}

export function diagnosticsLogger(log: Logger, now: () => number = Date.now): DiagLogger {
  let lastWarning: number | undefined;
  const problem = (message: string, ...args: unknown[]): void => {
    const t = now();
    if (lastWarning === undefined || t - lastWarning >= warnEveryMs) {
      lastWarning = t;
      log.warn(
        { ...detail(args), problem: message },
        'Tracing: cannot export spans (repeats within 10 minutes are logged at debug level)',
      );
    } else {
      log.debug({ ...detail(args), problem: message }, 'Tracing: cannot export spans');
    }
  };
  const debug = (message: string, ...args: unknown[]): void => {
    log.debug(detail(args), `Tracing: ${message}`);
  };
  return { error: problem, warn: problem, info: debug, debug, verbose: () => undefined };
}
