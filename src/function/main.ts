// The composition function's entrypoint: flags → logger → gRPC server, and a graceful stop on SIGTERM/SIGINT
// (running calls finish; Kubernetes sends SIGTERM before it kills the pod).
import { configOrExit } from '../config/config-or-exit.ts';
import { parseFunctionFlags } from '../config/function-flags.ts';
import { createLogger } from '../log/logger.ts';
import { runAppDatabase } from './app-database/run.ts';
import { startFunctionServer } from './server.ts';

async function main(): Promise<void> {
  const config = configOrExit('function', () => parseFunctionFlags(process.argv.slice(2), process.env));
  const logger = createLogger({ level: config.debug ? 'debug' : 'info', format: config.logFormat });
  const server = await startFunctionServer(runAppDatabase, {
    address: config.address,
    tls: config.tls,
    logger,
    logCalls: config.debug,
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'stopping');
      void server.stop().then(() => process.exit(0));
    });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`function: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
