// Catalog reads of one row per name, coalesced: a read joins the batch that is still waiting for a connection,
// so while many reconciles queue for the pool (a burst of new objects, a restart), one statement answers all of
// them instead of one statement each. A batch takes its names when it has its connection and sends them at
// once; a read made after that waits for the next batch, so every read sees the catalog as of after it was
// asked for (a confirming read after a create sees the create).

/** Sends one batch: `take()` closes it and returns its names, once the batch has its connection. */
export type SendBatch<R> = (take: () => string[]) => Promise<ReadonlyMap<string, R>>;

interface Batch<R> {
  names: Set<string>;
  rows: Promise<ReadonlyMap<string, R>>;
}

export class BatchedRead<R> {
  private open: Batch<R> | undefined;

  constructor(
    private readonly send: SendBatch<R>,
    /** Names per statement at most, so that one statement's time stays short. */
    private readonly maxNames = 200,
  ) {}

  /** The row for `name`, or undefined when the catalog has none. */
  async read(name: string): Promise<R | undefined> {
    const open = this.open;
    const batch = open !== undefined && open.names.size < this.maxNames ? open : this.start();
    batch.names.add(name);
    return (await batch.rows).get(name);
  }

  private start(): Batch<R> {
    const names = new Set<string>();
    const take = (): string[] => {
      if (this.open?.names === names) this.open = undefined;
      return [...names];
    };
    // Sent from a later microtask, so that the read starting the batch is in it whatever `send` does at once.
    const batch = { names, rows: Promise.resolve().then(() => this.send(take)) };
    this.open = batch;
    // A batch that failed before it took its names (no connection: a server restarting, a refused login) must
    // not stay open, or every later read would join it and get its old error forever.
    const close = () => {
      if (this.open === batch) this.open = undefined;
    };
    batch.rows.then(close, close);
    return batch;
  }
}
