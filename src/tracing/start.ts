// Starts tracing when an endpoint is configured. The SDK is imported only then, so a provider without tracing
// loads none of it: its startup and memory are what they were before tracing existed.
import type { Logger } from '../log/logger.ts';

export interface TracingOptions {
  /** The OTLP/HTTP traces URL; undefined or empty leaves tracing off. */
  endpoint: string | undefined;
  /** Fraction of reconciles recorded, 0 to 1. */
  sampleRate: number;
  /** How long one export may take before it is abandoned (default 10 s). */
  exportTimeoutMs?: number;
  /** How long flush and shutdown wait for queued spans before giving up on them (default 5 s). */
  shutdownTimeoutMs?: number;
  /** How long finished spans wait to fill a batch before it is sent anyway (default 2 s). */
  batchDelayMs?: number;
}

export type TracingSettings = Required<TracingOptions> & { endpoint: string };

export interface Tracing {
  readonly enabled: boolean;
  /** Sends the queued spans; true when they went out within the shutdown timeout. Never rejects. */
  flush(): Promise<boolean>;
  /** Flushes and stops; true when the last spans went out within the shutdown timeout. Never rejects. */
  shutdown(): Promise<boolean>;
}

const off: Tracing = {
  enabled: false,
  flush: () => Promise.resolve(true),
  shutdown: () => Promise.resolve(true),
};

export async function startTracing(options: TracingOptions, log: Logger): Promise<Tracing> {
  if (options.endpoint === undefined || options.endpoint === '') return off;
  const { startSdk } = await import('./sdk.ts');
  return startSdk(
    {
      endpoint: options.endpoint,
      sampleRate: options.sampleRate,
      exportTimeoutMs: options.exportTimeoutMs ?? 10_000,
      shutdownTimeoutMs: options.shutdownTimeoutMs ?? 5_000,
      batchDelayMs: options.batchDelayMs ?? 2_000,
    },
    log,
  );
}
