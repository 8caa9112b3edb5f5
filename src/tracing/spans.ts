// The one way the provider's code makes spans: through @opentelemetry/api only, so callers never see the SDK.
// Until an SDK registers itself (see start.ts), the API hands out non-recording spans and this costs little.
import { SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';

const tracerName = 'provider-dbops';

/** What a span's work may do to its span. */
export interface SpanHandle {
  setAttribute(key: string, value: string | number | boolean): void;
  /** Marks the span failed. The message must already be safe to export (no secrets). */
  fail(message?: string): void;
}

export interface SpanOptions {
  attributes?: Attributes;
  /** Starts a new trace rather than joining the active span's (each reconcile is its own trace). */
  root?: boolean;
  /** A call to another system (a database) rather than work inside the provider. */
  client?: boolean;
  /**
   * The status message when the work throws. Without it a failure is marked with no message: an arbitrary
   * error text could carry a password, and what gets exported is out of our hands.
   */
  describeError?: (err: unknown) => string;
}

/** Runs `work` in a new span that is active for everything it awaits; the span ends when it settles. */
export function inSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: SpanHandle) => Promise<T>,
): Promise<T> {
  // The tracer is looked up per span, not cached: tracing may be started (or stopped) after a caller loads.
  const tracer = trace.getTracer(tracerName);
  const spanOptions = {
    ...(options.attributes === undefined ? {} : { attributes: options.attributes }),
    ...(options.root === true ? { root: true } : {}),
    kind: options.client === true ? SpanKind.CLIENT : SpanKind.INTERNAL,
  };
  return tracer.startActiveSpan(name, spanOptions, async (span) => {
    const handle: SpanHandle = {
      setAttribute: (key, value) => {
        span.setAttribute(key, value);
      },
      fail: (message) => {
        span.setStatus({ code: SpanStatusCode.ERROR, ...(message === undefined ? {} : { message }) });
      },
    };
    try {
      return await work(handle);
    } catch (err) {
      handle.fail(options.describeError?.(err));
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Marks the span active now (the one whose work is running) failed; the message must be safe to export. */
export function failActiveSpan(message: string): void {
  trace.getActiveSpan()?.setStatus({ code: SpanStatusCode.ERROR, message });
}
