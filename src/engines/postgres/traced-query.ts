// Puts every statement a connection runs in an SQL span (src/tracing/sql.ts), on the connection class itself:
// all of this engine's statements pass through pg.Client#query, whichever file builds them.
import pg from 'pg';
import { inSqlSpan } from '../../tracing/sql.ts';

/** The statement text of a promise-style query call, or undefined for the callback and submittable forms. */
function promisedStatement(args: readonly unknown[]): string | undefined {
  if (args.some((a) => typeof a === 'function')) return undefined;
  const first = args[0];
  if (typeof first === 'string') return first;
  const config = first as { text?: unknown; submit?: unknown } | null | undefined;
  return typeof config?.text === 'string' && config.submit === undefined ? config.text : undefined;
}

/** Makes `clientClass#query` span each promise-style statement; other forms pass through untouched. */
export function traceQueries(clientClass: typeof pg.Client): void {
  function query(this: pg.Client, ...args: unknown[]): unknown {
    // Looked up per call, so that whatever wraps pg.Client#query later (a benchmark's counter) still runs.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const run = (): unknown => Reflect.apply(pg.Client.prototype.query, this, args);
    const sql = promisedStatement(args);
    if (sql === undefined) return run();
    const target = {
      system: 'postgresql' as const,
      database: this.database,
      host: this.host,
      port: this.port,
    };
    return inSqlSpan(target, sql, () => run() as Promise<unknown>);
  }
  Object.defineProperty(clientClass.prototype, 'query', { value: query, writable: true, configurable: true });
}
