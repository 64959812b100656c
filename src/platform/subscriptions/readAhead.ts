import type { GlobalPosition } from '../eventStore/eventStore.js';

/**
 * The batches `read` gives from `from` to the log's end, each next one read while the caller
 * works on this one: a replay is read-bound. A read that fails is thrown where it is taken.
 */
export async function* readAhead<Batch extends { count: number; last: GlobalPosition }>(
  read: (after: GlobalPosition) => Promise<Batch>,
  from: GlobalPosition,
): AsyncGenerator<Batch> {
  let next = read(from);
  for (;;) {
    const batch = await next;
    if (batch.count === 0) return;
    next = read(batch.last);
    next.catch(() => undefined); // awaited on the next turn; marked handled if the caller stops
    yield batch;
  }
}
