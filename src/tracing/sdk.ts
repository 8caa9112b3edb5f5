// The OpenTelemetry SDK, loaded (by start.ts, with a dynamic import) only when tracing is on. Spans are queued
// in memory and sent in batches from a timer, never on the reconcile's path; the queue is bounded and every
// export has a deadline, so a collector that is down, or that accepts and never answers, costs dropped spans
// and a warning, not slower reconciles.
import { context, diag, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-node';
import type { Logger } from '../log/logger.ts';
import { diagnosticsLogger } from './diagnostics.ts';
import type { Tracing, TracingSettings } from './start.ts';

/** Spans kept waiting for export at most; later ones are dropped until the queue drains. */
const maxQueueSize = 4096;
const maxExportBatchSize = 512;
/** Exports in flight at once; a hanging collector holds at most this many sockets. */
const concurrentExports = 2;

export function startSdk(settings: TracingSettings, log: Logger): Tracing {
  diag.setLogger(diagnosticsLogger(log), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  const exporter = new OTLPTraceExporter({
    url: settings.endpoint,
    timeoutMillis: settings.exportTimeoutMs,
    concurrencyLimit: concurrentExports,
  });
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': 'provider-dbops' })),
    // A reconcile is a root span, so the rate decides per reconcile; its SQL spans follow it.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRate) }),
    spanProcessors: [
      new BatchSpanProcessor(exporter, {
        maxQueueSize,
        maxExportBatchSize,
        scheduledDelayMillis: settings.batchDelayMs,
        exportTimeoutMillis: settings.exportTimeoutMs,
      }),
    ],
  });
  // Sets the global tracer provider and the AsyncLocalStorage context manager that carries the active span
  // across awaits (how an SQL span finds its reconcile).
  provider.register();
  log.info(
    { endpoint: settings.endpoint, sampleRate: settings.sampleRate },
    'Tracing: exporting spans with OTLP/HTTP',
  );

  let stopped: Promise<boolean> | undefined;
  return {
    enabled: true,
    flush: () => withDeadline(provider.forceFlush(), settings.shutdownTimeoutMs),
    shutdown() {
      stopped ??= withDeadline(provider.shutdown(), settings.shutdownTimeoutMs).then((flushed) => {
        // Unregistered so that tracing could be started again in this process (tests do).
        trace.disable();
        context.disable();
        propagation.disable();
        diag.disable();
        if (!flushed) log.warn({}, 'Tracing: spans still queued at shutdown were dropped');
        return flushed;
      });
      return stopped;
    },
  };
}

/** Resolves true when `work` succeeds within `ms`, false when it fails or takes longer; never rejects. */
function withDeadline(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, ms, false);
    timer.unref();
  });
  const done = work.then(
    () => true,
    () => false,
  );
  return Promise.race([done, deadline]).finally(() => {
    clearTimeout(timer);
  });
}
