// The provider's logger: pino writing the monitoring spec's JSON shape ({"level":"info","ts":"…","logger":"…",
// "msg":"…","namespace":"…","name":"…","generation":1}) or a compact text line, with secrets redacted from every
// field, binding and message (see redact.ts). Code outside src/log depends on the small Logger interface only.
import { pino, type Logger as PinoLogger } from 'pino';
import { redactSecrets, redactValue } from './redact.ts';
import { textStream } from './text.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'text';
export const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
export const logFormats: readonly LogFormat[] = ['json', 'text'];

/** Structured fields of one line or of a child logger. An Error goes under `err`. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * Logs `msg` alone, or `fields` with an optional message. Messages are sentences ("Cannot observe external
 * resource"); details go in fields, errors as `{ err }`.
 */
export type LogMethod = (fieldsOrMsg: object | string, msg?: string) => void;

export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  /**
   * A logger whose lines carry these fields too; a later binding of the same key replaces the earlier one.
   * Components bind `logger` (e.g. 'controller.database'); per-object work binds objectFields(obj).
   */
  child(bindings: LogFields): Logger;
}

/** Where lines go: anything with write(line), such as a Writable. */
export interface LogDestination {
  write(line: string): unknown;
}

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Defaults to standard output, written synchronously so the last lines before a crash are not lost. */
  destination?: LogDestination;
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  const root = pino(
    {
      level: options.level,
      base: null,
      timestamp: () => `,"ts":"${new Date().toISOString()}"`,
      messageKey: 'msg',
      errorKey: 'err',
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => redactValue(fields) as Record<string, unknown>,
      },
      serializers: {
        msg: redactSecrets,
        // formatters.log has already turned errors into redacted plain objects; pino's default err serializer
        // would wrap them again and report their type as "Object".
        err: (value: unknown) => value,
      },
    },
    options.format === 'text' ? textStream(destination) : destination,
  );
  return new BoundLogger(root, root, {});
}

/** The fields that tie a line to one Kubernetes object (monitoring spec: namespace, name, generation). */
export function objectFields(obj: {
  metadata: { namespace?: string; name: string; generation?: number };
}): LogFields {
  const { namespace, name, generation } = obj.metadata;
  return {
    ...(namespace === undefined ? {} : { namespace }),
    name,
    ...(generation === undefined ? {} : { generation }),
  };
}

/** Discards everything; for tests and for code that runs before logging is configured. */
export const nopLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => nopLogger,
};

// Children are always made from the root with the merged bindings: pino appends a child's bindings to its
// parent's, so re-binding a key (e.g. `logger`) would otherwise write the key twice on one line.
class BoundLogger implements Logger {
  constructor(
    private readonly root: PinoLogger,
    private readonly target: PinoLogger,
    private readonly bindings: LogFields,
  ) {}

  debug: LogMethod = (fieldsOrMsg, msg) => {
    this.write('debug', fieldsOrMsg, msg);
  };

  info: LogMethod = (fieldsOrMsg, msg) => {
    this.write('info', fieldsOrMsg, msg);
  };

  warn: LogMethod = (fieldsOrMsg, msg) => {
    this.write('warn', fieldsOrMsg, msg);
  };

  error: LogMethod = (fieldsOrMsg, msg) => {
    this.write('error', fieldsOrMsg, msg);
  };

  child(bindings: LogFields): Logger {
    const merged = { ...this.bindings, ...bindings };
    // pino runs formatters on each line's fields but not on child bindings, so they are redacted here.
    return new BoundLogger(this.root, this.root.child(redactValue(merged) as LogFields), merged);
  }

  private write(level: LogLevel, fieldsOrMsg: object | string, msg: string | undefined): void {
    if (typeof fieldsOrMsg === 'string') this.target[level](fieldsOrMsg);
    else this.target[level](fieldsOrMsg, msg);
  }
}
