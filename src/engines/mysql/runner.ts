// Runs statements through the pool with the engine's error handling: the abort signal is honoured between
// statements (mysql2 cannot cancel one in flight), every driver error is redacted before it leaves, and each
// statement, write or catalog read, gets its own SQL span.
import { format } from 'mysql2';
import type { Pool, QueryValues } from 'mysql2/promise';
import type { ConnectionSettings } from '../engine.ts';
import type { Reader } from './catalog.ts';
import { redact, toEngineError } from './errors.ts';
import type { Flavor } from './flavor.ts';
import type { Statement } from './sql/ledger.ts';
import { tlsContext, type TlsContext } from '../tls.ts';
import { inSqlSpan, type SqlTarget } from '../../tracing/sql.ts';

/** Optional observers of what the engine does. */
export interface EngineHooks {
  /** Called before each write statement, with every password redacted (tests count writes; a debug log may show them). */
  onWrite?: (statement: string) => void;
}

/**
 * The server a Runner speaks to, and the admin password, which is redacted from every error; the TLS settings
 * let a failed handshake or login say what failed.
 */
export interface RunnerServer {
  host: string;
  port: number;
  password: string;
  tls?: ConnectionSettings['tls'];
}

export class Runner {
  /** Always redacted: the admin password. */
  private readonly secrets: readonly string[];
  private readonly target: SqlTarget;
  private readonly tls: TlsContext | undefined;
  /** The pool as catalog readers see it: every query in a span. */
  private readonly tracedReader: Reader;

  constructor(
    readonly flavor: Flavor,
    private readonly pool: Pool,
    server: RunnerServer,
    private readonly hooks: EngineHooks = {},
  ) {
    this.secrets = [server.password];
    this.tls = server.tls === undefined ? undefined : tlsContext(server.host, server.tls);
    this.target = { system: flavor, host: server.host, port: server.port };
    // The catalog readers pass statement text and values only; the cast restores mysql2's generic overloads.
    const query = (sql: string, values?: QueryValues) =>
      inSqlSpan(this.target, sql, () => this.pool.query(sql, values));
    this.tracedReader = { query: query as Reader['query'] };
  }

  /** Runs one write statement. `passwords` are redacted from any error besides the admin's. */
  async exec(
    sql: string,
    doing: string,
    signal?: AbortSignal,
    passwords: readonly string[] = [],
  ): Promise<void> {
    signal?.throwIfAborted();
    this.hooks.onWrite?.(redact(sql, [...this.secrets, ...passwords]));
    try {
      await inSqlSpan(this.target, sql, () => this.pool.query(sql));
    } catch (err) {
      throw toEngineError(err, doing, [...this.secrets, ...passwords], this.tls);
    }
  }

  /**
   * Runs one write statement with bound values (the ownership ledger's names and records, which are not
   * secrets). onWrite sees the values in place, as the server runs it.
   */
  async write(statement: Statement, doing: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.hooks.onWrite?.(redact(format(statement.sql, statement.values), this.secrets));
    try {
      await inSqlSpan(this.target, statement.sql, () => this.pool.query(statement.sql, statement.values));
    } catch (err) {
      throw toEngineError(err, doing, this.secrets, this.tls);
    }
  }

  /** Runs catalog reads. */
  async read<T>(doing: string, signal: AbortSignal | undefined, fn: (db: Reader) => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    try {
      return await fn(this.tracedReader);
    } catch (err) {
      throw toEngineError(err, doing, this.secrets, this.tls);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
