// Connections of one engine: one pg.Pool for the administrative database and small pools for work inside
// other databases (extensions, schemas, object grants), all under one budget of `maxConnections` open
// connections. A connection takes a slot from the budget before it opens and gives it back when it ends;
// when the budget is spent, an idle connection is closed to make room, and connections finishing while
// others wait are closed too, so slots go round in arrival order across all databases.
import pg from 'pg';
import { InvalidNameError, UnsupportedError, type ConnectionSettings } from '../engine.ts';
import { tlsContext, type TlsContext } from '../tls.ts';
import { BatchedRead } from './batched-read.ts';
import { explainConnectFailure } from './errors.ts';
import { tlsOptions } from './tls.ts';
import { traceQueries } from './traced-query.ts';

/** Idle connections to the admin database are kept between reconciles; others close soon after use. */
const adminIdleMs = 30_000;
const databaseIdleMs = 1_000;

/** A counting semaphore of open connections. */
export class ConnectionBudget {
  private free: number;
  private readonly waiters: (() => void)[] = [];

  constructor(
    readonly max: number,
    /** Asked to close one idle connection when a slot is wanted and none is free. */
    private readonly evictIdle: () => void,
  ) {
    this.free = max;
  }

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    const wait = new Promise<void>((resolve) => this.waiters.push(resolve));
    this.evictIdle();
    return wait;
  }

  release(): void {
    const next = this.waiters.shift();
    if (next === undefined) this.free += 1;
    else next();
  }

  /** Whether a connection is waiting for a slot. */
  get contended(): boolean {
    return this.waiters.length > 0;
  }
}

/**
 * A pg.Client class whose connections hold a slot of `budget` while open. The connect timeout is the
 * client's own, so it bounds opening a connection only, never the wait for a slot: under load many reconciles
 * queue for a few connections, and that wait is not a failure of the server.
 */
function budgetedClient(budget: ConnectionBudget, connectTimeoutMs: number): typeof pg.Client {
  class BudgetedClient extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      // pg-pool hides the password as a non-enumerable property, so the options are extended, not copied.
      const own = typeof config === 'object' ? (Object.create(config) as pg.ClientConfig) : undefined;
      if (own) own.connectionTimeoutMillis = connectTimeoutMs;
      super(own ?? config);
    }

    override connect(): Promise<pg.Client>;
    override connect(callback: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): void;
    override connect(
      callback?: ((err: Error) => void) | ((err: null, c: pg.Client) => void),
    ): Promise<pg.Client> | undefined {
      const opened = budget.acquire().then(async () => {
        let held = true;
        const release = () => {
          if (held) budget.release();
          held = false;
        };
        this.once('end', release);
        try {
          await super.connect();
        } catch (err) {
          release();
          throw err;
        }
        return this;
      });
      if (callback === undefined) return opened;
      const done = callback as (err: Error | null, c?: pg.Client) => void;
      opened.then(
        (client) => {
          done(null, client);
        },
        (err: unknown) => {
          done(err instanceof Error ? err : new Error(String(err)));
        },
      );
      return undefined;
    }
  }
  traceQueries(BudgetedClient);
  return BudgetedClient;
}

export class Connections {
  readonly budget: ConnectionBudget;
  private readonly admin: pg.Pool;
  private readonly others = new Map<string, pg.Pool>();
  private readonly batches = new Map<string, BatchedRead<unknown>>();
  readonly adminDatabase: string;
  /** What a failed connect may say about TLS. */
  private readonly tls: TlsContext;

  constructor(private readonly settings: ConnectionSettings) {
    this.adminDatabase = settings.database ?? 'postgres';
    this.tls = tlsContext(settings.host, settings.tls);
    this.budget = new ConnectionBudget(Math.max(1, settings.maxConnections), () => {
      this.evictIdle();
    });
    this.admin = this.newPool(this.adminDatabase, adminIdleMs);
  }

  private newPool(database: string, idleTimeoutMillis: number): pg.Pool {
    const s = this.settings;
    const config: pg.PoolConfig = {
      host: s.host,
      port: s.port,
      user: s.user,
      password: s.password,
      database,
      ssl: tlsOptions(s),
      max: this.budget.max,
      idleTimeoutMillis,
      // No pool-level timeout: pg-pool would count the queue wait for a free connection against it.
      connectionTimeoutMillis: 0,
      application_name: s.applicationName ?? 'provider-dbops',
      // Inside a tenant's database, its owner decides the database's search_path (ALTER DATABASE … SET), and
      // a view or function named like a catalog would run as the admin login at our next catalog read. A
      // setting the client sends wins over the database's: only the system catalogs are looked up by name.
      options: '-c search_path=pg_catalog,pg_temp',
      Client: budgetedClient(this.budget, s.connectTimeoutMs),
    };
    if (s.statementTimeoutMs !== undefined) config.statement_timeout = s.statementTimeoutMs;
    const pool = new pg.Pool(config);
    // A broken idle connection is removed by the pool; the error must not crash the process.
    pool.on('error', () => undefined);
    return pool;
  }

  /** The pool for `database`; other databases' pools are dropped once their last connection closes. */
  private poolFor(database: string | undefined): pg.Pool {
    if (database === undefined || database === this.adminDatabase) return this.admin;
    let pool = this.others.get(database);
    if (pool === undefined) {
      const created = this.newPool(database, databaseIdleMs);
      created.on('remove', () => {
        if (created.totalCount === 0 && created.waitingCount === 0 && this.others.get(database) === created) {
          this.others.delete(database);
          void created.end();
        }
      });
      this.others.set(database, created);
      pool = created;
    }
    return pool;
  }

  /** Closes one idle connection, preferring other databases' pools to the admin pool. */
  private evictIdle(): void {
    const victim = [...this.others.values(), this.admin].find((p) => p.idleCount > 0);
    // Checking out an idle connection and releasing it with an error makes its pool close it.
    victim?.connect().then(
      (client) => {
        client.release(true);
      },
      () => undefined,
    );
  }

  /** Runs `work` on one connection to `database` (the admin database when undefined). */
  async with<T>(database: string | undefined, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    // A connection that failed in TLS says what failed, with the mode, the host and where the CAs come from.
    const client = await this.poolFor(database)
      .connect()
      .catch((err: unknown) => {
        throw explainConnectFailure(err, this.tls);
      });
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (err) {
      // A connection-level failure (not an SQL error or a refusal before any statement) must not go back.
      const expected =
        err instanceof pg.DatabaseError || err instanceof InvalidNameError || err instanceof UnsupportedError;
      if (!expected && err instanceof Error) broken = err;
      throw err;
    } finally {
      // Under contention a finished connection is closed rather than kept idle, so that its slot goes to the
      // longest waiter, whichever database it wants, instead of back to this pool's own queue.
      client.release(broken ?? this.budget.contended);
    }
  }

  /**
   * `name`'s row from a read in the admin database that answers many names in one statement: reads of the same
   * `kind` made while one waits for a connection share it (batched-read.ts).
   */
  readBatched<R>(
    kind: string,
    name: string,
    readMany: (client: pg.PoolClient, names: string[]) => Promise<ReadonlyMap<string, R>>,
  ): Promise<R | undefined> {
    let batch = this.batches.get(kind) as BatchedRead<R> | undefined;
    if (batch === undefined) {
      batch = new BatchedRead<R>((take) => this.with(undefined, (client) => readMany(client, take())));
      this.batches.set(kind, batch);
    }
    return batch.read(name);
  }

  /** Ends the pool of `database`, e.g. before dropping it, so that our own idle sessions do not hold it. */
  async closeDatabase(database: string): Promise<void> {
    const pool = this.others.get(database);
    this.others.delete(database);
    await pool?.end();
  }

  async close(): Promise<void> {
    const pools = [this.admin, ...this.others.values()];
    this.others.clear();
    await Promise.all(pools.map((p) => p.end()));
  }
}
