// A logger that records messages by level, for tests that assert what was logged.
import type { Logger } from '../../src/log/logger.ts';

export type Recorded = Record<'debug' | 'info' | 'warn' | 'error', string[]>;

export function recordingLogger(): { logger: Logger; messages: Recorded } {
  const messages: Recorded = { debug: [], info: [], warn: [], error: [] };
  const method =
    (level: keyof Recorded) =>
    (fieldsOrMsg: object | string, msg?: string): void => {
      messages[level].push(msg ?? (typeof fieldsOrMsg === 'string' ? fieldsOrMsg : ''));
    };
  const logger: Logger = {
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    child: () => logger,
  };
  return { logger, messages };
}
