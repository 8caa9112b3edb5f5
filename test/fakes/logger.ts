// A logger that records messages by level, for tests that assert what was logged.
import type { Logger } from '../../src/log/logger.ts';

export type Recorded = Record<'debug' | 'info' | 'warn' | 'error', string[]>;

/** One logged line with its fields, for tests that assert what a line carries. */
export interface RecordedEntry {
  level: keyof Recorded;
  msg: string;
  fields: Record<string, unknown>;
}

export function recordingLogger(): { logger: Logger; messages: Recorded; entries: RecordedEntry[] } {
  const messages: Recorded = { debug: [], info: [], warn: [], error: [] };
  const entries: RecordedEntry[] = [];
  const method =
    (level: keyof Recorded) =>
    (fieldsOrMsg: object | string, msg?: string): void => {
      const text = msg ?? (typeof fieldsOrMsg === 'string' ? fieldsOrMsg : '');
      messages[level].push(text);
      const fields = typeof fieldsOrMsg === 'string' ? {} : (fieldsOrMsg as Record<string, unknown>);
      entries.push({ level, msg: text, fields });
    };
  const logger: Logger = {
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    child: () => logger,
  };
  return { logger, messages, entries };
}
