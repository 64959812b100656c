import type { EventStore, RecordedEvent } from '../platform/eventStore/eventStore.js';

/**
 * The last `count` events of a stream, oldest first, before version `before` (exclusive; the
 * stream's end when absent): two short reads rather than the whole stream, which grows with
 * every verification or export ever recorded.
 */
export async function readTail(
  store: EventStore,
  streamId: string,
  count: number,
  before?: number,
): Promise<{ version: number; from: number; events: RecordedEvent[] }> {
  // toVersion 0: no events, only the stream's current length.
  const { version } = await store.readStream(streamId, { toVersion: 0 });
  const to = Math.min(before === undefined ? version : before - 1, version);
  if (to < 1 || count < 1) return { version, from: 1, events: [] };
  const from = Math.max(1, to - count + 1);
  const { events } = await store.readStream(streamId, { fromVersion: from, toVersion: to });
  return { version, from, events };
}

/**
 * The newest event of a stream that `matches`, read backwards a page at a time, so a recent one
 * is found in one short read however long the stream is.
 */
export async function findFromTail(
  store: EventStore,
  streamId: string,
  matches: (event: RecordedEvent) => boolean,
  pageSize = 100,
): Promise<RecordedEvent | null> {
  let before: number | undefined;
  for (;;) {
    const { from, events } = await readTail(store, streamId, pageSize, before);
    for (let index = events.length - 1; index >= 0; index--) {
      if (matches(events[index]!)) return events[index]!;
    }
    if (from <= 1) return null;
    before = from;
  }
}
