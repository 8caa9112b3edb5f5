// --log-format text: one compact line per record for people reading a terminal, e.g.
//   2026-01-01T00:00:00.000Z INFO  controller.database: Reconciling Database namespace=default name=app generation=1
// It reformats the JSON pino has already written (and redacted), so both formats carry the same content.
import type { LogDestination } from './logger.ts';

const headerKeys = new Set(['level', 'ts', 'logger', 'msg', 'err']);

export function textStream(destination: LogDestination): LogDestination {
  return { write: (line: string) => destination.write(formatTextLine(line)) };
}

export function formatTextLine(jsonLine: string): string {
  const record = JSON.parse(jsonLine) as Record<string, unknown>;
  const level = text(record['level']).toUpperCase().padEnd(5);
  const logger = record['logger'] === undefined ? '' : `${text(record['logger'])}: `;
  let line = `${text(record['ts'])} ${level} ${logger}${text(record['msg'])}`;
  for (const [key, value] of Object.entries(record)) {
    if (!headerKeys.has(key)) line += ` ${key}=${quote(value)}`;
  }
  return line + formatError(record['err']) + '\n';
}

/** err=<message>, then the stack frames indented on the following lines. */
function formatError(err: unknown): string {
  if (typeof err !== 'object' || err === null) return err === undefined ? '' : ` err=${quote(err)}`;
  const { message, stack } = err as { message?: unknown; stack?: unknown };
  const frames = typeof stack === 'string' ? stack.split('\n').filter((l) => /^\s+at /.test(l)) : [];
  return ` err=${quote(message)}` + frames.map((frame) => `\n    ${frame.trim()}`).join('');
}

function text(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Bare when unambiguous, JSON-quoted when the value has spaces, quotes or '='. */
function quote(value: unknown): string {
  if (typeof value !== 'string') return text(value);
  return /^[^\s"'=]+$/.test(value) ? value : JSON.stringify(value);
}
