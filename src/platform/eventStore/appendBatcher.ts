/**
 * Group commit for appends. At most `inFlight` calls to the database run at once; appends that
 * arrive meanwhile wait and leave together, in one transaction, when a call returns. A lone
 * writer never waits (its append goes out at once), and concurrent writers share round trips and
 * commits instead of queueing for connections.
 *
 * A batch that fails as a whole (a row of it broke a constraint another process raced for) is
 * sent again one append at a time, so each caller gets its own outcome and nobody else's error.
 */
export interface AppendBatcherOptions<Item, Outcome> {
  /** One append alone. */
  readonly one: (item: Item) => Promise<Outcome>;
  /** Several appends in one transaction: one outcome per item, in order. */
  readonly many: (items: readonly Item[]) => Promise<readonly Outcome[]>;
  readonly inFlight: number;
  readonly maxBatch: number;
}

interface Waiting<Item, Outcome> {
  readonly item: Item;
  readonly resolve: (outcome: Outcome) => void;
  readonly reject: (error: unknown) => void;
}

export function appendBatcher<Item, Outcome>(
  options: AppendBatcherOptions<Item, Outcome>,
): (item: Item) => Promise<Outcome> {
  const queue: Waiting<Item, Outcome>[] = [];
  let running = 0;

  const alone = (waiting: Waiting<Item, Outcome>) =>
    options.one(waiting.item).then(waiting.resolve, waiting.reject);

  async function send(batch: Waiting<Item, Outcome>[]): Promise<void> {
    if (batch.length === 1) return alone(batch[0]!);
    let outcomes: readonly Outcome[];
    try {
      outcomes = await options.many(batch.map((waiting) => waiting.item));
      if (outcomes.length !== batch.length) throw new Error('A batch answered for other appends');
    } catch {
      for (const waiting of batch) await alone(waiting);
      return;
    }
    batch.forEach((waiting, index) => waiting.resolve(outcomes[index]!));
  }

  function pump(): void {
    while (running < options.inFlight && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      running++;
      void send(batch).finally(() => {
        running--;
        pump();
      });
    }
  }

  return (item) =>
    new Promise<Outcome>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      pump();
    });
}
