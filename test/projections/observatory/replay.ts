import type { EventStore, GlobalPosition } from '../../../src/eventStore/eventStore.js';
import { comparePositions } from '../../../src/eventStore/globalPosition.js';

/**
 * Appends like the store does, remembering how far it wrote, and waits before a rebuild until
 * the global read reaches that far. On a PostgreSQL server shared with other tests, a transaction
 * open in another database holds the snapshot horizon back, and a rebuild started at once could
 * stop short of the events just written.
 */
export function recordingStore(store: EventStore) {
  let last: GlobalPosition | null = null;
  return {
    async append(...args: Parameters<EventStore['appendToStream']>) {
      const result = await store.appendToStream(...args);
      if (!last || comparePositions(result.position, last) > 0) last = result.position;
      return result;
    },
    async untilReadable(timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (last) {
        const head = await store.headPosition();
        if (head && comparePositions(head, last) >= 0) return;
        if (Date.now() > deadline) throw new Error('The log did not become readable in time');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}
