// Runs statements through the pool with the engine's error handling: the abort signal is honoured between
// statements (mysql2 cannot cancel one in flight) and every driver error is redacted before it leaves.
import type { Pool } from 'mysql2/promise';
import type { Reader } from './catalog.ts';
import { redact, toEngineError } from './errors.ts';
import type { Flavor } from './flavor.ts';

/** Optional observers of what the engine does. */
export interface EngineHooks {
  /** Called before each write statement, with every password redacted (tests count writes; a debug log may show them). */
  onWrite?: (statement: string) => void;
}

export class Runner {
  constructor(
    readonly flavor: Flavor,
    private readonly pool: Pool,
    /** Always redacted: the admin password. */
    private readonly secrets: readonly string[],
    private readonly hooks: EngineHooks = {},
  ) {}

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
      await this.pool.query(sql);
    } catch (err) {
      throw toEngineError(err, doing, [...this.secrets, ...passwords]);
    }
  }

  /** Runs catalog reads. */
  async read<T>(doing: string, signal: AbortSignal | undefined, fn: (db: Reader) => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    try {
      return await fn(this.pool);
    } catch (err) {
      throw toEngineError(err, doing, this.secrets);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
