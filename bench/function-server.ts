// The function server a benchmark measures, in its own process: `app-database` (the real RunFunction) or
// `noop` (a handler that only echoes the tag and passes desired state through: the transport's floor).
// Prints the bound port on stdout and serves until killed.
import { runAppDatabase } from '../src/function/app-database/run.ts';
import { startFunctionServer } from '../src/function/server.ts';
import { responseTo, type RunFunction } from '../src/function/sdk/response.ts';
import { createLogger } from '../src/log/logger.ts';

const handlers: Record<string, RunFunction> = { 'app-database': runAppDatabase, noop: (r) => responseTo(r) };
const handler = handlers[process.argv[2] ?? ''];
if (handler === undefined) throw new Error(`handler must be one of ${Object.keys(handlers).join(', ')}`);
const server = await startFunctionServer(handler, {
  address: '127.0.0.1:0',
  tls: 'insecure',
  logger: createLogger({ level: 'error', format: 'json' }),
});
process.stdout.write(`${String(server.port)}\n`);
// Exits normally on SIGINT, so that a --cpu-prof profile is written.
process.on('SIGINT', () => {
  void server.stop().then(() => process.exit(0));
});
